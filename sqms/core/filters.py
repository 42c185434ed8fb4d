"""The core models' filters: one definition each, read by their list pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sqms.core.choices import AuditAction, Channel, Role, SiteKind
from sqms.core.filtersets import BooleanFilter, ChoiceFilter, FilterSet, RelatedFilter
from sqms.core.models import Region, Site

REGION_FILTERS = FilterSet(search=("code", "name"))

SITE_FILTERS = FilterSet(
    search=("code", "name", "city", "address"),
    filters=(
        RelatedFilter("region", gettext_lazy("Region"), "region_id", Region, api_name="region_id"),
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", SiteKind),
        BooleanFilter("active", gettext_lazy("Active"), "is_active", api_name="is_active"),
    ),
)

SERVICE_FILTERS = FilterSet(
    search=("code", "name", "description"),
    filters=(RelatedFilter("site", gettext_lazy("Offered at"), "sites", Site, api_name="site_id"),),
)

USER_FILTERS = FilterSet(
    search=("username", "first_name", "last_name", "email"),
    filters=(ChoiceFilter("role", gettext_lazy("Role"), "profile__role", Role),),
)

AUDIT_FILTERS = FilterSet(
    search=("object_repr", "who", "model"),  # who: sqms.core.audit.with_who
    filters=(
        ChoiceFilter("channel", gettext_lazy("Channel"), "channel", Channel),
        ChoiceFilter("action", gettext_lazy("Action"), "action", AuditAction),
    ),
)
