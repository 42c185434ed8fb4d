"""KPIs under statistical process control: definitions, values per site / region /
organization and period, frozen phase-I control limits, signals (alerts) and chart events.

A value, a set of limits and an alert belong to one *unit*: a site, a region or the whole
organization (``level`` + ``site`` / ``region``; ``unit_key`` is ``site:<id>``,
``region:<id>`` or ``org`` so unique keys have no NULLs on either database). A user sees a
site's rows when the site is in scope, a region's rows only when every site of the region is
(a region manager's own region), and the organization's only with every site in scope.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sqms.core.models import Region, Site, code_validator
from sqms.core.scoping import ORG_EDITORS, SITE_EDITORS, RestrictedManager
from sqms.kpis.choices import (
    AlertStatus,
    ChartKind,
    Direction,
    KpiSource,
    Level,
    Nature,
    ObjectiveStatus,
    Period,
    SpcConstants,
    ValueOrigin,
)


def unit_key(level: str, site_id: int | None = None, region_id: int | None = None) -> str:
    if level == Level.SITE:
        return f"site:{site_id}"
    if level == Level.REGION:
        return f"region:{region_id}"
    return "org"


def whole_regions(site_ids: set[int]) -> models.QuerySet[Region]:
    """Regions all of whose sites are in ``site_ids`` (and that have at least one)."""
    outside = Site.objects.exclude(id__in=site_ids).values("region_id")
    return Region.objects.filter(sites__id__in=site_ids).exclude(id__in=outside).distinct()


class UnitScoped(models.Model):
    """The unit (site, region or organization) a row belongs to, and the scope rule."""

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    unit_key = models.CharField(max_length=40, editable=False)

    scope_site_path = "site"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.unit_key = unit_key(self.level, self.site_id, self.region_id)
        super().save(*args, **kwargs)

    @staticmethod
    def scope_filter(site_ids: set[int], user: Any) -> Q:
        return Q(level=Level.SITE, site_id__in=site_ids) | Q(
            level=Level.REGION, region_id__in=whole_regions(site_ids).values("id")
        )

    @property
    def unit_label(self) -> str:
        if self.level == Level.SITE and self.site is not None:
            return f"{self.site.code} {self.site.name}"
        if self.level == Level.REGION and self.region is not None:
            return f"{self.region.code} {self.region.name}"
        return str(_("Organization"))


class Kpi(models.Model):
    """A KPI definition (organisation-wide; quality managers change it)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    target = models.FloatField(_("target"), null=True, blank=True)
    tolerance = models.FloatField(
        _("tolerance"),
        null=True,
        blank=True,
        help_text=_("How far on the wrong side of the target a value may be and still pass."),
    )
    period = models.CharField(
        _("period"), max_length=10, choices=Period.choices, default=Period.MONTH
    )
    nature = models.CharField(
        _("nature"), max_length=12, choices=Nature.choices, default=Nature.MEASUREMENT
    )
    rate_base = models.PositiveIntegerField(
        _("rate per"), default=1000, help_text=_("N of a rate per N (e.g. per 1,000 transactions).")
    )
    source = models.CharField(_("source"), max_length=40, choices=KpiSource.choices)
    chart = models.CharField(
        _("chart"), max_length=8, choices=ChartKind.choices, default=ChartKind.AUTO
    )
    constants = models.CharField(
        _("chart constants"),
        max_length=10,
        choices=SpcConstants.choices,
        default=SpcConstants.EXACT,
        help_text=_("Used when limits are frozen; tabulated reproduces printed examples."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = (
        "code",
        "name",
        "name_en",
        "unit",
        "direction",
        "target",
        "tolerance",
        "period",
        "nature",
        "rate_base",
        "source",
        "chart",
        "constants",
        "is_active",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("kpis:detail", args=[self.pk])

    @property
    def is_computed(self) -> bool:
        return self.source != KpiSource.ENTERED

    @property
    def chart_kind(self) -> str:
        """The control chart this KPI is drawn on."""
        if self.chart != ChartKind.AUTO:
            return str(self.chart)
        kinds: dict[str, str] = {"proportion": "p", "count": "c", "rate": "u"}
        return kinds.get(str(self.nature), "imr")

    def meets_target(self, value: float | None) -> bool | None:
        if value is None or self.target is None:
            return None
        slack = self.tolerance or 0.0
        if self.direction == Direction.HIGHER:
            return value >= self.target - slack
        return value <= self.target + slack


class KpiValue(UnitScoped):
    """The value of one KPI for one unit and period (``period`` is the period's first day)."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="values", verbose_name=_("KPI")
    )
    period = models.DateField(_("period"))
    value = models.FloatField(_("value"))
    n = models.FloatField(
        _("n"), null=True, blank=True, help_text=_("Sample size, denominator or exposure.")
    )
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    origin = models.CharField(_("source"), max_length=10, choices=ValueOrigin.choices)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()
    scope_editors = SITE_EDITORS
    audit_fields = ("kpi", "level", "site", "region", "period", "value", "n", "numerator", "origin")

    class Meta:
        ordering = ["kpi__code", "unit_key", "period"]
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "unit_key", "period"], name="kpi_value_unique")
        ]
        indexes = [models.Index(fields=["kpi", "level", "period"], name="kpi_value_level")]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.unit_key} {self.period}: {self.value:g}"

    def get_absolute_url(self) -> str:
        return reverse("kpis:values")


class ControlLimits(UnitScoped):
    """Phase-I limits frozen by a quality manager for one KPI × unit. Refreezing adds a row
    and retires the previous one (``is_current``), so the history stays."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="limits", verbose_name=_("KPI")
    )
    chart = models.CharField(_("chart"), max_length=8, choices=ChartKind.choices)
    baseline_from = models.DateField(_("baseline from"))
    baseline_to = models.DateField(_("baseline to"))
    points = models.PositiveIntegerField(_("baseline points"))
    center = models.FloatField(_("centre line"))
    sigma = models.FloatField(
        _("sigma"), null=True, blank=True, help_text=_("Of an individual value (I-MR, EWMA).")
    )
    rules = models.JSONField(_("run rules"), default=list)
    constants = models.CharField(
        _("chart constants"),
        max_length=10,
        choices=SpcConstants.choices,
        default=SpcConstants.EXACT,
    )
    frozen_at = models.DateTimeField(_("frozen"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_current = models.BooleanField(_("current"), default=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = (
        "kpi",
        "level",
        "site",
        "region",
        "chart",
        "constants",
        "baseline_from",
        "baseline_to",
        "center",
        "sigma",
        "rules",
        "is_current",
    )

    class Meta:
        ordering = ["-frozen_at", "-id"]
        verbose_name = _("control limits")
        verbose_name_plural = _("control limits")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "unit_key"],
                condition=Q(is_current=True),
                name="kpi_limits_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.unit_key} {self.baseline_from}–{self.baseline_to}"

    def get_absolute_url(self) -> str:
        return chart_url(self.kpi_id, self.level, self.site_id, self.region_id)


def chart_url(kpi_id: int, level: str, site_id: int | None, region_id: int | None) -> str:
    url = reverse("kpis:chart", args=[kpi_id]) + f"?level={level}"
    if site_id:
        url += f"&site={site_id}"
    if region_id:
        url += f"&region={region_id}"
    return url


class Alert(UnitScoped):
    """A point of a KPI's chart that breaks a run rule against the frozen limits."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("KPI")
    )
    limits = models.ForeignKey(ControlLimits, on_delete=models.CASCADE, related_name="alerts")
    period = models.DateField(_("period"))
    rule = models.PositiveSmallIntegerField(_("rule"))
    value = models.FloatField(_("value"))
    status = models.CharField(
        _("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    created_at = models.DateTimeField(_("raised"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    nonconformity_ref = models.CharField(_("nonconformity"), max_length=100, blank=True)

    objects = RestrictedManager()
    scope_editors = SITE_EDITORS
    audit_fields = ("status", "note", "nonconformity_ref", "acknowledged_at")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("KPI alert")
        verbose_name_plural = _("KPI alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "unit_key", "period", "rule"], name="kpi_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.unit_key} {self.period} rule {self.rule}"

    def get_absolute_url(self) -> str:
        return reverse("kpis:alert", args=[self.pk])


class ChartEvent(models.Model):
    """An annotation shown on charts ("CAPA closed", "standard changed", "training held"),
    for every KPI or one, for every unit or one site."""

    date = models.DateField(_("date"))
    text = models.CharField(_("text"), max_length=200)
    kpi = models.ForeignKey(
        Kpi,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("KPI"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_allows_no_site = True
    scope_editors = ORG_EDITORS
    audit_fields = ("date", "text", "kpi", "site")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("chart event")
        verbose_name_plural = _("chart events")

    def __str__(self) -> str:
        return f"{self.date} {self.text}"

    def get_absolute_url(self) -> str:
        return reverse("kpis:events")


class Objective(UnitScoped):
    """A quality objective (ISO 9001 §6.2): a KPI's target by a deadline for one unit, owned
    by someone, cascading from the organization to regions to sites (``parent``)."""

    title = models.CharField(_("title"), max_length=200)
    kpi = models.ForeignKey(
        Kpi, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("KPI")
    )
    target = models.FloatField(_("target"))
    deadline = models.DateField(_("deadline"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cascades from"),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = (
        "title",
        "kpi",
        "level",
        "site",
        "region",
        "target",
        "deadline",
        "owner",
        "parent",
    )

    class Meta:
        ordering = ["deadline", "title"]
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kpis:objective", args=[self.pk])


class ObjectiveReview(models.Model):
    """A scheduled review of an objective: the status judged on the day, and the next date."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    status = models.CharField(_("status"), max_length=10, choices=ObjectiveStatus.choices)
    value = models.FloatField(_("value"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()
    scope_site_path = "objective__site"
    scope_editors = SITE_EDITORS
    audit_fields = ("reviewed_on", "status", "value", "note", "next_review")

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("objective review")
        verbose_name_plural = _("objective reviews")

    def __str__(self) -> str:
        return f"{self.objective} {self.reviewed_on}"

    def get_absolute_url(self) -> str:
        return self.objective.get_absolute_url()

    @staticmethod
    def scope_filter(site_ids: set[int], user: Any) -> Q:
        return Q(objective__in=Objective.objects.filter(UnitScoped.scope_filter(site_ids, user)))
