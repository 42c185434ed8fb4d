"""Test data of the recovery, follow-up and volume tests, written through the actions
(c-recovery)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqms.complaints import actions
from sqms.complaints.models import Complaint
from sqms.core.choices import Channel

CLI = Channel.CLI


def complaint_at(site: Any, *, contact: str = "", summary: str = "Cold food") -> Complaint:
    return actions.do_create_complaint(
        {
            "site": site,
            "channel": "phone",
            "summary": summary,
            "description": f"{summary}, served late.",
            "customer_contact": contact,
        },
        source="staff",
        acting_user=None,
        channel=CLI,
    )


def close(complaint: Complaint, *, now: datetime | None = None) -> Complaint:
    """Resolve and close (from new or a reopened complaint)."""
    c = Complaint.objects.get(pk=complaint.pk)
    c = actions.do_transition(
        c,
        "resolve",
        expected_version=None,
        resolution="Apologised and refunded.",
        acting_user=None,
        channel=CLI,
        now=now,
    )
    return actions.do_transition(
        c, "close", expected_version=None, acting_user=None, channel=CLI, now=now
    )


def reopen(complaint: Complaint) -> Complaint:
    c = Complaint.objects.get(pk=complaint.pk)
    return actions.do_transition(c, "reopen", expected_version=None, acting_user=None, channel=CLI)
