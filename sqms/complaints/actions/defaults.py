"""The starting configuration: the default category tree and the default SLA policy. The
migration installs them; the demo (after ``--reset`` empties every table) installs them again.
Idempotent: what exists already is left as it is."""

from __future__ import annotations

from django.db import transaction

from sqms.complaints.defaults import DEFAULT_CATEGORIES, DEFAULT_POLICY
from sqms.complaints.models import Category, SlaPolicy
from sqms.core import audit
from sqms.core.choices import AuditAction


@transaction.atomic(durable=True)
def do_install_defaults(*, channel: str) -> int:
    """Create the default categories and policy that are missing; how many were created.
    The system's own action (no user): quality managers edit the result afterwards."""
    created = 0
    for position, (code, name, name_en) in enumerate(DEFAULT_CATEGORIES):
        category, new = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
        if new:
            audit.record(category, AuditAction.CREATE, actor=None, channel=channel)
            created += 1
    if not SlaPolicy.objects.filter(is_default=True).exists():
        policy = SlaPolicy.objects.create(**DEFAULT_POLICY)
        audit.record(policy, AuditAction.CREATE, actor=None, channel=channel)
        created += 1
    return created
