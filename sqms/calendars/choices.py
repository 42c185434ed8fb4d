"""Kinds of the calendars app, as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidaySource(models.TextChoices):
    NONE = "none", _("None (enter holidays by hand or from iCal)")
    CN = "cn", _("China: public holidays and adjusted working days (调休)")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKING_DAY = "working_day", _("Adjusted working day (调休)")


class YearSource(models.TextChoices):
    CN = "cn", _("chinese-calendar package")
    ICAL = "ical", _("iCal import")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
