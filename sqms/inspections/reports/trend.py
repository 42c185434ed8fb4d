"""The trend per site: the monthly mean score of each site (one line per site, or the chosen
site), with its 95 % interval, from one ``GROUP BY`` site × month (months in the server's time
zone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core.charts import lines
from sqms.core.panels import Panel, count, num, text
from sqms.core.stats import Stat
from sqms.inspections.report_filters import ResultFilters, add_months, inspections
from sqms.inspections.reports.frame import (
    frame,
    render_report,
    report_view,
    score_stat,
    score_sums,
)


@dataclass(frozen=True)
class SiteTrend:
    site_id: int
    code: str
    name: str
    points: dict[dt.date, Stat]  # month → mean score


@dataclass(frozen=True)
class Trend:
    filters: ResultFilters
    months: list[dt.date]
    sites: list[SiteTrend]


def as_month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return dt.date(value.year, value.month, 1)


def trend_report(user: Any, f: ResultFilters) -> Trend:
    qs = inspections(user, f).annotate(
        month_=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone())
    )
    sites: dict[int, SiteTrend] = {}
    seen: set[dt.date] = set()
    for row in score_sums(qs, "site_id", "site__code", "site__name", "month_"):
        month = as_month(row["month_"])
        seen.add(month)
        site = sites.setdefault(
            row["site_id"], SiteTrend(row["site_id"], row["site__code"], row["site__name"], {})
        )
        site.points[month] = score_stat(row)
    months: list[dt.date] = []
    if seen:
        months = [min(seen)]
        while months[-1] < max(seen):
            months.append(add_months(months[-1], 1))
    return Trend(f, months, sorted(sites.values(), key=lambda s: s.code))


def trend_panels(r: Trend) -> list[Panel]:
    panel = Panel(
        "trend",
        _("Monthly mean score per site"),
        [
            _("Site"),
            _("Name"),
            _("Month"),
            _("Inspections"),
            _("Mean score %"),
            _("95 % CI low"),
            _("95 % CI high"),
        ],
        note=_(
            "One line per site (choose a site in the filters to see one). Months without an "
            "inspection leave a gap. Bars are 95 % intervals (from two inspections in a month)."
        ),
    )
    for site in r.sites:
        for month in r.months:
            s = site.points.get(month)
            if s is None:
                continue
            panel.rows.append(
                [
                    text(site.code),
                    text(site.name),
                    text(month.strftime("%Y-%m")),
                    count(s.n),
                    num(s.mean),
                    num(s.lo),
                    num(s.hi),
                ]
            )
    x = [m.strftime("%Y-%m") for m in r.months]
    series = [(site.code, [site.points.get(m, Stat(0)) for m in r.months]) for site in r.sites]
    panel.figure = lines(x, series, _("Mean score %"))
    return [panel]


@report_view("inspections")
def report_trend(request: HttpRequest) -> HttpResponseBase:
    f = ResultFilters.from_params(request.GET)
    r = trend_report(request.user, f)
    panels = trend_panels(r) if r.sites else []
    context = frame(request, f, "inspections:report_trend", _("Trend per site"))
    return render_report(request, context, panels)
