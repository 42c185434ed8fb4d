"""The CSAT & NPS page: top-2-box shares and NPS with intervals, by site, channel and period,
with the change since the previous period.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sqms.analytics import compare
from sqms.analytics.metrics import NpsResult, nps_from_counts
from sqms.core.charts import base_layout, minus
from sqms.core.panels import Cell, Panel, count, num, render_panels, stat_cells, stat_columns, text
from sqms.core.stats import (
    ZERO,
    Difference,
    Share,
    Stat,
    Sums,
    estimate_difference,
    mean_difference,
    min_n,
    share,
    stat,
)
from sqms.surveys.reports.frame import drill_url, frame, period_params, report_view
from sqms.surveys.reports.selection import (
    ReportFilters,
    _add,
    _as_sums,
    _period_key,
    _sums_by,
    add_months,
    months_between,
    period_label,
    rollups,
)

# CSAT and NPS -------------------------------------------------------------------------------

CSAT_MEASURES = ("CSAT", "CSAT.TOP", "NPS", "NPS.PRO", "NPS.DET", "OVERALL")


@dataclass(frozen=True)
class Satisfaction:
    csat: Stat  # mean rating
    top2: Share  # share in the top two boxes
    nps: NpsResult | None
    nps_n: int
    promoters: float
    detractors: float
    overall: Stat
    csat_sums: Sums
    nps_sums: tuple[int, float, float]  # n, promoters, detractors


def _satisfaction(cell: Mapping[str, Sums], minimum: int) -> Satisfaction:
    top = cell.get("CSAT.TOP", ZERO)
    pro, det = cell.get("NPS.PRO", ZERO), cell.get("NPS.DET", ZERO)
    nps_n = pro[0]
    nps_value = None
    if nps_n >= minimum and nps_n > 0:
        promoters, detractors = int(round(pro[1])), int(round(det[1]))
        nps_value = nps_from_counts(promoters, nps_n - promoters - detractors, detractors, min_n=1)
    return Satisfaction(
        csat=stat(cell.get("CSAT", ZERO), minimum),
        top2=share(top[0], top[1]),
        nps=nps_value,
        nps_n=nps_n,
        promoters=pro[1],
        detractors=det[1],
        overall=stat(cell.get("OVERALL", ZERO), minimum),
        csat_sums=cell.get("CSAT", ZERO),
        nps_sums=(nps_n, pro[1], det[1]),
    )


def _two_proportions(k1: float, n1: int, k2: float, n2: int) -> Difference:
    r = compare.two_proportions(int(round(k1)), int(n1), int(round(k2)), int(n2))
    return Difference(r.estimate, r.lo, r.hi, r.statistic, r.pvalue)


@dataclass(frozen=True)
class Change:
    what: str
    current: float | None
    previous: float | None
    difference: Difference | None

    @property
    def significant(self) -> bool:
        d = self.difference
        return d is not None and math.isfinite(d.p_value) and d.p_value < 0.05


@dataclass(frozen=True)
class SatisfactionReport:
    filters: ReportFilters
    min_n: int
    current: Satisfaction
    previous: Satisfaction
    current_period: tuple[dt.date, dt.date] | None
    previous_period: tuple[dt.date, dt.date] | None
    trend: list[tuple[dt.date, str, Satisfaction]]
    changes: list[Change]
    by_site: list[tuple[int, str, str, Satisfaction]]


def csat_nps_report(user: Any, f: ReportFilters) -> SatisfactionReport:
    """CSAT, top-2-box share, NPS with intervals, their trend, and the change against the
    previous period of equal length (2 aggregate queries)."""
    minimum = min_n()
    if f.date_from and f.date_to:
        length = months_between(f.date_from, f.date_to)
        qs = rollups(user, f.with_period(add_months(f.date_from, -length), f.date_to))
    else:
        qs = rollups(user, f)
    by_month: dict[dt.date, dict[str, Sums]] = {}
    for row in _sums_by(qs, CSAT_MEASURES, "period"):
        by_month.setdefault(row["period"], {})[row["measure"]] = _as_sums(row)
    months = sorted(by_month)
    current_period = previous_period = None
    if months:
        if f.date_from and f.date_to:
            first, last = f.date_from, f.date_to
        else:
            last = f.date_to or months[-1]
            first = f.date_from or add_months(last, -2)
            first = max(first, months[0]) if not f.date_from else first
        length = months_between(first, last)
        current_period = (first, last)
        previous_period = (add_months(first, -length), add_months(first, -1))

    def window(bounds: tuple[dt.date, dt.date] | None) -> dict[str, Sums]:
        cell: dict[str, Sums] = {}
        if bounds is None:
            return cell
        for m in months:
            if bounds[0] <= m <= bounds[1]:
                for key, sums in by_month[m].items():
                    cell[key] = _add(cell.get(key, ZERO), sums)
        return cell

    cur_cell, prev_cell = window(current_period), window(previous_period)
    current, previous = _satisfaction(cur_cell, minimum), _satisfaction(prev_cell, minimum)

    shown_from = f.date_from
    trend_cells: dict[dt.date, dict[str, Sums]] = {}
    for m in months:
        if shown_from and m < shown_from:
            continue
        key = _period_key(m, f.grain)
        bucket = trend_cells.setdefault(key, {})
        for measure, sums in by_month[m].items():
            bucket[measure] = _add(bucket.get(measure, ZERO), sums)
    trend = [
        (k, period_label(k, f.grain), _satisfaction(trend_cells[k], minimum))
        for k in sorted(trend_cells)
    ]

    changes = []
    top_c, top_p = current.top2, previous.top2
    if top_c.shown and top_p.shown:
        changes.append(
            Change(
                _("CSAT top-2-box share"),
                top_c.share,
                top_p.share,
                _two_proportions(top_p.k, top_p.n, top_c.k, top_c.n),
            )
        )
    else:
        changes.append(Change(_("CSAT top-2-box share"), top_c.share, top_p.share, None))
    if current.csat.shown and previous.csat.shown:
        changes.append(
            Change(
                _("CSAT mean"),
                current.csat.mean,
                previous.csat.mean,
                mean_difference(previous.csat_sums, current.csat_sums),
            )
        )
    else:
        changes.append(Change(_("CSAT mean"), current.csat.mean, previous.csat.mean, None))
    if current.nps and previous.nps:
        d = estimate_difference(previous.nps.nps, previous.nps.se, current.nps.nps, current.nps.se)
        changes.append(Change(_("NPS"), current.nps.nps, previous.nps.nps, d))
    else:
        changes.append(
            Change(
                _("NPS"),
                current.nps.nps if current.nps else None,
                previous.nps.nps if previous.nps else None,
                None,
            )
        )

    site_qs = rollups(user, f.with_period(*current_period)) if current_period else rollups(user, f)
    by_site: dict[int, tuple[str, str, dict[str, Sums]]] = {}
    for row in _sums_by(site_qs, CSAT_MEASURES, "site_id", "site__code", "site__name"):
        by_site.setdefault(row["site_id"], (row["site__code"], row["site__name"], {}))[2][
            row["measure"]
        ] = _as_sums(row)
    sites = sorted(
        (
            (sid, code, name, _satisfaction(cell, minimum))
            for sid, (code, name, cell) in by_site.items()
        ),
        key=lambda r: r[1],
    )
    return SatisfactionReport(
        f, minimum, current, previous, current_period, previous_period, trend, changes, sites
    )


# CSAT / NPS ---------------------------------------------------------------------------------


def _share_cells(s: Share, url: str | None = None) -> list[Cell]:
    if s.suppressed:
        return [count(s.n, url), *[num(None, suppressed=True)] * 3]
    return [count(s.n, url), num(_pct(s.share), 1, url=url), num(_pct(s.lo), 1), num(_pct(s.hi), 1)]


def _pct(x: float | None) -> float | None:
    return None if x is None else 100.0 * x


def _nps_cells(sat: Satisfaction, url: str | None = None) -> list[Cell]:
    if sat.nps is None:
        return [count(sat.nps_n, url), *[num(None, suppressed=sat.nps_n > 0)] * 3]
    return [
        count(sat.nps_n, url),
        num(sat.nps.nps, 1, url=url),
        num(sat.nps.lo, 1),
        num(sat.nps.hi, 1),
    ]


@report_view("csat_nps")
def report_csat_nps(request: HttpRequest) -> HttpResponseBase:
    f = ReportFilters.from_params(request.GET)
    r = csat_nps_report(request.user, f)
    cols_top = [_("n"), _("CSAT top-2-box %"), _("95 % CI low"), _("95 % CI high")]
    cols_nps = [_("n"), _("NPS"), _("95 % CI low"), _("95 % CI high")]
    panels: list[Panel] = []

    summary = Panel(
        "summary",
        _("Current and previous period"),
        [_("Period"), _("From"), _("To"), *cols_top, *stat_columns(_("CSAT mean")), *cols_nps],
        open=True,
    )
    for label, sat, bounds in (
        (_("Current"), r.current, r.current_period),
        (pgettext("period", "Previous"), r.previous, r.previous_period),
    ):
        months = (
            {"from": bounds[0].strftime("%Y-%m"), "to": bounds[1].strftime("%Y-%m")}
            if bounds
            else {}
        )
        g = f.with_period(*bounds) if bounds else f
        summary.rows.append(
            [
                text(label),
                text(months.get("from", "")),
                text(months.get("to", "")),
                *_share_cells(sat.top2, drill_url(g, measure="CSAT.TOP")),
                *stat_cells(sat.csat, drill_url(g, measure="CSAT")),
                *_nps_cells(sat, drill_url(g, measure="NPS")),
            ]
        )
    panels.append(summary)

    change = Panel(
        "change",
        _("Change against the previous period"),
        [
            _("Measure"),
            pgettext("period", "Previous"),
            _("Current"),
            _("Change"),
            _("95 % CI low"),
            _("95 % CI high"),
            _("p value"),
            _("Significant (p < 0.05)"),
        ],
        open=True,
    )
    for c in r.changes:
        scale = 100.0 if "share" in c.what else 1.0
        d = c.difference
        if d is None:
            change.rows.append(
                [
                    text(c.what),
                    num(None, suppressed=True),
                    num(None, suppressed=True),
                    *[num(None, suppressed=True)] * 4,
                    text("–"),
                ]
            )
            continue
        change.rows.append(
            [
                text(c.what),
                num(c.previous * scale if c.previous is not None else None),
                num(c.current * scale if c.current is not None else None),
                num(d.estimate * scale),
                num(d.low * scale),
                num(d.high * scale),
                num(d.p_value, 4),
                text(_("yes") if c.significant else _("no")),
            ]
        )
    panels.append(change)

    if r.trend:
        trend = Panel(
            "trend", _("Trend"), [_("Period"), *cols_top, *stat_columns(_("CSAT mean")), *cols_nps]
        )
        for period, label, sat in r.trend:
            pp = period_params(period, f.grain)
            trend.rows.append(
                [
                    text(label),
                    *_share_cells(sat.top2, drill_url(f, measure="CSAT.TOP", **pp)),
                    *stat_cells(sat.csat, drill_url(f, measure="CSAT", **pp)),
                    *_nps_cells(sat, drill_url(f, measure="NPS", **pp)),
                ]
            )
        x = [label for _p, label, _s in r.trend]
        top = [s.top2 for _p, _l, s in r.trend]
        npsv = [s.nps for _p, _l, s in r.trend]
        trend.figure = {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": _("CSAT top-2-box %"),
                    "x": x,
                    "y": [_pct(t.share) if t.shown else None for t in top],
                    "error_y": {
                        "type": "data",
                        "symmetric": False,
                        "array": [_pct(minus(t.hi, t.share)) if t.shown else None for t in top],
                        "arrayminus": [
                            _pct(minus(t.share, t.lo)) if t.shown else None for t in top
                        ],
                    },
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": _("NPS"),
                    "x": x,
                    "y": [v.nps if v else None for v in npsv],
                    "yaxis": "y2",
                    "error_y": {
                        "type": "data",
                        "symmetric": False,
                        "array": [v.hi - v.nps if v else None for v in npsv],
                        "arrayminus": [v.nps - v.lo if v else None for v in npsv],
                    },
                },
            ],
            "layout": base_layout(
                xaxis={"type": "category"},
                yaxis={"title": _("CSAT top-2-box %")},
                yaxis2={"title": _("NPS"), "overlaying": "y", "side": "right"},
            ),
        }
        panels.append(trend)

    if r.by_site:
        sites = Panel(
            "sites", _("Sites (current period)"), [_("Site"), _("Name"), *cols_top, *cols_nps]
        )
        g = f.with_period(*r.current_period) if r.current_period else f
        for sid, code, name, sat in r.by_site:
            sites.rows.append(
                [
                    text(code),
                    text(name),
                    *_share_cells(sat.top2, drill_url(g, measure="CSAT.TOP", site=sid)),
                    *_nps_cells(sat, drill_url(g, measure="NPS", site=sid)),
                ]
            )
        panels.append(sites)
    context = frame(request, f, "surveys:report_csat_nps", _("CSAT and NPS"), report=r)
    return render_panels(request, "surveys/reports/report.html", context, panels)
