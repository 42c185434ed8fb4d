"""The actions of a nonconformity's plan (correction, corrective, preventive, improvement):
adding and editing them, marking them done or cancelled, and their evidence files. Files are
checked before they get here (``sqms.core.attachments.check_uploads``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.capa.actions.common import lock
from sqms.capa.actions.nonconformities import _check_owner
from sqms.capa.choices import ActionKind, ActionStatus, Stage
from sqms.capa.models import Action, ActionEvidence, Nonconformity
from sqms.core import audit
from sqms.core.attachments import CleanFile
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed, restricted
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: stages in which the plan may change (in verification the actions are what is judged)
PLAN_STAGES = frozenset({Stage.DRAFT, Stage.ANALYSIS, Stage.ACTION_PLAN, Stage.IN_PROGRESS})


def may_work(user: User | None, action: Action) -> bool:
    """NC editors of the site, and the action's owner, may work on an action."""
    if user is None:
        return True
    if action.owner_id is not None and action.owner_id == user.pk:
        return True
    return restricted(Action, user, "change").filter(pk=action.pk).exists()


def _lock_action(action: Action, acting_user: User | None) -> tuple[Nonconformity, Action]:
    nc = lock(action.nonconformity, None)
    current = Action.objects.select_for_update().get(pk=action.pk)
    if not may_work(acting_user, current):
        raise PermissionDenied(_("You may not change this action."))
    return nc, current


def _in_plan_stage(nc: Nonconformity, field: str) -> None:
    if nc.stage not in PLAN_STAGES:
        raise ValidationError(
            {
                field: _("%(ref)s is in stage “%(stage)s”: its actions cannot change now.")
                % {"ref": nc.reference, "stage": nc.get_stage_display()}
            }
        )


def _tell_owner(action: Action, acting_user: User | None) -> None:
    """Email the action's new owner (once per action and owner)."""
    owner = action.owner
    if owner is None or owner == acting_user or not owner.email or not owner.is_active:
        return
    nc = action.nonconformity
    notify(
        f"capa-action:{action.pk}:owner:{owner.pk}",
        subject=_("Action of %(ref)s for you, due %(date)s")
        % {"ref": nc.reference, "date": action.due_date.isoformat()},
        body=f"{nc.reference} {nc.title}\n{action.get_kind_display()}: {action.description}",
        emails=[owner.email],
        payload={"action": action.pk, "nonconformity": nc.pk, "owner": owner.pk},
    )


def _fields(action: Action, data: Mapping[str, Any]) -> None:
    for key in ("kind", "description", "owner", "due_date"):
        if key in data:
            value = data[key]
            if key == "description":
                value = (value or "").strip()
            setattr(action, key, value)
    if action.kind not in ActionKind.values:
        raise ValidationError({"kind": _("Choose the kind of action.")})
    if not action.description:
        raise ValidationError({"description": _("Say what is to be done.")})
    if not isinstance(action.due_date, dt.date):
        raise ValidationError({"due_date": _("Give the action a due date.")})


@transaction.atomic(durable=True)
def do_add_action(
    nc: Nonconformity,
    data: Mapping[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: dt.datetime | None = None,
) -> Action:
    """Add an action to the current cycle's plan: ``kind``, ``description``, ``due_date``,
    ``owner`` (optional; someone who may work on the NC's site)."""
    now = now or timezone.now()
    current = lock(nc, None)
    ensure_allowed(acting_user, "change", current)
    _in_plan_stage(current, "description")
    action = Action(nonconformity=current, cycle=current.cycle, created_at=now)
    _fields(action, data)
    _check_owner(action.owner, current.site)
    action.save()
    audit.record(action, AuditAction.CREATE, actor=acting_user, channel=channel)
    _tell_owner(action, acting_user)
    return action


@transaction.atomic(durable=True)
def do_update_action(
    action: Action, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> Action:
    nc, current = _lock_action(action, acting_user)
    ensure_allowed(acting_user, "change", current)
    _in_plan_stage(nc, "description")
    if current.status != ActionStatus.OPEN:
        raise ValidationError({"status": _("Only an open action can be edited.")})
    before = audit.snapshot(current)
    old_due, old_owner = current.due_date, current.owner_id
    _fields(current, data)
    _check_owner(current.owner, nc.site)
    if current.due_date != old_due or current.owner_id != old_owner:
        # a new date or owner starts the reminders and escalation over
        current.reminded_at = None
        current.escalated_at = None
        current.escalation_level = 0
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    if current.owner_id != old_owner:
        _tell_owner(current, acting_user)
    return current


@transaction.atomic(durable=True)
def do_complete_action(
    action: Action,
    note: str = "",
    *,
    acting_user: User | None,
    channel: str,
    now: dt.datetime | None = None,
) -> Action:
    """Mark an open action of the current cycle done (the owner or an NC editor)."""
    now = now or timezone.now()
    nc, current = _lock_action(action, acting_user)
    _in_plan_stage(nc, "status")
    if current.status != ActionStatus.OPEN:
        raise ValidationError(
            {
                "status": _("This action is already %(status)s.")
                % {"status": current.get_status_display()}
            }
        )
    if current.cycle != nc.cycle:
        raise ValidationError({"status": _("This action belongs to an earlier cycle.")})
    before = audit.snapshot(current)
    current.status = ActionStatus.DONE
    current.done_at = now
    current.done_note = (note or "").strip()
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return current


@transaction.atomic(durable=True)
def do_cancel_action(
    action: Action, reason: str, *, acting_user: User | None, channel: str
) -> Action:
    """Cancel an open action (an NC editor; the reason is kept in its note)."""
    nc, current = _lock_action(action, acting_user)
    ensure_allowed(acting_user, "change", current)
    _in_plan_stage(nc, "status")
    if current.status != ActionStatus.OPEN:
        raise ValidationError({"status": _("Only an open action can be cancelled.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the action is cancelled.")})
    before = audit.snapshot(current)
    current.status = ActionStatus.CANCELLED
    current.done_note = reason
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return current


@transaction.atomic(durable=True)
def do_add_evidence(
    action: Action, files: Sequence[CleanFile], *, acting_user: User | None, channel: str
) -> list[ActionEvidence]:
    """Attach checked files (photos, PDFs) as evidence of an action."""
    nc, current = _lock_action(action, acting_user)
    if not files:
        raise ValidationError({"files": _("Choose at least one file.")})
    out = []
    for f in files:
        ev = ActionEvidence(
            action=current,
            name=f.name[:200],
            content_type=f.content_type,
            size=f.size,
            uploaded_by=acting_user,
        )
        ev.file.save(f.name, ContentFile(f.data), save=False)
        ev.save()
        audit.record(ev, AuditAction.CREATE, actor=acting_user, channel=channel, site=nc.site)
        out.append(ev)
    return out
