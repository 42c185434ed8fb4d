"""API of PDCA improvement projects under /api/v1/improvement/pdca/: list (filters, pages),
detail, create, patch (with the version read; a stale one is 409), stage transitions, the
Do tasks, the Check (measured and stored) and the Act decision."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import ConflictOut
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.locking import ConflictError
from sqms.core.models import Region, Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.improvement import actions
from sqms.improvement.models import PdcaProject, PdcaTask
from sqms.improvement.pdca_filters import PDCA_FILTERS
from sqms.kpis.models import Kpi

router = Router(tags=["pdca"])
API = Channel.API
if TYPE_CHECKING:
    from ninja import FilterSchema

    PdcaFilter = FilterSchema
else:
    PdcaFilter = PDCA_FILTERS.schema("PdcaProjectFilter")


class PdcaTaskOut(Schema):
    id: int
    title: str
    owner_id: int | None
    due_date: dt.date
    status: str
    done_on: dt.date | None


class PdcaProjectOut(Schema):
    id: int
    code: str
    title: str
    level: str
    site_id: int | None
    region_id: int | None
    owner_id: int | None
    stage: str
    cycle: int
    previous_id: int | None
    problem: str
    kpi_id: int | None
    baseline_from: dt.date | None
    baseline_to: dt.date | None
    target: float | None
    root_cause: str
    nonconformity_id: int | None
    plan_what: str
    plan_why: str
    plan_where: str
    plan_when: str
    plan_who: str
    plan_how: str
    due_date: dt.date | None
    after_from: dt.date | None
    after_to: dt.date | None
    check_result: dict[str, Any]
    decision: str
    standard_version_id: int | None
    act_note: str
    cancel_reason: str
    version: int


class PdcaPlanFields(Schema):
    title: str | None = Field(None, max_length=200)
    owner_id: DbId | None = None
    problem: str | None = Field(None, max_length=10000)
    kpi_id: DbId | None = None
    baseline_from: dt.date | None = None
    baseline_to: dt.date | None = None
    target: float | None = Field(None, allow_inf_nan=False)
    root_cause: str | None = Field(None, max_length=10000)
    nonconformity_id: DbId | None = None
    plan_what: str | None = Field(None, max_length=10000)
    plan_why: str | None = Field(None, max_length=10000)
    plan_where: str | None = Field(None, max_length=10000)
    plan_when: str | None = Field(None, max_length=10000)
    plan_who: str | None = Field(None, max_length=10000)
    plan_how: str | None = Field(None, max_length=10000)
    due_date: dt.date | None = None
    after_from: dt.date | None = None
    after_to: dt.date | None = None


class PdcaProjectIn(PdcaPlanFields):
    code: str = Field(..., min_length=1, max_length=32)
    level: str = Field(..., description="site, region or organization")
    site_id: DbId | None = None
    region_id: DbId | None = None


class PdcaProjectPatch(PdcaPlanFields):
    version: int = Field(..., ge=1, le=2**31 - 1)


class PdcaTransitionIn(Schema):
    transition: str = Field(..., description="do, check, act, close or cancel", max_length=20)
    version: int = Field(..., ge=1, le=2**31 - 1)
    reason: str = Field("", max_length=2000)


class PdcaTaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    owner_id: DbId | None = None
    due_date: dt.date
    status: str = Field("open", description="open or done", max_length=6)
    done_on: dt.date | None = None


class PdcaActIn(Schema):
    decision: str = Field(..., description="standardize or new_cycle", max_length=12)
    version: int = Field(..., ge=1, le=2**31 - 1)
    standard_version_id: DbId | None = None
    note: str = Field("", max_length=10000)
    new_code: str = Field("", max_length=32)


def _projects(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return PdcaProject.objects.restrict(request.user, action)  # type: ignore[arg-type]


def _project(request: AuthenticatedHttpRequest, pk: int, action: str = "view") -> PdcaProject:
    p: PdcaProject = get_object_or_404(_projects(request, action), pk=pk)
    return p


def _resolve(request: AuthenticatedHttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Ids of the payload to records (within the caller's scope), or a 422 naming the field."""
    from sqms.capa.models import Nonconformity
    from sqms.standards.models import StandardVersion

    out = {k: v for k, v in data.items() if not k.endswith("_id")}
    lookups: dict[str, tuple[str, Any]] = {
        "owner_id": ("owner", get_user_model().objects.filter(is_active=True)),
        "kpi_id": ("kpi", Kpi.objects.all()),
        "nonconformity_id": ("nonconformity", Nonconformity.objects.restrict(request.user)),
        "standard_version_id": ("standard_version", StandardVersion.objects.all()),
    }
    for key, (name, qs) in lookups.items():
        if key in data:
            pk = data[key]
            out[name] = None if pk is None else qs.filter(pk=pk).first()
            if pk is not None and out[name] is None:
                raise ValidationError({key: _("unknown id %(id)s") % {"id": pk}})
    return out


@router.get("/", response=list[PdcaProjectOut])
@paginate(BoundedPagination)
def list_pdca_projects(request: AuthenticatedHttpRequest, filters: Query[PdcaFilter]) -> Any:
    return filters.filter(_projects(request))


@router.post("/", response={201: PdcaProjectOut})
def create_pdca_project(request: AuthenticatedHttpRequest, payload: PdcaProjectIn) -> Any:
    data = payload.dict(exclude_unset=True)
    code, level = data.pop("code"), data.pop("level")
    site_id, region_id = data.pop("site_id", None), data.pop("region_id", None)
    site = region = None
    if site_id is not None:
        site = Site.objects.restrict(request.user, "view").filter(pk=site_id).first()
        if site is None:
            raise ValidationError({"site_id": _("unknown id %(id)s") % {"id": site_id}})
    if region_id is not None:
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise ValidationError({"region_id": _("unknown id %(id)s") % {"id": region_id}})
    data.setdefault("title", "")
    p = actions.do_create_project(
        _resolve(request, data),
        code=code,
        level=level,
        site=site,
        region=region,
        acting_user=request.user,
        channel=API,
    )
    return Status(201, p)


@router.patch("/tasks/{task_id}", response={200: PdcaTaskOut})
def update_pdca_task(request: AuthenticatedHttpRequest, task_id: DbId, payload: PdcaTaskIn) -> Any:
    task = get_object_or_404(PdcaTask.objects.restrict(request.user, "change"), pk=task_id)
    return actions.do_update_task(
        task, _resolve(request, payload.dict()), acting_user=request.user, channel=API
    )


@router.delete("/tasks/{task_id}", response={204: None})
def delete_pdca_task(request: AuthenticatedHttpRequest, task_id: DbId) -> Any:
    task = get_object_or_404(PdcaTask.objects.restrict(request.user, "change"), pk=task_id)
    actions.do_delete_task(task, acting_user=request.user, channel=API)
    return Status(204, None)


@router.get("/{project_id}", response=PdcaProjectOut)
def get_pdca_project(request: AuthenticatedHttpRequest, project_id: DbId) -> Any:
    return _project(request, project_id)


@router.patch("/{project_id}", response={200: PdcaProjectOut, 409: ConflictOut})
def update_pdca_project(
    request: AuthenticatedHttpRequest, project_id: DbId, payload: PdcaProjectPatch
) -> Any:
    p = _project(request, project_id, "change")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    try:
        return actions.do_update_project(
            p,
            _resolve(request, data),
            expected_version=version,
            acting_user=request.user,
            channel=API,
        )
    except ConflictError as exc:
        return Status(409, {"detail": exc.messages[0]})


@router.post("/{project_id}/transition", response={200: PdcaProjectOut, 409: ConflictOut})
def transition_pdca_project(
    request: AuthenticatedHttpRequest, project_id: DbId, payload: PdcaTransitionIn
) -> Any:
    """``do`` (the Plan complete), ``check`` (every task done), ``act`` (the Check run),
    ``close`` (the Act decision recorded) or ``cancel`` (a reason)."""
    p = _project(request, project_id, "change")
    try:
        return actions.do_transition_project(
            p,
            payload.transition,
            expected_version=payload.version,
            reason=payload.reason,
            acting_user=request.user,
            channel=API,
        )
    except ConflictError as exc:
        return Status(409, {"detail": exc.messages[0]})


@router.get("/{project_id}/tasks", response=list[PdcaTaskOut])
def list_pdca_tasks(request: AuthenticatedHttpRequest, project_id: DbId) -> Any:
    return list(_project(request, project_id).tasks.all())


@router.post("/{project_id}/tasks", response={201: PdcaTaskOut})
def add_pdca_task(request: AuthenticatedHttpRequest, project_id: DbId, payload: PdcaTaskIn) -> Any:
    p = _project(request, project_id, "change")
    task = actions.do_add_task(
        p, _resolve(request, payload.dict()), acting_user=request.user, channel=API
    )
    return Status(201, task)


@router.post("/{project_id}/check", response={200: PdcaProjectOut, 409: ConflictOut})
def run_pdca_check(request: AuthenticatedHttpRequest, project_id: DbId) -> Any:
    """Measure the KPI before and after (Check stage); the result is in ``check_result``."""
    p = _project(request, project_id, "change")
    return actions.do_run_check(p, acting_user=request.user, channel=API)


@router.post("/{project_id}/act", response={200: PdcaProjectOut, 409: ConflictOut})
def act_pdca_project(
    request: AuthenticatedHttpRequest, project_id: DbId, payload: PdcaActIn
) -> Any:
    """Record the Act decision; ``new_cycle`` answers the new project (cycle + 1)."""
    p = _project(request, project_id, "change")
    data = _resolve(request, {"standard_version_id": payload.standard_version_id})
    try:
        return actions.do_decide_act(
            p,
            payload.decision,
            standard_version=data["standard_version"],
            note=payload.note,
            new_code=payload.new_code,
            expected_version=payload.version,
            acting_user=request.user,
            channel=API,
        )
    except ConflictError as exc:
        return Status(409, {"detail": exc.messages[0]})
