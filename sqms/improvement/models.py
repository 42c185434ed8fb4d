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
