"""Survey report pages: SERVQUAL, gap model, CSAT/NPS, importance–performance, distributions,
comments and the drill-down list of responses.

Views are thin: they parse the shared filters, call :mod:`sqms.surveys.queries` and lay the
results out as *panels* — a table (shown in a ``<details>`` under each chart and downloadable
as CSV with ``?download=<panel>``) and an optional Plotly figure built from the same rows.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import plotly
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from sqms.core.scoping import role_of
from sqms.surveys import queries
from sqms.surveys.queries import ReportFilters, Share, Stat


def _suppressed_text() -> str:
    return _("n too small")


# Panels -------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    value: Any  # what the CSV holds ("" for a suppressed value)
    url: str | None = None
    css: str = ""


@dataclass
class Panel:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    figure: dict[str, Any] | None = None
    note: str = ""
    open: bool = False  # table shown without a chart: open by default

    @property
    def dom_id(self) -> str:
        return f"chart-{self.name}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.name}-data"


def num(
    value: float | None, digits: int = 2, url: str | None = None, suppressed: bool = False
) -> Cell:
    if suppressed:
        return Cell(_suppressed_text(), "", url=None, css="num muted")
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return Cell("–", "", css="num muted")
    css = "num neg" if value < 0 and digits else "num"
    return Cell(f"{value:.{digits}f}", round(float(value), 4), url=url, css=css)


def count(n: int | float, url: str | None = None) -> Cell:
    return Cell(f"{int(n)}", int(n), url=url, css="num")


def text(value: Any, url: str | None = None) -> Cell:
    return Cell(str(value), str(value), url=url)


def stat_cells(s: Stat, url: str | None = None, *, with_n: bool = True) -> list[Cell]:
    """n, mean, CI low, CI high of a Stat (suppressed when n is under the minimum)."""
    cells = [count(s.n, url)] if with_n else []
    if s.suppressed:
        return [
            *cells,
            num(None, suppressed=True),
            num(None, suppressed=True),
            num(None, suppressed=True),
        ]
    return [*cells, num(s.mean, url=url), num(s.lo), num(s.hi)]


def stat_columns(what: str) -> list[str]:
    return [_("n"), what, _("95 % CI low"), _("95 % CI high")]


def _y(s: Stat) -> float | None:
    return s.mean if s.shown else None


def _err(s: Stat) -> tuple[float | None, float | None]:
    if not s.shown or s.lo is None or s.hi is None or s.mean is None:
        return None, None
    return s.hi - s.mean, s.mean - s.lo


# Plotly figures (plain dicts, rendered by static/surveys/charts.js) ---------------------------


def _layout(title: str = "", **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 60, "r": 20, "t": 30 if title else 10, "b": 80},
        "hovermode": "closest",
        "legend": {"orientation": "h"},
        "font": {"family": "system-ui, 'Noto Sans CJK SC', sans-serif", "size": 12},
    }
    if title:
        layout["title"] = {"text": title, "font": {"size": 14}}
    layout.update(extra)
    return layout


def bar_with_ci(
    labels: Sequence[str], stats: Sequence[Stat], name: str, *, horizontal: bool = False
) -> dict[str, Any]:
    plus = [_err(s)[0] for s in stats]
    minus = [_err(s)[1] for s in stats]
    values = [_y(s) for s in stats]
    trace: dict[str, Any] = {"type": "bar", "name": name}
    error = {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus}
    if horizontal:
        trace.update({"y": list(labels), "x": values, "orientation": "h", "error_x": error})
        layout = _layout(
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"zeroline": True, "title": name},
            height=max(300, 22 * len(labels) + 80),
        )
    else:
        trace.update({"x": list(labels), "y": values, "error_y": error})
        layout = _layout(yaxis={"zeroline": True, "title": name})
    return {"data": [trace], "layout": layout}


def lines(
    x: Sequence[str], series: Sequence[tuple[str, Sequence[Stat]]], ytitle: str
) -> dict[str, Any]:
    data = []
    for name, stats in series:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": list(x),
                "y": [_y(s) for s in stats],
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [_err(s)[0] for s in stats],
                    "arrayminus": [_err(s)[1] for s in stats],
                    "thickness": 1,
                },
                "connectgaps": False,
            }
        )
    return {"data": data, "layout": _layout(yaxis={"title": ytitle}, xaxis={"type": "category"})}


# Filters and page frame -----------------------------------------------------------------------

REPORTS = [
    ("surveys:report_servqual", "SERVQUAL"),
    ("surveys:report_gap_model", "Gap model"),
    ("surveys:report_csat_nps", "CSAT & NPS"),
    ("surveys:report_ipa", "Importance–performance"),
    ("surveys:report_distribution", "Distribution"),
    ("surveys:report_comments", "Comments"),
    ("surveys:drilldown", "Responses"),
]


def _tabs(current: str, params: dict[str, str]) -> list[dict[str, Any]]:
    labels = {
        "surveys:report_servqual": _("SERVQUAL"),
        "surveys:report_gap_model": _("Gap model"),
        "surveys:report_csat_nps": _("CSAT & NPS"),
        "surveys:report_ipa": _("Importance–performance"),
        "surveys:report_distribution": _("Distribution"),
        "surveys:report_comments": _("Comments"),
        "surveys:drilldown": _("Responses"),
    }
    query = urlencode(params)
    return [
        {
            "url": reverse(name) + (f"?{query}" if query else ""),
            "label": labels[name],
            "current": name == current,
        }
        for name, _label in REPORTS
    ]


def drill_url(f: ReportFilters, **extra: Any) -> str:
    params = f.params()
    params.pop("grain", None)
    for key, value in extra.items():
        if value not in (None, ""):
            params[key] = str(value)
    return reverse("surveys:drilldown") + "?" + urlencode(params)


def _frame(
    request: HttpRequest, f: ReportFilters, current: str, title: str, **extra: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "filters": f,
        "params": f.params(),
        "choices": queries.filter_choices(request.user),
        "tabs": _tabs(current, f.params()),
        "min_n": queries.min_n(),
        "plotly_url": reverse("surveys:plotly_js") + f"?v={plotly.__version__}",
        **extra,
    }


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], panels: list[Panel]
) -> HttpResponse:
    wanted = request.GET.get("download")
    if wanted:
        for panel in panels:
            if panel.name == wanted:
                return panel_csv(panel)
    context["panels"] = panels
    return render(request, template, context)


def panel_csv(panel: Panel) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(panel.columns)
    for row in panel.rows:
        writer.writerow(["" if c.value is None else c.value for c in row])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{panel.name}-{stamp}.csv"'
    return response


def report_view(name: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Login, a role, GET only."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @require_GET
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role_of(request.user) is None:
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# SERVQUAL -----------------------------------------------------------------------------------


def servqual_panels(r: queries.ServqualReport, *, gap_model_only: bool = False) -> list[Panel]:
    f = r.filters
    panels: list[Panel] = []
    if not gap_model_only:
        score = Panel(
            "score",
            _("SERVQUAL score"),
            [_("Score"), *stat_columns(_("Mean"))],
            open=True,
        )
        score.rows = [
            [
                text(_("Unweighted (mean of the dimension gaps)")),
                *stat_cells(r.overall, drill_url(f, measure="SQ.GAP")),
            ],
            [
                text(_("Weighted by importance points")),
                *stat_cells(r.weighted, drill_url(f, measure="SQ.WGAP")),
            ],
            [
                text(_("SERVPERF (mean perception)")),
                *stat_cells(r.perf, drill_url(f, measure="SQ.PERF")),
            ],
        ]
        panels.append(score)

        dims = Panel(
            "dimensions",
            _("Gap per dimension (P − E)"),
            [
                _("Dimension"),
                _("Items"),
                *stat_columns(_("Gap")),
                _("Mean E"),
                _("Mean P"),
                _("Importance points"),
                _("Cronbach's α (P)"),
                _("Cronbach's α (E)"),
            ],
        )
        for d in r.dimensions:
            url = drill_url(f, measure=f"DIM.{d.code}.GAP")
            dims.rows.append(
                [
                    text(d.label),
                    count(d.k),
                    *stat_cells(d.gap, url),
                    num(_y(d.e), suppressed=d.e.suppressed),
                    num(_y(d.p), suppressed=d.p.suppressed),
                    num(
                        _y(d.importance),
                        1,
                        suppressed=d.importance.suppressed and d.importance.n > 0,
                    ),
                    _alpha_cell(d.alpha_p, d.alpha_n),
                    _alpha_cell(d.alpha_e, d.alpha_n),
                ]
            )
        dims.figure = bar_with_ci(
            [d.label for d in r.dimensions], [d.gap for d in r.dimensions], _("Gap (P − E)")
        )
        panels.append(dims)

        items = Panel(
            "items",
            _("Gap per item"),
            [
                _("Item"),
                _("Dimension"),
                _("Statement"),
                *stat_columns(_("Gap")),
                _("Mean E"),
                _("Mean P"),
            ],
        )
        for row in r.items:
            it = row.item
            items.rows.append(
                [
                    text(it.code),
                    text(queries.dimension_label(it.dimension)),
                    text(it.text),
                    *stat_cells(row.gap, drill_url(f, measure=f"{it.code}.GAP")),
                    num(
                        _y(row.e),
                        url=drill_url(f, measure=f"{it.code}.E"),
                        suppressed=row.e.suppressed,
                    ),
                    num(
                        _y(row.p),
                        url=drill_url(f, measure=f"{it.code}.P"),
                        suppressed=row.p.suppressed,
                    ),
                ]
            )
        items.figure = bar_with_ci(
            [f"{row.item.code}" for row in r.items],
            [row.gap for row in r.items],
            _("Gap (P − E)"),
            horizontal=True,
        )
        panels.append(items)

        if r.trend:
            trend = Panel(
                "trend",
                _("Trend of the gaps"),
                [_("Period"), *stat_columns(_("SERVQUAL score"))] + [d.label for d in r.dimensions],
            )
            for p in r.trend:
                trend.rows.append(
                    [
                        text(p.label),
                        *stat_cells(
                            p.overall,
                            drill_url(f, measure="SQ.GAP", **_period_params(p.period, f.grain)),
                        ),
                        *[
                            num(
                                _y(p.by_dimension[d.code]),
                                suppressed=p.by_dimension[d.code].suppressed,
                            )
                            for d in r.dimensions
                        ],
                    ]
                )
            series = [(_("SERVQUAL score"), [p.overall for p in r.trend])] + [
                (d.label, [p.by_dimension[d.code] for p in r.trend]) for d in r.dimensions
            ]
            trend.figure = lines([p.label for p in r.trend], series, _("Gap (P − E)"))
            panels.append(trend)

        if r.league:
            league = Panel(
                "league",
                _("Site league table (SERVQUAL score)"),
                [
                    _("Rank"),
                    _("Site"),
                    _("Name"),
                    *stat_columns(_("SERVQUAL score")),
                    _("Funnel plot"),
                ],
            )
            flags = {
                # xgettext:no-python-format
                "above": _("above the 99.8 % limit"),
                # xgettext:no-python-format
                "below": _("below the 99.8 % limit"),
                # xgettext:no-python-format
                "above95": _("above the 95 % limit"),
                # xgettext:no-python-format
                "below95": _("below the 95 % limit"),
                "": "",
            }
            rank = 0
            for s in r.league:
                rank += 1 if s.gap.shown else 0
                league.rows.append(
                    [
                        text(rank if s.gap.shown else "–"),
                        text(s.code),
                        text(s.name),
                        *stat_cells(s.gap, drill_url(f, measure="SQ.GAP", site=s.site_id)),
                        Cell(
                            str(flags[s.funnel]),
                            s.funnel,
                            css="neg"
                            if s.funnel.startswith("below")
                            else ("pos" if s.funnel else ""),
                        ),
                    ]
                )
            league.figure = funnel_figure(r)
            league.note = _(
                "Funnel plot: each site's mean SERVQUAL score against its number of responses, with 95 %% and 99.8 %% limits around the group mean (%(mean).2f). Sites outside the 99.8 %% limits differ by more than chance."
            ) % {"mean": r.funnel.target or 0.0}
            panels.append(league)

    if r.has_zone_of_tolerance:
        zot = Panel(
            "zone_of_tolerance",
            _("Zone of tolerance"),
            [
                _("Dimension"),
                _("Adequate"),
                _("Desired"),
                _("Perceived"),
                *stat_columns(_("MSA (P − adequate)")),
                *stat_columns(_("MSS (P − desired)")),
            ],
        )
        for d in r.dimensions:
            zot.rows.append(
                [
                    text(d.label),
                    num(_y(d.adequate), suppressed=d.adequate.suppressed),
                    num(_y(d.desired), suppressed=d.desired.suppressed),
                    num(_y(d.p), suppressed=d.p.suppressed),
                    *stat_cells(d.msa, drill_url(f, measure=f"DIM.{d.code}.MSA")),
                    *stat_cells(d.mss, drill_url(f, measure=f"DIM.{d.code}.MSS")),
                ]
            )
        zot.figure = zot_figure(r)
        panels.append(zot)

    gm = Panel(
        "gap_model",
        _("Gap model: gaps 1, 3 and 5 per dimension"),
        [
            _("Dimension"),
            _("Gap 1: management's view − customers' expectation"),
            _("Gap 1 CI low"),
            _("Gap 1 CI high"),
            *stat_columns(_("Gap 3: delivery vs standards (employees' score − 7)")),
            *stat_columns(_("Gap 5: perception − expectation")),
        ],
    )
    for d in r.dimensions:
        g1 = d.gap1
        if g1 is None:
            g1_cells = (
                [num(None, suppressed=True)] * 3
                if (d.gap1_n[0] or d.gap1_n[1])
                else [num(None)] * 3
            )
        else:
            g1_cells = [
                num(g1.estimate, url=drill_url(f, measure=f"DIM.{d.code}.M")),
                num(g1.low),
                num(g1.high),
            ]
        gm.rows.append(
            [
                text(d.label),
                *g1_cells,
                *stat_cells(d.gap3, drill_url(f, measure=f"DIM.{d.code}.S")),
                *stat_cells(d.gap, drill_url(f, measure=f"DIM.{d.code}.GAP")),
            ]
        )
    gm.figure = gap_model_figure(r)
    if not r.has_gap_model:
        gm.note = _(
            "No management (gap 1) or employee (gap 3) survey answers in this selection: run the internal gap-model surveys to fill those columns."
        )
    panels.append(gm)
    return panels


def _alpha_cell(alpha: float | None, n: int) -> Cell:
    if alpha is None:
        return Cell(_suppressed_text() if 0 < n < queries.min_n() else "–", "", css="num muted")
    css = "num neg" if alpha < 0.7 else "num"
    return Cell(f"{alpha:.2f}", round(alpha, 4), css=css)


def _period_params(period: Any, grain: str) -> dict[str, str]:
    if grain == "quarter":
        return {
            "from": period.strftime("%Y-%m"),
            "to": queries.add_months(period, 2).strftime("%Y-%m"),
        }
    return {"month": period.strftime("%Y-%m")}


def funnel_figure(r: queries.ServqualReport) -> dict[str, Any] | None:
    fn = r.funnel
    shown = [s for s in r.league if s.gap.shown]
    if fn.target is None or not fn.n:
        return None
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": _("Sites"),
            "x": [s.gap.n for s in shown],
            "y": [s.gap.mean for s in shown],
            "text": [s.code for s in shown],
            "textposition": "top center",
            "marker": {"size": 8},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("Group mean"),
            "x": [fn.n[0], fn.n[-1]],
            "y": [fn.target, fn.target],
            "line": {"color": "#555"},
        },
    ]
    for conf, dash in ((0.95, "dash"), (0.998, "dot")):
        lo, hi = fn.limits[conf]
        label = "95 %" if conf == 0.95 else "99.8 %"
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": label,
                "x": fn.n,
                "y": hi,
                "line": {"dash": dash, "color": "#999"},
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": label,
                "x": fn.n,
                "y": lo,
                "line": {"dash": dash, "color": "#999"},
                "showlegend": False,
            }
        )
    return {
        "data": data,
        "layout": _layout(
            xaxis={"title": _("Responses (n)")}, yaxis={"title": _("SERVQUAL score")}
        ),
    }


def zot_figure(r: queries.ServqualReport) -> dict[str, Any]:
    labels = [d.label for d in r.dimensions]
    base = [_y(d.adequate) for d in r.dimensions]
    width = [
        (_y(d.desired) - _y(d.adequate))
        if _y(d.desired) is not None and _y(d.adequate) is not None
        else None
        for d in r.dimensions
    ]  # type: ignore[operator]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Zone of tolerance (adequate → desired)"),
                "x": labels,
                "y": width,
                "base": base,
                "marker": {"color": "rgba(31,119,180,0.3)"},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Perceived"),
                "x": labels,
                "y": [_y(d.p) for d in r.dimensions],
                "marker": {"size": 12, "symbol": "diamond"},
            },
        ],
        "layout": _layout(yaxis={"title": _("Rating")}),
    }


def gap_model_figure(r: queries.ServqualReport) -> dict[str, Any]:
    labels = [d.label for d in r.dimensions]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Gap 1"),
                "x": labels,
                "y": [d.gap1.estimate if d.gap1 else None for d in r.dimensions],
            },
            {
                "type": "bar",
                "name": _("Gap 3 (delivery vs standards)"),
                "x": labels,
                "y": [_y(d.gap3) for d in r.dimensions],
            },
            {
                "type": "bar",
                "name": _("Gap 5"),
                "x": labels,
                "y": [_y(d.gap) for d in r.dimensions],
            },
        ],
        "layout": _layout(barmode="group"),
    }


@report_view("servqual")
def report_servqual(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    r = queries.servqual_report(request.user, f)
    context = _frame(
        request,
        f,
        "surveys:report_servqual",
        _("SERVQUAL gap report"),
        report=r,
        warnings=r.warnings,
    )
    return _render(request, "surveys/reports/report.html", context, servqual_panels(r))


@report_view("gap_model")
def report_gap_model(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    r = queries.servqual_report(request.user, f, sections=())
    context = _frame(
        request, f, "surveys:report_gap_model", _("Gap model"), report=r, warnings=r.warnings
    )
    return _render(
        request, "surveys/reports/report.html", context, servqual_panels(r, gap_model_only=True)
    )


# CSAT / NPS ---------------------------------------------------------------------------------


def _share_cells(s: Share, url: str | None = None) -> list[Cell]:
    if s.suppressed:
        return [count(s.n, url), *[num(None, suppressed=True)] * 3]
    return [count(s.n, url), num(_pct(s.share), 1, url=url), num(_pct(s.lo), 1), num(_pct(s.hi), 1)]


def _pct(x: float | None) -> float | None:
    return None if x is None else 100.0 * x


def _nps_cells(sat: queries.Satisfaction, url: str | None = None) -> list[Cell]:
    if sat.nps is None:
        return [count(sat.nps_n, url), *[num(None, suppressed=sat.nps_n > 0)] * 3]
    return [
        count(sat.nps_n, url),
        num(sat.nps.nps, 1, url=url),
        num(sat.nps.lo, 1),
        num(sat.nps.hi, 1),
    ]


@report_view("csat_nps")
def report_csat_nps(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    r = queries.csat_nps_report(request.user, f)
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
        period = (
            {"from": bounds[0].strftime("%Y-%m"), "to": bounds[1].strftime("%Y-%m")}
            if bounds
            else {}
        )
        g = f.with_period(*bounds) if bounds else f
        summary.rows.append(
            [
                text(label),
                text(period.get("from", "")),
                text(period.get("to", "")),
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
            pp = _period_params(period, f.grain)
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
                        "array": [_pct(t.hi - t.share) if t.shown else None for t in top],
                        "arrayminus": [_pct(t.share - t.lo) if t.shown else None for t in top],
                    },  # type: ignore[operator]
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
            "layout": _layout(
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
    context = _frame(request, f, "surveys:report_csat_nps", _("CSAT and NPS"), report=r)
    return _render(request, "surveys/reports/report.html", context, panels)


# Importance–performance -------------------------------------------------------------------------


def _quadrant(code: str) -> str:
    labels = {
        "concentrate": _("Concentrate here"),
        "keep_up": _("Keep up the good work"),
        "low_priority": _("Low priority"),
        "overkill": _("Possible overkill"),
        "": "",
    }
    return labels[code]


@report_view("ipa")
def report_ipa(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    mode = "derived" if request.GET.get("importance") == "derived" else "stated"
    r = queries.ipa_report(request.user, f, mode)
    imp_label = (
        _("Importance (mean points)")
        if mode == "stated"
        else _("Derived importance (r with overall satisfaction)")
    )
    grid = Panel(
        "ipa",
        _("Importance–performance grid"),
        [
            _("Attribute"),
            imp_label,
            _("n (importance)"),
            *stat_columns(_("Performance (mean P)")),
            _("Quadrant"),
        ],
    )
    for p in r.points:
        measure = f"DIM.{p.key}.P" if mode == "stated" else f"{p.key}.P"
        grid.rows.append(
            [
                text(p.label),
                num(
                    p.importance,
                    3 if mode == "derived" else 1,
                    suppressed=p.importance is None and p.importance_n > 0,
                ),
                count(p.importance_n),
                *stat_cells(p.performance, drill_url(f, measure=measure)),
                text(_quadrant(p.quadrant)),
            ]
        )
    shown = [p for p in r.points if p.importance is not None and p.performance.shown]
    shapes = []
    if r.importance_mean is not None and r.performance_mean is not None:
        shapes = [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": r.performance_mean,
                "x1": r.performance_mean,
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dot", "color": "#888"},
            },
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": r.importance_mean,
                "y1": r.importance_mean,
                "line": {"dash": "dot", "color": "#888"},
            },
        ]
    grid.figure = {
        "data": [
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [p.performance.mean for p in shown],
                "y": [p.importance for p in shown],
                "text": [p.key if mode == "derived" else p.label for p in shown],
                "textposition": "top center",
                "marker": {"size": 10},
            }
        ],
        "layout": _layout(
            xaxis={"title": _("Performance")},
            yaxis={"title": imp_label},
            shapes=shapes,
            showlegend=False,
        ),
    }
    if mode == "derived":
        grid.note = _(
            "Derived importance: Pearson correlation of each item's perception with the overall-satisfaction rating, from the newest %(sample)d responses of this selection (cap %(cap)d)."
        ) % {"sample": r.sample, "cap": r.cap}
    drivers = Panel(
        "drivers",
        _("Key drivers"),
        [
            _("Rank"),
            _("Attribute"),
            imp_label,
            # xgettext:no-python-format
            _("Relative weight (% of R²)"),
            _("Performance"),
            _("Quadrant"),
        ],
        open=True,
    )
    for i, p in enumerate(r.drivers, 1):
        drivers.rows.append(
            [
                count(i),
                text(p.label),
                num(p.importance, 3 if mode == "derived" else 1),
                num(p.weight_pct, 1),
                num(_y(p.performance), suppressed=p.performance.suppressed),
                text(_quadrant(p.quadrant)),
            ]
        )
    context = _frame(
        request, f, "surveys:report_ipa", _("Importance–performance analysis"), report=r, mode=mode
    )
    return _render(request, "surveys/reports/report.html", context, [grid, drivers])


# Distribution -------------------------------------------------------------------------------


def _distribution_panel(
    name: str, d: queries.Distribution, f: ReportFilters, measure_of: Callable[[str], str] | None
) -> Panel:
    p = Panel(name, d.label, [_("Answer"), _("Count"), _("Share %")])
    for label, c in d.counts:
        value = label.split(" ", 1)[0]
        url = drill_url(f, measure=measure_of(value)) if measure_of else None
        if d.suppressed:
            p.rows.append([text(label), num(None, suppressed=True), num(None, suppressed=True)])
        else:
            p.rows.append([text(label), count(c, url), num(100.0 * c / d.n if d.n else None, 1)])
    if not d.suppressed:
        p.figure = {
            "data": [
                {"type": "bar", "x": [lbl for lbl, _c in d.counts], "y": [c for _l, c in d.counts]}
            ],
            "layout": _layout(xaxis={"type": "category"}, yaxis={"title": _("Count")}),
        }
    p.note = _("n = %(n)d") % {"n": d.n}
    return p


@report_view("distribution")
def report_distribution(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    r = queries.distribution_report(request.user, f, request.GET.get("question", ""))
    panels = []
    if r.rating:
        panels.append(_distribution_panel("rating", r.rating, f, None))
    for i, d in enumerate(r.choices):
        code = d.key
        panels.append(
            _distribution_panel(f"choice{i + 1}", d, f, lambda v, code=code: f"{code}={v}")
        )
    context = _frame(
        request,
        f,
        "surveys:report_distribution",
        _("Distribution of answers"),
        report=r,
        rating_keys=r.rating_keys,
        selected=r.rating.key if r.rating else "",
    )
    return _render(request, "surveys/reports/report.html", context, panels)


# Comments -----------------------------------------------------------------------------------


def response_url(pk: int) -> str | None:
    try:
        return reverse("surveys:response_detail", args=[pk])
    except NoReverseMatch:
        return None


@report_view("comments")
def report_comments(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    search = request.GET.get("q", "").strip()[:100]
    qs = queries.comments(request.user, f, search)
    page = Paginator(
        qs.only("id", "comment", "submitted_at", "site__code", "site__name", "channel"), 25
    ).get_page(request.GET.get("page"))
    kw = queries.keywords(qs)
    rows = [{"obj": r, "url": response_url(r.pk)} for r in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = _frame(
        request,
        f,
        "surveys:report_comments",
        _("Comments"),
        page=page,
        rows=rows,
        keywords=kw,
        search=search,
        querystring=query.urlencode(),
    )
    return render(request, "surveys/reports/comments.html", context)


# Drill-down ---------------------------------------------------------------------------------


def _answer_of(response: Any, measure: str) -> str:
    answers = response.answers or {}
    if (
        not measure
        or measure == "RESP"
        or measure.startswith(("DIM.", "DIMSUM.", "SQ.", "IMP."))
        or measure in queries.CSAT_MEASURES
    ):
        return ""
    if "=" in measure:
        code = measure.split("=")[0]
        return str(answers.get(code, ""))
    head, _sep, part = measure.rpartition(".")
    pairs = queries.gap_pairs()
    if part in pairs:
        hi, lo = pairs[part]
        a, b = answers.get(f"{head}.{hi}"), answers.get(f"{head}.{lo}")
        try:
            return f"{a} − {b} = {float(a) - float(b):g}"  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return ""
    return str(answers.get(measure, ""))


@report_view("drilldown")
def drilldown(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    measure = request.GET.get("measure", "")[:80]
    month = queries._month(request.GET.get("month"))
    qs = queries.drilldown(request.user, f, measure, month).order_by("-submitted_at", "-id")
    header = [
        _("Response"),
        _("Submitted"),
        _("Site"),
        _("Campaign"),
        _("Channel"),
        _("Answer"),
        _("Comment"),
    ]
    if request.GET.get("export") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(header)
        for r in qs.iterator(chunk_size=2000):
            writer.writerow(
                [
                    r.pk,
                    timezone.localtime(r.submitted_at).isoformat(),
                    r.site.code,
                    r.campaign.name,
                    r.channel,
                    _answer_of(r, measure),
                    r.comment,
                ]
            )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="responses-{stamp}.csv"'
        return response
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        {"obj": r, "url": response_url(r.pk), "answer": _answer_of(r, measure)}
        for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    context = _frame(
        request,
        f,
        "surveys:drilldown",
        _("Responses"),
        page=page,
        rows=rows,
        header=header,
        measure=measure,
        month=month,
        extra_params=[
            (k, v) for k, v in (("measure", measure), ("month", request.GET.get("month", ""))) if v
        ],
        querystring=query.urlencode(),
    )
    return render(request, "surveys/reports/drilldown.html", context)


# Plotly -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


@login_required
@require_GET
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.min.js from the installed ``plotly`` package (offline; the version in the query string
    makes the long cache safe)."""
    response = HttpResponse(_plotly_js(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
