"""API of the management-review report under /api/v1/reports/: the gathered data as JSON (the
same numbers as the page, the PDF and the XLSX)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema

from sqms.core.http import AuthenticatedHttpRequest
from sqms.reports.period import ReviewInputError, ScopeRefused
from sqms.reports.review_data import gather

router = Router(tags=["reports"])

ReviewCell = str | int | float | None


class ReviewSeriesOut(Schema):
    name: str
    values: list[float | None]
    style: str


class ReviewChartOut(Schema):
    title: str
    labels: list[str]
    series: list[ReviewSeriesOut]
    flagged: list[int]


class ReviewMetricOut(Schema):
    key: str
    label: str
    current: float | None
    previous: float | None
    higher_is_better: bool | None
    percent: bool


class ReviewSectionOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[ReviewCell]]
    metrics: list[ReviewMetricOut]
    charts: list[ReviewChartOut]
    note: str


class ReviewReportOut(Schema):
    period: str
    previous_period: str
    date_from: str
    date_to: str
    scope_level: str
    scope_code: str
    scope_label: str
    language: str
    sections: list[ReviewSectionOut]
    summary: list[str]


class ReviewQuery(Schema):
    period: str = Field(..., max_length=20, description="2026Q3, 2026-07 or 2026")
    scope: str = Field(
        "ORG", max_length=40, description="ORG, a region code or a site code of your scope"
    )


@router.get("/management-review", response=ReviewReportOut)
def get_management_review(request: AuthenticatedHttpRequest, q: Query[ReviewQuery]) -> Any:
    try:
        return gather(q.period, q.scope, request.user).as_dict()
    except ScopeRefused as exc:
        raise Http404(str(exc)) from None
    except ReviewInputError as exc:
        raise ValidationError(str(exc)) from None
