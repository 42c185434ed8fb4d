"""Writing complaints that are already history (the demo's past year; historical imports):
many rows at once, with the SLA policy, deadlines and breach marks worked out by the same
rules as live complaints (``policies.choose_policy``, the site's business calendar), and the
acknowledge / resolve / close steps on each timeline. Rows are bulk-inserted in one
transaction; the caller records the batch in the audit trail (the demo: the load itself)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from sqms.analytics.calendars import WorkCalendar, add_business_time
from sqms.calendars.lookup import calendar_for_site
from sqms.complaints.actions.intake import summary_of
from sqms.complaints.choices import EntryKind, Status
from sqms.complaints.clocks import compute, refresh_clocks
from sqms.complaints.models import Complaint, Entry, SlaPolicy, customer_key
from sqms.complaints.policies import choose_policy
from sqms.core.models import Site

BATCH = 2000


@dataclass(frozen=True)
class HistoricalComplaint:
    """A finished (or resolved) complaint: ``data`` holds the intake fields; the steps are
    given as business time after ``received_at`` on the site's calendar."""

    data: dict[str, Any]
    source: str
    status: str  # resolved or closed
    first_response_after: timedelta
    resolved_after: timedelta
    closed_after: timedelta  # wall-clock time after received_at
    root_cause: str = ""
    resolution: str = ""


def _build(
    row: HistoricalComplaint, cal: WorkCalendar, policies: Sequence[SlaPolicy]
) -> tuple[Complaint, list[tuple[str, str, datetime]]]:
    c = Complaint(source=row.source, **row.data)
    c.description = c.description.strip()
    c.summary = c.summary or summary_of(c.description)
    c.customer_key = customer_key(c.customer_contact)
    c.policy = choose_policy(c, policies)
    received = c.received_at
    c.first_response_at = add_business_time(cal, received, row.first_response_after)
    c.resolved_at = max(c.first_response_at, add_business_time(cal, received, row.resolved_after))
    c.last_update_at = c.resolved_at
    c.status = row.status
    c.root_cause = row.root_cause
    c.resolution = row.resolution
    steps = [
        ("acknowledge", Status.ACKNOWLEDGED, c.first_response_at),
        ("resolve", Status.RESOLVED, c.resolved_at),
    ]
    if row.status == Status.CLOSED:
        c.closed_at = max(c.resolved_at, received + row.closed_after)
        steps.append(("close", Status.CLOSED, c.closed_at))
    if c.policy is not None:
        response_due = add_business_time(
            cal, received, timedelta(hours=float(c.policy.first_response_hours or 0))
        )
        resolution_due = add_business_time(
            cal, received, timedelta(hours=float(c.policy.resolution_hours or 0))
        )
        if c.first_response_at > response_due:
            c.response_breached_at = response_due
        if c.resolved_at > resolution_due:
            c.resolution_breached_at = resolution_due
    refresh_clocks(c, compute(c, c.closed_at or c.resolved_at, calendar=cal, pauses=[]))
    return c, [(name, status, at) for name, status, at in steps]


def insert_history(rows: Sequence[HistoricalComplaint]) -> list[Complaint]:
    """Insert ``rows`` (all or nothing) and return the saved complaints."""
    policies = list(SlaPolicy.objects.filter(is_active=True).select_related("category"))
    calendars: dict[int, WorkCalendar] = {}
    built: list[tuple[Complaint, list[tuple[str, str, datetime]]]] = []
    for row in rows:
        site: Site = row.data["site"]
        if site.pk not in calendars:
            calendars[site.pk] = calendar_for_site(site)
        built.append(_build(row, calendars[site.pk], policies))
    saved: list[Complaint] = []
    with transaction.atomic():
        for i in range(0, len(built), BATCH):
            chunk = built[i : i + BATCH]
            complaints = Complaint.objects.bulk_create([c for c, _steps in chunk])
            entries = []
            for complaint, steps in zip(complaints, chunk, strict=True):
                previous: str = Status.NEW
                for _name, status, at in steps[1]:
                    entries.append(
                        Entry(
                            complaint=complaint,
                            kind=EntryKind.STATUS,
                            from_status=previous,
                            to_status=status,
                            is_public=True,
                            created_at=at,
                        )
                    )
                    previous = status
            Entry.objects.bulk_create(entries, batch_size=BATCH)
            saved.extend(complaints)
    return saved
