"""The KPIs app's periodic job: recompute the recent periods of computed KPIs each day (late
data is picked up) and judge them against frozen limits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqms.core.choices import Channel
from sqms.jobs.registry import periodic
from sqms.kpis.actions import do_compute_kpis


@periodic("kpis.compute", every=timedelta(days=1), description="Recompute KPI values")
def compute(now: datetime) -> int:
    report = do_compute_kpis(now=now, acting_user=None, channel=Channel.SCHEDULER)
    return report.added + report.changed + report.deleted
