"""The overview page: complaints per month, the rate per 1,000 transactions per site and month,
SLA compliance of first response and resolution, how long both took (wall-clock hours), and
the backlog of open complaints by age.

Queries (each one aggregate in the database): site × month counts, the transaction volumes,
one conditional-count query for the SLA outcomes and time buckets, two sorted-offset queries
per time distribution (median, 90th percentile), and one for the backlog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics.summary import quantile_position
from sqms.complaints.choices import OPEN_STATUSES
from sqms.complaints.models import Complaint
from sqms.complaints.reports.frame import frame, list_url, report_view
from sqms.complaints.reports.selection import (
    ComplaintFilters,
    HoursBetween,
    complaints,
    counts_by_month,
    over,
    run,
    volumes,
)
from sqms.core.charts import base_layout
from sqms.core.panels import Cell, Panel, count, num, render_panels, text
from sqms.core.stats import Share, share

CLOCKS = ("response", "resolution")
#: backlog age buckets: (key, lower bound in days, upper bound in days or None)
AGE_BUCKETS: tuple[tuple[str, float, float | None], ...] = (
    ("lt1d", 0, 1),
    ("1to3d", 1, 3),
    ("3to7d", 3, 7),
    ("7to30d", 7, 30),
    ("gt30d", 30, None),
)
#: time-to buckets for the distribution chart, in hours
HOUR_BUCKETS: tuple[tuple[str, float, float | None], ...] = (
    ("lt1h", 0, 1),
    ("1to4h", 1, 4),
    ("4to8h", 4, 8),
    ("8to24h", 8, 24),
    ("24to72h", 24, 72),
    ("gt72h", 72, None),
)


def age_label(key: str) -> str:
    return {
        "lt1d": _("< 1 day"),
        "1to3d": _("1–3 days"),
        "3to7d": _("3–7 days"),
        "7to30d": _("7–30 days"),
        "gt30d": _("> 30 days"),
        "lt1h": _("< 1 h"),
        "1to4h": _("1–4 h"),
        "4to8h": _("4–8 h"),
        "8to24h": _("8–24 h"),
        "24to72h": _("24–72 h"),
        "gt72h": _("> 72 h"),
    }[key]


@dataclass(frozen=True)
class SiteMonth:
    site_id: int
    site_code: str
    site_name: str
    month: dt.date
    complaints: int
    transactions: int | None  # None: no volume entered for that month

    @property
    def rate(self) -> float | None:
        """Complaints per 1,000 transactions (None without a volume)."""
        if not self.transactions:
            return None
        return 1000.0 * self.complaints / self.transactions


@dataclass(frozen=True)
class SlaOutcome:
    clock: str  # "response" or "resolution"
    met: int
    breached: int
    running: int

    @property
    def compliance(self) -> Share:
        """Share met among the clocks that are decided (met + breached), Wilson interval."""
        return share(self.met + self.breached, self.met)


@dataclass(frozen=True)
class Duration:
    clock: str
    n: int
    median_hours: float | None
    p90_hours: float | None
    buckets: dict[str, int]


@dataclass(frozen=True)
class Overview:
    filters: ComplaintFilters
    now: dt.datetime
    total: int
    months: list[tuple[dt.date, int]]
    site_months: list[SiteMonth]
    sla: list[SlaOutcome]
    durations: list[Duration]
    backlog: dict[str, int]

    @property
    def empty(self) -> bool:
        return self.total == 0 and not self.site_months and not any(self.backlog.values())


def _quantiles(
    qs: QuerySet[Complaint], counts: dict[str, int], wanted: Sequence[float]
) -> dict[str, list[float | None]]:
    """Quantiles of the hours to first response and to resolution, in one query: the hours
    are computed once per row, the database numbers each clock's sorted values
    (``ROW_NUMBER()``) and sends back the rows around each quantile's position (numpy's
    linear interpolation); PostgreSQL's ``percentile_cont`` gives the same in one aggregate."""
    positions = {c: [quantile_position(n, q) for q in wanted] for c, n in counts.items() if n}
    out: dict[str, list[float | None]] = {c: [None for _q in wanted] for c in counts}
    if not positions:
        return out
    params: list[int] = []
    where = []
    for clock in CLOCKS:
        rows = sorted(
            {i + k + 1 for i, w in positions.get(clock, []) for k in (0, 1)[: 1 + (w > 0)]}
        )
        if rows:
            where.append(
                f"(h_{clock} IS NOT NULL AND rn_{clock} IN ({', '.join(['%s'] * len(rows))}))"
            )
            params.extend(rows)
    numbered = ", ".join(
        f"ROW_NUMBER() OVER (PARTITION BY h_{c} IS NULL ORDER BY h_{c}, row_id) AS rn_{c}"
        for c in CLOCKS
    )
    inner = qs.annotate(
        row_id=F("pk"),
        h_response=HoursBetween("first_response_at"),
        h_resolution=HoursBetween("resolved_at"),
    ).values("row_id", "h_response", "h_resolution")
    if connections[qs.db].vendor == "postgresql":  # the same rule, as an ordered-set aggregate
        (row,) = run(
            inner,
            "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY h_response), "
            "percentile_cont(%s) WITHIN GROUP (ORDER BY h_resolution) FROM ({sub}) AS sub",
            [list(wanted), list(wanted)],
        )
        for clock, values in zip(CLOCKS, row, strict=True):
            if clock in positions and values is not None:
                out[clock] = [float(v) for v in values]
        return out
    found: dict[str, dict[int, float]] = {c: {} for c in CLOCKS}
    template = (
        "SELECT rn_response, h_response, rn_resolution, h_resolution FROM ("
        f"SELECT h_response, h_resolution, {numbered} FROM ({{sub}}) AS sub) AS numbered "
        "WHERE " + " OR ".join(where)
    )
    for rn1, h1, rn2, h2 in run(inner, template, (), params):
        if h1 is not None:
            found["response"][int(rn1) - 1] = float(h1)
        if h2 is not None:
            found["resolution"][int(rn2) - 1] = float(h2)
    for clock, pos in positions.items():
        values = found[clock]
        out[clock] = [
            values[i] + w * (values[i + 1] - values[i]) if w else values[i] for i, w in pos
        ]
    return out


def _buckets(qs: QuerySet[Complaint]) -> dict[str, int]:
    """Counts of the time-to buckets of both clocks in one query: the hours are computed once
    per row in a subquery, then counted."""
    inner = qs.annotate(
        h_response=HoursBetween("first_response_at"), h_resolution=HoursBetween("resolved_at")
    ).values("h_response", "h_resolution")
    names, parts, params = [], [], []
    for clock in ("response", "resolution"):
        for key, lo, hi in HOUR_BUCKETS:
            cond = [f"h_{clock} >= %s"]
            params.append(lo)
            if hi is not None:
                cond.append(f"h_{clock} < %s")
                params.append(hi)
            names.append(f"{clock}_{key}")
            parts.append(f"COUNT(CASE WHEN {' AND '.join(cond)} THEN 1 END)")
    (row,) = over(inner, ", ".join(parts), params)
    return {name: int(v or 0) for name, v in zip(names, row, strict=True)}


def _clock_counts(prefix: str, end: str, now: dt.datetime) -> dict[str, Count]:
    """Conditional counts for one clock: met, breached, running (a clock is breached when the
    scheduler recorded it, or when it is still running past its due time)."""
    breached = Q(**{f"{prefix}_breached_at__isnull": False}) | Q(
        **{f"{end}__isnull": True, f"{prefix}_due_at__lt": now}
    )
    return {
        f"{prefix}_met": Count("pk", filter=Q(**{f"{end}__isnull": False}) & ~breached),
        f"{prefix}_breached": Count("pk", filter=breached),
        f"{prefix}_running": Count("pk", filter=Q(**{f"{end}__isnull": True}) & ~breached),
    }


def overview_report(user: Any, f: ComplaintFilters, now: dt.datetime | None = None) -> Overview:
    now = now or timezone.now()
    qs = complaints(user, f)
    _months, site_rows = counts_by_month(qs, "site_id", "site__code", "site__name")
    vols = {
        (v["site_id"], v["period"]): v
        for v in volumes(user, f).values(
            "site_id", "site__code", "site__name", "period", "transactions"
        )
    }
    counts: dict[tuple[int, dt.date], tuple[str, str, int]] = {}
    by_month: dict[dt.date, int] = {}
    for row in site_rows:
        month = row["month"]
        counts[(row["site_id"], month)] = (row["site__code"], row["site__name"], row["n"])
        by_month[month] = by_month.get(month, 0) + row["n"]
    keys = set(counts) | set(vols)
    site_months = []
    for site_id, month in keys:
        code, name, n = counts.get((site_id, month), ("", "", 0))
        vol = vols.get((site_id, month))
        if vol is not None:
            code, name = vol["site__code"], vol["site__name"]
        site_months.append(
            SiteMonth(site_id, code, name, month, n, vol["transactions"] if vol else None)
        )
    site_months.sort(key=lambda s: (s.site_code, s.month))

    timed = qs.filter(policy__isnull=False)
    agg = timed.aggregate(
        total_=Count("pk"),
        responded_=Count("first_response_at"),
        resolved_=Count("resolved_at"),
        **_clock_counts("response", "first_response_at", now),
        **_clock_counts("resolution", "resolved_at", now),
    )
    agg.update(_buckets(timed))
    total = sum(by_month.values())
    sla = [
        SlaOutcome(clock, agg[f"{clock}_met"], agg[f"{clock}_breached"], agg[f"{clock}_running"])
        for clock in ("response", "resolution")
    ]
    quantiles = _quantiles(
        timed, {"response": agg["responded_"], "resolution": agg["resolved_"]}, (0.5, 0.9)
    )
    durations = []
    for clock, _end, n in (
        ("response", "first_response_at", agg["responded_"]),
        ("resolution", "resolved_at", agg["resolved_"]),
    ):
        median, p90 = quantiles[clock]
        durations.append(
            Duration(
                clock,
                n,
                median,
                p90,
                {key: agg[f"{clock}_{key}"] for key, _lo, _hi in HOUR_BUCKETS},
            )
        )

    backlog_qs = complaints(user, f, with_period=False).filter(status__in=OPEN_STATUSES)
    backlog_counts = {}
    for key, lo, hi in AGE_BUCKETS:
        # complaints received after ``now`` (clock skew) count as under a day old
        cond = Q(received_at__lte=now - dt.timedelta(days=lo)) if lo else Q(pk__isnull=False)
        if hi is not None:
            cond &= Q(received_at__gt=now - dt.timedelta(days=hi))
        backlog_counts[key] = Count("pk", filter=cond)
    backlog = backlog_qs.aggregate(**backlog_counts)
    months = sorted(by_month.items())
    return Overview(f, now, total, months, site_months, sla, durations, backlog)


# Panels -------------------------------------------------------------------------------------


def clock_label(clock: str) -> str:
    return _("First response") if clock == "response" else _("Resolution")


def _pct(x: float | None) -> float | None:
    return None if x is None else 100.0 * x


def share_cells(s: Share) -> list[Cell]:
    if s.suppressed:
        return [num(None, suppressed=s.n > 0)] * 3
    return [num(_pct(s.share), 1), num(_pct(s.lo), 1), num(_pct(s.hi), 1)]


def overview_panels(r: Overview) -> list[Panel]:
    f = r.filters
    panels: list[Panel] = []
    volume = Panel("volume", _("Complaints per month"), [_("Month"), _("Complaints")])
    for month, n in r.months:
        volume.rows.append([text(month.strftime("%Y-%m")), count(n)])
    volume.figure = {
        "data": [
            {
                "type": "bar",
                "name": _("Complaints"),
                "x": [m.strftime("%Y-%m") for m, _n in r.months],
                "y": [n for _m, n in r.months],
            }
        ],
        "layout": base_layout(xaxis={"type": "category"}, yaxis={"title": _("Complaints")}),
    }
    panels.append(volume)

    rates = Panel(
        "rates",
        _("Complaints per 1,000 transactions, by site and month"),
        [_("Site"), _("Name"), _("Month"), _("Complaints"), _("Transactions"), _("Rate per 1,000")],
        note=_("Months without an entered transaction volume have no rate."),
        open=True,
    )
    no_volume = _("no volume entered")
    for s in r.site_months:
        rates.rows.append(
            [
                text(s.site_code),
                text(s.site_name),
                text(s.month.strftime("%Y-%m")),
                count(s.complaints, list_url(f, site=s.site_id)),
                count(s.transactions) if s.transactions is not None else Cell(no_volume, ""),
                num(s.rate, 2) if s.transactions else Cell(no_volume, "", css="muted"),
            ]
        )
    panels.append(rates)

    sla = Panel(
        "sla",
        _("SLA compliance"),
        [
            _("Clock"),
            _("Met"),
            _("Breached"),
            _("Still running"),
            _("Met %"),
            _("95 % CI low"),
            _("95 % CI high"),
        ],
        note=_(
            "The share met counts the clocks that are met or breached (Wilson interval); "
            "running clocks past their due time count as breached."
        ),
        open=True,
    )
    for o in r.sla:
        sla.rows.append(
            [
                text(clock_label(o.clock)),
                count(o.met),
                count(o.breached),
                count(o.running),
                *share_cells(o.compliance),
            ]
        )
    sla.figure = {
        "data": [
            {
                "type": "bar",
                "name": label,
                "x": [clock_label(o.clock) for o in r.sla],
                "y": [getattr(o, attr) for o in r.sla],
            }
            for attr, label in (
                ("met", _("Met")),
                ("breached", _("Breached")),
                ("running", _("Still running")),
            )
        ],
        "layout": base_layout(barmode="stack", yaxis={"title": _("Complaints")}),
    }
    panels.append(sla)

    times = Panel(
        "times",
        _("Time to first response and to resolution (wall-clock hours)"),
        [_("Clock"), _("n"), _("Median (h)"), _("90th percentile (h)")]
        + [age_label(k) for k, _lo, _hi in HOUR_BUCKETS],
        note=_(
            "Wall-clock hours from receipt to the first response and to the resolution. The "
            "SLA counts business hours of the site's calendar, without paused time, so these "
            "figures are longer than the SLA clocks."
        ),
        open=True,
    )
    for d in r.durations:
        times.rows.append(
            [
                text(clock_label(d.clock)),
                count(d.n),
                num(d.median_hours, 1),
                num(d.p90_hours, 1),
                *[count(d.buckets[k]) for k, _lo, _hi in HOUR_BUCKETS],
            ]
        )
    times.figure = {
        "data": [
            {
                "type": "bar",
                "name": clock_label(d.clock),
                "x": [age_label(k) for k, _lo, _hi in HOUR_BUCKETS],
                "y": [d.buckets[k] for k, _lo, _hi in HOUR_BUCKETS],
            }
            for d in r.durations
        ],
        "layout": base_layout(
            barmode="group", xaxis={"type": "category"}, yaxis={"title": _("Complaints")}
        ),
    }
    panels.append(times)

    backlog = Panel(
        "backlog",
        _("Backlog of open complaints by age"),
        [_("Age"), _("Open complaints")],
        note=_("Open now, whatever the period; age counted from receipt."),
    )
    for key, _lo, _hi in AGE_BUCKETS:
        backlog.rows.append([text(age_label(key)), count(r.backlog[key])])
    backlog.figure = {
        "data": [
            {
                "type": "bar",
                "name": _("Open complaints"),
                "x": [age_label(k) for k, _lo, _hi in AGE_BUCKETS],
                "y": [r.backlog[k] for k, _lo, _hi in AGE_BUCKETS],
            }
        ],
        "layout": base_layout(xaxis={"type": "category"}, yaxis={"title": _("Complaints")}),
    }
    panels.append(backlog)
    return panels


@report_view("overview")
def report_overview(request: HttpRequest) -> HttpResponseBase:
    f = ComplaintFilters.from_params(request.GET)
    r = overview_report(request.user, f)
    panels = [] if r.empty else overview_panels(r)
    context = frame(request, f, "complaints:report_overview", _("Complaints overview"), report=r)
    return render_panels(request, "complaints/reports_report.html", context, panels)
