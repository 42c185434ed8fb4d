"""Kinds of the KPIs app, as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class Nature(models.TextChoices):
    PROPORTION = "proportion", _("Proportion (p chart)")
    COUNT = "count", _("Count (c chart)")
    RATE = "rate", _("Rate per N (u chart)")
    MEASUREMENT = "measurement", _("Measurement (I-MR chart)")


class SpcConstants(models.TextChoices):
    """Which control-chart constants (d2 …) phase-I limits use: computed exactly, or the
    3-decimal values printed in Montgomery's Appendix Table VI (to match a textbook, qcc or
    Minitab printout digit for digit); ``sqms.analytics.constants``."""

    EXACT = "exact", _("Exact (computed)")
    TABULATED = "tabulated", _("Tabulated (3 decimals, Montgomery Table VI)")


class ChartKind(models.TextChoices):
    AUTO = "auto", _("From the nature")
    P = "p", _("p chart")
    C = "c", _("c chart")
    U = "u", _("u chart")
    IMR = "imr", _("Individuals (I-MR)")
    EWMA = "ewma", _("EWMA")


class Level(models.TextChoices):
    SITE = "site", _("Site")
    REGION = "region", _("Region")
    ORGANIZATION = "organization", _("Organization")


class ValueOrigin(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    ENTERED = "entered", _("Entered")
    IMPORT = "import", _("Imported")
    API = "api", _("API")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    NONCONFORMITY = "nonconformity", _("Nonconformity raised")


class KpiSource(models.TextChoices):
    """Where a KPI's values come from: entered (by hand, import or API) or one of the
    computed sources in ``sqms.kpis.sources``."""

    ENTERED = "entered", _("Entered, imported or posted by API")
    CSAT_MEAN = "surveys.csat_mean", _("CSAT mean (surveys)")
    CSAT_TOP = "surveys.csat_top", _("CSAT top-2-box share (surveys)")
    NPS = "surveys.nps", _("Net Promoter Score (surveys)")
    COMPLAINT_COUNT = "complaints.count", _("Complaints received")
    COMPLAINT_RATE = "complaints.rate", _("Complaints per N transactions")
    SLA = "complaints.sla", _("SLA compliance of resolved complaints")
    RESOLUTION = "complaints.median_resolution", _("Median resolution time, hours")
    INSPECTION_SCORE = "inspections.score", _("Inspection mean score (%)")
    CRITICAL_RATE = "inspections.critical_rate", _("Critical-item failure rate")


class ObjectiveStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")
    MISSED = "missed", _("Missed")
    NO_DATA = "no_data", _("No data")
