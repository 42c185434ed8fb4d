"""Writes to the complaint settings: SLA policies, the category tree and keyword rules.
Organisation-wide records: quality managers change them, everyone reads them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.choices import OPEN_STATUSES
from sqms.complaints.models import Category, Complaint, KeywordRule, SlaPolicy
from sqms.core import audit
from sqms.core.actions import _delete, _save_changes, _save_new
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: the fields of a policy that decide which complaints it applies to
CONDITIONS = ("severity", "category", "site_kind", "channel")


# SLA policies ------------------------------------------------------------------------------


def _check_policy(policy: SlaPolicy) -> None:
    if policy.pk and not policy.is_default:
        was_default = SlaPolicy.objects.filter(pk=policy.pk, is_default=True).exists()
        if was_default:
            raise ValidationError(
                {"is_default": _("Make another policy the default instead; there must be one.")}
            )
    if not policy.is_default and not any(
        getattr(policy, f"{name}_id" if name == "category" else name) for name in CONDITIONS
    ):
        raise ValidationError(
            _(
                "A policy other than the default needs at least one condition (severity, "
                "category, site kind or channel); otherwise it would apply to every complaint."
            )
        )


def _unset_other_default(policy: SlaPolicy) -> None:
    if policy.is_default:
        SlaPolicy.objects.filter(is_default=True).exclude(pk=policy.pk).update(is_default=False)


def open_complaints(policy: SlaPolicy) -> Any:
    return Complaint.objects.filter(policy=policy, status__in=OPEN_STATUSES)


def _recheck(policy: SlaPolicy, now: datetime) -> int:
    """Make the scheduler recompute the open, running complaints of ``policy`` on its next
    run (their cached deadlines follow the old targets until then)."""
    count: int = open_complaints(policy).filter(paused_since__isnull=True).update(next_check_at=now)
    return count


def _assign(obj: Any, data: dict[str, Any]) -> None:
    for name, value in data.items():
        setattr(obj, name, value)


def _save_edit(
    obj: Any, data: dict[str, Any], check: Any, *, acting_user: User | None, channel: str
) -> Any:
    """Assign ``data``, run ``check`` on the changed record, validate, save, audit."""
    before = audit.snapshot(obj)
    _assign(obj, data)
    check(obj)
    obj.full_clean()
    obj.save()
    audit.record(obj, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return obj


@transaction.atomic(durable=True)
def do_create_policy(data: dict[str, Any], *, acting_user: User | None, channel: str) -> SlaPolicy:
    """A new policy; ``is_default=True`` makes it the default in place of the old one. It
    applies to complaints logged (or re-classified) from now on."""
    ensure_allowed(acting_user, "add", SlaPolicy)
    policy = SlaPolicy()
    _assign(policy, data)
    _check_policy(policy)
    _unset_other_default(policy)
    return _save_new(policy, {}, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_policy(
    policy: SlaPolicy,
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> SlaPolicy:
    """Change a policy. Open complaints under it keep it, with the new targets: they are
    rechecked by the scheduler's next run."""
    ensure_allowed(acting_user, "change", policy)
    current = SlaPolicy.objects.select_for_update().get(pk=policy.pk)

    def check(p: SlaPolicy) -> None:
        _check_policy(p)
        _unset_other_default(p)

    _save_edit(current, data, check, acting_user=acting_user, channel=channel)
    _recheck(current, now or timezone.now())
    return current


@transaction.atomic(durable=True)
def do_delete_policy(policy: SlaPolicy, *, acting_user: User | None, channel: str) -> None:
    """Delete a policy no complaint uses (deactivate it instead to stop choosing it)."""
    ensure_allowed(acting_user, "delete", policy)
    if policy.is_default:
        raise ValidationError(
            _("%(record)s is the default policy; make another policy the default first.")
            % {"record": policy}
        )
    used = Complaint.objects.filter(policy=policy).count()
    if used:
        raise ValidationError(
            _(
                "%(record)s is the policy of %(count)d complaint(s) (%(open)d open); "
                "deactivate it instead so that new complaints no longer get it."
            )
            % {"record": policy, "count": used, "open": open_complaints(policy).count()}
        )
    _delete(policy, acting_user=acting_user, channel=channel)


# Categories --------------------------------------------------------------------------------


def _check_parent(category: Category) -> None:
    seen: set[int] = set()
    node = category.parent
    while node is not None:
        if category.pk is not None and node.pk == category.pk:
            raise ValidationError(
                {"parent": _("A category cannot be placed under itself or its subcategories.")}
            )
        if node.pk in seen:  # a loop already stored (should not happen)
            break
        seen.add(node.pk)
        node = node.parent


@transaction.atomic(durable=True)
def do_create_category(data: dict[str, Any], *, acting_user: User | None, channel: str) -> Category:
    ensure_allowed(acting_user, "add", Category)
    category = Category()
    for name, value in data.items():
        setattr(category, name, value)
    _check_parent(category)
    return _save_new(category, {}, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_category(
    category: Category, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Category:
    """Change a category; moving it under one of its own subcategories is refused."""
    ensure_allowed(acting_user, "change", category)
    current = Category.objects.select_for_update().get(pk=category.pk)
    _save_edit(current, data, _check_parent, acting_user=acting_user, channel=channel)
    return current


def subtree_ids(category: Category) -> list[int]:
    """``category`` and every category below it (one query per level)."""
    ids, level = [category.pk], [category.pk]
    while level:
        level = list(
            Category.objects.filter(parent_id__in=level)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.extend(level)
    return ids


@transaction.atomic(durable=True)
def do_deactivate_category(category: Category, *, acting_user: User | None, channel: str) -> int:
    """Deactivate a category and its subcategories (they stay on the complaints that have
    them, and can be activated again by editing); returns how many were deactivated."""
    ensure_allowed(acting_user, "change", category)
    count = 0
    for node in Category.objects.filter(pk__in=subtree_ids(category), is_active=True):
        _save_changes(node, {"is_active": False}, acting_user=acting_user, channel=channel)
        count += 1
    return count


# Keyword rules -----------------------------------------------------------------------------


def _check_rule(rule: KeywordRule) -> None:
    if not rule.word_list:
        raise ValidationError({"words": _("Give at least one word or phrase.")})
    bad = []
    for address in (a.strip() for a in rule.notify_emails.splitlines()):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(
            {"notify_emails": _("Not an email address: %(list)s.") % {"list": ", ".join(bad)}}
        )
    if not (rule.severity or rule.category_id or rule.notify_emails.strip()):
        raise ValidationError(
            _("The rule does nothing: raise the severity, set a category or notify someone.")
        )


@transaction.atomic(durable=True)
def do_create_rule(data: dict[str, Any], *, acting_user: User | None, channel: str) -> KeywordRule:
    ensure_allowed(acting_user, "add", KeywordRule)
    rule = KeywordRule()
    for name, value in data.items():
        setattr(rule, name, value)
    _check_rule(rule)
    return _save_new(rule, {}, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_rule(
    rule: KeywordRule, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> KeywordRule:
    ensure_allowed(acting_user, "change", rule)
    current = KeywordRule.objects.select_for_update().get(pk=rule.pk)
    _save_edit(current, data, _check_rule, acting_user=acting_user, channel=channel)
    return current


@transaction.atomic(durable=True)
def do_delete_rule(rule: KeywordRule, *, acting_user: User | None, channel: str) -> None:
    """Delete a rule (complaints it already changed keep their severity and category)."""
    ensure_allowed(acting_user, "delete", rule)
    _delete(rule, acting_user=acting_user, channel=channel)
