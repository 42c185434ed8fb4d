"""Pure planning arithmetic of inspection programmes (no Django): the periods a frequency yields
and the rotation of inspectors over sites.

Periods are calendar periods: ISO weeks (Monday to Sunday, so 2026-12-28 … 2027-01-03 is week
53 of 2026), calendar months, quarters (January, April, July, October) and years. A planned
inspection covers one period and is due on the period's last day.

Rotation: each site takes the programme's inspectors in turn (round-robin per site, each site
starting at a different inspector so one period's visits are spread), and the inspector who
visited a site last never visits it again next time when another inspector is available — a
mystery shopper the staff saw last quarter is not sent back.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

WEEKLY, MONTHLY, QUARTERLY, YEARLY = "weekly", "monthly", "quarterly", "yearly"
FREQUENCIES = (WEEKLY, MONTHLY, QUARTERLY, YEARLY)

T = TypeVar("T", bound=Hashable)


class PlanningError(ValueError):
    """A frequency or date range the planner cannot use (the message names the argument)."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def due(self) -> date:
        """A planned inspection is due on the period's last day."""
        return self.end


def _check(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise PlanningError(f"frequency: {frequency!r} is not one of {', '.join(FREQUENCIES)}")


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def period_of(frequency: str, day: date) -> Period:
    """The period of ``frequency`` that holds ``day``."""
    _check(frequency)
    if frequency == WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6))
    if frequency == MONTHLY:
        return Period(date(day.year, day.month, 1), _month_end(day.year, day.month))
    if frequency == QUARTERLY:
        first = 3 * ((day.month - 1) // 3) + 1
        return Period(date(day.year, first, 1), _month_end(day.year, first + 2))
    return Period(date(day.year, 1, 1), date(day.year, 12, 31))


def periods(frequency: str, first: date, last: date) -> list[Period]:
    """Every period of ``frequency`` that overlaps ``first`` … ``last`` (both included), in
    order; empty when ``last`` is before ``first``."""
    _check(frequency)
    out: list[Period] = []
    if last < first:
        return out
    period = period_of(frequency, first)
    while period.start <= last:
        out.append(period)
        period = period_of(frequency, period.end + timedelta(days=1))
    return out


def label(frequency: str, period: Period) -> str:
    """``2026-W53``, ``2026-12``, ``2026-Q4`` or ``2026``."""
    _check(frequency)
    start = period.start
    if frequency == WEEKLY:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == MONTHLY:
        return f"{start.year}-{start.month:02d}"
    if frequency == QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def next_inspector(inspectors: Sequence[T], previous: Sequence[T | None], offset: int = 0) -> T:
    """The inspector for a site's next visit, given the site's earlier visits (oldest first).

    Never the inspector of the last visit when another is available; otherwise the one who
    has not visited the site for the longest time (never visited first, in list order rotated by
    ``offset``, the site's position, so sites start at different inspectors)."""
    if not inspectors:
        raise PlanningError("inspectors: at least one is needed")
    n = len(inspectors)
    order = [inspectors[(offset + i) % n] for i in range(n)]
    last = previous[-1] if previous else None
    candidates = [p for p in order if p != last] or order
    recency: dict[T, int] = {}
    for position, who in enumerate(previous):
        if who is not None:
            recency[who] = position
    # never visited (-1) first; then the longest ago; ties keep the rotated list's order
    return min(candidates, key=lambda p: (recency.get(p, -1), order.index(p)))


def rotation(
    inspectors: Sequence[T], previous: Sequence[T | None], count: int, offset: int = 0
) -> list[T]:
    """The inspectors of a site's next ``count`` visits (see :func:`next_inspector`)."""
    history = list(previous)
    out: list[T] = []
    for _ in range(count):
        who = next_inspector(inspectors, history, offset)
        out.append(who)
        history.append(who)
    return out
