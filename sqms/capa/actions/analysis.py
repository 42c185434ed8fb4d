"""Root-cause analysis as data: the 5-Why chain (ordered steps, one or more marked as the root
cause) and the fishbone's causes under the 6M categories, each optionally tied to a cause of the
taxonomy so recurrences can be counted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sqms.capa.actions.common import lock
from sqms.capa.choices import SixM
from sqms.capa.models import Cause, FishboneCause, Nonconformity, WhyStep
from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: a 5-Why chain rarely needs more; the limit keeps a runaway client in check
MAX_WHY_STEPS = 10


def _text(data: Mapping[str, Any], key: str, limit: int, *, required: bool) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise ValidationError({key: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({key: _("Keep it under %(n)d characters.") % {"n": limit}})
    return value


def _cause(value: Any) -> Cause | None:
    if value in (None, ""):
        return None
    if isinstance(value, Cause):
        return value
    found = Cause.objects.filter(pk=value, is_active=True).first()
    if found is None:
        raise ValidationError({"cause": _("Unknown cause %(id)s.") % {"id": value}})
    return found


def _nc_of(obj: WhyStep | FishboneCause, acting_user: User | None) -> Nonconformity:
    nc = lock(obj.nonconformity, None)
    ensure_allowed(acting_user, "change", nc)
    return nc


@transaction.atomic(durable=True)
def do_add_why_step(
    nc: Nonconformity, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> WhyStep:
    """Append a step to the 5-Why chain (``answer`` required; ``question``, ``is_root``,
    ``cause`` optional)."""
    current = lock(nc, None)
    ensure_allowed(acting_user, "change", current)
    last = current.why_steps.aggregate(m=Max("position"))["m"] or 0
    if last >= MAX_WHY_STEPS:
        raise ValidationError(
            {"answer": _("A 5-Why chain holds at most %(n)d steps.") % {"n": MAX_WHY_STEPS}}
        )
    step = WhyStep.objects.create(
        nonconformity=current,
        position=last + 1,
        question=_text(data, "question", 300, required=False),
        answer=_text(data, "answer", 2000, required=True),
        is_root=bool(data.get("is_root")),
        cause=_cause(data.get("cause")),
    )
    audit.record(step, AuditAction.CREATE, actor=acting_user, channel=channel, site=current.site)
    return step


@transaction.atomic(durable=True)
def do_update_why_step(
    step: WhyStep, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> WhyStep:
    nc = _nc_of(step, acting_user)
    step = WhyStep.objects.select_for_update().get(pk=step.pk)
    before = audit.snapshot(step)
    if "question" in data:
        step.question = _text(data, "question", 300, required=False)
    if "answer" in data:
        step.answer = _text(data, "answer", 2000, required=True)
    if "is_root" in data:
        step.is_root = bool(data["is_root"])
    if "cause" in data:
        step.cause = _cause(data["cause"])
    step.save()
    audit.record(
        step, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before, site=nc.site
    )
    return step


@transaction.atomic(durable=True)
def do_delete_why_step(step: WhyStep, *, acting_user: User | None, channel: str) -> None:
    """Remove a step; the later steps move up one place."""
    nc = _nc_of(step, acting_user)
    before = audit.snapshot(step)
    position = step.position
    audit.record(
        step, AuditAction.DELETE, actor=acting_user, channel=channel, before=before, site=nc.site
    )
    step.delete()
    for later in nc.why_steps.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic(durable=True)
def do_add_fishbone(
    nc: Nonconformity, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> FishboneCause:
    """A cause on the fishbone: ``category`` (6M), ``text``; ``cause`` and ``is_root``
    optional. With a taxonomy cause and no category, the cause's category is taken."""
    current = lock(nc, None)
    ensure_allowed(acting_user, "change", current)
    cause = _cause(data.get("cause"))
    category = str(data.get("category") or (cause.category if cause else ""))
    if category not in SixM.values:
        raise ValidationError({"category": _("Choose one of the 6M categories.")})
    text = _text(data, "text", 300, required=cause is None) or (cause.label if cause else "")
    item = FishboneCause.objects.create(
        nonconformity=current,
        category=category,
        text=text,
        cause=cause,
        is_root=bool(data.get("is_root")),
    )
    audit.record(item, AuditAction.CREATE, actor=acting_user, channel=channel, site=current.site)
    return item


@transaction.atomic(durable=True)
def do_update_fishbone(
    item: FishboneCause, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> FishboneCause:
    nc = _nc_of(item, acting_user)
    item = FishboneCause.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item)
    if "category" in data:
        if data["category"] not in SixM.values:
            raise ValidationError({"category": _("Choose one of the 6M categories.")})
        item.category = data["category"]
    if "text" in data:
        item.text = _text(data, "text", 300, required=True)
    if "cause" in data:
        item.cause = _cause(data["cause"])
    if "is_root" in data:
        item.is_root = bool(data["is_root"])
    item.save()
    audit.record(
        item, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before, site=nc.site
    )
    return item


@transaction.atomic(durable=True)
def do_delete_fishbone(item: FishboneCause, *, acting_user: User | None, channel: str) -> None:
    nc = _nc_of(item, acting_user)
    audit.record(
        item,
        AuditAction.DELETE,
        actor=acting_user,
        channel=channel,
        before=audit.snapshot(item),
        site=nc.site,
    )
    item.delete()
