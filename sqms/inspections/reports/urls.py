"""The report pages under /inspections/reports/."""

from django.urls import URLPattern, path

from sqms.inspections.reports.league import report_league
from sqms.inspections.reports.overview import report_overview
from sqms.inspections.reports.pareto import report_pareto
from sqms.inspections.reports.selfcheck import report_self
from sqms.inspections.reports.trend import report_trend

urlpatterns: list[URLPattern] = [
    path("reports/", report_overview, name="report_overview"),
    path("reports/trend/", report_trend, name="report_trend"),
    path("reports/league/", report_league, name="report_league"),
    path("reports/pareto/", report_pareto, name="report_pareto"),
    path("reports/self-vs-supervisor/", report_self, name="report_self"),
]
