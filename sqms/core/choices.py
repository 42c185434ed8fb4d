"""Statuses and kinds of the core app, as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    REGION_MANAGER = "region_manager", _("Region manager")
    SITE_MANAGER = "site_manager", _("Site manager")
    INSPECTOR = "inspector", _("Inspector")
    AGENT = "agent", _("Agent")
    VIEWER = "viewer", _("Viewer")


class SiteKind(models.TextChoices):
    STORE = "store", _("Store")
    BANK_BRANCH = "bank_branch", _("Bank branch")
    HOTEL = "hotel", _("Hotel")
    CALL_CENTRE = "call_centre", _("Call centre")
    CAMPUS = "campus", _("Campus")
    PROPERTY = "property", _("Property")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    SCHEDULER = "scheduler", _("Scheduler")
    PUBLIC = "public", _("Public form")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    CLOSE = "close", _("Closed")
