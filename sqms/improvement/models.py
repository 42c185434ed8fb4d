"""Improvement work per site. Capacity planning: a site's arrival profile by hour of the week
(with the handling time and service-level target the plan is computed for) and the staff
rostered by hour of the week. Weeks are 168 values, index ``weekday * 24 + hour`` with
Monday = 0, in the site's time zone."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sqms.core.models import Site
from sqms.core.scoping import SITE_EDITORS, RestrictedManager

HOURS_PER_WEEK = 168


def _week(value: Any, *, whole: bool) -> None:
    if not isinstance(value, list) or len(value) != HOURS_PER_WEEK:
        raise ValidationError(_("A week has 168 hourly values (7 days × 24 hours)."))
    for i, v in enumerate(value):
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
        if ok and whole:
            ok = float(v).is_integer()
        if not ok:
            raise ValidationError(
                _("Day %(day)d, hour %(hour)d: %(value)r is not a number ≥ 0%(whole)s.")
                % {
                    "day": i // 24 + 1,
                    "hour": i % 24,
                    "value": v,
                    "whole": _(" (whole)") if whole else "",
                }
            )


def validate_arrivals(value: Any) -> None:
    _week(value, whole=False)


def validate_staff(value: Any) -> None:
    _week(value, whole=True)


def empty_week() -> list[float]:
    return [0.0] * HOURS_PER_WEEK


class ProfileSource(models.TextChoices):
    ENTERED = "entered", _("entered")
    IMPORTED = "imported", _("imported from a file")
    COMPLAINTS = "complaints", _("derived from complaints")
    SURVEYS = "surveys", _("derived from survey responses")


class ArrivalProfile(models.Model):
    """Arrivals per hour of the week at a site and what the plan is computed for."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="arrival_profile", verbose_name=_("site")
    )
    arrivals = models.JSONField(
        _("arrivals per hour"), default=empty_week, validators=[validate_arrivals]
    )
    source = models.CharField(
        _("source"), max_length=12, choices=ProfileSource.choices, default=ProfileSource.ENTERED
    )
    derived_from = models.DateField(_("derived from"), null=True, blank=True)
    derived_to = models.DateField(_("derived to"), null=True, blank=True)
    handling_time = models.PositiveIntegerField(
        _("average handling time (s)"),
        default=300,
        validators=[MinValueValidator(1), MaxValueValidator(86400)],
    )
    target_level = models.DecimalField(
        _("service-level target (%)"),
        max_digits=5,
        decimal_places=2,
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99.99)],
        help_text=_("Share of customers served within the target time."),
    )
    target_seconds = models.PositiveIntegerField(
        _("target time (s)"), default=300, validators=[MaxValueValidator(86400)]
    )
    shrinkage = models.DecimalField(
        _("shrinkage (%)"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_("Share of paid time not spent serving (breaks, training, absence)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = SITE_EDITORS
    audit_fields = (
        "site",
        "arrivals",
        "source",
        "derived_from",
        "derived_to",
        "handling_time",
        "target_level",
        "target_seconds",
        "shrinkage",
    )

    class Meta:
        ordering = ["site__code"]
        verbose_name = _("arrival profile")
        verbose_name_plural = _("arrival profiles")

    def __str__(self) -> str:
        return str(_("Arrival profile of %(site)s") % {"site": self.site.code})

    def get_absolute_url(self) -> str:
        return reverse("improvement:capacity_plan", args=[self.site_id])


class StaffRoster(models.Model):
    """Staff rostered (scheduled, before shrinkage) per hour of the week at a site."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="staff_roster", verbose_name=_("site")
    )
    staff = models.JSONField(_("staff per hour"), default=empty_week, validators=[validate_staff])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = SITE_EDITORS
    audit_fields = ("site", "staff")

    class Meta:
        ordering = ["site__code"]
        verbose_name = _("staff roster")
        verbose_name_plural = _("staff rosters")

    def __str__(self) -> str:
        return str(_("Staff roster of %(site)s") % {"site": self.site.code})

    def get_absolute_url(self) -> str:
        return reverse("improvement:capacity_plan", args=[self.site_id])


# PDCA improvement projects (branch pdca) ------------------------------------------------------
from django.conf import settings  # noqa: E402
from django.db.models import Q  # noqa: E402

from sqms.kpis.models import UnitScoped  # noqa: E402


class PdcaStage(models.TextChoices):
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    CHECK = "check", _("Check")
    ACT = "act", _("Act")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


PDCA_FINAL = frozenset({PdcaStage.CLOSED, PdcaStage.CANCELLED})


class PdcaTaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class PdcaDecision(models.TextChoices):
    STANDARDIZE = "standardize", _("Standardize (updated standard)")
    NEW_CYCLE = "new_cycle", _("Start another cycle")


class PdcaProject(UnitScoped):
    """A PDCA improvement project for a site, a region or the whole organization: the Plan
    (problem, baseline KPI and period, target, root cause, 5W1H), the Do tasks, the Check
    (the same KPI after, with a significance test) and the Act decision."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=PdcaStage.choices, default=PdcaStage.PLAN
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_cycles",
        verbose_name=_("previous cycle"),
    )
    # Plan
    problem = models.TextField(_("problem statement"), blank=True)
    kpi = models.ForeignKey(
        "kpis.Kpi",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pdca_projects",
        verbose_name=_("baseline KPI"),
    )
    baseline_from = models.DateField(_("baseline from"), null=True, blank=True)
    baseline_to = models.DateField(_("baseline to"), null=True, blank=True)
    target = models.FloatField(_("target value"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    nonconformity = models.ForeignKey(
        "capa.Nonconformity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pdca_projects",
        verbose_name=_("nonconformity"),
    )
    plan_what = models.TextField(_("what"), blank=True)
    plan_why = models.TextField(_("why"), blank=True)
    plan_where = models.TextField(_("where"), blank=True)
    plan_when = models.TextField(_("when"), blank=True)
    plan_who = models.TextField(_("who"), blank=True)
    plan_how = models.TextField(_("how"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Check
    after_from = models.DateField(_("after from"), null=True, blank=True)
    after_to = models.DateField(_("after to"), null=True, blank=True)
    check_result = models.JSONField(_("check result"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    # Act
    decision = models.CharField(
        _("Act decision"), max_length=12, choices=PdcaDecision.choices, blank=True
    )
    standard_version = models.ForeignKey(
        "standards.StandardVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pdca_projects",
        verbose_name=_("updated standard version"),
    )
    act_note = models.TextField(_("Act note"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedManager()
    scope_editors = SITE_EDITORS
    audit_fields = (
        "code",
        "title",
        "owner",
        "level",
        "site",
        "region",
        "stage",
        "cycle",
        "problem",
        "kpi",
        "baseline_from",
        "baseline_to",
        "target",
        "root_cause",
        "nonconformity",
        "plan_what",
        "plan_why",
        "plan_where",
        "plan_when",
        "plan_who",
        "plan_how",
        "due_date",
        "after_from",
        "after_to",
        "decision",
        "standard_version",
        "act_note",
        "cancel_reason",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PDCA project")
        verbose_name_plural = _("PDCA projects")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("improvement:pdca_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.stage in PDCA_FINAL


class PdcaTask(models.Model):
    """A task of the Do stage."""

    project = models.ForeignKey(PdcaProject, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=6, choices=PdcaTaskStatus.choices, default=PdcaTaskStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = RestrictedManager()
    scope_site_path = "project__site"
    scope_editors = SITE_EDITORS
    audit_fields = ("title", "owner", "due_date", "status", "done_on")

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("PDCA task")
        verbose_name_plural = _("PDCA tasks")

    def __str__(self) -> str:
        return f"{self.project.code}: {self.title[:60]}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    @property
    def site(self) -> Site | None:
        return self.project.site

    @staticmethod
    def scope_filter(site_ids: set[int], user: Any) -> Q:
        return Q(project__in=PdcaProject.objects.filter(UnitScoped.scope_filter(site_ids, user)))
