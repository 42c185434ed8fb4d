"""The SERVQUAL page's own figures: the funnel plot of the site league table, the zone of
tolerance and the gap model (also drawn on the gap-model page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from sqms.core.charts import base_layout, minus, y_value

if TYPE_CHECKING:
    from sqms.surveys.reports.servqual import ServqualReport


def funnel_figure(r: ServqualReport) -> dict[str, Any] | None:
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
        "layout": base_layout(
            xaxis={"title": _("Responses (n)")}, yaxis={"title": _("SERVQUAL score")}
        ),
    }


def zot_figure(r: ServqualReport) -> dict[str, Any]:
    labels = [d.label for d in r.dimensions]
    base = [y_value(d.adequate) for d in r.dimensions]
    width = [minus(y_value(d.desired), y_value(d.adequate)) for d in r.dimensions]
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
                "y": [y_value(d.p) for d in r.dimensions],
                "marker": {"size": 12, "symbol": "diamond"},
            },
        ],
        "layout": base_layout(yaxis={"title": _("Rating")}),
    }


def gap_model_figure(r: ServqualReport) -> dict[str, Any]:
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
                "y": [y_value(d.gap3) for d in r.dimensions],
            },
            {
                "type": "bar",
                "name": _("Gap 5"),
                "x": labels,
                "y": [y_value(d.gap) for d in r.dimensions],
            },
        ],
        "layout": base_layout(barmode="group"),
    }
