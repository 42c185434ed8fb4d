"""Period arithmetic of KPIs (pure): a period is named by its first day."""

from __future__ import annotations

import datetime as dt

from sqms.kpis.choices import Period


def period_start(day: dt.date, period: str) -> dt.date:
    if period == Period.DAY:
        return day
    if period == Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def shift(start: dt.date, period: str, k: int) -> dt.date:
    """The start of the period ``k`` periods after (negative: before) ``start``."""
    if period == Period.DAY:
        return start + dt.timedelta(days=k)
    if period == Period.WEEK:
        return start + dt.timedelta(weeks=k)
    months = start.year * 12 + start.month - 1 + k
    return dt.date(months // 12, months % 12 + 1, 1)


def recent(today: dt.date, period: str, back: int) -> list[dt.date]:
    """The current period and the ``back`` before it, oldest first."""
    current = period_start(today, period)
    return [shift(current, period, -k) for k in range(back, -1, -1)]


def label(start: dt.date, period: str) -> str:
    if period == Period.MONTH:
        return f"{start:%Y-%m}"
    if period == Period.WEEK:
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return start.isoformat()


def parse(text: str, period: str) -> dt.date | None:
    """``2026-03`` / ``2026-03-01`` (month), ``2026-W05`` or a date (week), a date (day)."""
    text = text.strip()
    try:
        if period == Period.WEEK and "W" in text.upper():
            year, week = text.upper().split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        if period == Period.MONTH and len(text) in (6, 7) and text[4] in "-/":
            return dt.date(int(text[:4]), int(text[5:]), 1)
        day = dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None
    return period_start(day, period)


def between(a: dt.date, b: dt.date, period: str) -> int:
    """How many periods from the one starting ``a`` to the one holding ``b`` (negative when
    ``b`` is earlier)."""
    a, b = period_start(a, period), period_start(b, period)
    if period == Period.DAY:
        return (b - a).days
    if period == Period.WEEK:
        return (b - a).days // 7
    return (b.year - a.year) * 12 + b.month - a.month
