"""The gap-model page: gaps 1, 3 and 5 of Parasuraman, Zeithaml & Berry on one scale."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sqms.core.panels import render_panels
from sqms.surveys.reports.frame import frame, report_view
from sqms.surveys.reports.selection import (
    ReportFilters,
)
from sqms.surveys.reports.servqual import servqual_report
from sqms.surveys.reports.servqual_panels import servqual_panels


@report_view("gap_model")
def report_gap_model(request: HttpRequest) -> HttpResponseBase:
    f = ReportFilters.from_params(request.GET)
    r = servqual_report(request.user, f, sections=())
    context = frame(
        request, f, "surveys:report_gap_model", _("Gap model"), report=r, warnings=r.warnings
    )
    return render_panels(
        request, "surveys/reports/report.html", context, servqual_panels(r, gap_model_only=True)
    )
