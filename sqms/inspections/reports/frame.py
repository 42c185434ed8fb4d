"""What every inspection report page shares: the tabs, the filter bar, score sums in SQL, the
login/role guard, and the page response with CSV and XLSX downloads of each table."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import plotly
from django.db.models import Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sqms.core import exports
from sqms.core.panels import Panel
from sqms.core.stats import Stat, Sums, stat
from sqms.inspections.report_filters import ResultFilters, choices, labels
from sqms.surveys.reports.frame import report_view

__all__ = ["frame", "render_report", "report_view", "score_stat", "score_sums"]

REPORTS = (
    "inspections:report_overview",
    "inspections:report_trend",
    "inspections:report_league",
    "inspections:report_pareto",
    "inspections:report_self",
)


def _tabs(current: str, params: dict[str, str]) -> list[dict[str, Any]]:
    names = {
        "inspections:report_overview": _("Overview"),
        "inspections:report_trend": _("Trend per site"),
        "inspections:report_league": _("Site league table"),
        "inspections:report_pareto": _("Pareto of failed items"),
        "inspections:report_self": _("Self vs supervisor"),
    }
    query = urlencode(params)
    return [
        {
            "url": reverse(name) + (f"?{query}" if query else ""),
            "label": names[name],
            "current": name == current,
        }
        for name in REPORTS
    ]


def filter_bar(user: Any, f: ResultFilters) -> list[tuple[str, str, Any, str]]:
    """(name, label, choices, current value) of each filter of the bar."""
    names, current = labels(), f.params()
    return [
        (name, names[name], options, current.get(name, ""))
        for name, options in choices(user).items()
    ]


def frame(
    request: HttpRequest, f: ResultFilters, current: str, title: str, **extra: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "filters": f,
        "params": f.params(),
        "bar": filter_bar(request.user, f),
        "tabs": _tabs(current, f.params()),
        "plotly_url": reverse("plotly_js") + f"?v={plotly.__version__}",
        **extra,
    }


def render_report(
    request: HttpRequest, context: dict[str, Any], panels: list[Panel]
) -> HttpResponseBase:
    """The page, or one panel's table as ``?download=<panel>&format=csv|xlsx``."""
    wanted = request.GET.get("download")
    if wanted:
        for panel in panels:
            if panel.name == wanted:
                rows = (["" if c.value is None else c.value for c in row] for row in panel.rows)
                name = f"inspections-{panel.name}"
                if request.GET.get("format") == "xlsx":
                    return exports.xlsx_download(
                        exports.stamped(name, "xlsx"), panel.name, panel.columns, rows
                    )
                return exports.csv_download(exports.stamped(name, "csv"), panel.columns, rows)
    context["panels"] = panels
    return render(request, "inspections/report_page.html", context)


# Score sums in SQL ------------------------------------------------------------------------------


def score_sums(qs: QuerySet[Any], *group: str, prefix: str = "") -> list[dict[str, Any]]:
    """Per ``group`` (none: one row): ``n``, ``s`` (Σ score), ``ss`` (Σ score²), ``passed``,
    ``critical`` of the inspections in ``qs`` — one ``GROUP BY``."""
    score = Cast(f"{prefix}score", FloatField())
    aggregates = {
        "n": Count("pk"),
        "s": Sum(score),
        "ss": Sum(score * score),
        "passed": Count("pk", filter=Q(**{f"{prefix}passed": True})),
        "critical": Count("pk", filter=Q(**{f"{prefix}critical_failed": True})),
    }
    if not group:
        row = qs.aggregate(**aggregates)
        return [row]
    return list(qs.values(*group).annotate(**aggregates).order_by())


def sums_of(row: dict[str, Any]) -> Sums:
    return (int(row["n"] or 0), float(row["s"] or 0.0), float(row["ss"] or 0.0))


def score_stat(row: dict[str, Any]) -> Stat:
    """The mean score with its 95 % t-interval (shown from one inspection on; the interval
    from two). Inspection scores are not personal answers, so no minimum-n suppression."""
    return sums_stat(sums_of(row))


def sums_stat(sums: Sums) -> Stat:
    """:func:`score_stat` from (n, Σ, Σ²); the interval is clipped to the possible 0–100."""
    s = stat(sums, minimum=1)
    if s.lo is None or s.hi is None:
        return s
    return Stat(s.n, s.mean, max(s.lo, 0.0), min(s.hi, 100.0), s.sd, s.suppressed)


def add_sums(a: Sums, b: Sums) -> Sums:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])
