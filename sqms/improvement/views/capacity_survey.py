"""The page "waiting time and satisfaction" under /improvement/capacity/wait-satisfaction/:
pick a campaign and two numeric questions of its instrument; see the scatter and the fitted
least-squares line (slope with its confidence interval, r²) over the responses in scope."""

from __future__ import annotations

from typing import Any

import plotly  # type: ignore[import-untyped, unused-ignore]
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.improvement.wait_fit import numeric_questions, wait_fit
from sqms.surveys.models import Campaign


def _guess(questions: list[Any], words: tuple[str, ...]) -> str:
    for q in questions:
        text = f"{q.code} {q.text_en} {q.text_zh}".lower()
        if any(w in text for w in words):
            return str(q.code)
    return str(questions[0].code) if questions else ""


@require_safe
@login_required
def wait_satisfaction(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = list(Campaign.objects.restrict(request.user).select_related("instrument"))
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": None}
    raw = request.GET.get("campaign", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        campaign = next((c for c in campaigns if c.pk == int(raw)), None)
        if campaign is None:
            raise Http404
        questions = numeric_questions(campaign)
        by_code = {q.code: q for q in questions}
        x_code = request.GET.get("wait") or _guess(questions, ("wait", "等", "排队"))
        y_code = request.GET.get("sat") or _guess(
            [q for q in questions if q.code != x_code], ("sat", "满意", "csat", "overall")
        )
        context.update(
            {"campaign": campaign, "questions": questions, "x_code": x_code, "y_code": y_code}
        )
        if x_code in by_code and y_code in by_code and x_code != y_code:
            result = wait_fit(request.user, campaign, by_code[x_code], by_code[y_code])
            context["result"] = result
            context["plotly_url"] = reverse("plotly_js") + f"?v={plotly.__version__}"
    return render(request, "improvement/capacity_wait_fit.html", context)


urlpatterns: list[URLPattern] = [
    path("capacity/wait-satisfaction/", wait_satisfaction, name="capacity_wait_fit"),
]
