"""The frame every complaint report page shares: tabs, filters and filter choices, links into
the complaint list, and the login/role guard (the survey reports' ``report_view``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import plotly
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from sqms.complaints.reports.selection import ComplaintFilters, filter_choices
from sqms.core.stats import min_n
from sqms.surveys.reports.frame import report_view

__all__ = ["frame", "list_url", "report_view"]

REPORTS = (
    "complaints:report_overview",
    "complaints:report_pareto",
    "complaints:report_repeats",
    "complaints:report_clusters",
    "complaints:report_league",
    "complaints:referrals",
)


def _tabs(current: str, params: dict[str, str]) -> list[dict[str, Any]]:
    labels = {
        "complaints:report_overview": _("Overview"),
        "complaints:report_pareto": _("Pareto"),
        "complaints:report_repeats": _("Repeat complaints"),
        "complaints:report_clusters": _("Keyword clusters"),
        "complaints:report_league": _("Site league table"),
        "complaints:referrals": _("CAPA referrals"),
    }
    query = urlencode(params)
    return [
        {
            "url": reverse(name)
            + (f"?{query}" if query and name != "complaints:referrals" else ""),
            "label": labels[name],
            "current": name == current,
        }
        for name in REPORTS
    ]


def list_url(f: ComplaintFilters, **extra: Any) -> str:
    """The complaint list filtered like the report, plus ``extra`` (e.g. ``category=3``)."""
    params = f.list_params()
    for key, value in extra.items():
        if value not in (None, ""):
            params[key] = str(value)
    return reverse("complaints:list") + ("?" + urlencode(params) if params else "")


def frame(
    request: HttpRequest, f: ComplaintFilters, current: str, title: str, **extra: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "filters": f,
        "params": f.params(),
        "choices": filter_choices(request.user),
        "tabs": _tabs(current, f.params()),
        "min_n": min_n(),
        "plotly_url": reverse("plotly_js") + f"?v={plotly.__version__}",
        **extra,
    }
