"""League tables (benchmarking): the sites or regions in the reader's scope ranked on one
KPI and period, best first by the KPI's direction, with the percentile, the movement since
the previous period and, where the KPI is statistical, a 95 % confidence interval (Wilson's
for a proportion, the exact Poisson interval for a rate; ``sqms.analytics.metrics``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqms.analytics.metrics import proportion_ci, rate_ci
from sqms.core.models import Region, Site
from sqms.kpis import periods as P
from sqms.kpis.choices import Direction, Level, Nature
from sqms.kpis.models import Kpi, KpiValue


@dataclass(frozen=True)
class LeagueRow:
    rank: int
    label: str
    unit_key: str
    value: float
    n: float | None
    lo: float | None
    hi: float | None
    percentile: float | None
    previous_rank: int | None

    @property
    def movement(self) -> int | None:
        """Places gained since the previous period (positive = up the table)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def _ranks(values: list[tuple[str, float]], direction: str) -> dict[str, int]:
    """Competition ranking ("1224"): ties share the best rank."""
    better_high = direction == Direction.HIGHER
    ordered = sorted(values, key=lambda kv: -kv[1] if better_high else kv[1])
    ranks: dict[str, int] = {}
    for i, (key, v) in enumerate(ordered):
        prev = ordered[i - 1] if i else None
        ranks[key] = ranks[prev[0]] if prev is not None and prev[1] == v else i + 1
    return ranks


def _ci(kpi: Kpi, v: KpiValue) -> tuple[float | None, float | None]:
    if v.n is None or v.numerator is None or v.n <= 0:
        return None, None
    if kpi.nature == Nature.PROPORTION:
        ci = proportion_ci(int(round(v.numerator)), int(round(v.n)))
        return ci.lo, ci.hi
    if kpi.nature == Nature.RATE:
        r = rate_ci(int(round(v.numerator)), v.n / kpi.rate_base)
        return r.lo, r.hi
    return None, None


def _labels(level: str) -> dict[str, str]:
    if level == Level.REGION:
        return {f"region:{r.pk}": f"{r.code} {r.name}" for r in Region.objects.all()}
    return {f"site:{s.pk}": f"{s.code} {s.name}" for s in Site.objects.all()}


def league(kpi: Kpi, user: Any, period: dt.date, level: str = Level.SITE) -> list[LeagueRow]:
    values = KpiValue.objects.restrict(user).filter(kpi=kpi, level=level)
    now = list(values.filter(period=period))
    before = list(values.filter(period=P.shift(period, kpi.period, -1)))
    ranks = _ranks([(v.unit_key, v.value) for v in now], kpi.direction)
    previous = _ranks([(v.unit_key, v.value) for v in before], kpi.direction)
    labels = _labels(level)
    count = len(now)
    rows = []
    for v in now:
        rank = ranks[v.unit_key]
        lo, hi = _ci(kpi, v)
        rows.append(
            LeagueRow(
                rank=rank,
                label=labels.get(v.unit_key, v.unit_key),
                unit_key=v.unit_key,
                value=v.value,
                n=v.n,
                lo=lo,
                hi=hi,
                percentile=100.0 * (count - rank) / (count - 1) if count > 1 else None,
                previous_rank=previous.get(v.unit_key),
            )
        )
    return sorted(rows, key=lambda r: (r.rank, r.label))


def latest_period(kpi: Kpi, user: Any, level: str) -> dt.date | None:
    qs = KpiValue.objects.restrict(user).filter(kpi=kpi, level=level)
    return qs.order_by("-period").values_list("period", flat=True).first()
