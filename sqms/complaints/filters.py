"""The complaints app's filters: one definition per model, read by list pages, exports and
the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sqms.complaints.choices import EscalationLevel, IntakeChannel, Severity, Source, Status
from sqms.complaints.models import Category
from sqms.core.filtersets import ChoiceFilter, FilterSet, RelatedFilter
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
