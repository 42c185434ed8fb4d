"""Read side of charts: a KPI × unit's points, the unit named by a request, the chart's
numbers (shared by the page, its exports and the API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from sqms.kpis import periods as P
from sqms.kpis.actions.common import Unit
from sqms.kpis.charting import ChartError, Judged, Point, judge
from sqms.kpis.models import ChartEvent, ControlLimits, Kpi, KpiValue


def points(kpi: Kpi, unit: Unit, *, since: dt.date | None = None) -> list[Point]:
    qs = KpiValue.objects.filter(kpi=kpi, unit_key=unit.key).order_by("period")
    if since is not None:
        qs = qs.filter(period__gte=since)
    return [Point(v.period, v.value, v.n, v.numerator) for v in qs]


def current_limits(kpi: Kpi, unit: Unit) -> ControlLimits | None:
    return ControlLimits.objects.filter(kpi=kpi, unit_key=unit.key, is_current=True).first()


@dataclass(frozen=True)
class ChartData:
    kpi: Kpi
    unit: Unit
    points: list[Point]
    limits: ControlLimits | None
    judged: Judged | None
    error: str
    events: list[ChartEvent]

    def rows(self) -> list[dict[str, Any]]:
        """One row per point: period, value, n, centre, limits, phase and the rules broken."""
        out = []
        lim = self.limits
        offset = len(self.points) - len(self.judged.points) if self.judged else 0
        for i, p in enumerate(self.points):
            row: dict[str, Any] = {
                "period": P.label(p.period, self.kpi.period),
                "date": p.period.isoformat(),
                "value": p.value,
                "n": p.n,
                "center": None,
                "lcl": None,
                "ucl": None,
                "phase": "",
                "rules": [],
            }
            j = i - offset
            if self.judged is not None and lim is not None and j >= 0:
                row.update(
                    center=self.judged.center[j],
                    lcl=self.judged.lcl[j],
                    ucl=self.judged.ucl[j],
                    phase="I" if p.period <= lim.baseline_to else "II",
                    rules=self.judged.rules_at(j),
                )
            out.append(row)
        return out


def chart_data(kpi: Kpi, unit: Unit, user: Any = None) -> ChartData:
    pts = points(kpi, unit)
    lim = current_limits(kpi, unit)
    judged, error = None, ""
    if lim is not None:
        judged_points = [p for p in pts if p.period >= lim.baseline_from]
        try:
            judged = judge(
                lim.chart,
                judged_points,
                kpi.rate_base,
                center=lim.center,
                sigma=lim.sigma,
                rules=lim.rules,
            )
        except ChartError as exc:
            error = str(exc)
    events_qs = ChartEvent.objects.filter(Q(kpi=kpi) | Q(kpi__isnull=True))
    if user is not None:
        events_qs = events_qs.filter(pk__in=ChartEvent.objects.restrict(user).values("pk"))
    if unit.site_id:
        events_qs = events_qs.filter(Q(site_id=unit.site_id) | Q(site__isnull=True))
    else:
        events_qs = events_qs.filter(site__isnull=True)
    if pts:
        events_qs = events_qs.filter(date__gte=pts[0].period)
    return ChartData(kpi, unit, pts, lim, judged, error, list(events_qs.order_by("date")))
