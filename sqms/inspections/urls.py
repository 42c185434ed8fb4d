from django.urls import URLPattern, URLResolver

from sqms.inspections.reports import urls as results_reports
from sqms.inspections.views import consequences as results_consequences
from sqms.inspections.views import disputes as results_disputes

app_name = "inspections"

urlpatterns: list[URLPattern | URLResolver] = [
    # results, disputes, rewards/penalties (inspections-results)
    *results_reports.urlpatterns,
    *results_disputes.urlpatterns,
    *results_consequences.urlpatterns,
]
