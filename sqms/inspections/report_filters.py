"""The one filter bar every inspection report shares: period (months of ``submitted_at``),
region, site, inspection kind and checklist template.

The region, site, kind and template filters are a :class:`~sqms.core.filtersets.FilterSet`
(``RESULT_FILTERS``), applied with :meth:`FilterSet.narrow` to inspections and, through their
``inspection__`` lookups, to answers; every query starts from ``restrict(user)``, so an id
outside the user's scope matches nothing. Only submitted inspections with a score count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sqms.core.filtersets import ChoiceFilter, FilterSet, Lookup, RelatedFilter
from sqms.core.models import Region, Site
from sqms.inspections.choices import InspectionKind, InspectionStatus
from sqms.inspections.models import Answer, ChecklistTemplate, Inspection

RESULT_FILTERS = FilterSet(
    filters=(
        RelatedFilter(
            "region", gettext_lazy("Region"), "site__region_id", Region, api_name="region"
        ),
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site, api_name="site"),
        ChoiceFilter("kind", gettext_lazy("Kind"), "kind", InspectionKind),
        RelatedFilter(
            "template",
            gettext_lazy("Checklist"),
            "checklist__template_id",
            ChecklistTemplate,
            api_name="template",
        ),
    )
)

#: the same filters read on answers
ANSWER_LOOKUPS: dict[str, Lookup] = {
    "region": "inspection__site__region_id",
    "site": "inspection__site_id",
    "kind": "inspection__kind",
    "template": "inspection__checklist__template_id",
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


#: the years a report period may name: a league compares with the period before, so a month
#: near year 1 would reach back past the calendar's start
YEARS = range(1900, 3000)


def _month(value: Any) -> dt.date | None:
    """The first day of a ``YYYY-MM`` month; None for anything else or a year out of ``YEARS``."""
    if not value:
        return None
    try:
        year, month = str(value)[:7].split("-")
        day = dt.date(int(year), int(month), 1)
    except ValueError:
        return None
    return day if day.year in YEARS else None


def add_months(day: dt.date, k: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + k
    return dt.date(index // 12, index % 12 + 1, 1)


def month_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the server's time zone (an aware datetime)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class ResultFilters:
    """The GET parameters of the report pages (``from`` and ``to`` are months, inclusive)."""

    region: int | None = None
    site: int | None = None
    kind: str = ""
    template: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ResultFilters:
        kind = str(params.get("kind", "") or "")
        date_from, date_to = _month(params.get("from")), _month(params.get("to"))
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(
            region=_int(params.get("region")),
            site=_int(params.get("site")),
            kind=kind if kind in InspectionKind.values else "",
            template=_int(params.get("template")),
            date_from=date_from,
            date_to=date_to,
        )

    def values(self) -> dict[str, Any]:
        """The values by ``RESULT_FILTERS`` name, for :meth:`FilterSet.narrow`."""
        return {
            "region": self.region,
            "site": self.site,
            "kind": self.kind,
            "template": self.template,
        }

    def params(self) -> dict[str, str]:
        out = {
            **self.values(),
            "from": self.date_from.strftime("%Y-%m") if self.date_from else None,
            "to": self.date_to.strftime("%Y-%m") if self.date_to else None,
        }
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    def with_period(self, first: dt.date | None, last: dt.date | None) -> ResultFilters:
        return replace(self, date_from=first, date_to=last)


def _period(qs: QuerySet[Any], f: ResultFilters, field: str = "submitted_at") -> QuerySet[Any]:
    if f.date_from:
        qs = qs.filter(**{f"{field}__gte": month_start(f.date_from)})
    if f.date_to:
        qs = qs.filter(**{f"{field}__lt": month_start(add_months(f.date_to, 1))})
    return qs


def inspections(user: Any, f: ResultFilters) -> QuerySet[Inspection]:
    """The scored, submitted inspections behind the filters, in the user's scope."""
    qs = Inspection.objects.restrict(user, "view").filter(
        status=InspectionStatus.SUBMITTED, score__isnull=False
    )
    return _period(RESULT_FILTERS.narrow(qs, f.values()), f)


def answers(user: Any, f: ResultFilters) -> QuerySet[Answer]:
    """The answers of those inspections (the same filters through ``inspection__``)."""
    qs: QuerySet[Answer] = Answer.objects.restrict(user, "view").filter(
        inspection__status=InspectionStatus.SUBMITTED, inspection__score__isnull=False
    )
    qs = RESULT_FILTERS.narrow(qs, f.values(), ANSWER_LOOKUPS)
    return _period(qs, f, "inspection__submitted_at")


def choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    """What the filter bar offers: each filter's choices within the user's scope."""
    out: dict[str, list[tuple[str, str]]] = {}
    for flt in RESULT_FILTERS.filters:
        if isinstance(flt, RelatedFilter):
            out[flt.name] = [(str(o.pk), flt.text(o)) for o in flt.objects(user)]
        elif isinstance(flt, ChoiceFilter):
            out[flt.name] = [(str(v), str(label)) for v, label in flt.enum.choices]
    return out


def labels() -> dict[str, str]:
    return {flt.name: str(flt.label) for flt in RESULT_FILTERS.filters}


__all__ = [
    "RESULT_FILTERS",
    "ResultFilters",
    "add_months",
    "answers",
    "choices",
    "inspections",
    "month_start",
    "months_between",
]
