"""``GET /api/v1/kpis/dashboard``: the executive dashboard's data (the page's numbers)."""

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema

from sqms.core.http import AuthenticatedHttpRequest
from sqms.kpis import periods as P
from sqms.kpis.choices import Level
from sqms.kpis.dashboard import build
from sqms.kpis.units import parse_unit, unit_choices

router = Router(tags=["kpis"])


class DashboardKpiOut(Schema):
    kpi_id: int
    code: str
    name: str
    direction: str
    target: float | None
    period: dt.date
    value: float | None
    previous: float | None
    meets_target: bool | None
    control: str
    rules: list[int]
    spark: list[float]


class DashboardAlertOut(Schema):
    id: int
    kpi: str
    unit_key: str
    period: dt.date
    rule: int
    value: float


class DashboardObjectiveOut(Schema):
    id: int
    title: str
    kpi: str
    unit_key: str
    target: float
    deadline: dt.date
    status: str
    reason: str


class DashboardLeagueOut(Schema):
    rank: int
    label: str
    unit_key: str
    value: float
    movement: int | None


class DashboardCountsOut(Schema):
    """Open work in the unit, as the linked lists count it."""

    open_complaints: int
    overdue_complaints: int = Field(
        ..., description="open and past a first-response or resolution deadline"
    )
    open_nonconformities: int = Field(..., description="not closed or cancelled")
    major_nonconformities: int = Field(..., description="of the open ones, major")
    overdue_actions: int = Field(..., description="CAPA actions open past their due date")
    inspections_due: int = Field(..., description="planned or in progress, due within 7 days")
    inspections_overdue: int = Field(..., description="planned or in progress, due before today")
    links: dict[str, str] = Field(..., description="each count's list page, filtered alike")


class DashboardOut(Schema):
    unit: str
    month: dt.date
    counts: DashboardCountsOut
    kpis: list[DashboardKpiOut]
    open_alerts: int
    alerts: list[DashboardAlertOut]
    objectives: list[DashboardObjectiveOut]
    league_kpi: str | None
    league_period: dt.date | None
    league: list[DashboardLeagueOut]


@router.get("", response=DashboardOut)
def dashboard(
    request: AuthenticatedHttpRequest,
    unit: str | None = None,
    period: str | None = None,
    kpi: int | None = None,
) -> DashboardOut:
    """``unit``: ``org``, ``region:<id>`` or ``site:<id>`` (default: the first unit in scope);
    ``period``: a month ``YYYY-MM`` (default: the last complete month); ``kpi``: the league
    table's KPI id (default: the first KPI)."""
    user = request.user
    if unit:
        kind, _, ident = unit.partition(":")
        if kind not in ("org", "site", "region"):
            raise Http404
        level = {"org": Level.ORGANIZATION, "site": Level.SITE, "region": Level.REGION}[kind]
        u = parse_unit(level, ident or None, ident or None, user)
    else:
        choices = unit_choices(user)
        if not choices:
            raise Http404
        u = choices[0][2]
    d = build(user, u, P.parse(period, "month") if period else None, kpi)
    c = d.counts
    return DashboardOut(
        unit=u.key,
        month=d.month,
        counts=DashboardCountsOut(
            open_complaints=c.open_complaints,
            overdue_complaints=c.overdue_complaints,
            open_nonconformities=c.open_nonconformities,
            major_nonconformities=c.major_nonconformities,
            overdue_actions=c.overdue_actions,
            inspections_due=c.inspections_due,
            inspections_overdue=c.inspections_overdue,
            links={card.key: card.url for card in c.cards},
        ),
        kpis=[
            DashboardKpiOut(
                kpi_id=t.kpi.pk,
                code=t.kpi.code,
                name=t.kpi.name,
                direction=str(t.kpi.direction),
                target=t.kpi.target,
                period=t.period,
                value=t.value,
                previous=t.previous,
                meets_target=t.meets_target,
                control=t.control,
                rules=t.rules,
                spark=t.spark,
            )
            for t in d.tiles
        ],
        open_alerts=d.open_alerts,
        alerts=[
            DashboardAlertOut(
                id=a.pk,
                kpi=a.kpi.code,
                unit_key=a.unit_key,
                period=a.period,
                rule=a.rule,
                value=a.value,
            )
            for a in d.alerts
        ],
        objectives=[
            DashboardObjectiveOut(
                id=o.objective.pk,
                title=o.objective.title,
                kpi=o.objective.kpi.code,
                unit_key=o.objective.unit_key,
                target=o.objective.target,
                deadline=o.objective.deadline,
                status=o.judgement.status,
                reason=o.judgement.reason,
            )
            for o in d.objectives
        ],
        league_kpi=d.league_kpi.code if d.league_kpi else None,
        league_period=d.league_period,
        league=[
            DashboardLeagueOut(
                rank=r.rank, label=r.label, unit_key=r.unit_key, value=r.value, movement=r.movement
            )
            for r in d.league
        ],
    )
