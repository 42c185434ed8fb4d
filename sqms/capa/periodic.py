"""The CAPA app's periodic job: reminders and escalation of overdue actions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqms.capa.actions.reminders import do_check_actions
from sqms.core.choices import Channel
from sqms.jobs.registry import periodic


@periodic(
    "capa.check_actions",
    every=timedelta(minutes=15),
    description="Remind CAPA action owners before the due date and escalate overdue actions.",
)
def check_actions(now: datetime) -> int:
    return do_check_actions(now, acting_user=None, channel=Channel.SCHEDULER).total
