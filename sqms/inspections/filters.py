"""The inspections' filters: one definition read by the list page, its exports and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from pydantic import Field

from sqms.core.filtersets import ChoiceFilter, Filter, FilterSet, RelatedFilter, ValueFilter
from sqms.core.models import Region, Site
from sqms.inspections.choices import InspectionKind, InspectionStatus
from sqms.inspections.models import ChecklistTemplate, Inspection


@dataclass(frozen=True)
class TemplateFilter(RelatedFilter):
    """Checklists are organisation-wide: every one may be picked."""

    def objects(self, user: Any) -> QuerySet[Any]:
        return ChecklistTemplate.objects.all()


@dataclass(frozen=True)
class YearFilter(Filter):
    """The years with inspections due or submitted in the user's scope."""

    def choices(self, request: HttpRequest) -> list[tuple[str, str]]:
        years = Inspection.objects.restrict(request.user, "view").dates(
            "created_at", "year", order="DESC"
        )
        return [(str(d.year), str(d.year)) for d in years]

    def api_type(self) -> Any:
        return Annotated[int, Field(ge=1900, le=2999)]


INSPECTION_FILTERS = FilterSet(
    search=("notes", "site__code", "site__name", "checklist__template__name"),
    filters=(
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", InspectionKind),
        ChoiceFilter("status", gettext_lazy("Status"), "status", InspectionStatus),
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site_id"),
        RelatedFilter(
            "region", gettext_lazy("Region"), "site__region_id", Region, api_name="region_id"
        ),
        TemplateFilter(
            "template",
            gettext_lazy("Checklist"),
            "checklist__template_id",
            ChecklistTemplate,
            api_name="template_id",
        ),
        YearFilter("period", gettext_lazy("Year"), "created_at__year", api_name="year"),
        ValueFilter(
            "from",
            gettext_lazy("Submitted from"),
            "submitted_at__date__gte",
            dt.date,
            api_name="submitted_from",
        ),
        ValueFilter(
            "until",
            gettext_lazy("Submitted until"),
            "submitted_at__date__lte",
            dt.date,
            api_name="submitted_until",
        ),
    ),
)

TEMPLATE_FILTERS = FilterSet(
    search=("code", "name", "name_en", "description"),
    filters=(ChoiceFilter("kind", gettext_lazy("Kind"), "kind", InspectionKind),),
)
