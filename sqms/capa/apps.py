from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapaConfig(AppConfig):
    name = "sqms.capa"
    verbose_name = _("Nonconformities and CAPA")
    default_auto_field = "django.db.models.BigAutoField"
