"""The comments page: searchable free-text comments with their keywords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sqms.surveys.keywords import chinese_keywords, english_keywords, is_chinese
from sqms.surveys.models import Response

# Comments -----------------------------------------------------------------------------------
from sqms.surveys.reports.frame import frame, report_view, response_url
from sqms.surveys.reports.selection import (
    KEYWORD_SAMPLE_CAP,
    ReportFilters,
    responses,
)


def comments(user: Any, f: ReportFilters, search: str = "") -> QuerySet[Response]:
    qs = responses(user, f).exclude(comment="").select_related("site")
    if search:
        qs = qs.filter(comment__icontains=search)
    return qs


@dataclass(frozen=True)
class Keywords:
    chinese: list[tuple[str, float]]
    english: list[tuple[str, int]]
    sample: int
    cap: int


def keywords(qs: QuerySet[Response], top: int = 20) -> Keywords:
    """Keywords of the newest comments of the filtered scope (capped): jieba TF-IDF for Chinese,
    a stop-word frequency count for English."""
    texts = list(
        qs.order_by("-submitted_at").values_list("comment", flat=True)[:KEYWORD_SAMPLE_CAP]
    )
    zh = [t for t in texts if is_chinese(t)]
    en = [t for t in texts if not is_chinese(t)]
    return Keywords(
        chinese_keywords(zh, top),
        english_keywords(en, top),
        len(texts),
        KEYWORD_SAMPLE_CAP,
    )


# Comments -----------------------------------------------------------------------------------


@report_view("comments")
def report_comments(request: HttpRequest) -> HttpResponse:
    f = ReportFilters.from_params(request.GET)
    search = request.GET.get("q", "").strip()[:100]
    qs = comments(request.user, f, search)
    page = Paginator(
        qs.only("id", "comment", "submitted_at", "site__code", "site__name", "channel"), 25
    ).get_page(request.GET.get("page"))
    kw = keywords(qs)
    rows = [{"obj": r, "url": response_url(r.pk)} for r in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = frame(
        request,
        f,
        "surveys:report_comments",
        _("Comments"),
        page=page,
        rows=rows,
        keywords=kw,
        search=search,
        querystring=query.urlencode(),
    )
    return render(request, "surveys/reports/comments.html", context)
