"""Survey instruments, campaigns, responses and the rollups the reports read.

Raw answers are kept per response as JSON keyed by *answer key* (``SQ01.E``, ``OVERALL``…), for
drill-down and psychometrics. Reports read :class:`Rollup`: count, sum and sum of squares per
measure × campaign × site × service × channel × month, kept up to date in the same transaction as
every write (see ``measures.py`` for the measure keys and ``actions.py`` for the writers).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sqms.core.models import Service, Site, code_validator
from sqms.core.scoping import ORG_EDITORS, SITE_EDITORS, RestrictedManager
from sqms.surveys.choices import (
    CampaignStatus,
    InstrumentKind,
    QuestionKind,
    QuestionRole,
    ResponseChannel,
)


def pick(zh: str, en: str) -> str:
    """The text in the active language, falling back to the other one."""
    if (get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


class Instrument(models.Model):
    """A questionnaire. Editing one that has responses creates a new version (``previous``)."""

    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("code", "version", "kind", "name_zh", "name_en", "intro_zh", "intro_en")

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version")
        ]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("surveys:instrument_detail", args=[self.pk])

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en) or self.code

    @property
    def intro(self) -> str:
        return pick(self.intro_zh, self.intro_en)


class Section(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"), default=0)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)


class Question(models.Model):
    """One question. ``ratings`` lists the parts of a multi-rating row, e.g. ``["E", "P"]``;
    answers are stored under ``CODE.PART`` for those and under ``CODE`` otherwise."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    role = models.CharField(
        _("measures"), max_length=20, choices=QuestionRole.choices, default=QuestionRole.ITEM
    )
    text_zh = models.TextField(_("text (Chinese)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    dimension = models.CharField(_("dimension"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=True)
    scale_min = models.IntegerField(_("lowest value"), null=True, blank=True)
    scale_max = models.IntegerField(_("highest value"), null=True, blank=True)
    # [{"value": 1, "zh": "非常不同意", "en": "Strongly disagree"}, ...] — end labels or choices
    options = models.JSONField(_("options"), default=list, blank=True)
    ratings = models.JSONField(_("ratings"), default=list, blank=True)  # e.g. ["E", "P"]
    # {"question": "Q3", "in": [1, 2]} — show only when that answer is one of the values
    show_if = models.JSONField(_("show if"), default=dict, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "code"], name="question_code_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:instrument_detail", args=[self.instrument_id])

    @property
    def text(self) -> str:
        return pick(self.text_zh, self.text_en)

    def answer_keys(self) -> list[str]:
        if self.ratings:
            return [f"{self.code}.{part}" for part in self.ratings]
        return [self.code]


class Campaign(models.Model):
    """An instrument published for chosen sites, services and dates."""

    name = models.CharField(_("name"), max_length=200)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="campaigns")
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    sites = models.ManyToManyField(
        Site, through="CampaignSite", related_name="campaigns", verbose_name=_("sites")
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="campaigns", verbose_name=_("services")
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "sites"
    scope_many = True
    scope_editors = ORG_EDITORS
    audit_fields = ("name", "instrument", "status", "sites", "services", "opens_on", "closes_on")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:campaign_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED

    def is_accepting(self, today: dt.date | None = None) -> bool:
        day = today or timezone.localdate()
        if self.status != CampaignStatus.OPEN:
            return False
        if self.opens_on and day < self.opens_on:
            return False
        return not (self.closes_on and day > self.closes_on)


def new_slug() -> str:
    return secrets.token_urlsafe(9)


class CampaignSite(models.Model):
    """A site taking part in a campaign, with its public link slug and optional quota."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="campaign_sites")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="campaign_sites")
    slug = models.CharField(max_length=20, unique=True, default=new_slug)
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)
    response_count = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()
    scope_site_path = "site"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "site"], name="campaign_site_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.site}"

    @property
    def is_full(self) -> bool:
        return self.quota is not None and self.response_count >= self.quota


class SubmissionToken(models.Model):
    """A one-time token handed out with each public form; a second POST with it stores nothing."""

    token = models.CharField(max_length=64, unique=True)
    campaign_site = models.ForeignKey(CampaignSite, on_delete=models.CASCADE, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    response = models.ForeignKey(
        "Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.token[:8]}… ({'used' if self.used_at else 'open'})"


class ImportBatch(models.Model):
    """One imported file; the same file (by SHA-256) is imported once per campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    tool = models.CharField(_("tool"), max_length=30)
    encoding = models.CharField(_("encoding"), max_length=30, blank=True)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    rejects_csv = models.TextField(blank=True)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = RestrictedManager()
    scope_site_path = "campaign__sites"
    scope_many = True
    scope_editors = SITE_EDITORS

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sha256"], name="import_file_once")
        ]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("surveys:import_detail", args=[self.pk])


class MappingPreset(models.Model):
    """A saved column → question mapping, reusable by name on later imports."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    instrument_code = models.CharField(_("instrument"), max_length=40)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_editors = SITE_EDITORS  # organisation-wide: no site path

    def __str__(self) -> str:
        return self.name


class Response(models.Model):
    # no index of its own: the (campaign, site, submitted_at) index and the unique (campaign,
    # external_id) one both start with it
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="survey_responses")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ResponseChannel.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    external_id = models.CharField(_("external id"), max_length=100, null=True, blank=True)  # noqa: DJ001 — NULL = none, unique per campaign
    answers = models.JSONField(_("answers"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = SITE_EDITORS

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "external_id"], name="response_external_id_once"
            )
        ]
        indexes = [models.Index(fields=["campaign", "site", "submitted_at"])]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"#{self.pk} {self.site.code} {self.submitted_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:response_detail", args=[self.pk])


class Rollup(models.Model):
    """n, Σx and Σx² of one measure for one campaign × site × service × channel × month.

    ``service_key`` is the service id or 0 for responses without a service (a plain integer so
    the unique key has no NULLs on either database).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    service_key = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=10, choices=ResponseChannel.choices)
    period = models.DateField()  # first day of the month, in the site's time zone
    measure = models.CharField(max_length=80)
    n = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0.0)
    total_sq = models.FloatField(default=0.0)

    objects = RestrictedManager()
    scope_site_path = "site"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "site", "service_key", "channel", "period", "measure"],
                name="rollup_key",
            )
        ]
        # Covering index: report queries filter on measure (and site, period) and sum n, Σx, Σx²,
        # so they read the index alone (about 4× faster for a chain-wide report at 1M responses).
        indexes = [
            models.Index(
                fields=[
                    "measure",
                    "site",
                    "period",
                    "campaign",
                    "service_key",
                    "channel",
                    "n",
                    "total",
                    "total_sq",
                ],
                name="rollup_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.site_id} {self.period}: n={self.n}"
