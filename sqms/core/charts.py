"""Plotly figures as plain dicts (rendered by ``static/sqms/charts.js``) and the offline
plotly.min.js they need.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sqms.core.stats import Stat


def y_value(s: Stat) -> float | None:
    return s.mean if s.shown else None


def minus(a: float | None, b: float | None) -> float | None:
    """``a - b``, or None when either is missing (a bar's height from its two ends)."""
    return None if a is None or b is None else a - b


def y_err(s: Stat) -> tuple[float | None, float | None]:
    if not s.shown or s.lo is None or s.hi is None or s.mean is None:
        return None, None
    return s.hi - s.mean, s.mean - s.lo


# Figures -------------------------------------------------------------------------------------


def base_layout(title: str = "", **extra: Any) -> dict[str, Any]:
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
    plus = [y_err(s)[0] for s in stats]
    minus = [y_err(s)[1] for s in stats]
    values = [y_value(s) for s in stats]
    trace: dict[str, Any] = {"type": "bar", "name": name}
    error = {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus}
    if horizontal:
        trace.update({"y": list(labels), "x": values, "orientation": "h", "error_x": error})
        layout = base_layout(
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"zeroline": True, "title": name},
            height=max(300, 22 * len(labels) + 80),
        )
    else:
        trace.update({"x": list(labels), "y": values, "error_y": error})
        layout = base_layout(yaxis={"zeroline": True, "title": name})
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
                "y": [y_value(s) for s in stats],
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [y_err(s)[0] for s in stats],
                    "arrayminus": [y_err(s)[1] for s in stats],
                    "thickness": 1,
                },
                "connectgaps": False,
            }
        )
    return {
        "data": data,
        "layout": base_layout(yaxis={"title": ytitle}, xaxis={"type": "category"}),
    }


# Plotly -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    js: str = get_plotlyjs()
    return js.encode("utf-8")


@login_required
@require_GET
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.min.js from the installed ``plotly`` package (offline; the version in the query string
    makes the long cache safe)."""
    response = HttpResponse(_plotly_js(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
