"""The standards app's periodic job: effective dates and review reminders, hourly."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqms.core.choices import Channel
from sqms.jobs.registry import periodic
from sqms.standards.actions import do_review_standards


@periodic("standards.review", every=timedelta(hours=1))
def review(now: datetime) -> int:
    """Let approved versions take effect on their date, remind the quality managers of
    reviews falling due and notify overdue ones (each once)."""
    return do_review_standards(now, acting_user=None, channel=Channel.SCHEDULER).actions
