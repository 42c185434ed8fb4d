from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sqms.reports"
    label = "reports"
    verbose_name = "Reports"
