"""§9.3 inputs from measurement: quality objectives' status and the KPIs' control charts with
the signals (alerts) of the period — through the KPI app's own read functions."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from sqms.kpis.actions.common import Unit
from sqms.kpis.choices import Direction, Level, ObjectiveStatus
from sqms.kpis.models import Alert, Kpi, Objective
from sqms.kpis.objective_status import MISSED, OFF_TRACK
from sqms.kpis.objectives import status_of
from sqms.kpis.series import chart_data
from sqms.reports.data import Chart, Metric, Section, Series
from sqms.reports.period import ReviewPeriod, ReviewScope

CHART_POINTS = 12


def unit_of(scope: ReviewScope) -> Unit:
    if scope.level == "site":
        return Unit(Level.SITE, site_id=scope.site_id)
    if scope.level == "region":
        return Unit(Level.REGION, region_id=scope.region_id)
    return Unit(Level.ORGANIZATION)


def _r(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(float(x), digits)


def objectives(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    qs = Objective.objects.restrict(user).select_related("kpi", "site", "region")
    if scope.level == "site":
        qs = qs.filter(level=Level.SITE, site_id__in=scope.site_ids)
    elif scope.level == "region":
        qs = qs.filter(
            Q(level=Level.REGION, region_id=scope.region_id)
            | Q(level=Level.SITE, site_id__in=scope.site_ids)
        )
    rows: list[list[Any]] = []
    behind = 0
    labels = dict(ObjectiveStatus.choices)
    for obj in qs.order_by("deadline", "title", "pk"):
        j = status_of(obj, today=p.end)
        behind += j.status in (OFF_TRACK, MISSED)
        rows.append(
            [
                obj.title,
                obj.unit_label,
                obj.kpi.code,
                obj.target,
                _r(j.latest),
                obj.deadline.isoformat(),
                str(labels.get(j.status, j.status)),
                j.reason,
            ]
        )
    return Section(
        "objectives",
        _("Quality objectives"),
        [
            _("Objective"),
            _("Unit"),
            _("KPI"),
            _("Target"),
            _("Latest value"),
            _("Deadline"),
            _("Status"),
            _("Reason"),
        ],
        rows,
        [Metric("objectives:behind", _("Objectives off track or missed"), behind, None, False)],
    )


def kpis(user: Any, scope: ReviewScope, p: ReviewPeriod) -> Section:
    unit = unit_of(scope)
    prev = p.previous()
    rows: list[list[Any]] = []
    metrics: list[Metric] = []
    charts: list[Chart] = []
    alerts = Alert.objects.restrict(user).filter(
        unit_key=unit.key, period__gte=p.first, period__lte=p.end
    )
    alert_count: dict[int, int] = {}
    for kpi_id in alerts.values_list("kpi_id", flat=True):
        alert_count[kpi_id] = alert_count.get(kpi_id, 0) + 1
    for kpi in Kpi.objects.filter(is_active=True).order_by("code"):
        data = chart_data(kpi, unit, user)
        shown = [r for r in data.rows() if r["date"] <= p.end.isoformat()]
        now = [r for r in shown if r["date"] >= p.first.isoformat()]
        before = [r for r in shown if prev.first.isoformat() <= r["date"] < p.first.isoformat()]
        if not now and not before:
            continue
        cur_v = _r(now[-1]["value"]) if now else None
        prev_v = _r(before[-1]["value"]) if before else None
        meets = kpi.meets_target(cur_v)
        signals = sum(1 for r in now if r["rules"])
        rows.append(
            [
                kpi.code,
                kpi.name,
                kpi.unit,
                kpi.target,
                cur_v,
                prev_v,
                "" if meets is None else (_("yes") if meets else _("no")),
                signals,
                alert_count.get(kpi.pk, 0),
            ]
        )
        higher = kpi.direction == Direction.HIGHER
        metrics.append(Metric(f"kpi:{kpi.code}", kpi.name, cur_v, prev_v, higher))
        tail = shown[-CHART_POINTS:]
        series = [Series(kpi.name, [r["value"] for r in tail], "line")]
        if any(r["center"] is not None for r in tail):
            for key, name in (("center", _("Centre line")), ("ucl", _("UCL")), ("lcl", _("LCL"))):
                series.append(Series(name, [r[key] for r in tail], "dash"))
        if kpi.target is not None:
            series.append(Series(_("Target"), [kpi.target] * len(tail), "dash"))
        charts.append(
            Chart(
                f"{kpi.code} {kpi.name}",
                [r["period"] for r in tail],
                series,
                flagged=[i for i, r in enumerate(tail) if r["rules"]],
            )
        )
    return Section(
        "kpis",
        _("KPIs and their control-chart signals"),
        [
            _("Code"),
            _("KPI"),
            _("Unit"),
            _("Target"),
            p.label,
            prev.label,
            _("Meets target"),
            _("Signals in the period"),
            _("Alerts in the period"),
        ],
        rows,
        metrics,
        charts,
    )
