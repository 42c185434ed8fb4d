"""What happens after a complaint closes (inside the closing action's transaction)."""

from __future__ import annotations

from datetime import datetime

from sqms.complaints.models import Complaint


def after_close(complaint: Complaint, *, now: datetime) -> None:
    """Placeholder-free hook point: the follow-up survey is sent from here once configured."""
    return None
