"""Service recovery: what was done to put things right for the customer (apology,
explanation, 三包 repair / replacement / refund, compensation, goodwill gesture).

A payment above ``SQMS_RECOVERY_APPROVAL_LIMIT`` waits for the approval of a site manager or
above (never the person who asked for it, unless a quality manager); the site's managers are
told by email. Each step writes an internal note on the complaint's timeline and an audit
event.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.actions.common import add_entry, lock
from sqms.complaints.choices import MONEY_KINDS, EntryKind, RecoveryKind, RecoveryStatus, Status
from sqms.complaints.models import Complaint, RecoveryAction
from sqms.complaints.recipients import people_of
from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.names import display_name
from sqms.core.scoping import ensure_allowed, role_of
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: roles that may approve or reject a recovery payment (within their scope)
APPROVER_ROLES = frozenset({Role.QUALITY_MANAGER, Role.REGION_MANAGER, Role.SITE_MANAGER})


def approval_limit() -> Decimal:
    return Decimal(str(getattr(settings, "SQMS_RECOVERY_APPROVAL_LIMIT", "500")))


def needs_approval(kind: str, amount: Decimal | None) -> bool:
    """The rule: a payment strictly above the limit waits for approval."""
    return kind in MONEY_KINDS and amount is not None and amount > approval_limit()


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"amount": _("Enter an amount such as 200 or 199.50.")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    return amount.quantize(Decimal("0.01"))


def approvers_of(complaint: Complaint) -> list[User]:
    """Who is asked to approve: active site managers of the complaint's site and region
    managers of its region."""
    return people_of(complaint.site, Role.SITE_MANAGER, Role.REGION_MANAGER)


def may_decide(user: Any, action: RecoveryAction) -> bool:
    """Whether ``user`` may approve or reject ``action`` (the pages' flag; the action checks
    again): a site manager or above with the complaint in scope, not its requester unless a
    quality manager."""
    role = role_of(user)
    if role not in APPROVER_ROLES:
        return False
    if action.requested_by_id == user.pk and role != Role.QUALITY_MANAGER:
        return False
    return RecoveryAction.objects.restrict(user, "change").filter(pk=action.pk).exists()


def _describe(action: RecoveryAction) -> str:
    text = str(action.get_kind_display())
    if action.amount is not None:
        text += f" {action.amount}"
    if action.description:
        text += f": {action.description}"
    return text


@transaction.atomic(durable=True)
def do_add_recovery(
    complaint: Complaint,
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> RecoveryAction:
    """Record a recovery action (``kind``, ``description``, ``amount`` for payments). A
    payment above the approval limit starts as waiting for approval and the site's managers
    are notified; anything else is approved at once."""
    now = now or timezone.now()
    current = lock(complaint, None)
    ensure_allowed(acting_user, "change", current)
    if current.status == Status.CLOSED:
        raise ValidationError(_("The complaint is closed; reopen it to add to it."))
    unknown = set(data) - {"kind", "description", "amount"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    kind = data.get("kind") or ""
    if kind not in RecoveryKind.values:
        raise ValidationError({"kind": _("Choose what was done for the customer.")})
    amount = _amount(data.get("amount"))
    if kind in MONEY_KINDS and amount is None:
        raise ValidationError({"amount": _("Enter the amount of the payment.")})
    if kind not in MONEY_KINDS and amount is not None:
        raise ValidationError(
            {"amount": _("Only refunds, compensation and goodwill gestures have an amount.")}
        )
    pending = needs_approval(kind, amount)
    action = RecoveryAction(
        complaint=current,
        kind=kind,
        description=(data.get("description") or "").strip(),
        amount=amount,
        status=RecoveryStatus.PENDING_APPROVAL if pending else RecoveryStatus.APPROVED,
        requested_by=acting_user if acting_user is not None else None,
        requested_at=now,
    )
    action.full_clean()
    action.save()
    audit.record(action, AuditAction.CREATE, actor=acting_user, channel=channel, site=current.site)
    body = _("Recovery action: %(what)s.") % {"what": _describe(action)}
    if pending:
        body += " " + _("Waiting for approval (above %(limit)s).") % {"limit": approval_limit()}
    add_entry(
        current,
        EntryKind.NOTE,
        now=now,
        author=acting_user,
        body=body,
        data={"recovery": action.pk, "status": action.status},
    )
    if pending:
        emails = sorted({u.email for u in approvers_of(current) if u.email and u != acting_user})
        if emails:
            notify(
                f"complaint:{current.pk}:recovery:{action.pk}:approval",
                subject=_("Approve %(what)s for complaint %(ref)s at %(site)s")
                % {"what": _describe(action)[:80], "ref": current.reference, "site": current.site},
                body=_("%(user)s asks for approval of %(what)s.\n\nComplaint: %(summary)s")
                % {
                    "user": display_name(acting_user) if acting_user else _("The system"),
                    "what": _describe(action),
                    "summary": current.summary,
                },
                emails=emails,
                payload={"complaint": current.pk, "recovery": action.pk},
            )
    return action


def _lock_action(action: RecoveryAction) -> RecoveryAction:
    return (
        RecoveryAction.objects.select_for_update()
        .select_related("complaint", "complaint__site")
        .get(pk=action.pk)
    )


@transaction.atomic(durable=True)
def do_decide_recovery(
    action: RecoveryAction,
    approve: bool,
    note: str = "",
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> RecoveryAction:
    """Approve or reject a payment waiting for approval, once."""
    now = now or timezone.now()
    current = _lock_action(action)
    ensure_allowed(acting_user, "change", current)
    if acting_user is not None:
        role = role_of(acting_user)
        if role not in APPROVER_ROLES:
            raise PermissionDenied(_("Only a site manager or above may approve recovery payments."))
        if current.requested_by_id == acting_user.pk and role != Role.QUALITY_MANAGER:
            raise PermissionDenied(_("You cannot approve your own request."))
    if current.status != RecoveryStatus.PENDING_APPROVAL:
        raise ValidationError(
            _("This recovery action was already decided (%(status)s).")
            % {"status": current.get_status_display()}
        )
    before = audit.snapshot(current)
    current.status = RecoveryStatus.APPROVED if approve else RecoveryStatus.REJECTED
    current.decided_by = acting_user
    current.decided_at = now
    current.decision_note = note.strip()
    current.save()
    complaint = current.complaint
    audit.record(
        current,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        site=complaint.site,
    )
    body = (
        _("Recovery action approved: %(what)s.")
        if approve
        else _("Recovery action rejected: %(what)s.")
    ) % {"what": _describe(current)}
    if current.decision_note:
        body += f" {current.decision_note}"
    add_entry(
        complaint,
        EntryKind.NOTE,
        now=now,
        author=acting_user,
        body=body,
        data={"recovery": current.pk, "status": current.status},
    )
    requester = current.requested_by
    if requester is not None and requester.email and requester != acting_user:
        notify(
            f"complaint:{complaint.pk}:recovery:{current.pk}:decided",
            subject=body[:200],
            body=f"{complaint.reference} {complaint.summary}",
            emails=[requester.email],
            payload={"complaint": complaint.pk, "recovery": current.pk, "status": current.status},
        )
    return current


@transaction.atomic(durable=True)
def do_complete_recovery(
    action: RecoveryAction,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> RecoveryAction:
    """Mark an approved recovery action as done (the apology made, the refund paid …)."""
    now = now or timezone.now()
    current = _lock_action(action)
    ensure_allowed(acting_user, "change", current)
    if current.status != RecoveryStatus.APPROVED:
        raise ValidationError(
            _("Only an approved recovery action can be marked done (this one: %(status)s).")
            % {"status": current.get_status_display()}
        )
    before = audit.snapshot(current)
    current.status = RecoveryStatus.DONE
    current.done_at = now
    current.save()
    complaint = current.complaint
    audit.record(
        current,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        site=complaint.site,
    )
    add_entry(
        complaint,
        EntryKind.NOTE,
        now=now,
        author=acting_user,
        body=_("Recovery action done: %(what)s.") % {"what": _describe(current)},
        data={"recovery": current.pk, "status": current.status},
    )
    return current
