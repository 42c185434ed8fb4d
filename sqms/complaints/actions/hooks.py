"""What happens after a complaint closes (inside the closing action's transaction)."""

from __future__ import annotations

from datetime import datetime

from sqms.complaints.models import Complaint


def after_close(complaint: Complaint, *, now: datetime) -> None:
    """Send the customer the follow-up survey once, when a follow-up campaign asks for the
    complaint's site (:func:`sqms.complaints.actions.followup.send_follow_up`)."""
    from sqms.complaints.actions.followup import send_follow_up

    send_follow_up(complaint, now=now)
