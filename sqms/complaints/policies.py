"""Which SLA policy a complaint gets: the first active policy, by priority, whose conditions
all match (an empty condition matches anything; a category condition matches its
subcategories too), else the default policy, else none."""

from __future__ import annotations

from collections.abc import Iterable

from sqms.complaints.models import Category, Complaint, SlaPolicy


def ancestors(category: Category | None) -> set[int]:
    """Ids of ``category`` and every category above it."""
    ids: set[int] = set()
    while category is not None and category.pk not in ids:
        ids.add(category.pk)
        category = category.parent
    return ids


def matches(policy: SlaPolicy, complaint: Complaint, category_ids: set[int]) -> bool:
    return (
        (not policy.severity or policy.severity == complaint.severity)
        and (not policy.channel or policy.channel == complaint.channel)
        and (not policy.site_kind or policy.site_kind == complaint.site.kind)
        and (policy.category_id is None or policy.category_id in category_ids)
    )


def choose_policy(
    complaint: Complaint, policies: Iterable[SlaPolicy] | None = None
) -> SlaPolicy | None:
    candidates = list(SlaPolicy.objects.filter(is_active=True) if policies is None else policies)
    candidates.sort(key=lambda p: (p.priority, p.code))
    category_ids = ancestors(complaint.category)
    for policy in candidates:
        if not policy.is_default and policy.is_active and matches(policy, complaint, category_ids):
            return policy
    return next((p for p in candidates if p.is_default and p.is_active), None)
