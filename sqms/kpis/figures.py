"""The control chart as a plotly figure (``sqms.core.charts`` layout): the values, the centre
line and limits (stepped where n varies), flagged points and chart events."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sqms.core.charts import base_layout
from sqms.kpis.series import ChartData


def control_chart(data: ChartData) -> dict[str, Any]:
    rows = data.rows()
    x = [r["date"] for r in rows]
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": data.kpi.name,
            "x": x,
            "y": [r["value"] for r in rows],
            "text": [r["period"] for r in rows],
        }
    ]
    if data.judged is not None:
        for key, name, dash in (
            ("center", _("Centre line"), "solid"),
            ("ucl", _("UCL"), "dash"),
            ("lcl", _("LCL"), "dash"),
        ):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    "x": x,
                    "y": [r[key] for r in rows],
                    "line": {"dash": dash, "shape": "hv", "width": 1},
                    "connectgaps": False,
                }
            )
        flagged = [r for r in rows if r["rules"]]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Signal"),
                "x": [r["date"] for r in flagged],
                "y": [r["value"] for r in flagged],
                "text": [", ".join(str(n) for n in r["rules"]) for r in flagged],
                "marker": {"color": "#c0392b", "size": 11, "symbol": "circle-open"},
            }
        )
    if data.kpi.target is not None and x:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Target"),
                "x": [x[0], x[-1]],
                "y": [data.kpi.target, data.kpi.target],
                "line": {"dash": "dot", "color": "#27ae60", "width": 1},
            }
        )
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": e.date.isoformat(),
            "x1": e.date.isoformat(),
            "y0": 0,
            "y1": 1,
            "line": {"color": "#7f8c8d", "dash": "dot", "width": 1},
        }
        for e in data.events
    ]
    annotations = [
        {
            "x": e.date.isoformat(),
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "text": e.text,
            "showarrow": False,
            "textangle": -90,
            "xanchor": "right",
            "yanchor": "top",
            "font": {"size": 10},
        }
        for e in data.events
    ]
    layout = base_layout(
        yaxis={"title": data.kpi.unit or data.kpi.name},
        xaxis={"type": "date"},
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}
