"""Business calendars and SLA clocks (pure: no Django).

A :class:`WorkCalendar` says when a site works: intervals of wall-clock minutes per weekday
(several per day; an interval may run past midnight, e.g. ``(22 * 60, 30 * 60)`` is a night shift
22:00-06:00 that belongs to the day it starts on), a time zone, holidays (days with no work at all)
and adjusted working days (调休: a weekend day that is worked, following the hours of a chosen
weekday, Monday by default).  ``WorkCalendar.always_open()`` is 24×7: it ignores holidays.

Wall-clock hours are turned into instants with :mod:`zoneinfo`, so a day on which the clocks change
has one hour more or less of work when the shift spans the change (America/New_York's 2025-03-09:
a 00:00-08:00 shift is 7 hours long).  A non-existent wall time (02:30 on a spring-forward day) is
read with the offset in force before the change, an ambiguous one (01:30 on a fall-back day) as
its first occurrence (``fold=0``), as :mod:`zoneinfo` does.

Functions take and return timezone-aware datetimes (any zone) and :class:`datetime.timedelta`:

* :func:`business_time_between` — working time in ``[start, end)``, minus paused intervals;
* :func:`add_business_time` — the instant at which a business duration from ``start`` is used up;
* :func:`clock_state` — an SLA clock (target, elapsed, remaining, warning share, breach, pauses).

Paused intervals are ``(start, end)`` pairs; ``end=None`` means "paused until now".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CalendarError",
    "ClockState",
    "Interval",
    "WorkCalendar",
    "add_business_time",
    "business_time_between",
    "clock_state",
    "parse_hours",
]

DAY_MINUTES = 24 * 60
#: how far :func:`add_business_time` looks for working time before giving up (days)
SEARCH_HORIZON_DAYS = 3 * 366

Interval = tuple[datetime, datetime | None]
_Span = tuple[float, float]  # epoch seconds [start, end)


class CalendarError(ValueError):
    """A calendar that cannot be built or used; the message names the field."""


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """Parse ``"09:00-12:00, 13:00-18:00"`` into minute intervals; an end at or before its start
    is on the next day (``"22:00-06:00"`` → ``((1320, 1800),)``); ``""`` is a day off.

    >>> parse_hours("09:00-12:00, 13:30-18:00")
    ((540, 720), (810, 1080))
    >>> parse_hours("22:00-06:00")
    ((1320, 1800),)
    >>> parse_hours("00:00-24:00")
    ((0, 1440),)
    """
    out: list[tuple[int, int]] = []
    for raw in text.replace(";", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        try:
            a, b = (s.strip() for s in part.split("-"))
            start, end = _hhmm(a), _hhmm(b)
        except ValueError:
            raise CalendarError(f"hours: {part!r} is not HH:MM-HH:MM") from None
        if start >= DAY_MINUTES:
            raise CalendarError(f"hours: {part!r} starts after 23:59")
        if end <= start:
            end += DAY_MINUTES
        out.append((start, end))
    return tuple(sorted(out))


def _hhmm(s: str) -> int:
    hh, mm = s.split(":")
    h, m = int(hh), int(mm)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(s)
    return h * 60 + m


@dataclass(frozen=True)
class WorkCalendar:
    """Working time of one site.  ``weekly[0]`` is Monday … ``weekly[6]`` Sunday."""

    tz: str
    weekly: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[date] = frozenset()
    #: adjusted working days (调休) → the weekday (0 = Monday) whose hours they follow
    working_days: Mapping[date, int] = field(default_factory=dict)
    open_24x7: bool = False
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _cache: dict[date, tuple[_Span, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "_zone", ZoneInfo(self.tz))
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"tz: unknown time zone {self.tz!r}") from None
        if self.open_24x7:
            return
        if len(self.weekly) != 7:
            raise CalendarError("weekly: give hours for each of the 7 weekdays (Monday first)")
        for wd, day in enumerate(self.weekly):
            prev_end = -1
            for start, end in day:
                if not (0 <= start < DAY_MINUTES and start < end <= start + DAY_MINUTES):
                    raise CalendarError(f"weekly[{wd}]: interval {start}-{end} minutes is invalid")
                if start < prev_end:
                    raise CalendarError(f"weekly[{wd}]: intervals overlap or are not sorted")
                prev_end = end
        for d, wd in self.working_days.items():
            if not 0 <= wd <= 6:
                raise CalendarError(f"working_days[{d}]: weekday {wd} is not 0-6")
            if d in self.holidays:
                raise CalendarError(f"working_days: {d} is also a holiday")

    @classmethod
    def always_open(cls, tz: str = "UTC") -> WorkCalendar:
        """24×7: every instant is working time, holidays included."""
        return cls(tz=tz, weekly=((),) * 7, open_24x7=True)

    @classmethod
    def from_hours(
        cls,
        tz: str,
        hours: Sequence[str],
        holidays: Iterable[date] = (),
        working_days: Iterable[date] | Mapping[date, int] = (),
    ) -> WorkCalendar:
        """Build from seven ``parse_hours`` strings; ``working_days`` as dates follow Monday."""
        if len(hours) != 7:
            raise CalendarError("weekly: give hours for each of the 7 weekdays (Monday first)")
        wd_map = (
            dict(working_days)
            if isinstance(working_days, Mapping)
            else dict.fromkeys(working_days, 0)
        )
        return cls(
            tz=tz,
            weekly=tuple(parse_hours(h) for h in hours),
            holidays=frozenset(holidays),
            working_days=wd_map,
        )

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def day_hours(self, d: date) -> tuple[tuple[int, int], ...]:
        """The minute intervals worked on local date ``d`` (holidays and 调休 applied)."""
        if d in self.holidays:
            return ()
        wd = self.working_days.get(d)
        return self.weekly[d.weekday() if wd is None else wd]

    def _day_spans(self, d: date) -> tuple[_Span, ...]:
        spans = self._cache.get(d)
        if spans is None:
            zone = self._zone
            out = []
            for start, end in self.day_hours(d):
                a = _wall(d, start, zone)
                b = _wall(d, end, zone)
                if b > a:
                    out.append((a, b))
            spans = tuple(out)
            self._cache[d] = spans
        return spans

    def _spans_from(self, t: float) -> Iterator[_Span]:
        """Merged working spans in time order, from the one containing or following ``t``."""
        d = datetime.fromtimestamp(t, self._zone).date() - timedelta(days=1)
        cur: _Span | None = None
        idle = 0
        while True:
            spans = self._day_spans(d)
            d += timedelta(days=1)
            if not spans:
                idle += 1
                if idle > SEARCH_HORIZON_DAYS:
                    if cur is not None:
                        yield cur
                    raise CalendarError(
                        f"no working time within {SEARCH_HORIZON_DAYS} days after "
                        f"{datetime.fromtimestamp(t, UTC).isoformat()}"
                    )
                continue
            idle = 0
            for a, b in spans:
                if b <= t:
                    continue
                if cur is None:
                    cur = (a, b)
                elif a <= cur[1]:
                    cur = (cur[0], max(cur[1], b))
                else:
                    yield cur
                    cur = (a, b)


def _wall(d: date, minutes: int, zone: ZoneInfo) -> float:
    day = d + timedelta(days=minutes // DAY_MINUTES)
    m = minutes % DAY_MINUTES
    return datetime(day.year, day.month, day.day, m // 60, m % 60, tzinfo=zone).timestamp()


def _ts(dt: datetime, name: str) -> float:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise CalendarError(f"{name}: a timezone-aware datetime is required")
    return dt.timestamp()


def _pauses(paused: Iterable[Interval], now: float | None) -> list[_Span]:
    """Sorted, merged pause spans; an open pause ends at ``now`` (or never, without ``now``)."""
    spans: list[_Span] = []
    for i, (a, b) in enumerate(paused):
        sa = _ts(a, f"paused[{i}].start")
        if b is None:
            sb = float("inf") if now is None else max(sa, now)
        else:
            sb = _ts(b, f"paused[{i}].end")
        if sb < sa:
            raise CalendarError(f"paused[{i}]: ends before it starts")
        if sb > sa:
            spans.append((sa, sb))
    spans.sort()
    merged: list[_Span] = []
    for x, y in spans:
        if merged and x <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], y))
        else:
            merged.append((x, y))
    return merged


def _free(a: float, b: float, pauses: list[_Span]) -> Iterator[_Span]:
    """Parts of ``[a, b)`` outside the pauses."""
    for pa, pb in pauses:
        if pb <= a:
            continue
        if pa >= b:
            break
        if pa > a:
            yield (a, pa)
        a = max(a, pb)
        if a >= b:
            return
    if a < b:
        yield (a, b)


def _between(cal: WorkCalendar, s: float, e: float, pauses: list[_Span]) -> float:
    if e <= s:
        return 0.0
    if cal.open_24x7:
        return sum(y - x for x, y in _free(s, e, pauses))
    total = 0.0
    for a, b in cal._spans_from(s):
        if a >= e:
            break
        for x, y in _free(max(a, s), min(b, e), pauses):
            total += y - x
    return total


def _add(cal: WorkCalendar, s: float, seconds: float, pauses: list[_Span]) -> float:
    left = seconds
    if cal.open_24x7:
        spans: Iterable[_Span] = ((s, float("inf")),)
    else:
        spans = cal._spans_from(s)
    for a, b in spans:
        for x, y in _free(max(a, s), b, pauses):
            if y - x >= left:
                return x + left
            left -= y - x
    raise CalendarError("no working time left outside the pauses")  # pragma: no cover


def business_time_between(
    cal: WorkCalendar, start: datetime, end: datetime, paused: Iterable[Interval] = ()
) -> timedelta:
    """Working time in ``[start, end)`` minus the paused intervals (0 when end <= start)."""
    s, e = _ts(start, "start"), _ts(end, "end")
    return timedelta(seconds=_between(cal, s, e, _pauses(paused, e)))


def add_business_time(
    cal: WorkCalendar, start: datetime, duration: timedelta, paused: Iterable[Interval] = ()
) -> datetime:
    """The first instant at which ``duration`` of working time since ``start`` has passed,
    skipping paused intervals (an open-ended pause never ends: use :func:`clock_state`).
    Returned in UTC.  A zero duration returns ``start`` itself."""
    if duration < timedelta(0):
        raise CalendarError("duration: must not be negative")
    s = _ts(start, "start")
    if not duration:
        return start.astimezone(UTC)
    t = _add(cal, s, duration.total_seconds(), _pauses(paused, None))
    return datetime.fromtimestamp(t, UTC)


@dataclass(frozen=True)
class ClockState:
    """One SLA clock at ``now``.  ``remaining`` is negative once overdue."""

    target: timedelta
    elapsed: timedelta
    remaining: timedelta
    due_at: datetime | None  # None while paused (the deadline moves) or once stopped
    warn_at: datetime | None
    warning: bool  # elapsed >= warning_share × target and not breached
    breached: bool  # elapsed >= target
    paused: bool
    stopped: bool
    pauses: tuple[Interval, ...]

    @property
    def share(self) -> float:
        """Elapsed share of the target (1.0 at the deadline)."""
        return self.elapsed / self.target if self.target else 1.0


def clock_state(
    cal: WorkCalendar,
    started_at: datetime,
    target: timedelta,
    now: datetime,
    paused: Sequence[Interval] = (),
    *,
    warning_share: float = 0.8,
    stopped_at: datetime | None = None,
) -> ClockState:
    """Evaluate an SLA clock that started at ``started_at`` with a business-time ``target``.

    ``stopped_at`` is when the clock was met (first response sent, complaint resolved); the
    clock is then read at that instant.  ``paused`` may end with an open pause ``(t, None)``.
    """
    if target <= timedelta(0):
        raise CalendarError("target: must be positive")
    if not 0.0 < warning_share <= 1.0:
        raise CalendarError("warning_share: must be in (0, 1]")
    s = _ts(started_at, "started_at")
    n = _ts(now, "now")
    stopped = stopped_at is not None
    end = min(n, _ts(stopped_at, "stopped_at")) if stopped_at is not None else n
    pauses = _pauses(paused, end)
    is_paused = not stopped and (
        any(a <= end < b for a, b in pauses)
        or any(b is None and _ts(a, "paused.start") <= end for a, b in paused)
    )
    elapsed_s = _between(cal, s, end, pauses)
    target_s = target.total_seconds()
    due_at = warn_at = None
    if not stopped and not is_paused:
        past = _pauses(paused, None)
        due_at = datetime.fromtimestamp(_add(cal, s, target_s, past), UTC)
        warn_at = datetime.fromtimestamp(_add(cal, s, target_s * warning_share, past), UTC)
    breached = elapsed_s >= target_s
    return ClockState(
        target=target,
        elapsed=timedelta(seconds=elapsed_s),
        remaining=timedelta(seconds=target_s - elapsed_s),
        due_at=due_at,
        warn_at=warn_at,
        warning=not breached and elapsed_s >= target_s * warning_share,
        breached=breached,
        paused=is_paused,
        stopped=stopped,
        pauses=tuple(paused),
    )
