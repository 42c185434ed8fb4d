"""The read side other apps use: stored calendars as pure ``WorkCalendar`` objects.

    from sqms.calendars.lookup import calendar_for_site
    cal = calendar_for_site(site)          # the site's calendar, the default, or 24×7
    due = add_business_time(cal, opened_at, timedelta(hours=8))

A calendar with a holiday source (China) answers only for the years whose holidays are loaded
(``HolidayYear``): asking about another year's day raises :class:`UncoveredYearError`, a
``CalendarError`` naming the year and the package version, instead of counting the year's
holidays as working days. Built calendars are cached per process by (pk, updated_at); every
action that changes a calendar or its days moves ``updated_at``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqms.analytics.calendars import CalendarError, WorkCalendar, parse_hours
from sqms.calendars import holidays_cn
from sqms.calendars.choices import DayKind, HolidaySource
from sqms.calendars.models import BusinessCalendar, CalendarDay, SiteCalendar
from sqms.core.models import Site

__all__ = [
    "StoredWorkCalendar",
    "UncoveredYearError",
    "calendar_for_site",
    "clear_cache",
    "default_calendar",
    "stored_calendar_for_site",
    "uncovered_years",
    "work_calendar",
]

CACHE_SIZE = 128
_cache: OrderedDict[tuple[int, datetime | None], StoredWorkCalendar] = OrderedDict()
_lock = threading.Lock()


class UncoveredYearError(CalendarError):
    """A day of a year whose holidays the calendar does not have."""


@dataclass(frozen=True)
class StoredWorkCalendar(WorkCalendar):
    """A ``WorkCalendar`` built from a stored calendar; ``covered_years`` (when not None) are the
    only years it answers for."""

    code: str = ""
    covered_years: frozenset[int] | None = None

    def day_hours(self, d: date) -> tuple[tuple[int, int], ...]:
        if self.covered_years is not None and d.year not in self.covered_years:
            lo, hi = holidays_cn.covered_range()
            raise UncoveredYearError(
                f"calendar {self.code}: the holidays of {d.year} are not loaded "
                f"({holidays_cn.PACKAGE} {holidays_cn.VERSION} covers {lo}–{hi}; load the "
                "year or import it from iCal)"
            )
        return super().day_hours(d)


def _needs_years(cal: BusinessCalendar) -> bool:
    return not cal.always_open and cal.holiday_source != HolidaySource.NONE


def _loaded_years(cal: BusinessCalendar) -> frozenset[int]:
    return frozenset(cal.holiday_years.values_list("year", flat=True))


def uncovered_years(cal: BusinessCalendar, years: Iterable[int]) -> list[int]:
    """The years among ``years`` the calendar cannot answer for (sorted; [] when it has no
    holiday source or is open 24×7)."""
    if not _needs_years(cal):
        return []
    loaded = _loaded_years(cal)
    return sorted({y for y in years if y not in loaded})


def _build(cal: BusinessCalendar) -> StoredWorkCalendar:
    if cal.always_open:
        return StoredWorkCalendar(tz=cal.time_zone, weekly=((),) * 7, open_24x7=True, code=cal.code)
    holidays: set[date] = set()
    working: dict[date, int] = {}
    for d, kind, follows in CalendarDay.objects.filter(calendar=cal).values_list(
        "date", "kind", "follows_weekday"
    ):
        if kind == DayKind.HOLIDAY:
            holidays.add(d)
        else:
            working[d] = follows
    return StoredWorkCalendar(
        tz=cal.time_zone,
        weekly=tuple(parse_hours(h) for h in cal.weekly_hours()),
        holidays=frozenset(holidays),
        working_days=working,
        code=cal.code,
        covered_years=_loaded_years(cal) if _needs_years(cal) else None,
    )


def work_calendar(cal: BusinessCalendar) -> StoredWorkCalendar:
    """The pure calendar of a stored one (its weekly hours, days and covered years)."""
    key = (cal.pk, cal.updated_at)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    built = _build(cal)
    with _lock:
        _cache[key] = built
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def default_calendar() -> BusinessCalendar | None:
    return BusinessCalendar.objects.filter(is_default=True).first()


def stored_calendar_for_site(site: Site) -> BusinessCalendar | None:
    """The stored calendar a site works by: its own, else the default (None if neither)."""
    link = SiteCalendar.objects.select_related("calendar").filter(site_id=site.pk).first()
    return link.calendar if link is not None else default_calendar()


def calendar_for_site(site: Site) -> WorkCalendar:
    """The site's working time: its calendar, else the default one, else 24×7 in the site's
    time zone."""
    cal = stored_calendar_for_site(site)
    if cal is None:
        return WorkCalendar.always_open(site.time_zone)
    return work_calendar(cal)
