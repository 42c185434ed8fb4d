"""Kinds and statuses of the standards app, as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardKind(models.TextChoices):
    STANDARD = "standard", _("Service standard")
    SOP = "sop", _("Standard operating procedure")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class LinkKind(models.TextChoices):
    CHECKLIST_ITEM = "checklist_item", _("Checklist item")
    SLA_POLICY = "sla_policy", _("SLA policy")
    CATEGORY = "category", _("Complaint category")


class EffectMetric(models.TextChoices):
    PASS_RATE = "pass_rate", _("Pass rate of the linked checklist items")
    COMPLAINTS = "complaints", _("Complaints in the linked category")
