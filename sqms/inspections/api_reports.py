"""API of the inspection result reports (under ``/api/v1/inspections/reports/``): the same
numbers as the report pages, as JSON, with the pages' filters. Reads go through ``restrict``."""

from typing import Annotated, Any

from ninja import Field, Query, Router, Schema

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import DbId
from sqms.core.stats import Stat
from sqms.inspections.choices import InspectionKind
from sqms.inspections.report_filters import ResultFilters
from sqms.inspections.reports.league import league_report
from sqms.inspections.reports.overview import OverviewRow, overview_report
from sqms.inspections.reports.pareto import pareto_report
from sqms.inspections.reports.selfcheck import self_report
from sqms.inspections.reports.trend import trend_report

router = Router(tags=["inspection reports"])

Month = Annotated[
    str, Field(pattern=r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM, 1900 to 2999")
]


class InspectionReportQuery(Schema):
    """The report pages' filters; ids outside your scope match nothing."""

    region: DbId | None = None
    site: DbId | None = None
    kind: InspectionKind | None = None
    template: DbId | None = Field(None, description="checklist template id")
    date_from: Month | None = Field(None, alias="from", description="first month, YYYY-MM")
    date_to: Month | None = Field(None, alias="to", description="last month, YYYY-MM")

    def filters(self) -> ResultFilters:
        return ResultFilters.from_params(
            {
                "region": self.region,
                "site": self.site,
                "kind": self.kind or "",
                "template": self.template,
                "from": self.date_from,
                "to": self.date_to,
            }
        )


class ScoreOut(Schema):
    n: int
    mean: float | None
    ci_low: float | None = Field(..., description="95 % t-interval; null under 2 inspections")
    ci_high: float | None


def score_out(s: Stat) -> ScoreOut:
    return ScoreOut(n=s.n, mean=s.mean, ci_low=s.lo, ci_high=s.hi)


class OverviewRowOut(Schema):
    kind: str = Field(..., description="empty for all kinds together")
    inspections: int
    score: ScoreOut
    passed: int
    pass_rate: float | None
    pass_rate_low: float | None = Field(..., description="Wilson 95 % interval")
    pass_rate_high: float | None
    critical_failures: int


class InspectionOverviewOut(Schema):
    total: OverviewRowOut
    kinds: list[OverviewRowOut]


def _overview_row(r: OverviewRow) -> OverviewRowOut:
    pr = r.pass_rate
    return OverviewRowOut(
        kind=r.kind,
        inspections=r.n,
        score=score_out(r.score),
        passed=r.passed,
        pass_rate=pr.proportion if pr else None,
        pass_rate_low=pr.lo if pr else None,
        pass_rate_high=pr.hi if pr else None,
        critical_failures=r.critical,
    )


@router.get("/overview", response=InspectionOverviewOut)
def overview(request: AuthenticatedHttpRequest, q: Query[InspectionReportQuery]) -> Any:
    r = overview_report(request.user, q.filters())
    return InspectionOverviewOut(
        total=_overview_row(r.total), kinds=[_overview_row(k) for k in r.kinds]
    )


class TrendPointOut(Schema):
    month: str
    score: ScoreOut


class SiteTrendOut(Schema):
    site_id: int
    site_code: str
    months: list[TrendPointOut]


@router.get("/trend", response=list[SiteTrendOut])
def trend(request: AuthenticatedHttpRequest, q: Query[InspectionReportQuery]) -> Any:
    r = trend_report(request.user, q.filters())
    return [
        SiteTrendOut(
            site_id=s.site_id,
            site_code=s.code,
            months=[
                TrendPointOut(month=m.strftime("%Y-%m"), score=score_out(s.points[m]))
                for m in r.months
                if m in s.points
            ],
        )
        for s in r.sites
    ]


class InspectionLeagueRowOut(Schema):
    rank: int
    site_id: int
    site_code: str
    score: ScoreOut
    previous_rank: int | None
    previous_mean: float | None
    movement: int | None = Field(..., description="places gained; null = not ranked before")


class InspectionLeagueOut(Schema):
    first_month: str | None
    last_month: str | None
    previous_first_month: str | None
    previous_last_month: str | None
    rows: list[InspectionLeagueRowOut]


def _m(d: Any) -> str | None:
    return d.strftime("%Y-%m") if d else None


@router.get("/league", response=InspectionLeagueOut)
def league(request: AuthenticatedHttpRequest, q: Query[InspectionReportQuery]) -> Any:
    r = league_report(request.user, q.filters())
    return InspectionLeagueOut(
        first_month=_m(r.first),
        last_month=_m(r.last),
        previous_first_month=_m(r.previous_first),
        previous_last_month=_m(r.previous_last),
        rows=[
            InspectionLeagueRowOut(
                rank=row.rank,
                site_id=row.site_id,
                site_code=row.code,
                score=score_out(row.score),
                previous_rank=row.previous_rank,
                previous_mean=row.previous_score,
                movement=row.movement,
            )
            for row in r.rows
        ],
    )


class FailedItemOut(Schema):
    template_code: str
    item_code: str
    item_text: str
    failures: int
    share: float
    cumulative_share: float
    times_checked: int
    vital_few: bool


@router.get("/pareto", response=list[FailedItemOut])
def failed_items(request: AuthenticatedHttpRequest, q: Query[InspectionReportQuery]) -> Any:
    r = pareto_report(request.user, q.filters())
    return [
        FailedItemOut(
            template_code=row.template,
            item_code=row.code,
            item_text=row.text,
            failures=row.failures,
            share=row.share,
            cumulative_share=row.cumulative,
            times_checked=row.checked,
            vital_few=row.vital,
        )
        for row in r.rows
    ]


class SelfRowOut(Schema):
    site_id: int
    site_code: str
    self_inspections: int
    self_mean: float | None
    visits: int = Field(..., description="supervisor and mystery-shopper inspections")
    visits_mean: float | None
    difference: float | None = Field(..., description="self − visits")
    welch_ci_low: float | None
    welch_ci_high: float | None
    welch_p: float | None
    paired_months: int
    paired_difference: float | None
    paired_p: float | None
    self_higher_last_months: int
    rates_itself_higher: bool


def _finite(x: float | None) -> float | None:
    import math

    return x if x is not None and math.isfinite(x) else None


@router.get("/self-vs-supervisor", response=list[SelfRowOut])
def self_vs_supervisor(request: AuthenticatedHttpRequest, q: Query[InspectionReportQuery]) -> Any:
    """Per site; ``rates_itself_higher``: self higher in at least 3 of the last 4 months with
    both, and the Welch two-sample difference positive with p < 0.05."""
    r = self_report(request.user, q.filters())
    return [
        SelfRowOut(
            site_id=s.site_id,
            site_code=s.code,
            self_inspections=s.self_sums[0],
            self_mean=s.self_mean,
            visits=s.other_sums[0],
            visits_mean=s.other_mean,
            difference=s.difference,
            welch_ci_low=_finite(s.welch.low) if s.welch else None,
            welch_ci_high=_finite(s.welch.high) if s.welch else None,
            welch_p=_finite(s.welch.p_value) if s.welch else None,
            paired_months=s.paired_months,
            paired_difference=s.paired_diff,
            paired_p=s.paired_p,
            self_higher_last_months=s.higher_in_last,
            rates_itself_higher=s.flagged,
        )
        for s in r.sites
    ]
