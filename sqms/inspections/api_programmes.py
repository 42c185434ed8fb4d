"""API under /api/v1/inspections/programmes/: programmes (list, get, create, patch, delete),
generate their planned inspections, and the upcoming-and-overdue list (same filters as the
page). Reads through ``restrict``; writes through ``actions``."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.core.scoping import site_ids_in_scope
from sqms.inspections import actions
from sqms.inspections.choices import Frequency, InspectionKind, InspectionStatus
from sqms.inspections.forms_programmes import inspector_choices
from sqms.inspections.models import ChecklistTemplate, Inspection, Programme
from sqms.inspections.views.programmes import UPCOMING_FILTERS, sees_shoppers, upcoming_queryset

router = Router(tags=["inspections"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    UpcomingFilter = FilterSchema
else:
    UpcomingFilter = UPCOMING_FILTERS.schema("UpcomingInspectionFilter")


class ProgrammeOut(Schema):
    id: int
    name: str
    template_id: int
    kind: InspectionKind
    frequency: Frequency
    site_ids: list[int]
    inspector_ids: list[int] | None = Field(
        None, description="null where the caller may not see who the mystery shoppers are"
    )
    starts_on: dt.date
    ends_on: dt.date | None
    remind_days: int
    is_active: bool

    @staticmethod
    def resolve_site_ids(obj: Programme, context: Any) -> list[int]:
        scope = site_ids_in_scope(context["request"].user)
        return sorted(s.pk for s in obj.sites.all() if scope is None or s.pk in scope)

    @staticmethod
    def resolve_inspector_ids(obj: Programme, context: Any) -> list[int] | None:
        if obj.kind == InspectionKind.MYSTERY and not sees_shoppers(context["request"].user):
            return None
        return sorted(u.pk for u in obj.inspectors.all())


class ProgrammePatch(Schema):
    name: str | None = Field(None, max_length=200)
    template_id: DbId | None = None
    kind: InspectionKind | None = None
    frequency: Frequency | None = None
    site_ids: list[DbId] | None = Field(None, max_length=5000)
    inspector_ids: list[DbId] | None = Field(None, max_length=500)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    remind_days: int | None = Field(None, ge=0, le=60)
    is_active: bool | None = None


class ProgrammeIn(ProgrammePatch):
    name: str = Field(..., max_length=200)
    template_id: DbId
    frequency: Frequency
    site_ids: list[DbId] = Field(..., max_length=5000)
    inspector_ids: list[DbId] = Field(default_factory=list, max_length=500)
    starts_on: dt.date


class GenerateIn(Schema):
    until: dt.date


class GeneratedOut(Schema):
    until: dt.date
    created: int
    existing: int
    errors: list[str]


class PlannedOut(Schema):
    id: int
    reference: str
    site_id: int
    kind: InspectionKind
    status: InspectionStatus
    programme_id: int | None
    period_start: dt.date | None
    due_on: dt.date | None
    inspector_id: int | None = Field(None, description="null when hidden from the caller")
    overdue: bool

    @staticmethod
    def resolve_inspector_id(obj: Inspection, context: Any) -> int | None:
        return obj.inspector_id if obj.shows_inspector_to(context["request"].user) else None

    @staticmethod
    def resolve_overdue(obj: Inspection) -> bool:
        return bool(getattr(obj, "is_overdue", False))


def _one(request: AuthenticatedHttpRequest, pk: int) -> Programme:
    found: Programme = get_object_or_404(
        _programmes(request).prefetch_related("sites", "inspectors"), pk=pk
    )
    return found


def _data(request: AuthenticatedHttpRequest, payload: ProgrammePatch) -> dict[str, Any]:
    raw = patch_fields(payload)
    data: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "template_id":
            template = ChecklistTemplate.objects.restrict(request.user).filter(pk=value).first()
            if template is None:
                raise ValidationError({"template_id": _("No such checklist.")})
            data["template"] = template
        elif key == "site_ids":
            sites = list(Site.objects.restrict(request.user).filter(pk__in=value))
            if len(sites) != len(set(value)):
                raise ValidationError(
                    {"site_ids": _("Some of these sites are unknown or outside your scope.")}
                )
            data["sites"] = sites
        elif key == "inspector_ids":
            users = list(inspector_choices().filter(pk__in=value))
            if len(users) != len(set(value)):
                raise ValidationError(
                    {"inspector_ids": _("Some of these users may not perform inspections.")}
                )
            data["inspectors"] = users
        else:
            data[key] = value
    return data


def _programmes(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return Programme.objects.restrict(request.user, action)  # type: ignore[arg-type]


@router.get("/", response=list[ProgrammeOut])
@paginate(BoundedPagination)
def list_programmes(request: AuthenticatedHttpRequest) -> Any:
    return _programmes(request).prefetch_related("sites", "inspectors").order_by("name", "pk")


@router.get("/upcoming", response=list[PlannedOut])
@paginate(BoundedPagination)
def list_upcoming_inspections(
    request: AuthenticatedHttpRequest, filters: Query[UpcomingFilter]
) -> Any:
    """Open inspections with a due date, soonest first; ``overdue`` = due before today."""
    return filters.filter(upcoming_queryset(request.user)).order_by("due_on", "pk")


@router.get("/{programme_id}", response=ProgrammeOut)
def get_programme(request: AuthenticatedHttpRequest, programme_id: DbId) -> Any:
    return _one(request, programme_id)


@router.post("/", response={201: ProgrammeOut})
def create_programme(request: AuthenticatedHttpRequest, payload: ProgrammeIn) -> Any:
    programme = actions.do_create_programme(
        _data(request, payload), acting_user=request.user, channel=API
    )
    return Status(201, _one(request, programme.pk))


@router.patch("/{programme_id}", response=ProgrammeOut)
def update_programme(
    request: AuthenticatedHttpRequest, programme_id: DbId, payload: ProgrammePatch
) -> Any:
    programme = get_object_or_404(_programmes(request, "change"), pk=programme_id)
    programme = actions.do_update_programme(
        programme, _data(request, payload), acting_user=request.user, channel=API
    )
    return _one(request, programme.pk)


@router.delete("/{programme_id}", response={204: None})
def delete_programme(request: AuthenticatedHttpRequest, programme_id: DbId) -> Any:
    """Deletes the programme and its planned inspections nobody has started."""
    programme = get_object_or_404(_programmes(request, "delete"), pk=programme_id)
    actions.do_delete_programme(programme, acting_user=request.user, channel=API)
    return Status(204, None)


@router.post("/{programme_id}/generate", response=GeneratedOut)
def generate_programme_plans(
    request: AuthenticatedHttpRequest, programme_id: DbId, payload: GenerateIn
) -> Any:
    """Create the planned inspections of the periods starting on or before ``until``;
    repeating it creates nothing new. A checklist without a published version is a 422."""
    programme = get_object_or_404(_programmes(request, "change"), pk=programme_id)
    report = actions.do_generate_plans(
        programme, until=payload.until, acting_user=request.user, channel=API
    )
    return GeneratedOut(
        until=report.until,
        created=report.created,
        existing=sum(r.existing for r in report.results),
        errors=report.errors,
    )
