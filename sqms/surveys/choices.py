"""Kinds and statuses of the surveys app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentKind(models.TextChoices):
    SERVQUAL = "servqual", _("SERVQUAL (expectation and perception)")
    SERVPERF = "servperf", _("SERVPERF (perception only)")
    ZONE_OF_TOLERANCE = "zot", _("Zone of tolerance (adequate, desired, perceived)")
    CSAT = "csat", _("Customer satisfaction (CSAT)")
    NPS = "nps", _("Net Promoter Score (NPS)")
    GAP1_MANAGEMENT = "gap1", _("Gap model: management's view of expectations (gap 1)")
    GAP3_EMPLOYEE = "gap3", _("Gap model: employees on delivery against standards (gap 3)")
    CUSTOM = "custom", _("Custom")


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Rating scale (Likert)")
    SCALE_0_10 = "scale010", _("0–10 scale")
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")
    RATINGS = "ratings", _("Several ratings per statement (e.g. expectation and perception)")
    TEXT = "text", _("Free text")
    NUMBER = "number", _("Number")
    POINTS = "points", _("Allocate 100 points")


class QuestionRole(models.TextChoices):
    """What a question measures, so reports know which rollups to read."""

    ITEM = "item", _("Scale item")
    OVERALL = "overall", _("Overall satisfaction")
    CSAT = "csat", _("CSAT")
    NPS = "nps", _("Likelihood to recommend (NPS)")
    IMPORTANCE = "importance", _("Importance allocation")
    COMMENT = "comment", _("Comment")
    OTHER = "other", _("Other")


class Dimension(models.TextChoices):
    TANGIBLES = "tangibles", _("Tangibles")
    RELIABILITY = "reliability", _("Reliability")
    RESPONSIVENESS = "responsiveness", _("Responsiveness")
    ASSURANCE = "assurance", _("Assurance")
    EMPATHY = "empathy", _("Empathy")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ResponseChannel(models.TextChoices):
    PUBLIC = "public", _("Public form")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    STAFF = "staff", _("Entered by staff")
    DEMO = "demo", _("Demo data")


class OverQuota(models.TextChoices):
    """What an API batch or an import does with rows past a site's quota."""

    REFUSE = "refuse", _("Refuse the whole write")
    REPORT = "report", _("Store the rows that fit and report the others")
