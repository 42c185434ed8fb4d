"""Read side of the executive dashboard: for one unit in the reader's scope and one period,
the operational counts (``dashboard_counts``), each active KPI's value against its target, the
last 12 periods (sparkline) judged against the frozen control limits, the open alerts, the
objectives' statuses and one KPI's league table of sites. Query count is bounded: values and
limits of every KPI come in one query each, whatever the number of KPIs and sites."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from sqms.kpis import periods as P
from sqms.kpis.actions.common import Unit
from sqms.kpis.charting import ChartError, Point, judge
from sqms.kpis.choices import AlertStatus, Level
from sqms.kpis.dashboard_counts import OperationalCounts, counts
from sqms.kpis.league import LeagueRow, league
from sqms.kpis.models import Alert, ControlLimits, Kpi, KpiValue, Objective
from sqms.kpis.objective_status import Judgement
from sqms.kpis.objectives import status_of

SPARK_POINTS = 12
MAX_ALERTS = 20
MAX_OBJECTIVES = 10

NO_LIMITS, IN_CONTROL, SIGNAL, NO_DATA = "no_limits", "in_control", "signal", "no_data"


def last_complete_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return P.shift(today.replace(day=1), "month", -1)


def period_for(kpi: Kpi, month: dt.date) -> dt.date:
    """The KPI's period that holds the last day of ``month`` (a monthly KPI: the month)."""
    last_day = P.shift(month, "month", 1) - dt.timedelta(days=1)
    return P.period_start(last_day, kpi.period)


def sparkline(values: list[float], width: int = 120, height: int = 28) -> str:
    """SVG polyline points for ``values`` (pure; empty for fewer than 2 values)."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = width / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}"
        for i, v in enumerate(values)
    )


@dataclass(frozen=True)
class KpiTile:
    kpi: Kpi
    period: dt.date
    period_label: str
    value: float | None
    previous: float | None
    meets_target: bool | None
    control: str
    rules: list[int]
    spark: list[float]
    spark_points: str

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class ObjectiveLine:
    objective: Objective
    judgement: Judgement


@dataclass(frozen=True)
class Dashboard:
    unit: Unit
    month: dt.date
    tiles: list[KpiTile]
    alerts: list[Alert]
    open_alerts: int
    objectives: list[ObjectiveLine]
    objective_count: int
    league_kpi: Kpi | None
    league_period: dt.date | None
    league: list[LeagueRow]
    counts: OperationalCounts


def _control(kpi: Kpi, pts: list[Point], lim: ControlLimits | None) -> tuple[str, list[int]]:
    if not pts:
        return NO_DATA, []
    if lim is None:
        return NO_LIMITS, []
    judged_pts = [p for p in pts if p.period >= lim.baseline_from]
    if not judged_pts or judged_pts[-1].period != pts[-1].period:
        return NO_LIMITS, []
    try:
        j = judge(
            lim.chart,
            judged_pts,
            kpi.rate_base,
            center=lim.center,
            sigma=lim.sigma,
            rules=lim.rules,
        )
    except ChartError:
        return NO_LIMITS, []
    rules = j.rules_at(len(judged_pts) - 1)
    return (SIGNAL if rules else IN_CONTROL), rules


def tiles(kpis: list[Kpi], unit: Unit, month: dt.date) -> list[KpiTile]:
    if not kpis:
        return []
    ends = {k.pk: period_for(k, month) for k in kpis}
    starts = {k.pk: P.shift(ends[k.pk], k.period, -(SPARK_POINTS - 1)) for k in kpis}
    by_kpi: dict[int, list[Point]] = {k.pk: [] for k in kpis}
    rows = KpiValue.objects.filter(
        unit_key=unit.key,
        kpi_id__in=list(ends),
        period__gte=min(starts.values()),
        period__lte=max(ends.values()),
    ).order_by("period")
    for kpi_id, period, value, n, num in rows.values_list(
        "kpi_id", "period", "value", "n", "numerator"
    ):
        if starts[kpi_id] <= period <= ends[kpi_id]:
            by_kpi[kpi_id].append(Point(period, value, n, num))
    limits = {
        lim.kpi_id: lim
        for lim in ControlLimits.objects.filter(
            unit_key=unit.key, is_current=True, kpi_id__in=list(ends)
        )
    }
    out = []
    for k in kpis:
        pts = by_kpi[k.pk]
        end = ends[k.pk]
        latest = pts[-1] if pts and pts[-1].period == end else None
        prev_period = P.shift(end, k.period, -1)
        previous = next((p.value for p in pts if p.period == prev_period), None)
        control, rules = _control(k, pts, limits.get(k.pk)) if latest else (NO_DATA, [])
        values = [p.value for p in pts]
        out.append(
            KpiTile(
                kpi=k,
                period=end,
                period_label=P.label(end, k.period),
                value=latest.value if latest else None,
                previous=previous,
                meets_target=k.meets_target(latest.value) if latest else None,
                control=control,
                rules=rules,
                spark=values,
                spark_points=sparkline(values),
            )
        )
    return out


def build(
    user: Any,
    unit: Unit,
    month: dt.date | None = None,
    league_kpi_id: int | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    month = month or last_complete_month(today)
    kpis = list(Kpi.objects.restrict(user).filter(is_active=True).order_by("code"))
    alerts_qs = Alert.objects.restrict(user).filter(status=AlertStatus.OPEN)
    alerts = list(alerts_qs.select_related("kpi", "site", "region")[:MAX_ALERTS])
    open_alerts = len(alerts) if len(alerts) < MAX_ALERTS else alerts_qs.count()
    objectives_qs = Objective.objects.restrict(user).select_related("kpi", "site", "region")
    objectives = list(objectives_qs[:MAX_OBJECTIVES])
    objective_count = len(objectives) if len(objectives) < MAX_OBJECTIVES else objectives_qs.count()
    lines = [ObjectiveLine(o, status_of(o, today)) for o in objectives]
    league_kpi = next((k for k in kpis if k.pk == league_kpi_id), kpis[0] if kpis else None)
    league_period = period_for(league_kpi, month) if league_kpi else None
    rows = (
        league(league_kpi, user, league_period, Level.SITE) if league_kpi and league_period else []
    )
    return Dashboard(
        unit=unit,
        month=month,
        tiles=tiles(kpis, unit, month),
        alerts=alerts,
        open_alerts=open_alerts,
        objectives=lines,
        objective_count=objective_count,
        league_kpi=league_kpi,
        league_period=league_period,
        league=rows,
        counts=counts(user, unit, today),
    )
