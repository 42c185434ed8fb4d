"""What the complaint actions share: the row lock with the optimistic version check, the
timeline entry, and the save that refreshes the SLA cache and writes the audit event."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from sqms.complaints.clocks import compute, refresh_clocks
from sqms.complaints.models import Complaint, Entry
from sqms.core import audit, locking
from sqms.core.audit import Snapshot
from sqms.core.choices import AuditAction

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def lock(complaint: Complaint, expected_version: int | None) -> Complaint:
    """The complaint's row, locked for this transaction, refused when ``expected_version`` is
    given and no longer current (someone saved in between: no lost update)."""
    return locking.lock(complaint, expected_version, select_related=("site", "policy", "category"))


def add_entry(
    complaint: Complaint,
    kind: str,
    *,
    now: datetime,
    author: User | None = None,
    body: str = "",
    is_public: bool = False,
    **fields: Any,
) -> Entry:
    return Entry.objects.create(
        complaint=complaint,
        kind=kind,
        body=body,
        is_public=is_public,
        author=author,
        created_at=now,
        **fields,
    )


def save(
    complaint: Complaint,
    *,
    now: datetime,
    before: Snapshot | None,
    acting_user: User | None,
    channel: str,
    bump: bool = True,
) -> Complaint:
    """Refresh the SLA cache, bump the version, save, and record the change."""
    refresh_clocks(complaint, compute(complaint, now))
    if bump:
        complaint.version += 1
    complaint.save()
    if before is not None:
        audit.record(
            complaint, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before
        )
    return complaint
