"""Survey pages: collection (instruments, campaigns, imports, responses) and reports."""

from sqms.surveys.urls_collect import urlpatterns as collect_urlpatterns
from sqms.surveys.urls_reports import urlpatterns as report_urlpatterns

app_name = "surveys"

urlpatterns = [*collect_urlpatterns, *report_urlpatterns]
