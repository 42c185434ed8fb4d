"""What every survey report reads: the shared filters (GET parameters), the user's rollups and
responses under them, the scale items and their dimensions, and the rollup-sum helpers.

Every report reads the :class:`~sqms.surveys.models.Rollup` table (n, Σx, Σx² per measure ×
campaign × site × service × channel × month) through ``Rollup.objects.restrict(user)``, with
one ``GROUP BY`` query per need; raw answers are read only for drill-down, distributions,
derived importance and comments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sqms.core.filtersets import ChoiceFilter, FilterSet, Lookup, RelatedFilter
from sqms.core.models import Region, Service, Site
from sqms.core.stats import (
    Sums,
)
from sqms.surveys.choices import (
    Dimension,
    QuestionRole,
    ResponseChannel,
)
from sqms.surveys.models import Campaign, Question, Response, Rollup, pick

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PARTS = ("E", "P", "GAP", "A", "D", "MSA", "MSS", "M", "S")
IPA_SAMPLE_CAP = 5000
KEYWORD_SAMPLE_CAP = 2000


# Filters ------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _month(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        year, month = str(value)[:7].split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def add_months(day: dt.date, k: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + k
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Number of months from ``first`` to ``last`` inclusive."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class ReportFilters:
    """The GET parameters every report page shares. Ids outside the user's scope simply match
    nothing (every query is restricted first)."""

    region: int | None = None
    site: int | None = None
    service: int | None = None  # 0 = responses without a service
    channel: str = ""
    campaign: int | None = None
    date_from: dt.date | None = None  # first day of a month
    date_to: dt.date | None = None  # first day of a month (inclusive)
    grain: str = "month"

    KEYS = ("region", "site", "service", "channel", "campaign", "from", "to", "grain")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ReportFilters:
        channel = params.get("channel", "") or ""
        if channel not in ResponseChannel.values:
            channel = ""
        date_from, date_to = _month(params.get("from")), _month(params.get("to"))
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(
            region=_int(params.get("region")),
            site=_int(params.get("site")),
            service=_int(params.get("service")),
            channel=channel,
            campaign=_int(params.get("campaign")),
            date_from=date_from,
            date_to=date_to,
            grain="quarter" if params.get("grain") == "quarter" else "month",
        )

    def params(self) -> dict[str, str]:
        """The filters as GET parameters (only those set)."""
        out = {
            "region": self.region,
            "site": self.site,
            "service": self.service,
            "channel": self.channel,
            "campaign": self.campaign,
            "from": self.date_from.strftime("%Y-%m") if self.date_from else None,
            "to": self.date_to.strftime("%Y-%m") if self.date_to else None,
            "grain": self.grain if self.grain != "month" else None,
        }
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    def values(self) -> dict[str, Any]:
        """The filter values by ``REPORT_FILTERS`` name (for :meth:`FilterSet.narrow`)."""
        return {
            "region": self.region,
            "site": self.site,
            "service": self.service,
            "channel": self.channel,
            "campaign": self.campaign,
        }

    def with_period(self, date_from: dt.date | None, date_to: dt.date | None) -> ReportFilters:
        return ReportFilters(
            self.region,
            self.site,
            self.service,
            self.channel,
            self.campaign,
            date_from,
            date_to,
            self.grain,
        )


#: the filter bar every survey report shares; rollups read it through the lookups below,
#: raw responses through ``RESPONSE_LOOKUPS`` (a rollup's ``service_key`` is 0 for "no service")
REPORT_FILTERS = FilterSet(
    filters=(
        RelatedFilter("region", gettext_lazy("Region"), "site__region_id", Region),
        RelatedFilter("site", gettext_lazy("Site"), "site_id", Site),
        RelatedFilter(
            "service",
            gettext_lazy("Service"),
            "service_key",
            Service,
            text=lambda s: f"{s.code} {s.name}",
        ),
        ChoiceFilter("channel", gettext_lazy("Channel"), "channel", ResponseChannel),
        RelatedFilter(
            "campaign", gettext_lazy("Campaign"), "campaign_id", Campaign, text=lambda c: c.name
        ),
    )
)
RESPONSE_LOOKUPS: dict[str, Lookup] = {
    "service": lambda v: Q(service__isnull=True) if v == 0 else Q(service_id=v)
}


@dataclass(frozen=True)
class FilterChoices:
    regions: list[tuple[int, str]]
    sites: list[tuple[int, str]]
    services: list[tuple[int, str]]
    campaigns: list[tuple[int, str]]
    channels: list[tuple[str, StrOrPromise]]


def filter_choices(user: Any) -> FilterChoices:
    """What the filter form offers: only records in the user's scope (four small queries)."""

    def pairs(name: str) -> list[tuple[int, str]]:
        flt = REPORT_FILTERS.get(name)
        assert isinstance(flt, RelatedFilter)
        return [(obj.pk, flt.text(obj)) for obj in flt.objects(user)]

    return FilterChoices(
        pairs("region"),
        pairs("site"),
        pairs("service"),
        pairs("campaign"),
        list(ResponseChannel.choices),
    )


def rollups(user: Any, f: ReportFilters, *, with_period: bool = True) -> QuerySet[Rollup]:
    qs = REPORT_FILTERS.narrow(Rollup.objects.restrict(user, "view"), f.values())
    if with_period:
        if f.date_from:
            qs = qs.filter(period__gte=f.date_from)
        if f.date_to:
            qs = qs.filter(period__lte=f.date_to)
    return qs


def _local_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def responses(user: Any, f: ReportFilters) -> QuerySet[Response]:
    """The responses behind the filters (months in the server's time zone)."""
    qs = REPORT_FILTERS.narrow(
        Response.objects.restrict(user, "view"), f.values(), RESPONSE_LOOKUPS
    )
    if f.date_from:
        qs = qs.filter(submitted_at__gte=_local_start(f.date_from))
    if f.date_to:
        qs = qs.filter(submitted_at__lt=_local_start(add_months(f.date_to, 1)))
    return qs


def _sums_by(qs: QuerySet[Rollup], measures: Iterable[str], *group: str) -> list[dict[str, Any]]:
    """One GROUP BY query: n, Σx, Σx² per (measure, *group) for the given measures."""
    return list(
        qs.filter(measure__in=list(measures))
        .values("measure", *group)
        .annotate(n_=Sum("n"), s_=Sum("total"), ss_=Sum("total_sq"))
        .order_by()
    )


def _as_sums(row: Mapping[str, Any]) -> Sums:
    return (int(row["n_"] or 0), float(row["s_"] or 0.0), float(row["ss_"] or 0.0))


def _add(a: Sums, b: Sums) -> Sums:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


# Scale items --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    text: str


def dimension_label(code: str) -> str:
    try:
        return str(Dimension(code).label)
    except ValueError:
        return code


def _campaigns(user: Any, f: ReportFilters) -> QuerySet[Campaign]:
    qs = Campaign.objects.restrict(user, "view")
    return qs.filter(pk=f.campaign) if f.campaign is not None else qs


def scale_items(user: Any, f: ReportFilters) -> list[Item]:
    """The dimension-tagged scale items of the instruments in the filtered campaigns (1 query)."""
    rows = (
        Question.objects.filter(
            role=QuestionRole.ITEM, instrument__campaigns__in=_campaigns(user, f)
        )
        .exclude(dimension="")
        .values_list("code", "dimension", "text_zh", "text_en", "order")
        .distinct()
        .order_by("order", "code")
    )
    seen: dict[str, Item] = {}
    for code, dim, zh, en, _order in rows:
        if code not in seen:
            seen[code] = Item(code, dim, pick(zh, en))
    order = {d: i for i, d in enumerate(Dimension.values)}
    return sorted(seen.values(), key=lambda it: (order.get(it.dimension, len(order)), it.code))


def dimensions_of(items: Iterable[Item]) -> list[str]:
    dims: list[str] = []
    for it in items:
        if it.dimension not in dims:
            dims.append(it.dimension)
    return dims


def _period_key(period: dt.date, grain: str) -> dt.date:
    if grain == "quarter":
        return dt.date(period.year, 3 * ((period.month - 1) // 3) + 1, 1)
    return period


def period_label(period: dt.date, grain: str) -> str:
    if grain == "quarter":
        return f"{period.year} Q{(period.month - 1) // 3 + 1}"
    return period.strftime("%Y-%m")
