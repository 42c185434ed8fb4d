"""What every complaint report reads: the shared filters (GET parameters) and the complaints,
transaction volumes and filter choices under them, always through ``restrict(user)``.

Months are calendar months in the server's time zone (``SQMS_TIME_ZONE``), as in the survey
reports' drill-down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from sqms.complaints.choices import IntakeChannel, Severity
from sqms.complaints.models import Category, Complaint, TransactionVolume
from sqms.core.models import Region, Site

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


def month_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the server's time zone (an aware datetime)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class ComplaintFilters:
    """The GET parameters every complaint report shares. Ids outside the user's scope simply
    match nothing (every query is restricted first)."""

    region: int | None = None
    site: int | None = None
    category: int | None = None
    severity: str = ""
    channel: str = ""
    date_from: dt.date | None = None  # first day of a month
    date_to: dt.date | None = None  # first day of a month (inclusive)

    KEYS = ("region", "site", "category", "severity", "channel", "from", "to")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ComplaintFilters:
        channel = str(params.get("channel", "") or "")
        severity = str(params.get("severity", "") or "")
        date_from, date_to = _month(params.get("from")), _month(params.get("to"))
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return cls(
            region=_int(params.get("region")),
            site=_int(params.get("site")),
            category=_int(params.get("category")),
            severity=severity if severity in Severity.values else "",
            channel=channel if channel in IntakeChannel.values else "",
            date_from=date_from,
            date_to=date_to,
        )

    def params(self) -> dict[str, str]:
        """The filters as GET parameters (only those set)."""
        out = {
            "region": self.region,
            "site": self.site,
            "category": self.category,
            "severity": self.severity,
            "channel": self.channel,
            "from": self.date_from.strftime("%Y-%m") if self.date_from else None,
            "to": self.date_to.strftime("%Y-%m") if self.date_to else None,
        }
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    def list_params(self) -> dict[str, str]:
        """The filters the complaint list understands (``COMPLAINT_FILTERS``: no period)."""
        out = {
            "region": self.region,
            "site": self.site,
            "category": self.category,
            "severity": self.severity,
            "channel": self.channel,
        }
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    def without_period(self) -> ComplaintFilters:
        return replace(self, date_from=None, date_to=None)


def _where(qs: QuerySet[Any], f: ComplaintFilters, prefix: str = "") -> QuerySet[Any]:
    if f.site is not None:
        qs = qs.filter(**{f"{prefix}site_id": f.site})
    if f.region is not None:
        qs = qs.filter(**{f"{prefix}site__region_id": f.region})
    return qs


def complaints(user: Any, f: ComplaintFilters, *, with_period: bool = True) -> QuerySet[Complaint]:
    """The complaints behind the filters, in the user's scope (period on ``received_at``)."""
    qs: QuerySet[Complaint] = _where(Complaint.objects.restrict(user, "view"), f)
    if f.category is not None:
        qs = qs.filter(category_id=f.category)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if with_period:
        if f.date_from:
            qs = qs.filter(received_at__gte=month_start(f.date_from))
        if f.date_to:
            qs = qs.filter(received_at__lt=month_start(add_months(f.date_to, 1)))
    return qs


def volumes(user: Any, f: ComplaintFilters) -> QuerySet[TransactionVolume]:
    """Transaction volumes of the sites and months behind the filters (the category, severity
    and channel filters do not apply to a denominator)."""
    qs: QuerySet[TransactionVolume] = _where(TransactionVolume.objects.restrict(user, "view"), f)
    if f.date_from:
        qs = qs.filter(period__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(period__lte=f.date_to)
    return qs


@dataclass(frozen=True)
class FilterChoices:
    regions: list[tuple[int, str]]
    sites: list[tuple[int, str]]
    categories: list[tuple[int, str]]
    severities: list[tuple[str, StrOrPromise]]
    channels: list[tuple[str, StrOrPromise]]


def filter_choices(user: Any) -> FilterChoices:
    """What the filter form offers: only records in the user's scope (three small queries)."""
    regions = [(r.pk, str(r)) for r in Region.objects.restrict(user, "view").only("code", "name")]
    sites = [(s.pk, str(s)) for s in Site.objects.restrict(user, "view").only("code", "name")]
    categories = [(c.pk, c.label) for c in Category.objects.restrict(user, "view")]
    return FilterChoices(
        regions, sites, categories, list(Severity.choices), list(IntakeChannel.choices)
    )
