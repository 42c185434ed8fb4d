"""API endpoints of KPIs: definitions (CRUD), values (list, post), a KPI × unit's chart (the
same numbers as the page), freezing limits, alerts (list, acknowledge). Reads go through
``restrict``, writes through ``actions``."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.kpis import actions
from sqms.kpis.choices import ChartKind, Direction, KpiSource, Level, Nature, Period, SpcConstants
from sqms.kpis.filters import ALERT_FILTERS, VALUE_FILTERS
from sqms.kpis.league import latest_period, league
from sqms.kpis.models import Alert, Kpi, KpiValue
from sqms.kpis.series import chart_data
from sqms.kpis.units import parse_unit

router = Router(tags=["kpis"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    KpiValueFilter = FilterSchema
    KpiAlertFilter = FilterSchema
else:
    KpiValueFilter = VALUE_FILTERS.schema("KpiValueFilter")
    KpiAlertFilter = ALERT_FILTERS.schema("KpiAlertFilter")


class KpiOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    description: str
    unit: str
    direction: Direction
    target: float | None
    tolerance: float | None
    period: Period
    nature: Nature
    rate_base: int
    source: KpiSource
    chart: ChartKind
    chart_kind: str
    constants: SpcConstants
    is_active: bool


class KpiIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    description: str = ""
    unit: str = Field("", max_length=30)
    direction: Direction = Direction.HIGHER
    target: float | None = None
    tolerance: float | None = None
    period: Period = Period.MONTH
    nature: Nature = Nature.MEASUREMENT
    rate_base: int = Field(1000, ge=1)
    source: KpiSource = KpiSource.ENTERED
    chart: ChartKind = ChartKind.AUTO
    constants: SpcConstants = SpcConstants.EXACT
    is_active: bool = True


class KpiPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    description: str | None = None
    unit: str | None = Field(None, max_length=30)
    direction: Direction | None = None
    target: float | None = None
    tolerance: float | None = None
    period: Period | None = None
    nature: Nature | None = None
    rate_base: int | None = Field(None, ge=1)
    source: KpiSource | None = None
    chart: ChartKind | None = None
    constants: SpcConstants | None = None
    is_active: bool | None = None


class ValueOut(Schema):
    id: int
    kpi: str
    level: Level
    site: str | None
    region: str | None
    period: dt.date
    value: float
    n: float | None
    numerator: float | None
    origin: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_kpi(obj: KpiValue) -> str:
        return obj.kpi.code

    @staticmethod
    def resolve_site(obj: KpiValue) -> str | None:
        return obj.site.code if obj.site else None

    @staticmethod
    def resolve_region(obj: KpiValue) -> str | None:
        return obj.region.code if obj.region else None


class ValueIn(Schema):
    site: str = Field(..., description="site code")
    period: dt.date = Field(..., description="the first day of the KPI's period")
    value: float
    n: float | None = None


class ValuesIn(Schema):
    values: list[ValueIn] = Field(..., min_length=1, max_length=5000)


class PostedOut(Schema):
    saved: int


class PointOut(Schema):
    period: str
    date: dt.date
    value: float
    n: float | None
    center: float | None
    lcl: float | None
    ucl: float | None
    phase: str
    rules: list[int]


class LimitsOut(Schema):
    id: int
    chart: str
    baseline_from: dt.date
    baseline_to: dt.date
    points: int
    center: float
    sigma: float | None
    rules: list[int]
    frozen_at: dt.datetime


class EventOut(Schema):
    date: dt.date
    text: str


class ChartOut(Schema):
    kpi: str
    unit: str
    limits: LimitsOut | None
    error: str
    points: list[PointOut]
    events: list[EventOut]


class FreezeIn(Schema):
    level: Level
    site: int | None = None
    region: int | None = None
    baseline_from: dt.date
    baseline_to: dt.date
    rules: list[int] = Field(default_factory=lambda: [1, 2, 5, 6])


class AlertOut(Schema):
    id: int
    kpi: str
    level: Level
    site: str | None
    period: dt.date
    rule: int
    value: float
    status: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    note: str
    nonconformity_ref: str

    @staticmethod
    def resolve_kpi(obj: Alert) -> str:
        return obj.kpi.code

    @staticmethod
    def resolve_site(obj: Alert) -> str | None:
        return obj.site.code if obj.site else None


class AckIn(Schema):
    note: str = Field("", max_length=2000)


def _kpis(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return Kpi.objects.restrict(request.user, action)  # type: ignore[arg-type]


@router.get("/", response=list[KpiOut])
@paginate(BoundedPagination)
def list_kpis(request: AuthenticatedHttpRequest) -> Any:
    return _kpis(request).order_by("code")


@router.post("/", response={201: KpiOut})
def create_kpi(request: AuthenticatedHttpRequest, payload: KpiIn) -> Any:
    return Status(201, actions.do_create_kpi(payload.dict(), acting_user=request.user, channel=API))


@router.get("/values", response=list[ValueOut])
@paginate(BoundedPagination)
def list_values(request: AuthenticatedHttpRequest, filters: Query[KpiValueFilter]) -> Any:
    qs = KpiValue.objects.restrict(request.user).select_related("kpi", "site", "region")
    return filters.filter(qs).order_by("kpi__code", "unit_key", "period")


@router.get("/alerts", response=list[AlertOut])
@paginate(BoundedPagination)
def list_alerts(request: AuthenticatedHttpRequest, filters: Query[KpiAlertFilter]) -> Any:
    qs = Alert.objects.restrict(request.user).select_related("kpi", "site")
    return filters.filter(qs)


@router.post("/alerts/{alert_id}/ack", response=AlertOut)
def acknowledge_alert(request: AuthenticatedHttpRequest, alert_id: DbId, payload: AckIn) -> Any:
    alert = get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=alert_id)
    return actions.do_acknowledge_alert(alert, payload.note, acting_user=request.user, channel=API)


@router.get("/{kpi_id}", response=KpiOut)
def get_kpi(request: AuthenticatedHttpRequest, kpi_id: DbId) -> Any:
    return get_object_or_404(_kpis(request), pk=kpi_id)


@router.patch("/{kpi_id}", response=KpiOut)
def update_kpi(request: AuthenticatedHttpRequest, kpi_id: DbId, payload: KpiPatch) -> Any:
    kpi = get_object_or_404(_kpis(request, "change"), pk=kpi_id)
    data = patch_fields(payload, nullable=("target", "tolerance"))  # null clears them
    return actions.do_update_kpi(kpi, data, acting_user=request.user, channel=API)


@router.delete("/{kpi_id}", response={204: None})
def delete_kpi(request: AuthenticatedHttpRequest, kpi_id: DbId) -> Any:
    kpi = get_object_or_404(_kpis(request, "delete"), pk=kpi_id)
    actions.do_delete_kpi(kpi, acting_user=request.user, channel=API)
    return Status(204, None)


@router.post("/{kpi_id}/values", response=PostedOut)
def post_values(request: AuthenticatedHttpRequest, kpi_id: DbId, payload: ValuesIn) -> Any:
    """Site values of an entered KPI (all or nothing); regions and the organization are pooled."""
    kpi = get_object_or_404(_kpis(request), pk=kpi_id)
    sites = {s.code: s for s in Site.objects.restrict(request.user)}
    rows = []
    for i, v in enumerate(payload.values):
        site = sites.get(v.site)
        if site is None:
            raise ValidationError({"site": f"values[{i}].site: no site {v.site!r} in your scope"})
        rows.append(actions.EnteredValue(site, v.period, v.value, v.n))
    saved = actions.do_enter_values(kpi, rows, origin="api", acting_user=request.user, channel=API)
    return PostedOut(saved=saved)


@router.get("/{kpi_id}/chart", response=ChartOut)
def get_chart(
    request: AuthenticatedHttpRequest,
    kpi_id: DbId,
    level: Level = Level.ORGANIZATION,
    site: int | None = None,
    region: int | None = None,
) -> Any:
    """The KPI × unit's points with centre, limits, phase and the rules each breaks."""
    kpi = get_object_or_404(_kpis(request), pk=kpi_id)
    unit = parse_unit(level, site, region, request.user)
    data = chart_data(kpi, unit, request.user)
    return {
        "kpi": kpi.code,
        "unit": unit.key,
        "limits": data.limits,
        "error": data.error,
        "points": data.rows(),
        "events": data.events,
    }


@router.post("/{kpi_id}/limits", response={201: LimitsOut})
def freeze_limits(request: AuthenticatedHttpRequest, kpi_id: DbId, payload: FreezeIn) -> Any:
    kpi = get_object_or_404(_kpis(request), pk=kpi_id)
    unit = parse_unit(payload.level, payload.site, payload.region, request.user)
    limits = actions.do_freeze_limits(
        kpi,
        unit,
        payload.baseline_from,
        payload.baseline_to,
        payload.rules,
        acting_user=request.user,
        channel=API,
    )
    return Status(201, limits)


class KpiLeagueRowOut(Schema):
    rank: int
    label: str
    unit_key: str
    value: float
    n: float | None
    lo: float | None
    hi: float | None
    percentile: float | None
    previous_rank: int | None
    movement: int | None


@router.get("/{kpi_id}/league", response=list[KpiLeagueRowOut])
def get_league(
    request: AuthenticatedHttpRequest,
    kpi_id: DbId,
    level: Level = Level.SITE,
    period: dt.date | None = None,
) -> Any:
    """The sites (or regions) in scope ranked on the KPI for a period (default the latest)."""
    kpi = get_object_or_404(_kpis(request), pk=kpi_id)
    if level == Level.ORGANIZATION:
        raise ValidationError({"level": "a league table ranks sites or regions"})
    period = period or latest_period(kpi, request.user, level)
    return league(kpi, request.user, period, level) if period else []
