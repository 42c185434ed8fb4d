"""Moving a complaint through its workflow, assigning it, and its timeline entries (internal
notes, replies the customer sees). Each action locks the row; the ones that change the
complaint's state take the version the user saw and refuse a stale one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints import workflow
from sqms.complaints.actions.common import add_entry, lock, save
from sqms.complaints.choices import PAUSED_STATUSES, EntryKind, RootCause, Status
from sqms.complaints.models import Complaint, Pause
from sqms.complaints.recipients import people_of
from sqms.core import audit
from sqms.core.choices import Role
from sqms.core.names import display_name
from sqms.core.scoping import ensure_allowed, restricted
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def _end_pause(complaint: Complaint, now: datetime) -> None:
    Pause.objects.filter(complaint=complaint, ended_at__isnull=True).update(ended_at=now)
    complaint.paused_since = None


@transaction.atomic(durable=True)
def do_transition(
    complaint: Complaint,
    name: str,
    *,
    expected_version: int | None,
    body: str = "",
    public: bool = False,
    resolution: str | None = None,
    root_cause: str | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Complaint:
    """Take the workflow transition ``name`` (``workflow.TRANSITIONS``). ``body`` is a comment
    on the timeline, shown to the customer when ``public``. Resolving needs a resolution text
    (given here or already on the complaint)."""
    now = now or timezone.now()
    current = lock(complaint, expected_version)
    ensure_allowed(acting_user, "change", current)
    return apply_transition(
        current,
        name,
        body=body,
        public=public,
        resolution=resolution,
        root_cause=root_cause,
        acting_user=acting_user,
        channel=channel,
        now=now,
    )


def apply_transition(
    current: Complaint,
    name: str,
    *,
    body: str = "",
    public: bool = False,
    resolution: str | None = None,
    root_cause: str | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime,
) -> Complaint:
    """The transition itself, on a complaint already locked and checked (by
    :func:`do_transition`, or another action that moves the complaint as part of its work,
    e.g. a customer's message resuming a complaint that waited for the customer)."""
    transition = workflow.check(name, current.status)
    before = audit.snapshot(current)
    source = current.status
    target = transition.target
    if resolution is not None:
        current.resolution = resolution.strip()
    if root_cause:
        if root_cause not in RootCause.values:
            raise ValidationError(
                {"root_cause": _("Unknown root cause “%(v)s”.") % {"v": root_cause}}
            )
        current.root_cause = root_cause
    if name == "acknowledge":
        current.first_response_at = current.first_response_at or now
        current.last_update_at = now
    elif name == "resolve":
        if not current.resolution:
            raise ValidationError({"resolution": _("Say how the complaint was resolved.")})
        current.first_response_at = current.first_response_at or now
        current.resolved_at = now
        current.last_update_at = now
    elif name == "close":
        current.closed_at = now
    elif name == "reopen":
        # The time it stood resolved does not count against the resolution target.
        if current.resolved_at is not None:
            Pause.objects.create(
                complaint=current,
                status=Status.RESOLVED,
                started_at=current.resolved_at,
                ended_at=now,
            )
        current.resolved_at = None
        current.closed_at = None
    if source in PAUSED_STATUSES:
        _end_pause(current, now)
    if target in PAUSED_STATUSES:
        Pause.objects.create(complaint=current, status=target, started_at=now)
        current.paused_since = now
    current.status = target
    add_entry(
        current,
        EntryKind.STATUS,
        now=now,
        author=acting_user,
        body=body.strip(),
        is_public=public or name in ("acknowledge", "resolve", "close", "reopen"),
        from_status=source,
        to_status=target,
    )
    save(current, now=now, before=before, acting_user=acting_user, channel=channel)
    if name == "close":
        from sqms.complaints.actions.hooks import after_close

        after_close(current, now=now)
    return current


def assignable_users(complaint: Complaint) -> list[User]:
    """Active users whose role may work this complaint (its site is in their scope)."""
    return people_of(
        complaint.site, Role.QUALITY_MANAGER, Role.REGION_MANAGER, Role.SITE_MANAGER, Role.AGENT
    )


@transaction.atomic(durable=True)
def do_assign(
    complaint: Complaint,
    assignee: User | None,
    *,
    expected_version: int | None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Complaint:
    """Assign (or with ``None`` unassign) the complaint; the assignee must be able to work on
    it and is told by email."""
    now = now or timezone.now()
    current = lock(complaint, expected_version)
    ensure_allowed(acting_user, "change", current)
    if (
        assignee is not None
        and not restricted(Complaint, assignee, "change").filter(pk=current.pk).exists()
    ):
        raise ValidationError(
            {
                "assigned_to": _("%(user)s may not work on complaints of %(site)s.")
                % {"user": display_name(assignee), "site": current.site}
            }
        )
    before = audit.snapshot(current)
    previous = current.assigned_to
    current.assigned_to = assignee
    add_entry(
        current,
        EntryKind.ASSIGNMENT,
        now=now,
        author=acting_user,
        body=_("Assigned to %(user)s.") % {"user": display_name(assignee)}
        if assignee
        else _("Unassigned."),
        data={"from": previous.pk if previous else None, "to": assignee.pk if assignee else None},
    )
    save(current, now=now, before=before, acting_user=acting_user, channel=channel)
    if assignee is not None and assignee.email and assignee != acting_user:
        notify(
            f"complaint:{current.pk}:assigned:{current.version}",
            subject=_("Complaint %(ref)s is assigned to you") % {"ref": current.reference},
            body=f"{current.summary}\n\n{current.description}",
            emails=[assignee.email],
            payload={"complaint": current.pk, "assigned_to": assignee.pk},
        )
    return current


@transaction.atomic(durable=True)
def do_add_entry(
    complaint: Complaint,
    body: str,
    *,
    public: bool,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Complaint:
    """An internal note, or (``public``) a reply the customer sees on the status page. A
    reply is a response to the customer: it stops the first-response clock and restarts the
    update interval."""
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    current = lock(complaint, None)
    ensure_allowed(acting_user, "change", current)
    if current.status == Status.CLOSED:
        raise ValidationError({"body": _("The complaint is closed; reopen it to add to it.")})
    add_entry(
        current,
        EntryKind.REPLY if public else EntryKind.NOTE,
        now=now,
        author=acting_user,
        body=body,
        is_public=public,
    )
    if public:
        before = audit.snapshot(current)
        current.first_response_at = current.first_response_at or now
        current.last_update_at = now
        save(current, now=now, before=before, acting_user=acting_user, channel=channel, bump=False)
    return current
