"""The drill-down list: the responses behind any number on a report page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import exports
from sqms.surveys.choices import (
    QuestionRole,
)
from sqms.surveys.measures import GAP_PAIRS
from sqms.surveys.models import Question, Response

# Drill-down ---------------------------------------------------------------------------------
from sqms.surveys.reports.csat_nps import CSAT_MEASURES
from sqms.surveys.reports.frame import frame, report_view, response_url
from sqms.surveys.reports.selection import (
    ReportFilters,
    _campaigns,
    _month,
    responses,
    scale_items,
)


def _role_codes(user: Any, f: ReportFilters, role: str, dimension: str = "") -> list[str]:
    qs = Question.objects.filter(role=role, instrument__campaigns__in=_campaigns(user, f))
    if dimension:
        qs = qs.filter(dimension=dimension)
    return list(qs.values_list("code", flat=True).distinct())


def measure_condition(user: Any, f: ReportFilters, measure: str) -> Q:
    """Which raw responses stand behind a rollup measure (those that contributed to its n)."""
    if not measure or measure == "RESP":
        return Q()
    if "=" in measure:
        code, _sep, value = measure.partition("=")
        import re

        v = re.escape(value)
        return Q(**{f"answers__{code}__regex": rf'^{v}$|[\[,]\s*"?{v}"?\s*[,\]]'})
    head, _sep, part = measure.rpartition(".")
    if measure in ("OVERALL", "CSAT", "CSAT.TOP", "NPS", "NPS.PRO", "NPS.DET"):
        role = {
            "OVERALL": QuestionRole.OVERALL,
            "CSAT": QuestionRole.CSAT,
            "NPS": QuestionRole.NPS,
        }[measure.split(".")[0]]
        codes = _role_codes(user, f, role)
        return Q(answers__has_any_keys=codes) if codes else Q(pk__in=[])
    if measure.startswith("IMP."):
        codes = _role_codes(user, f, QuestionRole.IMPORTANCE, measure[4:])
        return Q(answers__has_any_keys=codes) if codes else Q(pk__in=[])
    pairs = gap_pairs()
    if measure.startswith(("DIM.", "DIMSUM.", "SQ.")):
        if measure.startswith("SQ."):
            codes = [it.code for it in scale_items(user, f)]
            part = "P"
        else:
            dim = measure.split(".")[1]
            codes = [it.code for it in scale_items(user, f) if it.dimension == dim]
        parts = pairs.get(part, (part,))
        keys = [f"{c}.{p}" for c in codes for p in parts]
        if not keys:
            return Q(pk__in=[])
        if measure.startswith("DIMSUM."):
            return Q(answers__has_keys=keys)
        if len(parts) > 1:
            cond = Q()
            for c in codes:
                cond |= Q(answers__has_keys=[f"{c}.{p}" for p in parts])
            return cond
        return Q(answers__has_any_keys=keys)
    if part in pairs and head:
        return Q(answers__has_keys=[f"{head}.{p}" for p in pairs[part]])
    return Q(answers__has_key=measure)


def gap_pairs() -> dict[str, tuple[str, ...]]:
    """Gap measure part -> the two answer parts it is the difference of (e.g. GAP -> P, E)."""
    return dict(GAP_PAIRS)


def drilldown_responses(
    user: Any, f: ReportFilters, measure: str = "", month: dt.date | None = None
) -> QuerySet[Response]:
    """The responses behind a number: the report's filters, narrowed to one measure (and month)."""
    if month:
        f = f.with_period(month, month)
    qs = responses(user, f).filter(measure_condition(user, f, measure))
    return qs.select_related("site", "campaign")


# Drill-down ---------------------------------------------------------------------------------


def _answer_of(response: Any, measure: str) -> str:
    answers = response.answers or {}
    if (
        not measure
        or measure == "RESP"
        or measure.startswith(("DIM.", "DIMSUM.", "SQ.", "IMP."))
        or measure in CSAT_MEASURES
    ):
        return ""
    if "=" in measure:
        code = measure.split("=")[0]
        return str(answers.get(code, ""))
    head, _sep, part = measure.rpartition(".")
    pairs = gap_pairs()
    if part in pairs:
        hi, lo = pairs[part]
        a, b = answers.get(f"{head}.{hi}"), answers.get(f"{head}.{lo}")
        try:
            return f"{a} − {b} = {float(a) - float(b):g}"  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return ""
    return str(answers.get(measure, ""))


@report_view("drilldown")
def drilldown(request: HttpRequest) -> HttpResponseBase:
    f = ReportFilters.from_params(request.GET)
    measure = request.GET.get("measure", "")[:80]
    month = _month(request.GET.get("month"))
    qs = drilldown_responses(request.user, f, measure, month).order_by("-submitted_at", "-id")
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
        csv_rows = (
            [
                r.pk,
                timezone.localtime(r.submitted_at).isoformat(),
                r.site.code,
                r.campaign.name,
                r.channel,
                _answer_of(r, measure),
                r.comment,
            ]
            for r in qs.iterator(chunk_size=2000)
        )
        return exports.csv_download(exports.stamped("responses", "csv"), header, csv_rows)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        {"obj": r, "url": response_url(r.pk), "answer": _answer_of(r, measure)}
        for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    context = frame(
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
