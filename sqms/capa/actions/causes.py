"""The cause taxonomy (organisation-wide; quality managers only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sqms.capa.models import Cause
from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

FIELDS = ("code", "name", "name_en", "category", "description", "is_active")


def _apply(cause: Cause, data: Mapping[str, Any]) -> None:
    for key in FIELDS:
        if key in data:
            value = data[key]
            setattr(cause, key, value.strip() if isinstance(value, str) else value)
    cause.full_clean()


@transaction.atomic(durable=True)
def do_create_cause(data: Mapping[str, Any], *, acting_user: User | None, channel: str) -> Cause:
    ensure_allowed(acting_user, "add", Cause)
    cause = Cause()
    _apply(cause, data)
    cause.save()
    audit.record(cause, AuditAction.CREATE, actor=acting_user, channel=channel)
    return cause


@transaction.atomic(durable=True)
def do_update_cause(
    cause: Cause, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> Cause:
    current = Cause.objects.select_for_update().get(pk=cause.pk)
    ensure_allowed(acting_user, "change", current)
    before = audit.snapshot(current)
    _apply(current, data)
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return current


@transaction.atomic(durable=True)
def do_delete_cause(cause: Cause, *, acting_user: User | None, channel: str) -> None:
    """Delete a cause nobody used; a used one is deactivated instead (its recurrences stay)."""
    current = Cause.objects.select_for_update().get(pk=cause.pk)
    ensure_allowed(acting_user, "delete", current)
    if current.why_steps.exists() or current.fishbone_causes.exists():
        raise ValidationError(
            _("“%(cause)s” is used in root-cause analyses; deactivate it instead.")
            % {"cause": current}
        )
    audit.record(
        current,
        AuditAction.DELETE,
        actor=acting_user,
        channel=channel,
        before=audit.snapshot(current),
    )
    current.delete()
