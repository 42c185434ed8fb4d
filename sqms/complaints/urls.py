"""Staff pages of the complaints app under /complaints/. Each area keeps its URL list beside
its views (``views/<area>.py``); this module joins them in one namespace."""

from sqms.complaints.reports import recovery as recovery_report
from sqms.complaints.views import recovery, staff, volumes

app_name = "complaints"

urlpatterns = [
    *staff.urlpatterns,
    *recovery.urlpatterns,
    *volumes.urlpatterns,
    *recovery_report.urlpatterns,
]
