"""The Pareto page: which categories and which root causes account for most complaints, with
the cumulative share and the vital few (``sqms.analytics.pareto``, cut at 80 %).

Two ``GROUP BY`` queries (category, root cause). Complaints without a category or without a
recorded root cause are counted beside the chart, not in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sqms.analytics.pareto import pareto
from sqms.complaints.choices import RootCause
from sqms.complaints.reports.frame import frame, list_url, report_view
from sqms.complaints.reports.selection import ComplaintFilters, complaints
from sqms.core.charts import base_layout
from sqms.core.panels import Cell, Panel, count, num, render_panels, text

CUT = 0.8


@dataclass(frozen=True)
class ParetoRow:
    key: str  # category id or root-cause value
    label: str
    count: int
    share: float
    cumulative: float
    vital: bool


@dataclass(frozen=True)
class ParetoTable:
    what: str  # "category" or "root_cause"
    rows: list[ParetoRow]
    total: int
    missing: int  # complaints without a category / root cause


def _table(what: str, counts: dict[str, int], labels: dict[str, str], missing: int) -> ParetoTable:
    counts = {k: v for k, v in counts.items() if v > 0}
    if not counts:
        return ParetoTable(what, [], 0, missing)
    r = pareto(counts, cut=CUT)
    vital = set(r.vital_few)
    rows = [
        ParetoRow(
            key,
            labels.get(key, key),
            int(r.counts[i]),
            float(r.shares[i]),
            float(r.cumulative[i]),
            key in vital,
        )
        for i, key in enumerate(r.labels)
    ]
    return ParetoTable(what, rows, int(r.total), missing)


def _label(name: str, name_en: str) -> str:
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name


def category_pareto(user: Any, f: ComplaintFilters) -> ParetoTable:
    rows = (
        complaints(user, f)
        .values("category_id", "category__name", "category__name_en")
        .annotate(n_=Count("pk"))
        .order_by()
    )
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    missing = 0
    for row in rows:
        if row["category_id"] is None:
            missing += row["n_"]
            continue
        key = str(row["category_id"])
        counts[key] = row["n_"]
        labels[key] = _label(row["category__name"], row["category__name_en"])
    return _table("category", counts, labels, missing)


def root_cause_pareto(user: Any, f: ComplaintFilters) -> ParetoTable:
    rows = complaints(user, f).values("root_cause").annotate(n_=Count("pk")).order_by()
    counts: dict[str, int] = {}
    missing = 0
    for row in rows:
        if not row["root_cause"]:
            missing += row["n_"]
        else:
            counts[row["root_cause"]] = row["n_"]
    labels = {str(v): str(label) for v, label in RootCause.choices}
    return _table("root_cause", counts, labels, missing)


# Panels -------------------------------------------------------------------------------------


def pareto_figure(t: ParetoTable, ytitle: str) -> dict[str, Any]:
    x = [r.label for r in t.rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": ytitle,
                "x": x,
                "y": [r.count for r in t.rows],
                "marker": {"color": ["#b45309" if r.vital else "#94a3b8" for r in t.rows]},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Cumulative %"),
                "x": x,
                "y": [round(100 * r.cumulative, 1) for r in t.rows],
                "yaxis": "y2",
            },
        ],
        "layout": base_layout(
            xaxis={"type": "category"},
            yaxis={"title": ytitle},
            yaxis2={
                "title": _("Cumulative %"),
                "overlaying": "y",
                "side": "right",
                "range": [0, 105],
            },
            shapes=[
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y2",
                    "y0": 100 * CUT,
                    "y1": 100 * CUT,
                    "line": {"dash": "dot", "width": 1},
                }
            ],
        ),
    }


def pareto_panel(t: ParetoTable, f: ComplaintFilters) -> Panel:
    is_category = t.what == "category"
    title = _("Pareto of categories") if is_category else _("Pareto of root causes")
    what = _("Category") if is_category else _("Root cause")
    if is_category:
        note = _(
            "%(n)d complaints without a category are not included. The vital few (marked) "
            "make up %(cut)d %% of the complaints. A click shows the complaints of the "
            "category (every period)."
        )
    else:
        note = _(
            "%(n)d complaints without a recorded root cause are not included. The vital few "
            "(marked) make up %(cut)d %% of the complaints."
        )
    panel = Panel(
        t.what,
        title,
        [_("Rank"), what, _("Complaints"), _("Share %"), _("Cumulative %"), _("Vital few")],
        note=note % {"n": t.missing, "cut": round(100 * CUT)},
    )
    for rank, r in enumerate(t.rows, start=1):
        url = list_url(f, category=r.key) if is_category else None
        panel.rows.append(
            [
                count(rank),
                text(r.label, url),
                count(r.count, url),
                num(100 * r.share, 1),
                num(100 * r.cumulative, 1),
                Cell(_("yes"), "yes", css="badge warn") if r.vital else Cell("", ""),
            ]
        )
    if t.rows:
        panel.figure = pareto_figure(t, _("Complaints"))
    return panel


@report_view("pareto")
def report_pareto(request: HttpRequest) -> HttpResponseBase:
    f = ComplaintFilters.from_params(request.GET)
    tables = [category_pareto(request.user, f), root_cause_pareto(request.user, f)]
    if all(t.total == 0 and t.missing == 0 for t in tables):
        panels: list[Panel] = []
    else:
        panels = [pareto_panel(t, f) for t in tables]
    context = frame(request, f, "complaints:report_pareto", _("Pareto of complaints"))
    return render_panels(request, "complaints/reports_report.html", context, panels)
