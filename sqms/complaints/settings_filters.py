"""Filters of the complaint settings lists (SLA policies, categories, keyword rules), read by
the list pages, their exports and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sqms.complaints.choices import IntakeChannel, Severity
from sqms.complaints.models import Category
from sqms.core.choices import SiteKind
from sqms.core.filtersets import BooleanFilter, ChoiceFilter, FilterSet, RelatedFilter

POLICY_FILTERS = FilterSet(
    search=("code", "name"),
    filters=(
        BooleanFilter("active", gettext_lazy("Active"), "is_active", api_name="is_active"),
        BooleanFilter("default", gettext_lazy("Default"), "is_default", api_name="is_default"),
        ChoiceFilter("severity", gettext_lazy("Severity"), "severity", Severity),
        RelatedFilter(
            "category", gettext_lazy("Category"), "category_id", Category, api_name="category_id"
        ),
        ChoiceFilter("site_kind", gettext_lazy("Site kind"), "site_kind", SiteKind),
        ChoiceFilter("channel", gettext_lazy("Channel"), "channel", IntakeChannel),
    ),
)

CATEGORY_FILTERS = FilterSet(
    search=("code", "name", "name_en"),
    filters=(
        BooleanFilter("active", gettext_lazy("Active"), "is_active", api_name="is_active"),
        RelatedFilter(
            "parent", gettext_lazy("Parent"), "parent_id", Category, api_name="parent_id"
        ),
    ),
)

RULE_FILTERS = FilterSet(
    search=("name", "words", "notify_emails"),
    filters=(
        BooleanFilter("active", gettext_lazy("Active"), "is_active", api_name="is_active"),
        ChoiceFilter("severity", gettext_lazy("Raises severity to"), "severity", Severity),
        RelatedFilter(
            "category",
            gettext_lazy("Sets category"),
            "category_id",
            Category,
            api_name="category_id",
        ),
    ),
)
