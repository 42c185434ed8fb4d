"""Kinds and statuses of checklists, inspections and audit findings, as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    SELF = "self", _("Self-inspection")
    SUPERVISOR = "supervisor", _("Supervisor visit")
    MYSTERY = "mystery", _("Mystery shopper")
    AUDIT = "audit", _("Internal audit")


class Scoring(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail / not applicable")
    SCALE = "scale", _("Score 0–5")
    NUMERIC = "numeric", _("Measured value with tolerance")


class CriticalRule(models.TextChoices):
    FAIL = "fail", _("A failed critical item fails the inspection")
    CAP = "cap", _("A failed critical item caps the score")


class PhotoRule(models.TextChoices):
    NONE = "none", _("No photo")
    OPTIONAL = "optional", _("Photo optional")
    REQUIRED = "required", _("Photo required")


class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    CANCELLED = "cancelled", _("Cancelled")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class FindingKind(models.TextChoices):
    MAJOR = "major", _("Major nonconformity")
    MINOR = "minor", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")
    OFI = "ofi", _("Opportunity for improvement")


class ConsequenceKind(models.TextChoices):
    REWARD = "reward", _("Reward")
    PENALTY = "penalty", _("Penalty")
