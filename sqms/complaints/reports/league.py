"""The site league table: complaints per 1,000 transactions per site over the selected months,
with an exact interval (``sqms.analytics.metrics.rate_ci``), the rank, and a funnel plot
(``sqms.analytics.funnel.funnel_rates``) flagging sites outside the 95 % and 99.8 % limits.

Only months with an entered transaction volume count, in numerator and denominator alike; the
complaints of months without one are reported beside the table. Queries: site × month complaint
counts and the volumes (two aggregates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sqms.analytics.funnel import FunnelResult, funnel_rates
from sqms.analytics.metrics import RateCI, rate_ci
from sqms.complaints.reports.frame import frame, list_url, report_view
from sqms.complaints.reports.selection import (
    ComplaintFilters,
    complaints,
    counts_by_month,
    volumes,
)
from sqms.core.charts import base_layout
from sqms.core.panels import Cell, Panel, count, num, render_panels, suppressed_text, text

#: a site's rate is shown (and ranked) from this many transactions on; smaller sites are
#: still drawn in the funnel, whose limits widen for them
MIN_TRANSACTIONS = 100
LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class LeagueRow:
    site_id: int
    code: str
    name: str
    complaints: int
    transactions: int
    ci: RateCI
    rank: int | None  # 1 = lowest rate; None when suppressed
    flag: str  # "", "high95", "high998", "low95", "low998"
    lower: tuple[float, ...]  # funnel limits at the site's volume, per level
    upper: tuple[float, ...]

    @property
    def suppressed(self) -> bool:
        return self.transactions < MIN_TRANSACTIONS


@dataclass(frozen=True)
class League:
    filters: ComplaintFilters
    rows: list[LeagueRow]
    target: float | None  # pooled rate per 1,000
    funnel: FunnelResult | None
    unmatched: int  # complaints in months without a volume


def league_report(user: Any, f: ComplaintFilters) -> League:
    vol: dict[tuple[int, dt.date], int] = {}
    names: dict[int, tuple[str, str]] = {}
    for v in volumes(user, f).values(
        "site_id", "site__code", "site__name", "period", "transactions"
    ):
        vol[(v["site_id"], v["period"])] = v["transactions"]
        names[v["site_id"]] = (v["site__code"], v["site__name"])
    events: dict[int, int] = {}
    unmatched = 0
    for row in counts_by_month(complaints(user, f), "site_id")[1]:
        if (row["site_id"], row["month"]) in vol:
            events[row["site_id"]] = events.get(row["site_id"], 0) + row["n"]
        else:
            unmatched += row["n"]
    exposure: dict[int, int] = {}
    for (site_id, _month), n in vol.items():
        exposure[site_id] = exposure.get(site_id, 0) + n
    sites = sorted((s for s in exposure if exposure[s] > 0), key=lambda s: names[s][0])
    if not sites:
        return League(f, [], None, None, unmatched)
    y = np.array([events.get(s, 0) for s in sites], dtype=float)
    e = np.array([exposure[s] / 1000.0 for s in sites])
    funnel = funnel_rates(y, e, levels=LEVELS) if y.sum() > 0 else None
    cis = [rate_ci(int(y[i]), float(e[i])) for i in range(len(sites))]
    shown = [i for i, s in enumerate(sites) if exposure[s] >= MIN_TRANSACTIONS]
    order = sorted(shown, key=lambda i: (cis[i].rate, names[sites[i]][0]))
    ranks: dict[int, int] = {}
    for position, i in enumerate(order, start=1):
        previous = order[position - 2] if position > 1 else None
        same = previous is not None and cis[previous].rate == cis[i].rate
        ranks[i] = ranks[previous] if same and previous is not None else position
    rows = []
    for i, s in enumerate(sites):
        flag = ""
        lower: tuple[float, ...] = ()
        upper: tuple[float, ...] = ()
        if funnel is not None:
            lower = tuple(float(funnel.lower[k][i]) for k in range(len(LEVELS)))
            upper = tuple(float(funnel.upper[k][i]) for k in range(len(LEVELS)))
            for level, tag in ((0.998, "998"), (0.95, "95")):
                if i in funnel.high[level]:
                    flag = flag or f"high{tag}"
                if i in funnel.low[level]:
                    flag = flag or f"low{tag}"
        rows.append(
            LeagueRow(
                s,
                names[s][0],
                names[s][1],
                int(y[i]),
                exposure[s],
                cis[i],
                ranks.get(i),
                flag,
                lower,
                upper,
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    target = funnel.target if funnel is not None else 0.0
    return League(f, rows, target, funnel, unmatched)


# Panels -------------------------------------------------------------------------------------


def flag_label(flag: str) -> str:
    return {
        "": "",
        "high95": _("above the 95 % limit"),
        "high998": _("above the 99.8 % limit"),
        "low95": _("below the 95 % limit"),
        "low998": _("below the 99.8 % limit"),
    }[flag]


def funnel_figure(r: League) -> dict[str, Any] | None:
    if r.funnel is None or not r.rows:
        return None
    vols = [row.transactions / 1000.0 for row in r.rows]
    grid = np.geomspace(max(min(vols) * 0.8, 1e-3), max(vols) * 1.2, 60)
    lower, upper = r.funnel.limits(grid)
    x = [round(float(g * 1000), 1) for g in grid]
    data: list[dict[str, Any]] = []
    for k, level in enumerate(LEVELS):
        dash = "dash" if level < 0.99 else "dot"
        label = _("%(level)s %% limits") % {"level": f"{100 * level:g}"}
        for arr, show in ((upper[k], True), (lower[k], False)):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": label,
                    "x": x,
                    "y": [round(float(v), 4) for v in arr],
                    "line": {"dash": dash, "width": 1},
                    "showlegend": show,
                    "hoverinfo": "skip",
                }
            )
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("Pooled rate"),
            "x": [x[0], x[-1]],
            "y": [r.target, r.target],
            "line": {"width": 1},
        }
    )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": _("Sites"),
            "x": [row.transactions for row in r.rows],
            "y": [round(row.ci.rate, 4) for row in r.rows],
            "text": [row.code for row in r.rows],
            "marker": {
                "size": 9,
                "color": ["#b91c1c" if row.flag else "#1d4ed8" for row in r.rows],
            },
        }
    )
    return {
        "data": data,
        "layout": base_layout(
            xaxis={"title": _("Transactions"), "type": "log"},
            yaxis={"title": _("Complaints per 1,000 transactions"), "rangemode": "tozero"},
        ),
    }


def league_panels(r: League) -> list[Panel]:
    panel = Panel(
        "league",
        _("Site league table"),
        [
            _("Rank"),
            _("Site"),
            _("Name"),
            _("Complaints"),
            _("Transactions"),
            _("Rate per 1,000"),
            _("95 % CI low"),
            _("95 % CI high"),
            _("Funnel"),
        ],
        note=_(
            "Rank 1 is the lowest rate. Sites with fewer than %(min)d transactions are drawn "
            "in the funnel but not ranked. Only months with an entered transaction volume "
            "count; %(unmatched)d complaints in months without one are left out. The "
            "pooled rate is %(target)s per 1,000."
        )
        % {
            "min": MIN_TRANSACTIONS,
            "unmatched": r.unmatched,
            "target": f"{r.target:.2f}" if r.target is not None else "–",
        },
        open=True,
    )
    for row in r.rows:
        url = list_url(r.filters, site=row.site_id)
        if row.suppressed:
            rate_cells = [num(None, suppressed=True)] * 3
        else:
            rate_cells = [num(row.ci.rate, 2), num(row.ci.lo, 2), num(row.ci.hi, 2)]
        panel.rows.append(
            [
                count(row.rank)
                if row.rank is not None
                else Cell(suppressed_text(), "", css="muted"),
                text(row.code, url),
                text(row.name),
                count(row.complaints, url),
                count(row.transactions),
                *rate_cells,
                Cell(flag_label(row.flag), row.flag, css="badge warn" if row.flag else ""),
            ]
        )
    panel.figure = funnel_figure(r)
    return [panel]


@report_view("league")
def report_league(request: HttpRequest) -> HttpResponseBase:
    f = ComplaintFilters.from_params(request.GET)
    r = league_report(request.user, f)
    panels = league_panels(r) if r.rows else []
    context = frame(request, f, "complaints:report_league", _("Site league table"), report=r)
    return render_panels(request, "complaints/reports_report.html", context, panels)
