"""Disputes of an inspection result: the site's manager (or the region manager) contests a
submitted mystery-shopper or supervisor result, on the whole result or on one answer; a quality
manager decides. An upheld dispute on an answer may correct its result or value: the answer is
re-scored (``totals.score_answer``), the inspection's totals refreshed (``refresh_totals``),
and both changes are audited. The raiser is told the decision by email (``notify``).

The disputes never carry the inspector: a site must not learn who its mystery shopper was.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.recipients import people_of
from sqms.core import audit, locking
from sqms.core.choices import AuditAction, Role
from sqms.core.names import display_name
from sqms.core.scoping import ensure_allowed, role_of
from sqms.inspections import hooks, totals
from sqms.inspections.choices import DisputeStatus, InspectionKind, InspectionStatus, Result
from sqms.inspections.models import Answer, Dispute, Inspection
from sqms.inspections.scoring import ScoringError
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: who may dispute a result (within their scope)
RAISER_ROLES = frozenset({Role.SITE_MANAGER, Role.REGION_MANAGER})
#: the kinds of inspection whose result the site may dispute
DISPUTABLE_KINDS = frozenset({InspectionKind.MYSTERY, InspectionKind.SUPERVISOR})


def may_raise(user: Any, inspection: Inspection) -> bool:
    """The pages' flag (the action checks again)."""
    return (
        role_of(user) in RAISER_ROLES
        and inspection.status == InspectionStatus.SUBMITTED
        and inspection.kind in DISPUTABLE_KINDS
        and Inspection.objects.restrict(user, "view").filter(pk=inspection.pk).exists()
    )


def may_decide(user: Any) -> bool:
    return role_of(user) == Role.QUALITY_MANAGER


def _answer_of(inspection: Inspection, value: Any) -> Answer | None:
    if value in (None, "", 0):
        return None
    pk = value.pk if isinstance(value, Answer) else value
    try:
        return Answer.objects.select_related("item").get(pk=int(pk), inspection=inspection)
    except (Answer.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"answer": _("Choose an item of this inspection.")}) from None


@transaction.atomic(durable=True)
def do_raise_dispute(
    inspection: Inspection,
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Dispute:
    """Dispute the whole result (``answer`` empty) or one answer, with a ``reason``. One open
    dispute per answer (and one on the whole result) at a time."""
    now = now or timezone.now()
    current = locking.lock(inspection, None, select_related=("site",))
    ensure_allowed(acting_user, "add", Dispute)
    ensure_allowed(acting_user, "view", current)
    if acting_user is not None and role_of(acting_user) not in RAISER_ROLES:
        raise PermissionDenied(
            _("Only the site's manager or its region manager may dispute a result.")
        )
    unknown = set(data) - {"answer", "reason"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if current.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted inspection can be disputed."))
    if current.kind not in DISPUTABLE_KINDS:
        raise ValidationError(
            _("Only mystery-shopper and supervisor results can be disputed, not a %(kind)s.")
            % {"kind": current.get_kind_display()}
        )
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the result is wrong.")})
    answer = _answer_of(current, data.get("answer"))
    open_one = Dispute.objects.filter(
        inspection=current, answer=answer, status=DisputeStatus.OPEN
    ).first()
    if open_one is not None:
        what = str(answer.item) if answer else _("the whole result")
        raise ValidationError(
            {
                "answer": _(
                    "There is already an open dispute on %(what)s (raised %(when)s); wait for "
                    "its decision before disputing it again."
                )
                % {
                    "what": what,
                    "when": timezone.localtime(open_one.raised_at).strftime("%Y-%m-%d"),
                }
            }
        )
    dispute = Dispute(
        inspection=current,
        answer=answer,
        reason=reason,
        raised_by=acting_user,
        raised_at=now,
    )
    dispute.full_clean(exclude=["raised_by"])  # None: raised by the system (imports, demo)
    dispute.save()
    audit.record(dispute, AuditAction.CREATE, actor=acting_user, channel=channel, site=current.site)
    emails = sorted({u.email for u in people_of(current.site, Role.QUALITY_MANAGER) if u.email})
    if emails:
        notify(
            f"inspection:{current.pk}:dispute:{dispute.pk}:raised",
            subject=_("Dispute of inspection %(ref)s at %(site)s")
            % {"ref": current.reference, "site": current.site},
            body=_("%(user)s disputes %(what)s:\n\n%(reason)s")
            % {
                "user": display_name(acting_user) if acting_user else _("The system"),
                "what": str(answer.item) if answer else _("the whole result"),
                "reason": reason,
            },
            emails=emails,
            payload={"inspection": current.pk, "dispute": dispute.pk},
        )
    return dispute


def _value(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ValidationError({"value": _("Enter a number such as 4 or 3.5.")}) from None
    if not value.is_finite():
        raise ValidationError({"value": _("Enter a number such as 4 or 3.5.")})
    return value


def _rescore(
    dispute: Dispute, correction: dict[str, Any], *, acting_user: User | None, channel: str
) -> None:
    """Write the corrected answer, re-score it and refresh the inspection's totals."""
    inspection = locking.lock(dispute.inspection, None, select_related=("checklist", "site"))
    assert dispute.answer_id is not None
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=dispute.answer_id)
    )
    result = str(correction.get("result") or "")
    if result and result not in Result.values:
        raise ValidationError({"result": _("Choose pass, fail or not applicable.")})
    value = _value(correction.get("value"))
    before_answer = audit.snapshot(answer)
    answer.result, answer.value = result, value
    try:
        totals.score_answer(answer, answer.item)
    except ScoringError as exc:
        field = exc.field if exc.field in ("result", "value") else "result"
        raise ValidationError(
            {
                field: _("The corrected answer does not fit the item %(item)s: %(why)s.")
                % {"item": answer.item, "why": str(exc)}
            }
        ) from None
    answer.save()
    audit.record(
        answer, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before_answer
    )
    before = audit.snapshot(inspection)
    totals.refresh_totals(inspection)
    inspection.version += 1
    inspection.save()
    audit.record(inspection, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)


def overturned_answers(dispute: Dispute, *, corrected: bool) -> list[Answer]:
    """The answers whose result an upheld ``dispute`` overturns: every answer of the
    inspection for a dispute on the whole result; the disputed answer otherwise, unless the
    quality manager's correction still fails it (then its nonconformity stands)."""
    if dispute.answer_id is None:
        return list(Answer.objects.filter(inspection_id=dispute.inspection_id).order_by("pk"))
    answer = Answer.objects.get(pk=dispute.answer_id)
    if corrected and answer.failed:
        return []
    return [answer]


@transaction.atomic(durable=True)
def do_decide_dispute(
    dispute: Dispute,
    upheld: bool,
    note: str,
    *,
    correction: dict[str, Any] | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Dispute:
    """Uphold or reject an open dispute, once, with a decision note. An upheld dispute on an
    answer may carry ``correction`` (``result`` and/or ``value``): the answer is re-scored and
    the inspection's score recomputed. An upheld dispute also overturns the nonconformities
    raised from the items it names (``overturned_answers``, ``hooks.on_dispute_upheld``): those
    still in draft or analysis are cancelled, those further along are flagged."""
    now = now or timezone.now()
    current = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("inspection", "inspection__site", "raised_by")
        .get(pk=dispute.pk)
    )
    ensure_allowed(acting_user, "change", current)
    if acting_user is not None and not may_decide(acting_user):
        raise PermissionDenied(_("Only a quality manager may decide a dispute."))
    if current.status != DisputeStatus.OPEN:
        raise ValidationError(
            _("This dispute was already decided (%(status)s).")
            % {"status": current.get_status_display()}
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"decision_note": _("Write the reason for the decision.")})
    correction = {k: v for k, v in (correction or {}).items() if v not in (None, "")}
    if correction and not upheld:
        raise ValidationError({"result": _("Only an upheld dispute corrects the answer.")})
    if correction and current.answer_id is None:
        raise ValidationError(
            {"result": _("A dispute on the whole result has no answer to correct.")}
        )
    before = audit.snapshot(current)
    current.status = DisputeStatus.UPHELD if upheld else DisputeStatus.REJECTED
    current.decided_by = acting_user
    current.decided_at = now
    current.decision_note = note
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    if correction:
        _rescore(current, correction, acting_user=acting_user, channel=channel)
    if upheld:
        answers = overturned_answers(current, corrected=bool(correction))
        if answers:
            hooks.on_dispute_upheld(
                answers, current, acting_user=acting_user, channel=channel, now=now
            )
    raiser = current.raised_by
    if raiser is not None and raiser.email:
        inspection = current.inspection
        notify(
            f"inspection:{inspection.pk}:dispute:{current.pk}:decided",
            subject=_("Your dispute of inspection %(ref)s was %(status)s")
            % {"ref": inspection.reference, "status": current.get_status_display().lower()},
            body=_("Decision: %(status)s.\n\n%(note)s\n\nScore now: %(score)s %%")
            % {
                "status": current.get_status_display(),
                "note": note,
                "score": Inspection.objects.get(pk=inspection.pk).score,
            },
            emails=[raiser.email],
            payload={"inspection": inspection.pk, "dispute": current.pk, "status": current.status},
        )
    return current
