"""Rewards and penalties under the store or tenant handbook, recorded against a submitted
inspection, and their deletion. Site managers for their sites, region managers for their
regions, quality managers everywhere."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed
from sqms.inspections.choices import ConsequenceKind, InspectionStatus
from sqms.inspections.models import Consequence, Inspection

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

FIELDS = frozenset({"kind", "rule", "amount", "points", "recipient", "note"})
#: the largest amount and points a consequence may carry (a typo guard)
MAX_AMOUNT = Decimal("9999999999.99")
MAX_POINTS = 100000


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"amount": _("Enter an amount such as 200 or 199.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": _("Enter an amount such as 200 or 199.50.")})
    if amount < 0:
        raise ValidationError(
            {"amount": _("The amount cannot be negative; choose reward or penalty instead.")}
        )
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("The amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def _points(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        points = int(str(value))
    except ValueError:
        raise ValidationError({"points": _("Enter whole points such as 5 or -3.")}) from None
    if abs(points) > MAX_POINTS:
        raise ValidationError({"points": _("The points are too many.")})
    return points


def _cleaned(data: dict[str, Any]) -> dict[str, Any]:
    """The model's values from ``data``, each checked with a message naming its field."""
    unknown = set(data) - FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    kind = str(data.get("kind") or "")
    if kind not in ConsequenceKind.values:
        raise ValidationError({"kind": _("Choose reward or penalty.")})
    rule = str(data.get("rule") or "").strip()
    if not rule:
        raise ValidationError({"rule": _("Name the handbook rule applied.")})
    return {
        "kind": kind,
        "rule": rule,
        "amount": _amount(data.get("amount")),
        "points": _points(data.get("points")),
        "recipient": str(data.get("recipient") or "").strip(),
        "note": str(data.get("note") or "").strip(),
    }


@transaction.atomic(durable=True)
def do_record_consequence(
    inspection: Inspection,
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Consequence:
    """Record a reward or penalty (``kind``, ``rule``, ``amount``, ``points``, ``recipient``,
    ``note``) against a submitted inspection."""
    current = Inspection.objects.select_related("site").get(pk=inspection.pk)
    ensure_allowed(acting_user, "add", Consequence)
    if acting_user is not None and not (
        Inspection.objects.restrict(acting_user, "view").filter(pk=current.pk).exists()
    ):
        raise PermissionDenied(_("That inspection is outside your scope."))
    if current.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("Rewards and penalties are recorded against submitted results."))
    consequence = Consequence(inspection=current, recorded_by=acting_user, **_cleaned(data))
    consequence.full_clean()
    consequence.save()
    audit.record(
        consequence, AuditAction.CREATE, actor=acting_user, channel=channel, site=current.site
    )
    return consequence


@transaction.atomic(durable=True)
def do_update_consequence(
    consequence: Consequence,
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
) -> Consequence:
    """Change some of a consequence's fields (those in ``data``; the others stay)."""
    current = (
        Consequence.objects.select_for_update(of=("self",))
        .select_related("inspection__site")
        .get(pk=consequence.pk)
    )
    ensure_allowed(acting_user, "change", current)
    before = audit.snapshot(current)
    merged = {name: getattr(current, name) for name in FIELDS} | dict(data)
    for name, value in _cleaned(merged).items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return current


@transaction.atomic(durable=True)
def do_delete_consequence(
    consequence: Consequence, *, acting_user: User | None, channel: str
) -> None:
    current = (
        Consequence.objects.select_for_update(of=("self",))
        .select_related("inspection__site")
        .get(pk=consequence.pk)
    )
    ensure_allowed(acting_user, "delete", current)
    before = audit.snapshot(current)
    site = current.inspection.site
    audit.record(
        current, AuditAction.DELETE, actor=acting_user, channel=channel, before=before, site=site
    )
    current.delete()
