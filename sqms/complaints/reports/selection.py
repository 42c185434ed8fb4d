"""What every complaint report reads: the shared filters (GET parameters) and the complaints,
transaction volumes and filter choices under them, always through ``restrict(user)``.

Months are calendar months in the server's time zone (``SQMS_TIME_ZONE``), as in the survey
reports' drill-down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sqms.complaints.choices import IntakeChannel, Severity
from sqms.complaints.filters import COMPLAINT_FILTERS
from sqms.complaints.models import Complaint, TransactionVolume
from sqms.core.filtersets import Lookup, RelatedFilter
from sqms.core.models import Site

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

    def values(self) -> dict[str, Any]:
        """The filter values by ``COMPLAINT_FILTERS`` name (for :meth:`FilterSet.narrow`)."""
        return self.list_params() | {
            "site": self.site,
            "region": self.region,
            "category": self.category,
        }

    def without_period(self) -> ComplaintFilters:
        return replace(self, date_from=None, date_to=None)


#: complaints and volumes of a region: a subquery of site ids, so the (site, received_at) index
#: serves (a join to the site table makes SQLite scan every complaint)
LOOKUPS: dict[str, Lookup] = {
    "region": lambda v: Q(site_id__in=Site.objects.filter(region_id=v).values("pk")),
}


def complaints(user: Any, f: ComplaintFilters, *, with_period: bool = True) -> QuerySet[Complaint]:
    """The complaints behind the filters (the complaint list's ``COMPLAINT_FILTERS``), in the
    user's scope; the period is on ``received_at``."""
    qs: QuerySet[Complaint] = COMPLAINT_FILTERS.narrow(
        Complaint.objects.restrict(user, "view"), f.values(), LOOKUPS
    )
    if with_period:
        if f.date_from:
            qs = qs.filter(received_at__gte=month_start(f.date_from))
        if f.date_to:
            qs = qs.filter(received_at__lt=month_start(add_months(f.date_to, 1)))
    return qs


def volumes(user: Any, f: ComplaintFilters) -> QuerySet[TransactionVolume]:
    """Transaction volumes of the sites and months behind the filters (the category, severity
    and channel filters do not apply to a denominator)."""
    qs: QuerySet[TransactionVolume] = COMPLAINT_FILTERS.narrow(
        TransactionVolume.objects.restrict(user, "view"),
        {"region": f.region, "site": f.site},
        LOOKUPS,
    )
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
    """What the filter form offers: the complaint list's filters' choices, only records in
    the user's scope (three small queries)."""

    def pairs(name: str) -> list[tuple[int, str]]:
        flt = COMPLAINT_FILTERS.get(name)
        assert isinstance(flt, RelatedFilter)
        return [(obj.pk, flt.text(obj)) for obj in flt.objects(user)]

    return FilterChoices(
        pairs("region"),
        pairs("site"),
        pairs("category"),
        list(Severity.choices),
        list(IntakeChannel.choices),
    )


# Native SQL for the aggregates ------------------------------------------------------------------


class HoursBetween(Func):
    """Wall-clock hours from ``start`` to ``end`` (two datetime columns) as a float, in native
    SQL: SQLite's ``julianday`` difference (rounded to 10⁻⁶ h against its binary
    fractions of a day), PostgreSQL's epoch of the interval. (Django's own
    datetime subtraction on SQLite calls a Python function per row, ten times slower.)"""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: str, start: str = "received_at") -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 24.0, 6)",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 3600.0)",
            arg_joiner=" - ",
            **extra_context,
        )


def month_edges(first: dt.datetime, last: dt.datetime) -> list[dt.date]:
    """The months (first days, server time zone) from the one holding ``first`` to the one
    holding ``last``."""
    tz = timezone.get_current_timezone()
    a, b = first.astimezone(tz).date().replace(day=1), last.astimezone(tz).date().replace(day=1)
    months = [a]
    while months[-1] < b:
        months.append(add_months(months[-1], 1))
    return months


def month_of(months: list[dt.date], field: str = "received_at") -> Case:
    """A CASE expression giving the index in ``months`` of the month ``field`` falls in
    (server time zone), compared natively with each month's start — instead of a per-row
    time-zone conversion."""
    whens = [
        When(**{f"{field}__lt": month_start(add_months(m, 1))}, then=Value(i))
        for i, m in enumerate(months)
    ]
    return Case(*whens, default=Value(len(months)), output_field=IntegerField())


def counts_by_month(
    qs: QuerySet[Complaint], *group: str
) -> tuple[list[dt.date], list[dict[str, Any]]]:
    """Complaints per (``*group``, month) in one ``GROUP BY`` (plus one query for the first
    and last date): rows with the group values, ``month`` and ``n``."""
    span = qs.aggregate(first_=Min("received_at"), last_=Max("received_at"))
    if span["first_"] is None:
        return [], []
    months = month_edges(span["first_"], span["last_"])
    if len(months) > MAX_CASE_MONTHS:  # decades of data: truncate per row instead
        tz = timezone.get_current_timezone()
        rows = list(
            qs.annotate(m_=TruncMonth("received_at", tzinfo=tz))
            .values(*group, "m_")
            .annotate(n_=Count("pk"))
            .order_by()
        )
        out = [{**row, "month": _as_date(row.pop("m_")), "n": row.pop("n_")} for row in rows]
        return months, out
    rows = list(
        qs.annotate(m_=month_of(months)).values(*group, "m_").annotate(n_=Count("pk")).order_by()
    )
    out = []
    for row in rows:
        index = min(row.pop("m_"), len(months) - 1)
        out.append({**row, "month": months[index], "n": row.pop("n_")})
    return months, out


#: beyond this many months (ten years) one CASE branch per month costs more than it saves
MAX_CASE_MONTHS = 120


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


NO_FLATTEN = 2**62


def over(qs: QuerySet[Any], select: str, params: Sequence[Any] = ()) -> list[Any]:
    """``SELECT <select> FROM (<qs>) AS sub``: aggregates over the columns of a (restricted)
    queryset, each computed once per row — the databases do not share an expression repeated
    in several ``FILTER`` clauses. ``params`` are those of ``select``. The subquery carries
    a (never reached) LIMIT so that SQLite does not flatten it into the outer query, which
    would compute each expression again wherever it is used (4× slower)."""
    return run(qs, "SELECT " + select + " FROM ({sub}) AS sub", params)


def run(
    qs: QuerySet[Any],
    template: str,
    params: Sequence[Any] = (),
    params_after: Sequence[Any] = (),
) -> list[Any]:
    """``template`` with ``{sub}`` replaced by the SQL of ``qs`` (unordered, not flattened, as
    for :func:`over`); ``params`` fill the template's placeholders before ``{sub}``,
    ``params_after`` those after it."""
    sql, inner = qs.order_by()[:NO_FLATTEN].query.sql_with_params()
    before, after = template.split("{sub}")
    with connections[qs.db].cursor() as cursor:
        cursor.execute(before + sql + after, [*params, *inner, *params_after])
        return list(cursor.fetchall())
