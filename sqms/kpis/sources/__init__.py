"""Computed KPI sources: each family module returns, per site and period, the additive
*parts* of a KPI (sums, counts, or the raw durations of a median), so a region's or the
organization's value pools its sites' parts (never a mean of means). ``finish`` turns parts
into (value, n, numerator).

A source is ``fetch(period, start, end) -> {(site_id, period_start): Parts}`` over the
periods from ``start`` (inclusive) to ``end`` (exclusive), read with SQL aggregates.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqms.kpis.choices import KpiSource, Nature, Period

Parts = dict[str, Any]  # float sums, or "values": list[float] for a median
Cells = dict[tuple[int, dt.date], Parts]
Fetch = Callable[[str, dt.date, dt.date], Cells]


@dataclass(frozen=True)
class Finished:
    value: float
    n: float | None
    numerator: float | None


def pool(parts: Iterable[Parts]) -> Parts:
    """Add parts: numbers are summed, lists concatenated."""
    out: Parts = {}
    for p in parts:
        for key, v in p.items():
            if isinstance(v, list):
                out.setdefault(key, []).extend(v)
            else:
                out[key] = out.get(key, 0.0) + v
    return out


def finish_mean(p: Parts) -> Finished | None:
    n = p.get("n", 0.0)
    return Finished(p["total"] / n, n, None) if n else None


def finish_share(p: Parts) -> Finished | None:
    n = p.get("n", 0.0)
    return Finished(p["hits"] / n, n, p["hits"]) if n else None


def finish_nps(p: Parts) -> Finished | None:
    n = p.get("n", 0.0)
    if not n:
        return None
    return Finished(100.0 * (p["promoters"] - p["detractors"]) / n, n, None)


def finish_count(p: Parts) -> Finished | None:
    return Finished(p.get("hits", 0.0), None, p.get("hits", 0.0))


def finish_median(p: Parts) -> Finished | None:
    values = p.get("values") or []
    return Finished(float(statistics.median(values)), float(len(values)), None) if values else None


@dataclass(frozen=True)
class ComputedSource:
    fetch: Fetch
    finish: Callable[[Parts], Finished | None]
    nature: str
    periods: tuple[str, ...] = (Period.DAY, Period.WEEK, Period.MONTH)


def finish_rate(base: int) -> Callable[[Parts], Finished | None]:
    def finish(p: Parts) -> Finished | None:
        exposure = p.get("exposure", 0.0)
        if not exposure:
            return None
        return Finished(base * p.get("hits", 0.0) / exposure, exposure, p.get("hits", 0.0))

    return finish


def source_for(key: str, rate_base: int = 1000) -> ComputedSource | None:
    """The computed source named ``key`` (a :class:`KpiSource` value), or None for entered."""
    from sqms.kpis.sources import complaints, inspections, surveys

    monthly = (Period.MONTH,)
    table: dict[str, ComputedSource] = {
        KpiSource.CSAT_MEAN: ComputedSource(
            surveys.csat_mean, finish_mean, Nature.MEASUREMENT, monthly
        ),
        KpiSource.CSAT_TOP: ComputedSource(
            surveys.csat_top, finish_share, Nature.PROPORTION, monthly
        ),
        KpiSource.NPS: ComputedSource(surveys.nps, finish_nps, Nature.MEASUREMENT, monthly),
        KpiSource.COMPLAINT_COUNT: ComputedSource(complaints.received, finish_count, Nature.COUNT),
        KpiSource.COMPLAINT_RATE: ComputedSource(
            complaints.rate, finish_rate(rate_base), Nature.RATE, monthly
        ),
        KpiSource.SLA: ComputedSource(complaints.sla_compliance, finish_share, Nature.PROPORTION),
        KpiSource.RESOLUTION: ComputedSource(
            complaints.resolution_hours, finish_median, Nature.MEASUREMENT
        ),
        KpiSource.INSPECTION_SCORE: ComputedSource(
            inspections.mean_score, finish_mean, Nature.MEASUREMENT
        ),
        KpiSource.CRITICAL_RATE: ComputedSource(
            inspections.critical_failures, finish_share, Nature.PROPORTION
        ),
    }
    return table.get(key)


def pool_entered(nature: str, rate_base: int, rows: Iterable[Finished]) -> Finished | None:
    """A region's or the organization's value from its sites' entered values: proportions
    and rates pool numerators over n, counts add up, measurements take the n-weighted mean
    (the plain mean where n is missing)."""
    rows = list(rows)
    if not rows:
        return None
    if nature in (Nature.PROPORTION, Nature.RATE):
        pairs = [(r.numerator, r.n) for r in rows if r.numerator is not None and r.n]
        if len(pairs) != len(rows):
            return None
        num = sum(a for a, _ in pairs if a is not None)
        den = sum(b for _, b in pairs if b is not None)
        k = rate_base if nature == Nature.RATE else 1
        return Finished(k * num / den, den, num)
    if nature == Nature.COUNT:
        total = sum(r.value for r in rows)
        return Finished(total, None, total)
    if all(r.n for r in rows):
        n = sum(r.n or 0.0 for r in rows)
        return Finished(sum(r.value * (r.n or 0.0) for r in rows) / n, n, None)
    return Finished(sum(r.value for r in rows) / len(rows), None, None)
