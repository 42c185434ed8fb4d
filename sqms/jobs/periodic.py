"""The jobs app's own periodic job: outbox delivery, so retries happen with no web traffic."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqms.jobs.outbox import deliver_due
from sqms.jobs.registry import periodic


@periodic("jobs.deliver_outbox", every=timedelta(minutes=1))
def deliver_outbox(now: datetime) -> int:
    """Send due notifications (new ones and retries)."""
    return deliver_due(now).total
