"""The inspections app's periodic job: plan the programmes' inspections ahead and send the
reminders and overdue notices, once a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqms.core.choices import Channel
from sqms.inspections.actions.programmes import do_generate_plans, do_send_inspection_reminders
from sqms.jobs.registry import periodic

#: how far ahead the daily job plans (next month's visits show in the calendar)
HORIZON = timedelta(days=35)


class PlanningJobError(Exception):
    """Raised by the job when some programmes could not be planned (after the rest was done)."""


@periodic("inspections.plan_and_remind", every=timedelta(days=1))
def plan_and_remind(now: datetime) -> int:
    """Plan every active programme's inspections up to 35 days ahead, then remind the
    inspectors of visits due soon and tell the managers of overdue ones. Returns how many
    inspections were planned plus reminders and overdue notices sent; fails with the message
    when a programme could not be planned (a checklist without a published version)."""
    report = do_generate_plans(
        None, until=(now + HORIZON).date(), now=now, acting_user=None, channel=Channel.SCHEDULER
    )
    reminders = do_send_inspection_reminders(now)
    if report.errors:
        raise PlanningJobError(report.summary())
    return report.created + reminders.actions
