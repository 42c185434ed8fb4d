from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "sqms.jobs"
    label = "jobs"
    verbose_name = _("Scheduled jobs and notifications")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from sqms.jobs import tasks  # noqa: F401  (registers the huey tasks)

        # every app's periodic jobs: <app>/periodic.py with @periodic(...) functions
        autodiscover_modules("periodic")
