from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "sqms.inspections"
    verbose_name = _("Inspections and audits")
    default_auto_field = "django.db.models.BigAutoField"
