"""The starting cause taxonomy (``sqms.capa.defaults``); idempotent."""

from __future__ import annotations

from django.db import transaction

from sqms.capa.defaults import DEFAULT_CAUSES
from sqms.capa.models import Cause
from sqms.core import audit
from sqms.core.choices import AuditAction


@transaction.atomic(durable=True)
def do_install_default_causes(*, channel: str) -> int:
    """Create the default causes that are missing (by code); how many were created."""
    created = 0
    for code, category, name, name_en in DEFAULT_CAUSES:
        cause, new = Cause.objects.get_or_create(
            code=code, defaults={"category": category, "name": name, "name_en": name_en}
        )
        if new:
            audit.record(cause, AuditAction.CREATE, actor=None, channel=channel)
            created += 1
    return created
