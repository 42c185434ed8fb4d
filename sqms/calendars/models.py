"""Stored business calendars: weekly hours, holidays and adjusted working days (调休), and which
calendar each site works by. ``sqms.calendars.lookup`` turns them into the pure
``sqms.analytics.calendars.WorkCalendar`` that SLA clocks use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from sqms.analytics.calendars import CalendarError, WorkCalendar
from sqms.calendars.choices import DayKind, HolidaySource, Weekday, YearSource
from sqms.core.models import Site, code_validator, validate_time_zone
from sqms.core.scoping import ORG_EDITORS, RestrictedManager

WEEKDAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def validate_hours(value: str) -> None:
    """One day's hours in ``parse_hours`` syntax ("09:00-12:00,13:30-18:00"; "" = day off)."""
    try:
        WorkCalendar.from_hours("UTC", [value] * 7)
    except CalendarError as exc:
        raise ValidationError(str(exc)) from None


def _hours_field(label: StrOrPromise, default: str) -> models.CharField[str, str]:
    return models.CharField(
        label,
        max_length=200,
        blank=True,
        default=default,
        validators=[validate_hours],
        help_text=_('For example "09:00-12:00,13:30-18:00"; empty = day off.'),
    )


class BusinessCalendar(models.Model):
    """An organization-wide working-time calendar (quality managers edit it)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    mon = _hours_field(_("Monday"), "09:00-18:00")
    tue = _hours_field(_("Tuesday"), "09:00-18:00")
    wed = _hours_field(_("Wednesday"), "09:00-18:00")
    thu = _hours_field(_("Thursday"), "09:00-18:00")
    fri = _hours_field(_("Friday"), "09:00-18:00")
    sat = _hours_field(_("Saturday"), "")
    sun = _hours_field(_("Sunday"), "")
    always_open = models.BooleanField(
        _("open 24×7"), default=False, help_text=_("Every hour counts; holidays are ignored.")
    )
    holiday_source = models.CharField(
        _("holiday source"), max_length=10, choices=HolidaySource.choices, default="none"
    )
    is_default = models.BooleanField(
        _("default calendar"),
        default=False,
        help_text=_("Used by every site that has no calendar of its own."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields: tuple[str, ...] = ("code", "name", "time_zone", *WEEKDAY_FIELDS)
    audit_fields += ("always_open", "holiday_source", "is_default")

    class Meta:
        ordering = ["code"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="calendars_one_default",
                violation_error_message=_("Another calendar is already the default."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("calendars:detail", args=[self.pk])

    def weekly_hours(self) -> list[str]:
        """Monday … Sunday in ``parse_hours`` syntax."""
        return [getattr(self, f) for f in WEEKDAY_FIELDS]


class CalendarDay(models.Model):
    """An override of the weekly hours on one date: a holiday, or a worked day (调休)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    follows_weekday = models.PositiveSmallIntegerField(
        _("works like"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        validators=[MaxValueValidator(6)],
        help_text=_("An adjusted working day has the hours of this weekday."),
    )

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS
    audit_fields = ("calendar", "date", "kind", "name", "follows_weekday")

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendars_one_day_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("calendars:days", args=[self.calendar_id])


class HolidayYear(models.Model):
    """A year whose holidays are complete in a calendar (loaded from the package or an iCal
    file). A calendar with a holiday source refuses to answer for a year without one."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holiday_years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=10, choices=YearSource.choices)
    detail = models.CharField(_("detail"), max_length=100, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    objects = RestrictedManager()
    scope_editors = ORG_EDITORS

    class Meta:
        ordering = ["calendar", "year"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="calendars_one_year_row")
        ]

    def __str__(self) -> str:
        return f"{self.calendar.code} {self.year}"


class SiteCalendar(models.Model):
    """The calendar a site works by; a site without one uses the default calendar."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="calendar_link", verbose_name=_("site")
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="site_links",
        verbose_name=_("calendar"),
    )

    objects = RestrictedManager()
    scope_site_path = "site"
    scope_editors = ORG_EDITORS
    audit_fields = ("site", "calendar")

    class Meta:
        ordering = ["site__code"]
        verbose_name = _("site calendar")
        verbose_name_plural = _("site calendars")

    def __str__(self) -> str:
        return f"{self.site.code} → {self.calendar.code}"

    def get_absolute_url(self) -> str:
        return reverse("calendars:sites")


class SiteWithCalendar(Site):
    """A site on the site-calendars list: its row links to the assignment page."""

    class Meta:
        proxy = True
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def get_absolute_url(self) -> str:
        return reverse("calendars:site_assign", args=[self.pk])


class EditableDay(CalendarDay):
    """A day on the days list of someone who may change it: its row links to its edit page."""

    class Meta:
        proxy = True
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def get_absolute_url(self) -> str:
        return reverse("calendars:day_edit", args=[self.calendar_id, self.pk])
