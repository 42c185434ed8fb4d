"""API endpoints for nonconformities and CAPA (mounted at ``/api/v1/capa/``): list (filters,
pagination), detail, create, update with the version read (a stale one is 409), stage
transitions, the 5-Why chain and fishbone, actions (add, edit, done, cancel, evidence), the
verification (measure, confirm), raising an NC from a queued complaint referral, the cause
taxonomy and the analytics figures. Reads go through ``restrict``, writes through ``actions``."""

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from sqms.capa import actions
from sqms.capa.api_schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    CauseIn,
    CauseOut,
    ConfirmIn,
    EvidenceIn,
    FishIn,
    FishOut,
    NcIn,
    NcOut,
    NcPatch,
    NcTransitionIn,
    NoteIn,
    ProposeIn,
    ReferralQueueOut,
    VerificationOut,
    WhyIn,
    WhyOut,
    WhyPatch,
)
from sqms.capa.choices import (
    NcSeverity,
    Origin,
)
from sqms.capa.filters import ACTION_FILTERS, NC_FILTERS, actions_with_overdue, with_overdue
from sqms.capa.models import Action, Cause, FishboneCause, Nonconformity, Verification, WhyStep
from sqms.capa.reports.analytics import CapaFilters, capa_analytics
from sqms.complaints.choices import CapaStatus
from sqms.complaints.models import CapaReferral
from sqms.core.api_schemas import ConflictOut, patch_fields
from sqms.core.attachments import check_uploads
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.pagination import BoundedPagination, DbId

router = Router(tags=["capa"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    NcFilter = FilterSchema
    ActionFilter = FilterSchema
else:
    NcFilter = NC_FILTERS.schema("NonconformityFilter")
    ActionFilter = ACTION_FILTERS.schema("CapaActionFilter")


def _ncs(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return with_overdue(Nonconformity.objects.restrict(request.user, action))  # type: ignore[arg-type]


def _nc(request: AuthenticatedHttpRequest, nc_id: int, action: str = "view") -> Nonconformity:
    nc: Nonconformity = get_object_or_404(_ncs(request, action), pk=nc_id)
    return nc


def _user(request: AuthenticatedHttpRequest, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError({field: _("unknown user id %(id)s") % {"id": pk}})
    return user


def _owner(request: AuthenticatedHttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if "owner_id" in data:
        data["owner"] = _user(request, data.pop("owner_id"), "owner_id")
    return data


def _conflict(exc: actions.ConflictError) -> Any:
    return Status(409, {"detail": exc.messages[0]})


# Static paths first: they must match before /{nc_id} --------------------------------------


@router.get("/actions", response=list[ActionOut])
@paginate(BoundedPagination)
def list_capa_actions(
    request: AuthenticatedHttpRequest, filters: Query[ActionFilter], mine: bool = False
) -> Any:
    """Actions of the nonconformities you see (``mine``: the ones you own)."""
    qs = filters.filter(_actions(request))
    return qs.filter(owner=request.user) if mine else qs


@router.get("/referrals", response=list[ReferralQueueOut])
@paginate(BoundedPagination)
def list_capa_referrals(request: AuthenticatedHttpRequest) -> Any:
    """Complaint referrals waiting for CAPA."""
    return CapaReferral.objects.restrict(request.user, "view").filter(status=CapaStatus.QUEUED)


@router.post("/referrals/{referral_id}/raise", response={201: NcOut})
def raise_nc_from_referral(request: AuthenticatedHttpRequest, referral_id: DbId) -> Any:
    referral = get_object_or_404(
        CapaReferral.objects.restrict(request.user, "view"), pk=referral_id
    )
    nc = actions.do_raise_from_referral(referral, acting_user=request.user, channel=API)
    return Status(201, _nc(request, nc.pk))


@router.post("/findings/{finding_id}/raise", response={201: NcOut})
def raise_nc_from_finding(request: AuthenticatedHttpRequest, finding_id: DbId) -> Any:
    """Raise the NC of a major or minor internal-audit finding (again: the same NC)."""
    from sqms.inspections.models import Finding

    finding = get_object_or_404(
        Finding.objects.restrict(request.user, "view").select_related("inspection"), pk=finding_id
    )
    nc = actions.do_raise_from_finding(finding, acting_user=request.user, channel=API)
    return Status(201, _nc(request, nc.pk))


@router.get("/causes", response=list[CauseOut])
def list_capa_causes(request: AuthenticatedHttpRequest) -> Any:
    return list(Cause.objects.restrict(request.user, "view"))


@router.get("/causes/{cause_id}", response=CauseOut)
def get_capa_cause(request: AuthenticatedHttpRequest, cause_id: DbId) -> Any:
    return get_object_or_404(Cause.objects.restrict(request.user, "view"), pk=cause_id)


@router.post("/causes", response={201: CauseOut})
def create_capa_cause(request: AuthenticatedHttpRequest, payload: CauseIn) -> Any:
    return Status(
        201, actions.do_create_cause(payload.dict(), acting_user=request.user, channel=API)
    )


@router.get("/analytics", response=dict[str, Any])
def capa_analytics_figures(
    request: AuthenticatedHttpRequest,
    site: DbId | None = None,
    severity: NcSeverity | None = None,
    origin: Origin | None = None,
    months: int = 12,
) -> Any:
    """The analytics page's figures: open NCs by age, severity, origin and site; overdue
    actions; on-time closure; effectiveness; recurrences within ``months``; sources by month."""
    if not 1 <= months <= 120:
        raise ValidationError({"months": _("Choose between 1 and 120 months.")})
    f = CapaFilters(site=site, severity=severity or "", origin=origin or "", months=months)
    r = capa_analytics(request.user, f)

    def rate(x: Any) -> dict[str, Any]:
        return {"k": x.k, "n": x.n, "share": x.share, "lo": x.lo, "hi": x.hi}

    return {
        "open": r.open_total,
        "by_age": dict(r.by_age),
        "by_severity": {v: n for v, _l, n in r.by_severity},
        "by_origin": {v: n for v, _l, n in r.by_origin},
        "by_site": dict(r.by_site),
        "overdue_actions": r.overdue_actions,
        "on_time_closure": rate(r.on_time_closure),
        "on_time_actions": rate(r.on_time_actions),
        "effectiveness": rate(r.effectiveness),
        "first_time_effective": rate(r.first_time_effective),
        "recurrence": rate(r.recurrence_rate),
        "recurrences": [
            {"nonconformity": x.reference, "site": x.site, "cause": x.cause, "previous": x.previous}
            for x in r.recurrences
        ],
        "months": r.months,
        "sources": r.sources,
    }


# Nonconformities -------------------------------------------------------------------------------


@router.get("/", response=list[NcOut])
@paginate(BoundedPagination)
def list_nonconformities(request: AuthenticatedHttpRequest, filters: Query[NcFilter]) -> Any:
    return filters.filter(_ncs(request))


@router.post("/", response={201: NcOut})
def create_nonconformity(request: AuthenticatedHttpRequest, payload: NcIn) -> Any:
    """Raise a nonconformity by hand, from a survey gap or a KPI alarm (inspection, audit and
    complaint NCs are raised from their source)."""
    data = _owner(request, payload.dict())
    site_id = data.pop("site_id")
    data["site"] = None
    if site_id is not None:
        data["site"] = Site.objects.restrict(request.user, "view").filter(pk=site_id).first()
        if data["site"] is None:
            raise ValidationError({"site_id": _("unknown id %(id)s") % {"id": site_id}})
    nc = actions.do_create_nc(data, acting_user=request.user, channel=API)
    return Status(201, _nc(request, nc.pk))


@router.get("/{nc_id}", response=NcOut)
def get_nonconformity(request: AuthenticatedHttpRequest, nc_id: DbId) -> Any:
    return _nc(request, nc_id)


@router.patch("/{nc_id}", response={200: NcOut, 409: ConflictOut})
def update_nonconformity(request: AuthenticatedHttpRequest, nc_id: DbId, payload: NcPatch) -> Any:
    nc = _nc(request, nc_id, "change")
    data = patch_fields(payload, nullable=("owner_id", "due_date"))
    version = data.pop("version")
    try:
        actions.do_update_nc(
            nc,
            _owner(request, data),
            expected_version=version,
            acting_user=request.user,
            channel=API,
        )
    except actions.ConflictError as exc:
        return _conflict(exc)
    return _nc(request, nc.pk)


@router.post("/{nc_id}/transition", response={200: NcOut, 409: ConflictOut})
def transition_nonconformity(
    request: AuthenticatedHttpRequest, nc_id: DbId, payload: NcTransitionIn
) -> Any:
    """Move the NC: ``analyse``, ``plan`` (needs a root cause), ``back_to_analysis``, ``start``
    (needs an action), ``verify`` (every action done or cancelled), ``cancel`` (a reason; quality
    managers). Closing and reopening follow the verification's confirmed verdict."""
    nc = _nc(request, nc_id, "change")
    try:
        actions.do_transition(
            nc,
            payload.transition,
            expected_version=payload.version,
            reason=payload.reason,
            acting_user=request.user,
            channel=API,
        )
    except actions.ConflictError as exc:
        return _conflict(exc)
    return _nc(request, nc.pk)


# 5-Why and fishbone ----------------------------------------------------------------------------


def _cause_data(data: dict[str, Any]) -> dict[str, Any]:
    if "cause_id" in data:
        data["cause"] = data.pop("cause_id")
    return data


@router.get("/{nc_id}/why", response=list[WhyOut])
def list_why_steps(request: AuthenticatedHttpRequest, nc_id: DbId) -> Any:
    return list(_nc(request, nc_id).why_steps.all())


@router.post("/{nc_id}/why", response={201: WhyOut})
def add_why_step(request: AuthenticatedHttpRequest, nc_id: DbId, payload: WhyIn) -> Any:
    step = actions.do_add_why_step(
        _nc(request, nc_id, "change"),
        _cause_data(payload.dict()),
        acting_user=request.user,
        channel=API,
    )
    return Status(201, step)


def _why(request: AuthenticatedHttpRequest, step_id: int) -> WhyStep:
    step: WhyStep = get_object_or_404(WhyStep.objects.restrict(request.user, "change"), pk=step_id)
    return step


@router.patch("/why/{step_id}", response=WhyOut)
def update_why_step(request: AuthenticatedHttpRequest, step_id: DbId, payload: WhyPatch) -> Any:
    step = _why(request, step_id)
    data = patch_fields(payload, nullable=("cause_id",))
    return actions.do_update_why_step(
        step, _cause_data(data), acting_user=request.user, channel=API
    )


@router.delete("/why/{step_id}", response={204: None})
def delete_why_step(request: AuthenticatedHttpRequest, step_id: DbId) -> Any:
    actions.do_delete_why_step(_why(request, step_id), acting_user=request.user, channel=API)
    return Status(204, None)


@router.get("/{nc_id}/fishbone", response=list[FishOut])
def list_fishbone(request: AuthenticatedHttpRequest, nc_id: DbId) -> Any:
    return list(_nc(request, nc_id).fishbone.all())


@router.post("/{nc_id}/fishbone", response={201: FishOut})
def add_fishbone_cause(request: AuthenticatedHttpRequest, nc_id: DbId, payload: FishIn) -> Any:
    item = actions.do_add_fishbone(
        _nc(request, nc_id, "change"),
        _cause_data(payload.dict()),
        acting_user=request.user,
        channel=API,
    )
    return Status(201, item)


@router.delete("/fishbone/{cause_id}", response={204: None})
def delete_fishbone_cause(request: AuthenticatedHttpRequest, cause_id: DbId) -> Any:
    item = get_object_or_404(FishboneCause.objects.restrict(request.user, "change"), pk=cause_id)
    actions.do_delete_fishbone(item, acting_user=request.user, channel=API)
    return Status(204, None)


# Actions ---------------------------------------------------------------------------------------


def _actions(request: AuthenticatedHttpRequest) -> Any:
    ncs = Nonconformity.objects.restrict(request.user, "view").values("pk")
    return actions_with_overdue(
        Action.objects.filter(Q(nonconformity__in=ncs) | Q(owner=request.user)).prefetch_related(
            "evidence"
        )
    )


def _action(request: AuthenticatedHttpRequest, action_id: int) -> Action:
    action: Action = get_object_or_404(_actions(request), pk=action_id)
    return action


@router.get("/{nc_id}/actions", response=list[ActionOut])
def list_nc_actions(request: AuthenticatedHttpRequest, nc_id: DbId) -> Any:
    nc = _nc(request, nc_id)
    return list(actions_with_overdue(nc.actions.prefetch_related("evidence")))


@router.post("/{nc_id}/actions", response={201: ActionOut})
def add_nc_action(request: AuthenticatedHttpRequest, nc_id: DbId, payload: ActionIn) -> Any:
    action = actions.do_add_action(
        _nc(request, nc_id, "change"),
        _owner(request, payload.dict()),
        acting_user=request.user,
        channel=API,
    )
    return Status(201, _action(request, action.pk))


@router.patch("/actions/{action_id}", response=ActionOut)
def update_capa_action(
    request: AuthenticatedHttpRequest, action_id: DbId, payload: ActionPatch
) -> Any:
    action = _action(request, action_id)
    data = _owner(request, patch_fields(payload, nullable=("owner_id", "due_date")))
    actions.do_update_action(action, data, acting_user=request.user, channel=API)
    return _action(request, action.pk)


@router.post("/actions/{action_id}/done", response=ActionOut)
def complete_capa_action(
    request: AuthenticatedHttpRequest, action_id: DbId, payload: NoteIn
) -> Any:
    actions.do_complete_action(
        _action(request, action_id), payload.note, acting_user=request.user, channel=API
    )
    return _action(request, action_id)


@router.post("/actions/{action_id}/cancel", response=ActionOut)
def cancel_capa_action(request: AuthenticatedHttpRequest, action_id: DbId, payload: NoteIn) -> Any:
    actions.do_cancel_action(
        _action(request, action_id), payload.note, acting_user=request.user, channel=API
    )
    return _action(request, action_id)


@router.post("/actions/{action_id}/evidence", response={201: ActionOut})
def add_action_evidence(
    request: AuthenticatedHttpRequest, action_id: DbId, payload: EvidenceIn
) -> Any:
    """Attach photos or PDFs, each sent as base64 in JSON and checked by its content; the
    API's body limit applies to the whole request."""
    action = _action(request, action_id)
    files = [f.as_upload(f"files[{i}].content_base64") for i, f in enumerate(payload.files)]
    actions.do_add_evidence(action, check_uploads(files), acting_user=request.user, channel=API)
    return Status(201, _action(request, action_id))


# Verification ----------------------------------------------------------------------------------


@router.get("/{nc_id}/verifications", response=list[VerificationOut])
def list_verifications(request: AuthenticatedHttpRequest, nc_id: DbId) -> Any:
    return list(Verification.objects.filter(nonconformity=_nc(request, nc_id)))


@router.post("/{nc_id}/verification", response=VerificationOut)
def propose_verification(request: AuthenticatedHttpRequest, nc_id: DbId, payload: ProposeIn) -> Any:
    """Measure the metric before and after, with the significance test, and propose a verdict."""
    return actions.do_propose_verification(
        _nc(request, nc_id, "change"),
        payload.metric,
        payload.params,
        note=payload.note,
        acting_user=request.user,
        channel=API,
    )


@router.post("/{nc_id}/verification/confirm", response={200: NcOut, 409: ConflictOut})
def confirm_verification(request: AuthenticatedHttpRequest, nc_id: DbId, payload: ConfirmIn) -> Any:
    """A quality manager's verdict: ``effective`` closes, ``not_effective`` reopens (note needed)."""
    nc = _nc(request, nc_id, "change")
    try:
        actions.do_confirm_verification(
            nc,
            payload.verdict,
            payload.note,
            expected_version=payload.version,
            acting_user=request.user,
            channel=API,
        )
    except actions.ConflictError as exc:
        return _conflict(exc)
    return _nc(request, nc.pk)
