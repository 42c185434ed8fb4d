"""Staff pages of the complaints app under /complaints/. Each area keeps its URL list beside
its views (``views/<area>.py``); this module joins them in one namespace."""

from sqms.complaints.reports import recovery as recovery_report
from sqms.complaints.views import intake, recovery, reports, staff, volumes
from sqms.complaints.views import settings as settings_views

app_name = "complaints"

urlpatterns = [
    *staff.urlpatterns,
    *settings_views.urlpatterns,
    *intake.urlpatterns,
    *recovery.urlpatterns,
    *volumes.urlpatterns,
    *reports.urlpatterns,
    *recovery_report.urlpatterns,
]
