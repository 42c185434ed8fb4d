"""The surveys models' filters: one definition each, read by their list pages and the API."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from sqms.core.filtersets import (
    BooleanFilter,
    ChoiceFilter,
    FilterSet,
    RelatedFilter,
    ValueFilter,
)
from sqms.core.models import Site
from sqms.surveys.choices import CampaignStatus, InstrumentKind, ResponseChannel
from sqms.surveys.models import Campaign

INSTRUMENT_FILTERS = FilterSet(
    search=("code", "name_zh", "name_en"),
    filters=(
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", InstrumentKind),
        BooleanFilter(
            "current", gettext_lazy("Current version"), "is_current", api_name="is_current"
        ),
    ),
)

CAMPAIGN_FILTERS = FilterSet(
    search=("name", "instrument__code", "instrument__name_zh", "instrument__name_en"),
    filters=(
        ChoiceFilter("status", gettext_lazy("Status"), "status", CampaignStatus),
        ChoiceFilter("kind", gettext_lazy("Kind"), "instrument__kind", InstrumentKind),
    ),
)

RESPONSE_FILTERS = FilterSet(
    search=("comment", "external_id"),
    filters=(
        RelatedFilter(
            "campaign",
            gettext_lazy("Campaign"),
            "campaign_id",
            Campaign,
            api_name="campaign_id",
            text=lambda c: c.name,
        ),
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site_id"),
        ValueFilter(
            "site_code", gettext_lazy("Site code"), "site__code__iexact", str, api_name="site"
        ),
        ChoiceFilter("channel", gettext_lazy("Channel"), "channel", ResponseChannel),
        ValueFilter("since", gettext_lazy("Since"), "submitted_at__gte", dt.datetime),
        ValueFilter("until", gettext_lazy("Until"), "submitted_at__lt", dt.datetime),
        ValueFilter("external_id", gettext_lazy("External id"), "external_id", str),
    ),
)
