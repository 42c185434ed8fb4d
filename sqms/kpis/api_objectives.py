"""API of quality objectives (CRUD, their status judged from the KPI's chart and trend,
reviews), chart events (annotations on the KPI charts), raising a nonconformity from an alert
and importing KPI values from a file. Reads go through ``restrict``, writes through
``actions`` — the same rules as the pages."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import UploadIn, patch_fields
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Region, Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.kpis import actions
from sqms.kpis.choices import Level, ObjectiveStatus
from sqms.kpis.models import Alert, ChartEvent, Kpi, Objective, ObjectiveReview
from sqms.kpis.objective_status import Judgement
from sqms.kpis.objectives import status_of

objectives_router = Router(tags=["kpi objectives"])
events_router = Router(tags=["kpi chart events"])
alerts_router = Router(tags=["kpis"])
API = Channel.API


class ObjectiveOut(Schema):
    id: int
    title: str
    kpi_id: int
    level: Level
    site_id: int | None
    region_id: int | None
    target: float
    deadline: dt.date
    owner_id: int | None
    parent_id: int | None
    notes: str
    status: ObjectiveStatus = Field(..., description="judged today from the chart and trend")
    status_reason: str
    latest: float | None = Field(..., description="the KPI's latest value for the unit")
    projected: float | None = Field(..., description="the trend's value at the deadline")

    @staticmethod
    def resolve_status(obj: Objective, context: Any) -> str:
        return _judged(obj, context).status

    @staticmethod
    def resolve_status_reason(obj: Objective, context: Any) -> str:
        return _judged(obj, context).reason

    @staticmethod
    def resolve_latest(obj: Objective, context: Any) -> float | None:
        return _judged(obj, context).latest

    @staticmethod
    def resolve_projected(obj: Objective, context: Any) -> float | None:
        return _judged(obj, context).projected


def _judged(obj: Objective, context: Any) -> Judgement:
    """The objective's judgement, once per objective and response."""
    cache = context["request"].__dict__.setdefault("_objective_status", {})
    if obj.pk not in cache:
        cache[obj.pk] = status_of(obj)
    judged: Judgement = cache[obj.pk]
    return judged


class ObjectivePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kpi_id: DbId | None = None
    level: Level | None = None
    site_id: DbId | None = None
    region_id: DbId | None = None
    target: float | None = Field(None, allow_inf_nan=False)
    deadline: dt.date | None = None
    owner_id: DbId | None = None
    parent_id: DbId | None = None
    notes: str | None = Field(None, max_length=5000)


class ObjectiveIn(ObjectivePatch):
    title: str = Field(..., min_length=1, max_length=200)
    kpi_id: DbId
    level: Level
    target: float = Field(..., allow_inf_nan=False)
    deadline: dt.date


class ObjectiveFilter(Schema):
    kpi_id: DbId | None = None
    level: Level | None = None
    site_id: DbId | None = None


class ReviewIn(Schema):
    note: str = Field("", max_length=5000)
    next_review: dt.date | None = Field(None, description="after today")


class ReviewOut(Schema):
    id: int
    objective_id: int
    reviewed_on: dt.date
    status: ObjectiveStatus
    value: float | None
    note: str
    next_review: dt.date | None
    reviewer_id: int | None


#: the ids a payload may name, and the records they become (``None`` clears the field)
NULLABLE = ("site_id", "region_id", "owner_id", "parent_id")


def _records(request: AuthenticatedHttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    user = request.user
    sources: dict[str, tuple[str, Any]] = {
        "kpi_id": ("kpi", Kpi.objects.restrict(user)),
        "site_id": ("site", Site.objects.restrict(user)),
        "region_id": ("region", Region.objects.restrict(user)),
        "owner_id": ("owner", get_user_model().objects.filter(is_active=True)),
        "parent_id": ("parent", Objective.objects.restrict(user)),
    }
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in sources:
            out[key] = value
            continue
        name, qs = sources[key]
        if value is None:
            out[name] = None
            continue
        found = qs.filter(pk=value).first()
        if found is None:
            raise ValidationError({key: _("unknown id %(id)s") % {"id": value}})
        out[name] = found
    return out


def _objectives(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return Objective.objects.restrict(request.user, action).select_related("kpi")  # type: ignore[arg-type]


@objectives_router.get("/", response=list[ObjectiveOut])
@paginate(BoundedPagination)
def list_objectives(request: AuthenticatedHttpRequest, filters: Query[ObjectiveFilter]) -> Any:
    qs = _objectives(request)
    for key, value in filters.dict(exclude_none=True).items():
        qs = qs.filter(**{key: value})
    return qs.order_by("deadline", "title", "pk")


@objectives_router.get("/{objective_id}", response=ObjectiveOut)
def get_objective(request: AuthenticatedHttpRequest, objective_id: DbId) -> Any:
    return get_object_or_404(_objectives(request), pk=objective_id)


@objectives_router.post("/", response={201: ObjectiveOut})
def create_objective(request: AuthenticatedHttpRequest, payload: ObjectiveIn) -> Any:
    data = _records(request, patch_fields(payload, nullable=NULLABLE))
    obj = actions.do_create_objective(data, acting_user=request.user, channel=API)
    return Status(201, get_object_or_404(_objectives(request), pk=obj.pk))


@objectives_router.patch("/{objective_id}", response=ObjectiveOut)
def update_objective(
    request: AuthenticatedHttpRequest, objective_id: DbId, payload: ObjectivePatch
) -> Any:
    obj = get_object_or_404(_objectives(request, "change"), pk=objective_id)
    data = _records(request, patch_fields(payload, nullable=NULLABLE))
    actions.do_update_objective(obj, data, acting_user=request.user, channel=API)
    return get_object_or_404(_objectives(request), pk=obj.pk)


@objectives_router.delete("/{objective_id}", response={204: None})
def delete_objective(request: AuthenticatedHttpRequest, objective_id: DbId) -> Any:
    obj = get_object_or_404(_objectives(request, "delete"), pk=objective_id)
    actions.do_delete_objective(obj, acting_user=request.user, channel=API)
    return Status(204, None)


@objectives_router.get("/{objective_id}/reviews", response=list[ReviewOut])
@paginate(BoundedPagination)
def list_objective_reviews(request: AuthenticatedHttpRequest, objective_id: DbId) -> Any:
    obj = get_object_or_404(_objectives(request), pk=objective_id)
    return ObjectiveReview.objects.filter(objective=obj).order_by("-reviewed_on", "-pk")


@objectives_router.post("/{objective_id}/reviews", response={201: ReviewOut})
def review_objective(
    request: AuthenticatedHttpRequest, objective_id: DbId, payload: ReviewIn
) -> Any:
    """Record a review: today's judged status is stored with the note and the next date."""
    obj = get_object_or_404(_objectives(request), pk=objective_id)
    review = actions.do_review_objective(
        obj, payload.note, payload.next_review, acting_user=request.user, channel=API
    )
    return Status(201, review)


# Chart events -----------------------------------------------------------------------------


class ChartEventOut(Schema):
    id: int
    date: dt.date
    text: str
    kpi_id: int | None = Field(..., description="null: shown on every KPI's chart")
    site_id: int | None = Field(..., description="null: shown for every unit")


class ChartEventIn(Schema):
    date: dt.date
    text: str = Field(..., min_length=1, max_length=200)
    kpi_id: DbId | None = None
    site_id: DbId | None = None


class ChartEventFilter(Schema):
    kpi_id: DbId | None = None
    site_id: DbId | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


@events_router.get("/", response=list[ChartEventOut])
@paginate(BoundedPagination)
def list_chart_events(request: AuthenticatedHttpRequest, filters: Query[ChartEventFilter]) -> Any:
    qs = ChartEvent.objects.restrict(request.user)
    if filters.kpi_id is not None:
        qs = qs.filter(kpi_id=filters.kpi_id)
    if filters.site_id is not None:
        qs = qs.filter(site_id=filters.site_id)
    if filters.date_from is not None:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(date__lte=filters.date_to)
    return qs.order_by("-date", "-pk")


@events_router.post("/", response={201: ChartEventOut})
def create_chart_event(request: AuthenticatedHttpRequest, payload: ChartEventIn) -> Any:
    data = _records(request, payload.dict())
    event = actions.do_create_event(data, acting_user=request.user, channel=API)
    return Status(201, event)


@events_router.delete("/{event_id}", response={204: None})
def delete_chart_event(request: AuthenticatedHttpRequest, event_id: DbId) -> Any:
    event = get_object_or_404(ChartEvent.objects.restrict(request.user, "delete"), pk=event_id)
    actions.do_delete_event(event, acting_user=request.user, channel=API)
    return Status(204, None)


# Alert → nonconformity, and values from a file --------------------------------------------


class RaisedNcOut(Schema):
    alert_id: int
    nonconformity_id: int
    reference: str


class ImportedOut(Schema):
    rows: int = Field(..., description="values written")
    kpis: int = Field(..., description="KPIs the file had values for")


@alerts_router.post("/alerts/{alert_id}/nonconformity", response={201: RaisedNcOut})
def raise_alert_nonconformity(request: AuthenticatedHttpRequest, alert_id: DbId) -> Any:
    """Raise a nonconformity from the alert in one step (refused if one was raised already)."""
    alert = get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=alert_id)
    nc = actions.do_alert_to_nonconformity(alert, acting_user=request.user, channel=API)
    return Status(
        201, RaisedNcOut(alert_id=alert.pk, nonconformity_id=nc.pk, reference=nc.reference)
    )


@alerts_router.post("/import", response={201: ImportedOut})
def import_kpi_values(request: AuthenticatedHttpRequest, payload: UploadIn) -> Any:
    """A CSV or XLSX file of values (the page's import format, docs/kpis.md), all rows or none;
    a bad row is refused naming its row and column."""
    upload = payload.as_upload()
    result = actions.do_import_values(upload.read(), acting_user=request.user, channel=API)
    return Status(201, ImportedOut(rows=result.rows, kpis=result.kpis))
