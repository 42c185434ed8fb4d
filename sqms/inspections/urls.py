from django.urls import URLPattern, URLResolver

from sqms.inspections.views import audits as audit_views
from sqms.inspections.views import calendar as calendar_views
from sqms.inspections.views import programmes as programme_views

app_name = "inspections"

urlpatterns: list[URLPattern | URLResolver] = [
    # programmes, calendar and internal audits (insp-programme)
    *programme_views.urlpatterns,
    *calendar_views.urlpatterns,
    *audit_views.urlpatterns,
]
