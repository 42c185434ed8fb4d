"""What the CAPA actions share: the nonconformity's row lock with the optimistic version check
(``sqms.core.locking``, as complaints), the read-only rule for closed NCs, and the save that
bumps the version and writes the audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from sqms.capa.models import Nonconformity
from sqms.core import audit, locking
from sqms.core.audit import Snapshot
from sqms.core.choices import AuditAction
from sqms.core.locking import ConflictError

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def lock(
    nc: Nonconformity, expected_version: int | None, *, open_only: bool = True
) -> Nonconformity:
    """The NC's row, locked for this transaction (``sqms.core.locking``); refused with
    ``ConflictError`` when ``expected_version`` is given and no longer current, and
    (``open_only``) when the NC is closed or cancelled."""
    current = locking.lock(nc, expected_version, select_related=("site",))
    if open_only:
        audit.ensure_open(current)
    return current


def save(
    nc: Nonconformity,
    *,
    before: Snapshot | None,
    acting_user: User | None,
    channel: str,
    bump: bool = True,
) -> Nonconformity:
    """Bump the version, save, and record the change."""
    if bump:
        nc.version += 1
    nc.save()
    if before is not None:
        audit.record(nc, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return nc


__all__ = ["ConflictError", "lock", "save"]
