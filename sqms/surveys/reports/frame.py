"""The frame every report page shares: tabs, filters, the drill-down link and the login/role guard."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import plotly
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sqms.core.scoping import role_of
from sqms.core.stats import (
    min_n,
)
from sqms.surveys.reports.selection import (
    ReportFilters,
    add_months,
    filter_choices,
)

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


def frame(
    request: HttpRequest, f: ReportFilters, current: str, title: str, **extra: Any
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


def report_view(
    name: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Login, a role, GET only."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @require_GET
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if role_of(request.user) is None:
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def period_params(period: Any, grain: str) -> dict[str, str]:
    if grain == "quarter":
        return {
            "from": period.strftime("%Y-%m"),
            "to": add_months(period, 2).strftime("%Y-%m"),
        }
    return {"month": period.strftime("%Y-%m")}


def response_url(pk: int) -> str | None:
    try:
        return reverse("surveys:response_detail", args=[pk])
    except NoReverseMatch:
        return None
