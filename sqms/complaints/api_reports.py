"""API of the complaint reports (under ``/api/v1/complaints/reports/``): the overview figures,
the Pareto tables and the site league table as JSON, with the report pages' filters; and the
CAPA referrals (list, create). Reads go through ``restrict``, the write through ``actions``."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.complaints import actions
from sqms.complaints.actions.capa import MAX_COMPLAINTS
from sqms.complaints.choices import CapaStatus, IntakeChannel, Severity
from sqms.complaints.models import CapaReferral, Complaint
from sqms.complaints.reports.league import league_report
from sqms.complaints.reports.overview import overview_report
from sqms.complaints.reports.pareto import ParetoTable, category_pareto, root_cause_pareto
from sqms.complaints.reports.selection import ComplaintFilters
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import BoundedPagination, DbId

router = Router(tags=["complaint reports"])
API = Channel.API

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


class ReportQuery(Schema):
    """The report pages' filters; ids outside your scope match nothing."""

    region: DbId | None = None
    site: DbId | None = None
    category: DbId | None = None
    severity: Severity | None = None
    channel: IntakeChannel | None = None
    date_from: Month | None = Field(None, alias="from", description="first month, YYYY-MM")
    date_to: Month | None = Field(None, alias="to", description="last month, YYYY-MM")

    def filters(self) -> ComplaintFilters:
        return ComplaintFilters.from_params(
            {
                "region": self.region,
                "site": self.site,
                "category": self.category,
                "severity": self.severity or "",
                "channel": self.channel or "",
                "from": self.date_from,
                "to": self.date_to,
            }
        )


class MonthOut(Schema):
    month: str
    complaints: int


class SiteMonthOut(Schema):
    site_id: int
    site_code: str
    month: str
    complaints: int
    transactions: int | None = Field(..., description="null: no volume entered")
    rate_per_1000: float | None


class SlaOut(Schema):
    clock: str = Field(..., description="response or resolution")
    met: int
    breached: int
    running: int
    met_share: float | None = Field(..., description="met / (met + breached); null if n too small")
    ci_low: float | None
    ci_high: float | None


class DurationOut(Schema):
    clock: str
    n: int
    median_hours: float | None = Field(..., description="wall-clock hours from receipt")
    p90_hours: float | None
    buckets: dict[str, int]


class OverviewOut(Schema):
    total: int
    months: list[MonthOut]
    site_months: list[SiteMonthOut]
    sla: list[SlaOut]
    durations: list[DurationOut]
    backlog: dict[str, int] = Field(..., description="open complaints by age bucket")
    min_n: int


class ParetoRowOut(Schema):
    key: str
    label: str
    count: int
    share: float
    cumulative: float
    vital: bool


class ParetoTableOut(Schema):
    rows: list[ParetoRowOut]
    total: int
    missing: int


class ParetoOut(Schema):
    categories: ParetoTableOut
    root_causes: ParetoTableOut


class LeagueRowOut(Schema):
    rank: int | None
    site_id: int
    site_code: str
    complaints: int
    transactions: int
    rate_per_1000: float | None
    ci_low: float | None
    ci_high: float | None
    flag: str = Field(..., description="'', high95, high998, low95 or low998")


class LeagueOut(Schema):
    target_per_1000: float | None
    unmatched_complaints: int
    rows: list[LeagueRowOut]


class ReferralOut(Schema):
    id: int
    title: str
    description: str
    site_id: int | None
    status: CapaStatus
    complaint_ids: list[int]
    created_at: dt.datetime
    created_by_id: int | None

    @staticmethod
    def resolve_complaint_ids(obj: CapaReferral) -> list[int]:
        return sorted(c.pk for c in obj.complaints.all())


class ReferralIn(Schema):
    complaint_ids: list[DbId] = Field(..., min_length=1, max_length=MAX_COMPLAINTS)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)


@router.get("/overview", response=OverviewOut)
def overview(request: AuthenticatedHttpRequest, q: Query[ReportQuery]) -> Any:
    """Complaints per month, rate per 1,000 transactions per site and month, SLA outcomes,
    time to first response and resolution (wall-clock hours), backlog by age."""
    from sqms.core.stats import min_n

    r = overview_report(request.user, q.filters())
    return {
        "total": r.total,
        "months": [{"month": m.strftime("%Y-%m"), "complaints": n} for m, n in r.months],
        "site_months": [
            {
                "site_id": s.site_id,
                "site_code": s.site_code,
                "month": s.month.strftime("%Y-%m"),
                "complaints": s.complaints,
                "transactions": s.transactions,
                "rate_per_1000": s.rate,
            }
            for s in r.site_months
        ],
        "sla": [
            {
                "clock": o.clock,
                "met": o.met,
                "breached": o.breached,
                "running": o.running,
                "met_share": o.compliance.share,
                "ci_low": o.compliance.lo,
                "ci_high": o.compliance.hi,
            }
            for o in r.sla
        ],
        "durations": [d.__dict__ for d in r.durations],
        "backlog": r.backlog,
        "min_n": min_n(),
    }


def _pareto(t: ParetoTable) -> dict[str, Any]:
    return {"rows": [r.__dict__ for r in t.rows], "total": t.total, "missing": t.missing}


@router.get("/pareto", response=ParetoOut)
def pareto(request: AuthenticatedHttpRequest, q: Query[ReportQuery]) -> Any:
    """Pareto of categories (key = category id) and of root causes, with the vital few."""
    f = q.filters()
    return {
        "categories": _pareto(category_pareto(request.user, f)),
        "root_causes": _pareto(root_cause_pareto(request.user, f)),
    }


@router.get("/league", response=LeagueOut)
def league(request: AuthenticatedHttpRequest, q: Query[ReportQuery]) -> Any:
    """Complaints per 1,000 transactions per site, exact 95 % interval, rank (1 = lowest) and
    the funnel flag."""
    r = league_report(request.user, q.filters())
    return {
        "target_per_1000": r.target,
        "unmatched_complaints": r.unmatched,
        "rows": [
            {
                "rank": row.rank,
                "site_id": row.site_id,
                "site_code": row.code,
                "complaints": row.complaints,
                "transactions": row.transactions,
                "rate_per_1000": None if row.suppressed else row.ci.rate,
                "ci_low": None if row.suppressed else row.ci.lo,
                "ci_high": None if row.suppressed else row.ci.hi,
                "flag": row.flag,
            }
            for row in r.rows
        ],
    }


def _referrals(request: AuthenticatedHttpRequest) -> Any:
    return CapaReferral.objects.restrict(request.user, "view").prefetch_related("complaints")


@router.get("/referrals", response=list[ReferralOut])
@paginate(BoundedPagination)
def list_referrals(request: AuthenticatedHttpRequest, status: CapaStatus | None = None) -> Any:
    """Referrals to CAPA, newest first. They stay queued until a nonconformity is raised from them (``/api/v1/capa/``)."""
    qs = _referrals(request)
    if status is not None:
        qs = qs.filter(status=status)
    return qs


@router.post("/referrals", response={201: ReferralOut})
def create_referral(request: AuthenticatedHttpRequest, payload: ReferralIn) -> Any:
    """Queue complaints for CAPA. Complaints of several sites need a quality manager (403);
    an id outside your scope is a 404."""
    ids = set(payload.complaint_ids)
    found = list(Complaint.objects.restrict(request.user, "view").filter(pk__in=ids))
    if len(found) != len(ids):
        raise Http404
    referral = actions.do_refer_to_capa(
        found, payload.title, payload.description, acting_user=request.user, channel=API
    )
    return Status(201, _referrals(request).get(pk=referral.pk))
