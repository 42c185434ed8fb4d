"""Staff pages of the complaints app under /complaints/. Each area keeps its URL list beside
its views (``views/<area>.py``); this module joins them in one namespace."""

from sqms.complaints.views import reports, staff

app_name = "complaints"

urlpatterns = [*staff.urlpatterns, *reports.urlpatterns]
