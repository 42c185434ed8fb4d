"""Pages of the inspections app under /inspections/. Each area keeps its URL list beside its
views (``views/<area>.py``); this module joins them in one namespace."""

from django.urls import URLPattern, URLResolver

from sqms.inspections.reports import urls as results_reports
from sqms.inspections.views import audits as audit_views
from sqms.inspections.views import calendar as calendar_views
from sqms.inspections.views import checklists, inspections, perform
from sqms.inspections.views import consequences as results_consequences
from sqms.inspections.views import disputes as results_disputes
from sqms.inspections.views import programmes as programme_views

app_name = "inspections"

urlpatterns: list[URLPattern | URLResolver] = [
    # programmes, calendar and internal audits (insp-programme)
    *programme_views.urlpatterns,
    *calendar_views.urlpatterns,
    *audit_views.urlpatterns,
    # results, disputes, rewards/penalties (inspections-results)
    *results_reports.urlpatterns,
    *results_disputes.urlpatterns,
    *results_consequences.urlpatterns,
    *checklists.urlpatterns,
    *perform.urlpatterns,
    *inspections.urlpatterns,
]
