"""The standards app's filters: one definition each, read by the list pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sqms.core.filtersets import ChoiceFilter, FilterSet, RelatedFilter
from sqms.core.models import Service, Site
from sqms.standards.choices import StandardKind
from sqms.standards.models import Standard

STANDARD_FILTERS = FilterSet(
    search=("code", "title", "title_en", "service__name"),
    filters=(
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", StandardKind),
        RelatedFilter("service", gettext_lazy("Service"), "service", Service),
    ),
)

TRAINING_FILTERS = FilterSet(
    search=("course", "trainer", "standard__code", "standard__title"),
    filters=(
        RelatedFilter("standard", gettext_lazy("Standard"), "standard", Standard),
        RelatedFilter("site", gettext_lazy("Site"), "sites", Site),
    ),
)
