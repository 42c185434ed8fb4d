"""The complaints app's filters: one definition per model, read by list pages, exports and
the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from pydantic import Field

from sqms.complaints.choices import (
    EscalationLevel,
    IntakeChannel,
    RecoveryKind,
    RecoveryStatus,
    Severity,
    Source,
    Status,
)
from sqms.complaints.models import Category, TransactionVolume
from sqms.core.filtersets import ChoiceFilter, Filter, FilterSet, RelatedFilter, ValueFilter
from sqms.core.models import Region, Site

COMPLAINT_FILTERS = FilterSet(
    search=("summary", "description", "tracking_code", "external_id"),
    filters=(
        ChoiceFilter("status", gettext_lazy("Status"), "status", Status),
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site_id"),
        RelatedFilter(
            "region", gettext_lazy("Region"), "site__region_id", Region, api_name="region_id"
        ),
        RelatedFilter(
            "category", gettext_lazy("Category"), "category_id", Category, api_name="category_id"
        ),
        ChoiceFilter("severity", gettext_lazy("Severity"), "severity", Severity),
        ChoiceFilter("channel", gettext_lazy("Channel"), "channel", IntakeChannel),
        ChoiceFilter("source", gettext_lazy("Source"), "source", Source),
        ChoiceFilter("escalation", gettext_lazy("Escalation"), "escalation_level", EscalationLevel),
    ),
)


# Recovery actions and transaction volumes (c-recovery) --------------------------------------


@dataclass(frozen=True)
class VolumeYearFilter(Filter):
    """The years with volumes in the user's scope."""

    def choices(self, request: HttpRequest) -> list[tuple[str, str]]:
        years = TransactionVolume.objects.restrict(request.user, "view").dates(
            "period", "year", order="DESC"
        )
        return [(str(d.year), str(d.year)) for d in years]

    def api_type(self) -> Any:
        # a calendar year (year 0 would make the database's year lookup fail)
        return Annotated[int, Field(ge=1900, le=2999)]


RECOVERY_FILTERS = FilterSet(
    search=("description", "complaint__summary", "complaint__tracking_code"),
    filters=(
        ChoiceFilter("status", gettext_lazy("Status"), "status", RecoveryStatus),
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", RecoveryKind),
        RelatedFilter("site", gettext_lazy("Site"), "complaint__site_id", Site, api_name="site_id"),
        RelatedFilter(
            "region",
            gettext_lazy("Region"),
            "complaint__site__region_id",
            Region,
            api_name="region_id",
        ),
        ValueFilter(
            "complaint_id", gettext_lazy("Complaint"), "complaint_id", int, api_name="complaint_id"
        ),
    ),
)

VOLUME_FILTERS = FilterSet(
    search=("site__code", "site__name"),
    filters=(
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site_id"),
        RelatedFilter(
            "region", gettext_lazy("Region"), "site__region_id", Region, api_name="region_id"
        ),
        VolumeYearFilter("year", gettext_lazy("Year"), "period__year"),
        ValueFilter("period_from", gettext_lazy("From month"), "period__gte", dt.date),
        ValueFilter("period_to", gettext_lazy("Until month"), "period__lte", dt.date),
    ),
)
