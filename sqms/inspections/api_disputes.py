"""API of disputes (``router``, under ``/api/v1/inspections/disputes/``: list, get, raise,
decide) and of rewards and penalties (``consequences_router``, under
``/api/v1/inspections/consequences/``: list, get, record, delete). Reads go through
``restrict``; writes through ``actions``, the same rules as the pages. No dispute carries the
inspector (a site must not learn who its mystery shopper was)."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import BoundedPagination, DbId
from sqms.inspections import actions
from sqms.inspections.choices import ConsequenceKind, DisputeStatus, InspectionKind, Result
from sqms.inspections.models import Consequence, Dispute, Inspection
from sqms.inspections.views.consequences import CONSEQUENCE_FILTERS, visible_consequences
from sqms.inspections.views.disputes import DISPUTE_FILTERS, visible_disputes

router = Router(tags=["inspection disputes"])
consequences_router = Router(tags=["inspection rewards and penalties"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    DisputeFilter = FilterSchema
    ConsequenceFilter = FilterSchema
else:
    DisputeFilter = DISPUTE_FILTERS.schema("InspectionDisputeFilter")
    ConsequenceFilter = CONSEQUENCE_FILTERS.schema("InspectionConsequenceFilter")


class DisputeOut(Schema):
    id: int
    inspection_id: int
    inspection_reference: str
    inspection_kind: InspectionKind
    site_id: int
    answer_id: int | None = Field(..., description="null: the whole result is disputed")
    item_code: str | None
    item: str | None
    reason: str
    status: DisputeStatus
    raised_by_id: int | None
    raised_at: dt.datetime
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str
    score: Decimal | None = Field(..., description="the inspection's score now (%)")
    passed: bool | None

    @staticmethod
    def resolve_inspection_reference(obj: Dispute) -> str:
        return obj.inspection.reference

    @staticmethod
    def resolve_inspection_kind(obj: Dispute) -> str:
        return obj.inspection.kind

    @staticmethod
    def resolve_site_id(obj: Dispute) -> int:
        return obj.inspection.site_id

    @staticmethod
    def resolve_item_code(obj: Dispute) -> str | None:
        return obj.answer.item.code if obj.answer else None

    @staticmethod
    def resolve_item(obj: Dispute) -> str | None:
        return obj.answer.item.label if obj.answer else None

    @staticmethod
    def resolve_score(obj: Dispute) -> Decimal | None:
        return obj.inspection.score

    @staticmethod
    def resolve_passed(obj: Dispute) -> bool | None:
        return obj.inspection.passed


class DisputeIn(Schema):
    inspection_id: DbId
    answer_id: DbId | None = Field(None, description="omit to dispute the whole result")
    reason: str = Field(..., max_length=5000)


class DisputeDecisionIn(Schema):
    upheld: bool
    note: str = Field(..., max_length=5000)
    result: Result | None = Field(None, description="corrected result (upheld, one answer)")
    value: Decimal | None = Field(None, description="corrected value (upheld, one answer)")


@router.get("/", response=list[DisputeOut])
@paginate(BoundedPagination)
def list_disputes(request: AuthenticatedHttpRequest, filters: Query[DisputeFilter]) -> Any:
    """Open disputes first, newest first."""
    return filters.filter(visible_disputes(request.user))


@router.get("/{dispute_id}", response=DisputeOut)
def get_dispute(request: AuthenticatedHttpRequest, dispute_id: DbId) -> Any:
    return get_object_or_404(visible_disputes(request.user), pk=dispute_id)


@router.post("/", response={201: DisputeOut})
def raise_dispute(request: AuthenticatedHttpRequest, payload: DisputeIn) -> Any:
    """The site's manager or region manager disputes a submitted mystery-shopper or supervisor
    result; a second open dispute on the same answer is a 422."""
    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user, "view"), pk=payload.inspection_id
    )
    dispute = actions.do_raise_dispute(
        inspection,
        {"answer": payload.answer_id, "reason": payload.reason},
        acting_user=request.user,
        channel=API,
    )
    return Status(201, get_object_or_404(visible_disputes(request.user), pk=dispute.pk))


@router.post("/{dispute_id}/decide", response=DisputeOut)
def decide_dispute(
    request: AuthenticatedHttpRequest, dispute_id: DbId, payload: DisputeDecisionIn
) -> Any:
    """A quality manager upholds or rejects an open dispute, once; an upheld dispute on an
    answer may correct its result or value, and the inspection is re-scored."""
    dispute = get_object_or_404(visible_disputes(request.user), pk=dispute_id)
    correction = {"result": payload.result or "", "value": payload.value}
    actions.do_decide_dispute(
        dispute,
        payload.upheld,
        payload.note,
        correction=correction,
        acting_user=request.user,
        channel=API,
    )
    return get_object_or_404(visible_disputes(request.user), pk=dispute.pk)


# Rewards and penalties ------------------------------------------------------------------------


class ConsequenceOut(Schema):
    id: int
    inspection_id: int
    inspection_reference: str
    site_id: int
    kind: ConsequenceKind
    rule: str
    amount: Decimal | None
    points: int | None
    recipient: str
    note: str
    recorded_by_id: int | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_inspection_reference(obj: Consequence) -> str:
        return obj.inspection.reference

    @staticmethod
    def resolve_site_id(obj: Consequence) -> int:
        return obj.inspection.site_id


class ConsequenceIn(Schema):
    inspection_id: DbId
    kind: ConsequenceKind
    rule: str = Field(..., max_length=200)
    amount: Decimal | None = Field(None, description="not negative; the kind says which way")
    points: int | None = None
    recipient: str = Field("", max_length=100)
    note: str = Field("", max_length=5000)


@consequences_router.get("/", response=list[ConsequenceOut])
@paginate(BoundedPagination)
def list_consequences(request: AuthenticatedHttpRequest, filters: Query[ConsequenceFilter]) -> Any:
    return filters.filter(visible_consequences(request.user)).order_by("-recorded_at", "-id")


@consequences_router.get("/{consequence_id}", response=ConsequenceOut)
def get_consequence(request: AuthenticatedHttpRequest, consequence_id: DbId) -> Any:
    return get_object_or_404(visible_consequences(request.user), pk=consequence_id)


@consequences_router.post("/", response={201: ConsequenceOut})
def record_consequence(request: AuthenticatedHttpRequest, payload: ConsequenceIn) -> Any:
    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user, "view"), pk=payload.inspection_id
    )
    consequence = actions.do_record_consequence(
        inspection,
        payload.dict(exclude={"inspection_id"}),
        acting_user=request.user,
        channel=API,
    )
    return Status(201, get_object_or_404(visible_consequences(request.user), pk=consequence.pk))


class ConsequencePatch(Schema):
    kind: ConsequenceKind | None = None
    rule: str | None = Field(None, max_length=200)
    amount: Decimal | None = None
    points: int | None = None
    recipient: str | None = Field(None, max_length=100)
    note: str | None = Field(None, max_length=5000)


@consequences_router.patch("/{consequence_id}", response=ConsequenceOut)
def update_consequence(
    request: AuthenticatedHttpRequest, consequence_id: DbId, payload: ConsequencePatch
) -> Any:
    """Change the fields sent (``null`` clears an amount or points)."""
    consequence = get_object_or_404(
        Consequence.objects.restrict(request.user, "change"), pk=consequence_id
    )
    actions.do_update_consequence(
        consequence,
        patch_fields(payload, nullable=("amount", "points")),
        acting_user=request.user,
        channel=API,
    )
    return get_object_or_404(visible_consequences(request.user), pk=consequence.pk)


@consequences_router.delete("/{consequence_id}", response={204: None})
def delete_consequence(request: AuthenticatedHttpRequest, consequence_id: DbId) -> Any:
    consequence = get_object_or_404(
        Consequence.objects.restrict(request.user, "delete"), pk=consequence_id
    )
    actions.do_delete_consequence(consequence, acting_user=request.user, channel=API)
    return Status(204, None)
