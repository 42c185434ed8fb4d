"""The filters of PDCA projects, shared by the list page's future spec and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sqms.core.filtersets import ChoiceFilter, FilterSet, RelatedFilter, ValueFilter
from sqms.core.models import Site
from sqms.improvement.models import PdcaStage
from sqms.kpis.models import Kpi

PDCA_FILTERS = FilterSet(
    search=("code", "title", "problem", "root_cause"),
    filters=(
        ChoiceFilter("stage", gettext_lazy("Stage"), "stage", PdcaStage),
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site_id"),
        RelatedFilter("kpi", gettext_lazy("KPI"), "kpi_id", Kpi, api_name="kpi_id"),
        ValueFilter("owner_id", gettext_lazy("Owner"), "owner_id", int),
    ),
)
