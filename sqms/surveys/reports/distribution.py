"""The distribution page: how the answers of one question spread over its options or scale points."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.db.models.fields.json import KT
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sqms.core.charts import base_layout
from sqms.core.panels import Panel, count, num, render_panels, text
from sqms.core.stats import (
    min_n,
)
from sqms.surveys.choices import (
    QuestionKind,
)
from sqms.surveys.models import Question, pick
from sqms.surveys.reports.frame import drill_url, frame, report_view
from sqms.surveys.reports.selection import (
    ReportFilters,
    _campaigns,
    responses,
    rollups,
)

# Distributions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    key: str
    label: str
    n: int
    counts: list[tuple[str, int]]  # value label, count
    suppressed: bool


@dataclass(frozen=True)
class DistributionReport:
    filters: ReportFilters
    choices: list[Distribution]
    rating_keys: list[tuple[str, str]]
    rating: Distribution | None


def _questions(user: Any, f: ReportFilters) -> list[Question]:
    return list(
        Question.objects.filter(instrument__campaigns__in=_campaigns(user, f))
        .only(
            "code",
            "kind",
            "text_zh",
            "text_en",
            "options",
            "ratings",
            "scale_min",
            "scale_max",
            "order",
        )
        .distinct()
        .order_by("order", "code")
    )


def distribution_report(user: Any, f: ReportFilters, rating_key: str = "") -> DistributionReport:
    """Answers per option of choice questions (``CODE=v`` rollups, 1 query) and, for one rating
    question, the count per value from the raw answers (1 GROUP BY over the JSON value)."""
    minimum = min_n()
    questions: dict[str, Question] = {}
    q: Question | None
    for q in _questions(user, f):
        questions.setdefault(q.code, q)
    choice_codes = [
        c for c, q in questions.items() if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI)
    ]
    rows = (
        rollups(user, f)
        .filter(measure__contains="=")
        .values("measure")
        .annotate(n_=Sum("n"))
        .order_by()
    )
    counts_by_code: dict[str, dict[str, int]] = {}
    for row in rows:
        code, _sep, value = row["measure"].partition("=")
        counts_by_code.setdefault(code, {})[value] = int(row["n_"] or 0)
    # respondents per choice question: the RESP count is not per question, so use the sum of
    # option counts for single choice and the largest option count as a floor for multi.
    choices = []
    for code in choice_codes + sorted(set(counts_by_code) - set(choice_codes)):
        q = questions.get(code)
        counts = counts_by_code.get(code, {})
        labels = {
            str(o.get("value")): pick(o.get("zh", ""), o.get("en", "")) or str(o.get("value"))
            for o in (q.options if q else [])
        }
        order = list(labels) + sorted(set(counts) - set(labels))
        n = sum(counts.values())
        choices.append(
            Distribution(
                code,
                f"{code} {q.text}" if q else code,
                n,
                [
                    (f"{v} {labels[v]}" if v in labels and labels[v] != v else v, counts.get(v, 0))
                    for v in order
                ],
                n < minimum,
            )
        )

    rating_keys: list[tuple[str, str]] = []
    for q in questions.values():
        if q.kind in (
            QuestionKind.LIKERT,
            QuestionKind.SCALE_0_10,
            QuestionKind.RATINGS,
            QuestionKind.NUMBER,
        ):
            for key in q.answer_keys():
                rating_keys.append((key, f"{key} {q.text[:60]}"))
    valid = {k for k, _label in rating_keys}
    if rating_key not in valid:
        rating_key = rating_keys[0][0] if rating_keys else ""
    rating = None
    if rating_key:
        grouped = (
            responses(user, f)
            .filter(answers__has_key=rating_key)
            .annotate(v=KT(f"answers__{rating_key}"))
            .values("v")
            .annotate(c=Count("id"))
            .order_by()
        )
        counts = {}
        for group in grouped:
            try:
                number = float(group["v"])
            except (TypeError, ValueError):
                continue
            label = str(int(number)) if number.is_integer() else str(number)
            counts[label] = counts.get(label, 0) + int(group["c"])
        q = questions.get(rating_key.split(".")[0]) or questions.get(rating_key)
        lo = q.scale_min if q and q.scale_min is not None else None
        hi = q.scale_max if q and q.scale_max is not None else None
        scale_labels = (
            [str(v) for v in range(lo, hi + 1)]
            if lo is not None and hi is not None and hi - lo <= 20
            else []
        )
        order = scale_labels + sorted(set(counts) - set(scale_labels), key=lambda s: float(s))
        n = sum(counts.values())
        rating = Distribution(
            rating_key,
            dict(rating_keys).get(rating_key, rating_key),
            n,
            [(v, counts.get(v, 0)) for v in order],
            n < minimum,
        )
    return DistributionReport(f, choices, rating_keys, rating)


# Distribution -------------------------------------------------------------------------------


def _distribution_panel(
    name: str, d: Distribution, f: ReportFilters, measure_of: Callable[[str], str] | None
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
            "layout": base_layout(xaxis={"type": "category"}, yaxis={"title": _("Count")}),
        }
    p.note = _("n = %(n)d") % {"n": d.n}
    return p


@report_view("distribution")
def report_distribution(request: HttpRequest) -> HttpResponseBase:
    f = ReportFilters.from_params(request.GET)
    r = distribution_report(request.user, f, request.GET.get("question", ""))
    panels = []
    if r.rating:
        panels.append(_distribution_panel("rating", r.rating, f, None))
    for i, d in enumerate(r.choices):

        def measure_of(v: str, code: str = d.key) -> str:
            return f"{code}={v}"

        panels.append(_distribution_panel(f"choice{i + 1}", d, f, measure_of))
    context = frame(
        request,
        f,
        "surveys:report_distribution",
        _("Distribution of answers"),
        report=r,
        rating_keys=r.rating_keys,
        selected=r.rating.key if r.rating else "",
    )
    return render_panels(request, "surveys/reports/report.html", context, panels)
