"""The KPIs app's filters: one definition each, read by the list pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sqms.core.filtersets import ChoiceFilter, FilterSet, RelatedFilter
from sqms.core.models import Site
from sqms.kpis.choices import AlertStatus, Level, Nature, Period, ValueOrigin
from sqms.kpis.models import Kpi

KPI_FILTERS = FilterSet(
    search=("code", "name", "name_en"),
    filters=(
        ChoiceFilter("nature", gettext_lazy("Nature"), "nature", Nature),
        ChoiceFilter("period", gettext_lazy("Period"), "period", Period),
    ),
)

VALUE_FILTERS = FilterSet(
    search=("kpi__code", "kpi__name", "site__code"),
    filters=(
        RelatedFilter("kpi", gettext_lazy("KPI"), "kpi", Kpi),
        ChoiceFilter("level", gettext_lazy("Level"), "level", Level),
        RelatedFilter("site", gettext_lazy("Site"), "site", Site),
        ChoiceFilter("origin", gettext_lazy("Source"), "origin", ValueOrigin),
    ),
)

ALERT_FILTERS = FilterSet(
    search=("kpi__code", "kpi__name", "site__code", "note"),
    filters=(
        RelatedFilter("kpi", gettext_lazy("KPI"), "kpi", Kpi),
        RelatedFilter("site", gettext_lazy("Site"), "site", Site),
        ChoiceFilter("status", gettext_lazy("Status"), "status", AlertStatus),
    ),
)
