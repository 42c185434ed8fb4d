"""API endpoints for service-recovery actions under /api/v1/complaints/recovery/: list (the
recovery filters), get, record one for a complaint, approve or reject, mark done. Reads go
through ``restrict``; writes through ``actions`` (the same rules as the pages)."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.complaints import actions
from sqms.complaints.choices import RecoveryKind, RecoveryStatus
from sqms.complaints.filters import RECOVERY_FILTERS
from sqms.complaints.models import Complaint, RecoveryAction
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import BoundedPagination, DbId

router = Router(tags=["complaints"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    RecoveryFilter = FilterSchema
else:
    RecoveryFilter = RECOVERY_FILTERS.schema("RecoveryFilter")


class RecoveryOut(Schema):
    id: int
    complaint_id: int
    complaint_reference: str
    site_id: int
    kind: RecoveryKind
    description: str
    amount: Decimal | None
    status: RecoveryStatus
    requested_by_id: int | None
    requested_at: dt.datetime
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str
    done_at: dt.datetime | None

    @staticmethod
    def resolve_complaint_reference(obj: RecoveryAction) -> str:
        return obj.complaint.reference

    @staticmethod
    def resolve_site_id(obj: RecoveryAction) -> int:
        return obj.complaint.site_id


class RecoveryIn(Schema):
    complaint_id: DbId
    kind: RecoveryKind
    description: str = Field("", max_length=5000)
    amount: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2, description="refund, compensation, goodwill"
    )


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


def _actions(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return RecoveryAction.objects.restrict(request.user, action).select_related(  # type: ignore[arg-type]
        "complaint"
    )


@router.get("/", response=list[RecoveryOut])
@paginate(BoundedPagination)
def list_recovery_actions(request: AuthenticatedHttpRequest, filters: Query[RecoveryFilter]) -> Any:
    return filters.filter(_actions(request)).order_by("-requested_at", "-id")


@router.get("/{recovery_id}", response=RecoveryOut)
def get_recovery_action(request: AuthenticatedHttpRequest, recovery_id: DbId) -> Any:
    return get_object_or_404(_actions(request), pk=recovery_id)


@router.post("/", response={201: RecoveryOut})
def add_recovery_action(request: AuthenticatedHttpRequest, payload: RecoveryIn) -> Any:
    """Record a recovery action; a payment above the approval limit starts waiting for
    approval (``status = pending_approval``)."""
    complaint = get_object_or_404(
        Complaint.objects.restrict(request.user, "change"), pk=payload.complaint_id
    )
    data = payload.dict(exclude={"complaint_id"})
    action = actions.do_add_recovery(complaint, data, acting_user=request.user, channel=API)
    return Status(201, get_object_or_404(_actions(request), pk=action.pk))


@router.post("/{recovery_id}/decide", response=RecoveryOut)
def decide_recovery_action(
    request: AuthenticatedHttpRequest, recovery_id: DbId, payload: DecisionIn
) -> Any:
    """Approve or reject a waiting payment: site managers and above, not the requester
    (unless a quality manager), once (a second decision is a 422)."""
    action = get_object_or_404(_actions(request, "change"), pk=recovery_id)
    actions.do_decide_recovery(
        action, payload.approve, payload.note, acting_user=request.user, channel=API
    )
    return get_object_or_404(_actions(request), pk=action.pk)


@router.post("/{recovery_id}/complete", response=RecoveryOut)
def complete_recovery_action(request: AuthenticatedHttpRequest, recovery_id: DbId) -> Any:
    action = get_object_or_404(_actions(request, "change"), pk=recovery_id)
    actions.do_complete_recovery(action, acting_user=request.user, channel=API)
    return get_object_or_404(_actions(request), pk=action.pk)
