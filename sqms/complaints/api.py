"""API endpoints for complaints: list (filters, pagination), detail, create (idempotent by
``external_id``), update with the version read (a stale one is 409), workflow transitions,
assignment, and the timeline's entries. Reads go through ``restrict``, writes through
``actions``. Customers' names and contacts are masked in lists unless the reader is a quality
manager."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.complaints import actions
from sqms.complaints.choices import (
    EntryKind,
    IntakeChannel,
    RootCause,
    Severity,
    Source,
)
from sqms.complaints.choices import (
    Status as ComplaintStatus,
)
from sqms.complaints.filters import COMPLAINT_FILTERS
from sqms.complaints.models import Category, Complaint, Entry
from sqms.core.api_schemas import ConflictOut, patch_fields
from sqms.core.choices import Channel, Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Service, Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.core.scoping import role_of

router = Router(tags=["complaints"])
API = Channel.API
MASK_ATTR = "_sqms_mask_customers"

if TYPE_CHECKING:
    from ninja import FilterSchema

    ComplaintFilter = FilterSchema
else:
    ComplaintFilter = COMPLAINT_FILTERS.schema("ComplaintFilter")


def _masked(context: Any) -> bool:
    request = (context or {}).get("request")
    return bool(getattr(request, MASK_ATTR, False))


class ComplaintOut(Schema):
    id: int
    reference: str
    tracking_code: str
    external_id: str | None
    site_id: int
    site_code: str = Field(..., alias="site.code")
    service_id: int | None
    source: Source
    channel: IntakeChannel
    category_id: int | None
    severity: Severity
    status: ComplaintStatus
    summary: str
    description: str
    customer_name: str
    customer_contact: str
    assigned_to_id: int | None
    policy_id: int | None
    received_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    escalation_level: int
    resolution: str
    root_cause: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_customer_name(obj: Complaint, context: Any) -> str:
        return obj.masked_name if _masked(context) else obj.customer_name

    @staticmethod
    def resolve_customer_contact(obj: Complaint, context: Any) -> str:
        return obj.masked_contact if _masked(context) else obj.customer_contact


class ComplaintIn(Schema):
    site_id: DbId
    service_id: DbId | None = None
    channel: IntakeChannel
    category_id: DbId | None = None
    severity: Severity = Severity.MEDIUM
    summary: str = Field("", max_length=200)
    description: str = Field(..., min_length=1, max_length=20000)
    customer_name: str = Field("", max_length=100)
    customer_contact: str = Field("", max_length=100)
    external_id: str | None = Field(
        None,
        max_length=100,
        description="Your system's id: a repeated create with it returns the stored complaint (200).",
    )
    received_at: dt.datetime | None = None


class ComplaintPatch(Schema):
    version: int = Field(..., ge=1, description="The version you read; a stale one is a 409.")
    site_id: DbId | None = None
    service_id: DbId | None = None
    channel: IntakeChannel | None = None
    category_id: DbId | None = None
    severity: Severity | None = None
    summary: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=20000)
    customer_name: str | None = Field(None, max_length=100)
    customer_contact: str | None = Field(None, max_length=100)
    root_cause: RootCause | None = None


class TransitionIn(Schema):
    transition: str = Field(..., max_length=40)
    version: int = Field(..., ge=1)
    body: str = Field("", max_length=20000)
    public: bool = False
    resolution: str | None = Field(None, max_length=20000)
    root_cause: RootCause | None = None


class AssignIn(Schema):
    assigned_to_id: DbId | None
    version: int = Field(..., ge=1)


class EntryOut(Schema):
    id: int
    kind: EntryKind
    body: str
    is_public: bool
    author_id: int | None
    from_status: str
    to_status: str
    created_at: dt.datetime


class EntryIn(Schema):
    body: str = Field(..., min_length=1, max_length=20000)
    public: bool = False


def _complaints(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return Complaint.objects.restrict(request.user, action).select_related("site")  # type: ignore[arg-type]


def _get(request: AuthenticatedHttpRequest, complaint_id: int, action: str = "view") -> Complaint:
    complaint: Complaint = get_object_or_404(_complaints(request, action), pk=complaint_id)
    return complaint


def _related(request: AuthenticatedHttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Ids of the payload turned into records the user may see (unknown ones are a 422)."""
    lookups: dict[str, Any] = {
        "site_id": ("site", Site.objects.restrict(request.user, "view")),
        "service_id": ("service", Service.objects.restrict(request.user, "view")),
        "category_id": ("category", Category.objects.all()),
    }
    for key, (name, qs) in lookups.items():
        if key not in data:
            continue
        value = data.pop(key)
        if value is None:
            data[name] = None
            continue
        obj = qs.filter(pk=value).first()
        if obj is None:
            raise ValidationError({key: _("unknown id %(id)s") % {"id": value}})
        data[name] = obj
    return data


@router.get("/", response=list[ComplaintOut])
@paginate(BoundedPagination)
def list_complaints(request: AuthenticatedHttpRequest, filters: Query[ComplaintFilter]) -> Any:
    setattr(request, MASK_ATTR, role_of(request.user) != Role.QUALITY_MANAGER)
    return filters.filter(_complaints(request))


@router.get("/{complaint_id}", response=ComplaintOut)
def get_complaint(request: AuthenticatedHttpRequest, complaint_id: DbId) -> Any:
    return _get(request, complaint_id)


@router.post("/", response={200: ComplaintOut, 201: ComplaintOut, 409: ConflictOut})
def create_complaint(request: AuthenticatedHttpRequest, payload: ComplaintIn) -> Any:
    """Log a complaint. With an ``external_id`` already stored, nothing is written and the
    stored complaint is returned with 200 (a retry is safe)."""
    data = _related(request, payload.dict())
    if data.get("received_at") is None:
        data.pop("received_at", None)
    try:
        complaint = actions.do_create_complaint(
            data, source=Source.API, acting_user=request.user, channel=API
        )
    except actions.DuplicateExternalId as exc:
        return _existing(request, exc.existing.pk)
    except ValidationError:
        # a concurrent create with the same id committed between the action's look-up and
        # its validation of the unique constraint: that one is the answer
        external_id = data.get("external_id")
        stored = Complaint.objects.filter(external_id=external_id).first() if external_id else None
        if stored is None:
            raise
        return _existing(request, stored.pk)
    return Status(201, _get(request, complaint.pk))


def _existing(request: AuthenticatedHttpRequest, pk: int) -> Any:
    existing = _complaints(request).filter(pk=pk).first()
    if existing is None:  # another site's complaint: do not tell which
        return Status(409, {"detail": _("This external id is used by another complaint.")})
    return Status(200, existing)


@router.patch("/{complaint_id}", response={200: ComplaintOut, 409: ConflictOut})
def update_complaint(
    request: AuthenticatedHttpRequest, complaint_id: DbId, payload: ComplaintPatch
) -> Any:
    complaint = _get(request, complaint_id, "change")
    data = patch_fields(payload)
    version = data.pop("version")
    try:
        actions.do_update_complaint(
            complaint,
            _related(request, data),
            expected_version=version,
            acting_user=request.user,
            channel=API,
        )
    except actions.ConflictError as exc:
        return Status(409, {"detail": exc.messages[0]})
    return _get(request, complaint.pk)


@router.post("/{complaint_id}/transition", response={200: ComplaintOut, 409: ConflictOut})
def transition_complaint(
    request: AuthenticatedHttpRequest, complaint_id: DbId, payload: TransitionIn
) -> Any:
    """Move the complaint: ``acknowledge``, ``investigate``, ``wait_customer``,
    ``wait_third_party``, ``resume``, ``resolve`` (needs a ``resolution``), ``close``,
    ``reopen``."""
    complaint = _get(request, complaint_id, "change")
    try:
        actions.do_transition(
            complaint,
            payload.transition,
            expected_version=payload.version,
            body=payload.body,
            public=payload.public,
            resolution=payload.resolution,
            root_cause=payload.root_cause,
            acting_user=request.user,
            channel=API,
        )
    except actions.ConflictError as exc:
        return Status(409, {"detail": exc.messages[0]})
    return _get(request, complaint.pk)


@router.post("/{complaint_id}/assign", response={200: ComplaintOut, 409: ConflictOut})
def assign_complaint(
    request: AuthenticatedHttpRequest, complaint_id: DbId, payload: AssignIn
) -> Any:
    """Assign the complaint to a user who may work on it (``null`` unassigns)."""
    complaint = _get(request, complaint_id, "change")
    assignee = None
    if payload.assigned_to_id is not None:
        assignee = get_user_model().objects.filter(pk=payload.assigned_to_id).first()
        if assignee is None:
            raise ValidationError({"assigned_to_id": _("unknown user id")})
    try:
        actions.do_assign(
            complaint,
            assignee,
            expected_version=payload.version,
            acting_user=request.user,
            channel=API,
        )
    except actions.ConflictError as exc:
        return Status(409, {"detail": exc.messages[0]})
    return _get(request, complaint.pk)


@router.get("/{complaint_id}/entries", response=list[EntryOut])
@paginate(BoundedPagination)
def list_complaint_entries(request: AuthenticatedHttpRequest, complaint_id: DbId) -> Any:
    complaint = _get(request, complaint_id)
    return Entry.objects.restrict(request.user, "view").filter(complaint=complaint)


@router.post("/{complaint_id}/entries", response={201: EntryOut})
def add_complaint_entry(
    request: AuthenticatedHttpRequest, complaint_id: DbId, payload: EntryIn
) -> Any:
    """An internal note, or with ``public`` a reply the customer sees."""
    complaint = _get(request, complaint_id, "change")
    actions.do_add_entry(
        complaint, payload.body, public=payload.public, acting_user=request.user, channel=API
    )
    entry = Entry.objects.filter(complaint=complaint).order_by("-id").first()
    return Status(201, entry)
