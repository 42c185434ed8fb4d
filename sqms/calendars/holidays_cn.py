"""China's public holidays and adjusted working days (调休) from the ``chinese-calendar`` package.

The package holds two dicts generated from the State Council's notices: ``holidays`` (every
rest day of a holiday period, weekends inside the period included, → the holiday's English
name) and ``workdays`` (weekend days that are worked, → the holiday they make up for). A year
outside ``min(holidays).year … max(holidays).year`` has no data: :func:`cn_days` raises for it
rather than treating it as a year of ordinary weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar

PACKAGE = "chinese-calendar"
VERSION: str = chinese_calendar.__version__
_CHINESE = {h.value: h.chinese for h in chinese_calendar.Holiday}


class UncoveredYearError(ValueError):
    """A year the package has no holiday data for."""

    def __init__(self, years: list[int]) -> None:
        self.years = years
        lo, hi = covered_range()
        names = ", ".join(str(y) for y in years)
        super().__init__(
            f"{PACKAGE} {VERSION} has no holiday data for {names} (it covers {lo}–{hi}); "
            "upgrade the package or enter that year's days by hand or from an iCal file"
        )


@dataclass(frozen=True)
class CnDay:
    date: date
    is_holiday: bool  # False: an adjusted working day (调休)
    name: str


def covered_range() -> tuple[int, int]:
    """First and last year the installed package has data for."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def covered_years() -> range:
    lo, hi = covered_range()
    return range(lo, hi + 1)


def cn_days(year: int) -> list[CnDay]:
    """Holidays and adjusted working days of ``year``, in date order."""
    if year not in covered_years():
        raise UncoveredYearError([year])
    out = [CnDay(d, True, _name(n)) for d, n in chinese_calendar.holidays.items() if d.year == year]
    out += [
        CnDay(d, False, _name(n)) for d, n in chinese_calendar.workdays.items() if d.year == year
    ]
    return sorted(out, key=lambda c: c.date)


def _name(english: str) -> str:
    chinese = _CHINESE.get(english)
    return f"{chinese} {english}" if chinese else english
