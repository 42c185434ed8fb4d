"""Read side of quality objectives: an objective's KPI series and its judged status."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sqms.kpis import periods as P
from sqms.kpis.actions.common import Unit
from sqms.kpis.choices import Direction
from sqms.kpis.models import Alert, Objective
from sqms.kpis.objective_status import Judgement, judge_objective
from sqms.kpis.series import points


def unit_of(obj: Objective) -> Unit:
    return Unit(obj.level, site_id=obj.site_id, region_id=obj.region_id)


def status_of(obj: Objective, today: dt.date | None = None) -> Judgement:
    kpi = obj.kpi
    today = today or timezone.localdate()
    pts = [p for p in points(kpi, unit_of(obj)) if p.period <= today]
    higher = kpi.direction == Direction.HIGHER
    adverse = False
    if pts:
        latest = pts[-1]
        for alert in Alert.objects.filter(
            kpi=kpi, unit_key=unit_of(obj).key, period=latest.period
        ).select_related("limits"):
            center = alert.limits.center
            adverse = adverse or (alert.value < center if higher else alert.value > center)
        remaining = P.between(latest.period, obj.deadline, kpi.period)
        if obj.deadline < today:
            remaining = min(remaining, 0)
    else:
        remaining = P.between(today, obj.deadline, kpi.period)
    return judge_objective(
        [p.value for p in pts],
        target=obj.target,
        higher_is_better=higher,
        periods_to_deadline=remaining,
        adverse_signal=adverse,
    )
