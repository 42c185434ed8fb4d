"""The complaints app's periodic job: SLA warnings, breaches and escalations each minute."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqms.complaints.actions.sla import ClockCheckError, do_check_clocks
from sqms.core.choices import Channel
from sqms.jobs.registry import periodic


@periodic("complaints.check_clocks", every=timedelta(minutes=1))
def check_clocks(now: datetime) -> int:
    """Warn, record SLA breaches and escalate the complaints whose next check is due.

    Returns how many warnings, breaches, escalations and overdue updates it wrote. When some
    complaints could not be checked (a calendar year without holidays) the job fails with
    the message, after doing the rest, so the jobs page and ``sqms tick`` show it."""
    report = do_check_clocks(now, acting_user=None, channel=Channel.SCHEDULER)
    if report.errors:
        raise ClockCheckError(report.summary())
    return report.actions
