"""The audit trail: actions call :func:`record` explicitly inside their transaction.

``snapshot`` reads a record's audited fields (``Model.audit_fields``) as JSON-safe values;
``record`` stores what changed between two snapshots with who, when and through which channel.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _

from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import AuditEvent, Site

Snapshot = dict[str, Any]


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(obj: models.Model, fields: tuple[str, ...] | None = None) -> Snapshot:
    """The audited fields of ``obj`` as JSON-safe values (related objects by their name)."""
    names: tuple[str, ...] = fields if fields else getattr(obj, "audit_fields", ())
    data: Snapshot = {}
    for name in names:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
        elif field.is_relation:
            data[name] = _plain(getattr(obj, name))
        else:
            value = getattr(obj, name)
            display = getattr(obj, f"get_{name}_display", None)
            data[name] = _plain(display() if display and value not in (None, "") else value)
    return data


def diff(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """Fields whose value differs, as ``{field: [before, after]}``."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def site_of(obj: models.Model) -> Site | None:
    if isinstance(obj, Site):
        return obj
    site = getattr(obj, "site", None)
    return site if isinstance(site, Site) else None


def record(
    obj: models.Model,
    action: str,
    *,
    actor: Any,
    channel: str,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    site: Site | None = None,
) -> AuditEvent | None:
    """Write one audit event; an update that changed nothing writes nothing."""
    if action == AuditAction.CREATE:
        changes = diff({}, after or snapshot(obj))
    elif action == AuditAction.DELETE:
        changes = diff(before or {}, {})
    else:
        changes = diff(before or {}, after if after is not None else snapshot(obj))
        if not changes and action == AuditAction.UPDATE:
            return None
    if channel not in Channel.values:
        raise ValueError(f"unknown audit channel {channel!r}")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "",
        channel=channel,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        site=site if site is not None else site_of(obj),
        changes=changes,
        actor_hidden=bool(getattr(obj, "audit_hides_actor", False)),
    )


def history(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Events of one record, newest first."""
    return AuditEvent.objects.filter(
        model=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")


def ensure_open(obj: models.Model) -> None:
    """Refuse to change a record that is closed (``obj.is_closed`` true)."""
    if getattr(obj, "is_closed", False):
        raise PermissionDenied(
            _("%(record)s is closed and can no longer be changed.") % {"record": obj}
        )


#: roles that see the actor of an event whose record hides it (``actor_hidden``)
SEES_HIDDEN_ACTORS = frozenset({Role.QUALITY_MANAGER, Role.REGION_MANAGER})


def with_who(qs: models.QuerySet[AuditEvent], user: Any) -> models.QuerySet[AuditEvent]:
    """``qs`` with a ``who`` column: the actor's name, or "" where the record hides its actor
    from ``user`` — what lists show, sort and search, so a hidden name cannot be found."""
    profile = getattr(user, "profile", None)
    if getattr(profile, "role", None) in SEES_HIDDEN_ACTORS:
        return qs.annotate(who=F("actor_name"))
    return qs.annotate(who=Case(When(actor_hidden=True, then=Value("")), default=F("actor_name")))
