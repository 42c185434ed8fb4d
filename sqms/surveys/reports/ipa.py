"""The importance–performance page: stated or derived importance against performance, in
quadrants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sqms.analytics.ipa import ipa, key_drivers
from sqms.core.charts import base_layout, y_value
from sqms.core.panels import Panel, count, num, render_panels, stat_cells, stat_columns, text
from sqms.core.stats import (
    ZERO,
    Stat,
    min_n,
    stat,
)
from sqms.surveys.choices import (
    QuestionRole,
)
from sqms.surveys.models import Question
from sqms.surveys.reports.frame import drill_url, frame, report_view
from sqms.surveys.reports.selection import (
    IPA_SAMPLE_CAP,
    ReportFilters,
    _as_sums,
    _campaigns,
    _sums_by,
    dimension_label,
    dimensions_of,
    responses,
    rollups,
    scale_items,
)

# Importance–performance ---------------------------------------------------------------------


@dataclass(frozen=True)
class IpaPoint:
    key: str  # dimension code or item code
    label: str
    importance: float | None
    performance: Stat
    importance_n: int
    quadrant: str
    weight_pct: float | None = None  # Johnson's relative weight, % of R² (derived importance)


@dataclass(frozen=True)
class IpaReport:
    filters: ReportFilters
    mode: str  # "stated" | "derived"
    points: list[IpaPoint]
    importance_mean: float | None
    performance_mean: float | None
    sample: int  # raw responses read for derived importance
    cap: int
    drivers: list[IpaPoint]


QUADRANT_KEYS = {
    "concentrate here": "concentrate",
    "keep up the good work": "keep_up",
    "low priority": "low_priority",
    "possible overkill": "overkill",
}


def _quadrants(
    imp: list[float | None], perf: list[float | None]
) -> tuple[list[str], float | None, float | None]:
    """Martilla & James (1977) quadrants (``sqms.analytics.ipa.ipa``) with the cross-hairs at
    the means of the attributes that have both coordinates."""
    both = [
        (j, i, p)
        for j, (i, p) in enumerate(zip(imp, perf, strict=True))
        if i is not None and p is not None
    ]
    idx = [j for j, _i, _p in both]
    out = ["" for _ in imp]
    if not idx:
        return out, None, None
    result = ipa([i for _j, i, _p in both], [p for _j, _i, p in both])
    for j, item in zip(idx, result.items, strict=True):
        out[j] = QUADRANT_KEYS.get(item.quadrant, item.quadrant)
    return out, result.importance_cut, result.performance_cut


def _overall_code(user: Any, f: ReportFilters) -> list[str]:
    return list(
        Question.objects.filter(
            role=QuestionRole.OVERALL, instrument__campaigns__in=_campaigns(user, f)
        )
        .values_list("code", flat=True)
        .distinct()
    )


def ipa_report(user: Any, f: ReportFilters, mode: str = "stated") -> IpaReport:
    """Stated importance (mean points per dimension from ``IMP.d``) or derived importance
    (``sqms.analytics.ipa.key_drivers`` on a capped sample of raw responses: Pearson r of each
    item's perception with the overall rating, and Johnson's relative weights for the key
    drivers), against performance (mean perception from the rollups)."""
    minimum = min_n()
    items = scale_items(user, f)
    dims = dimensions_of(items)
    qs = rollups(user, f)
    if mode == "derived":
        totals = {r["measure"]: _as_sums(r) for r in _sums_by(qs, [f"{it.code}.P" for it in items])}
        overall_codes = _overall_code(user, f)
        sample = 0
        imp: list[float | None] = [None] * len(items)
        weights: list[float | None] = [None] * len(items)
        counts = [0] * len(items)
        if overall_codes:
            code = overall_codes[0]
            rows = list(
                responses(user, f)
                .filter(answers__has_key=code)
                .values_list("answers", flat=True)[:IPA_SAMPLE_CAP]
            )
            sample = len(rows)
            if sample:
                y = np.array([_float(r.get(code)) for r in rows])
                x = np.array(
                    [[_float(r.get(f"{it.code}.P")) for it in items] for r in rows], dtype=float
                ).reshape(sample, len(items))
                try:
                    kd = key_drivers(x, y, [it.code for it in items])
                except ValueError:  # too few complete respondents, or no variance
                    kd = None
                if kd is not None and kd.n >= minimum:
                    for j in range(len(items)):
                        counts[j] = kd.n
                        imp[j] = float(kd.correlations[j])
                        weights[j] = float(kd.relative_weights_pct[j])
        perf = [stat(totals.get(f"{it.code}.P", ZERO), minimum) for it in items]
        quads, mi, mp = _quadrants(imp, [p.mean if p.shown else None for p in perf])
        points = [
            IpaPoint(
                it.code, f"{it.code} {it.text}", imp[j], perf[j], counts[j], quads[j], weights[j]
            )
            for j, it in enumerate(items)
        ]
        drivers = sorted(
            (p for p in points if p.weight_pct is not None), key=lambda p: -(p.weight_pct or 0)
        )
        return IpaReport(f, "derived", points, mi, mp, sample, IPA_SAMPLE_CAP, drivers[:5])

    totals = {
        r["measure"]: _as_sums(r)
        for r in _sums_by(qs, [f"IMP.{d}" for d in dims] + [f"DIM.{d}.P" for d in dims])
    }
    imp_stats = [stat(totals.get(f"IMP.{d}", ZERO), minimum) for d in dims]
    perf = [stat(totals.get(f"DIM.{d}.P", ZERO), minimum) for d in dims]
    quads, mi, mp = _quadrants(
        [s.mean if s.shown else None for s in imp_stats],
        [p.mean if p.shown else None for p in perf],
    )
    points = [
        IpaPoint(
            d,
            dimension_label(d),
            imp_stats[j].mean if imp_stats[j].shown else None,
            perf[j],
            imp_stats[j].n,
            quads[j],
        )
        for j, d in enumerate(dims)
    ]
    drivers = sorted(
        (p for p in points if p.importance is not None), key=lambda p: -(p.importance or 0)
    )
    return IpaReport(f, "stated", points, mi, mp, 0, 0, drivers[:5])


def _float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


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
def report_ipa(request: HttpRequest) -> HttpResponseBase:
    f = ReportFilters.from_params(request.GET)
    mode = "derived" if request.GET.get("importance") == "derived" else "stated"
    r = ipa_report(request.user, f, mode)
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
        "layout": base_layout(
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
                num(y_value(p.performance), suppressed=p.performance.suppressed),
                text(_quadrant(p.quadrant)),
            ]
        )
    context = frame(
        request, f, "surveys:report_ipa", _("Importance–performance analysis"), report=r, mode=mode
    )
    return render_panels(request, "surveys/reports/report.html", context, [grid, drivers])
