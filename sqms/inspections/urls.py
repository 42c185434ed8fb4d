from django.urls import URLPattern, URLResolver

from sqms.inspections.reports import urls as results_reports

app_name = "inspections"

urlpatterns: list[URLPattern | URLResolver] = [*results_reports.urlpatterns]
