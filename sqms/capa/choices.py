"""Stages, kinds and verdicts of nonconformities and corrective actions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SixM(models.TextChoices):
    """The fishbone's six categories (人机料法环测)."""

    PEOPLE = "people", _("People 人")
    MACHINE = "machine", _("Machine 机")
    MATERIAL = "material", _("Material 料")
    METHOD = "method", _("Method 法")
    ENVIRONMENT = "environment", _("Environment 环")
    MEASUREMENT = "measurement", _("Measurement 测")


class NcSeverity(models.TextChoices):
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


#: days from raising to the due date of an NC raised without one
DEFAULT_DUE_DAYS: dict[str, int] = {NcSeverity.MAJOR: 30, NcSeverity.MINOR: 60}


class Origin(models.TextChoices):
    INSPECTION_ITEM = "inspection_item", _("Inspection item")
    AUDIT_FINDING = "audit_finding", _("Audit finding")
    COMPLAINT = "complaint", _("Complaint")
    COMPLAINT_CLUSTER = "complaint_cluster", _("Complaint cluster")
    SURVEY_GAP = "survey_gap", _("Survey gap")
    KPI_ALARM = "kpi_alarm", _("KPI alarm")
    MANUAL = "manual", _("Raised by hand")


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANALYSIS = "analysis", _("Analysis")
    ACTION_PLAN = "action_plan", _("Action plan")
    IN_PROGRESS = "in_progress", _("In progress")
    VERIFICATION = "verification", _("Verification")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


#: stages of an NC that is still being worked
OPEN_STAGES = frozenset(
    {Stage.DRAFT, Stage.ANALYSIS, Stage.ACTION_PLAN, Stage.IN_PROGRESS, Stage.VERIFICATION}
)
#: stages in which nothing may change any more
FINAL_STAGES = frozenset({Stage.CLOSED, Stage.CANCELLED})


class ActionKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    CORRECTIVE = "corrective", _("Corrective action")
    PREVENTIVE = "preventive", _("Preventive action")
    IMPROVEMENT = "improvement", _("Improvement")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class MetricKind(models.TextChoices):
    ITEM_PASS_RATE = "item_pass_rate", _("Checklist item's pass rate in later inspections")
    COMPLAINT_RATE = "complaint_rate", _("Site's complaint rate for a category")
    SURVEY_GAP = "survey_gap", _("Survey dimension gap")
    MANUAL = "manual", _("Figures entered by hand (KPI)")


class Verdict(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")
    INCONCLUSIVE = "inconclusive", _("Not enough data")
