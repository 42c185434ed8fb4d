"""The CAPA app's filters: one definition per model, read by list pages, exports and the API.

"Overdue" is an annotation the querysets get from :func:`with_overdue` (an open NC past its due
date or with an open action past its due date; an open action past its due date)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sqms.capa.choices import OPEN_STAGES, ActionKind, ActionStatus, NcSeverity, Origin, SixM, Stage
from sqms.capa.models import Action
from sqms.core.filtersets import BooleanFilter, ChoiceFilter, FilterSet, RelatedFilter, ValueFilter
from sqms.core.models import Region, Site


def today() -> dt.date:
    return timezone.localdate()


def with_overdue(qs: QuerySet[Any], on: dt.date | None = None) -> QuerySet[Any]:
    """Nonconformities annotated with ``is_overdue``."""
    on = on or today()
    late_action = Action.objects.filter(
        nonconformity=OuterRef("pk"), status=ActionStatus.OPEN, due_date__lt=on
    )
    return qs.annotate(  # type: ignore[no-any-return]
        is_overdue=Case(
            When(
                Q(stage__in=OPEN_STAGES) & (Q(due_date__lt=on) | Exists(late_action)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def actions_with_overdue(qs: QuerySet[Any], on: dt.date | None = None) -> QuerySet[Any]:
    on = on or today()
    return qs.annotate(  # type: ignore[no-any-return]
        is_overdue=Case(
            When(
                Q(status=ActionStatus.OPEN, due_date__lt=on, nonconformity__stage__in=OPEN_STAGES),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


NC_FILTERS = FilterSet(
    search=("title", "description", "source_ref", "containment"),
    filters=(
        ChoiceFilter("stage", gettext_lazy("Stage"), "stage", Stage),
        ChoiceFilter("severity", gettext_lazy("Severity"), "severity", NcSeverity),
        ChoiceFilter("origin", gettext_lazy("Origin"), "origin", Origin),
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site_id"),
        RelatedFilter(
            "region", gettext_lazy("Region"), "site__region_id", Region, api_name="region_id"
        ),
        BooleanFilter("overdue", gettext_lazy("Overdue"), "is_overdue"),
        ValueFilter("raised_from", gettext_lazy("Raised from"), "raised_at__date__gte", dt.date),
        ValueFilter("raised_to", gettext_lazy("Raised until"), "raised_at__date__lte", dt.date),
    ),
)

ACTION_FILTERS = FilterSet(
    search=("description", "nonconformity__title"),
    filters=(
        ChoiceFilter("status", gettext_lazy("Status"), "status", ActionStatus),
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", ActionKind),
        RelatedFilter(
            "site", gettext_lazy("Site"), "nonconformity__site_id", Site, api_name="site_id"
        ),
        RelatedFilter(
            "region",
            gettext_lazy("Region"),
            "nonconformity__site__region_id",
            Region,
            api_name="region_id",
        ),
        BooleanFilter("overdue", gettext_lazy("Overdue"), "is_overdue"),
        ValueFilter("nonconformity_id", gettext_lazy("Nonconformity"), "nonconformity_id", int),
    ),
)

CAUSE_FILTERS = FilterSet(
    search=("code", "name", "name_en", "description"),
    filters=(
        ChoiceFilter("category", gettext_lazy("6M category"), "category", SixM),
        BooleanFilter("active", gettext_lazy("Active"), "is_active", api_name="is_active"),
    ),
)
