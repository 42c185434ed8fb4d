"""What the CAPA actions share: the nonconformity's row lock with the optimistic version check
(as complaints' ``actions/common.py``), the read-only rule for closed NCs, and the save that
bumps the version and writes the audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sqms.capa.models import Nonconformity
from sqms.core import audit
from sqms.core.audit import Snapshot
from sqms.core.choices import AuditAction

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


class ConflictError(ValidationError):
    """The nonconformity changed after the user loaded it (optimistic concurrency)."""

    def __init__(self, current: Nonconformity, expected: int) -> None:
        super().__init__(
            _(
                "Someone else changed %(ref)s after you opened it (your version %(expected)d, "
                "now %(current)d). Reload it and try again."
            )
            % {"ref": current.reference, "expected": expected, "current": current.version},
            code="conflict",
        )
        self.current = current


def lock(
    nc: Nonconformity, expected_version: int | None, *, open_only: bool = True
) -> Nonconformity:
    """The NC's row, locked for this transaction; refused when ``expected_version`` is given and
    no longer current, and (``open_only``) when the NC is closed or cancelled."""
    current = (
        Nonconformity.objects.select_for_update(of=("self",)).select_related("site").get(pk=nc.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, expected_version)
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
