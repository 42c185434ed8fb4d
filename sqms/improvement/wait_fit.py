"""Waiting time against satisfaction in a campaign's survey responses: the pairs of two
numeric questions' answers, the least-squares line (``sqms.analytics.regression``) and the
figure (every point, or binned means when there are many)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from sqms.analytics.regression import LinearFit, binned_means, linear_fit
from sqms.surveys.choices import QuestionKind
from sqms.surveys.models import Campaign, Question, Response

NUMERIC_KINDS = (QuestionKind.NUMBER, QuestionKind.SCALE_0_10, QuestionKind.LIKERT)
MAX_POINTS = 400  # above this the scatter shows binned means
BINS = 20


def numeric_questions(campaign: Campaign) -> list[Question]:
    """Questions of the campaign's instrument with one numeric answer each."""
    return [
        q
        for q in Question.objects.filter(instrument=campaign.instrument, kind__in=NUMERIC_KINDS)
        if not q.ratings
    ]


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def pairs(
    user: Any, campaign: Campaign, x_code: str, y_code: str
) -> tuple[list[float], list[float]]:
    """The (x, y) answers of the responses in the user's scope that answered both."""
    qs = (
        Response.objects.restrict(user)
        .filter(campaign=campaign)
        .annotate(_x=F(f"answers__{x_code}"), _y=F(f"answers__{y_code}"))
        .values_list("_x", "_y")
    )
    xs: list[float] = []
    ys: list[float] = []
    for a, b in qs.iterator(chunk_size=5000):
        x, y = _number(a), _number(b)
        if x is not None and y is not None:
            xs.append(x)
            ys.append(y)
    return xs, ys


@dataclass(frozen=True)
class WaitFit:
    n: int
    fit: LinearFit | None
    figure: dict[str, Any] | None
    binned: bool
    message: str


def wait_fit(
    user: Any, campaign: Campaign, x_q: Question, y_q: Question, confidence: float = 0.95
) -> WaitFit:
    from sqms.core.charts import base_layout

    xs, ys = pairs(user, campaign, x_q.code, y_q.code)
    n = len(xs)
    if n < 3 or len(set(xs)) < 2:
        return WaitFit(n, None, None, False, _("Too few responses answer both questions with "
                                               "different waiting times to fit a line."))  # fmt: skip
    fit = linear_fit(xs, ys, confidence=confidence)
    binned = n > MAX_POINTS
    if binned:
        b = binned_means(xs, ys, bins=BINS)
        points: dict[str, Any] = {
            "type": "scatter", "mode": "markers", "name": _("Mean per bin"),
            "x": b.x_mean.tolist(), "y": b.y_mean.tolist(),
            "text": [_("%(n)d responses") % {"n": int(c)} for c in b.count],
            "marker": {"size": [min(30, 6 + int(c) ** 0.5) for c in b.count]},
        }  # fmt: skip
    else:
        points = {"type": "scatter", "mode": "markers", "name": _("Responses"), "x": xs,
                  "y": ys, "marker": {"size": 6, "opacity": 0.5}}  # fmt: skip
    lo, hi = min(xs), max(xs)
    line = {
        "type": "scatter", "mode": "lines", "name": _("Least-squares line"),
        "x": [lo, hi], "y": [fit.intercept + fit.slope * lo, fit.intercept + fit.slope * hi],
        "line": {"color": "#c0392b"},
    }  # fmt: skip
    layout = base_layout(
        xaxis={"title": x_q.code, "zeroline": False},
        yaxis={"title": y_q.code, "zeroline": False},
    )
    return WaitFit(n, fit, {"data": [points, line], "layout": layout}, binned, "")
