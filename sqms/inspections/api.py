"""API endpoints for inspections: the list (the list page's filters), one inspection with its
answers, opening one, saving an answer (PUT per item), uploading and removing a photo, a
mystery shopper's narrative (add an entry; PATCH replaces, edits or clears it), and the submit.
A submitted inspection is read-only: a change is a 409, as is a stale version. Reads through
``restrict``, writes through ``actions``; a site never learns who its mystery shopper was."""

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import ConflictOut, UploadIn
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.inspections import actions
from sqms.inspections.choices import InspectionKind, InspectionStatus, Result
from sqms.inspections.filters import INSPECTION_FILTERS
from sqms.inspections.models import Answer, ChecklistTemplate, Inspection, Item, Photo

router = Router(tags=["inspections"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    InspectionFilter = FilterSchema
else:
    InspectionFilter = INSPECTION_FILTERS.schema("InspectionFilter")


def _viewer(context: Any) -> Any:
    request = (context or {}).get("request")
    return getattr(request, "user", None)


class AnswerOut(Schema):
    id: int
    item_id: int
    item_code: str = Field(..., alias="item.code")
    result: str
    value: Decimal | None
    note: str
    points: Decimal
    max_points: Decimal
    failed: bool
    is_critical: bool
    answered_at: dt.datetime | None
    photo_ids: list[int]

    @staticmethod
    def resolve_photo_ids(obj: Answer) -> list[int]:
        return [p.pk for p in obj.photos.all()]


class InspectionOut(Schema):
    id: int
    reference: str
    site_id: int
    site_code: str = Field(..., alias="site.code")
    checklist_id: int
    template_id: int = Field(..., alias="checklist.template_id")
    kind: InspectionKind
    status: InspectionStatus
    programme_id: int | None
    due_on: dt.date | None
    inspector_id: int | None = Field(
        None, description="null for a mystery shopper the reader may not know"
    )
    started_at: dt.datetime | None
    submitted_at: dt.datetime | None
    score: Decimal | None
    points: Decimal
    max_points: Decimal
    critical_failed: bool
    passed: bool | None
    site_representative: str
    acknowledged_at: dt.datetime | None
    notes: str
    narrative: list[dict[str, Any]]
    version: int

    @staticmethod
    def resolve_inspector_id(obj: Inspection, context: Any) -> int | None:
        return obj.inspector_id if obj.shows_inspector_to(_viewer(context)) else None


class InspectionDetailOut(InspectionOut):
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj: Inspection) -> list[Answer]:
        return list(obj.answers.select_related("item").prefetch_related("photos"))


class InspectionIn(Schema):
    site_id: DbId
    template_id: DbId = Field(..., description="The checklist; its published version is used.")
    kind: InspectionKind | None = None
    due_on: dt.date | None = None
    notes: str = Field("", max_length=20000)
    start: bool = Field(True, description="In progress at once (else planned).")


class AnswerIn(Schema):
    result: Result | None = Field(None, description="pass / fail / na (na for any item)")
    value: Decimal | None = Field(
        None, description="the 0–5 score or the measured value", max_digits=15, decimal_places=3
    )
    note: str = Field("", max_length=4000)


class AnswerSaved(Schema):
    answer: AnswerOut
    inspection: InspectionOut


class SubmitIn(Schema):
    version: int = Field(..., ge=1, description="The version you read; a stale one is a 409.")
    site_representative: str | None = Field(None, max_length=100)
    acknowledged: bool = False
    notes: str | None = Field(None, max_length=20000)


class PhotoIn(UploadIn):
    content_base64: str = Field(
        ..., min_length=4, description="the image file, base64-encoded (JPEG, PNG, GIF, WebP)"
    )


class PhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class NarrativeEntry(Schema):
    at: dt.datetime = Field(..., description="when it happened (without a zone: local time)")
    text: str = Field(..., min_length=1, max_length=4000)


class NarrativeEntryIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)
    at: dt.datetime | None = Field(None, description="when it happened; omitted: now")


class NarrativePatch(Schema):
    version: int | None = Field(
        None, ge=1, description="The version you read; a stale one is a 409."
    )
    entries: list[NarrativeEntry] = Field(
        ..., max_length=500, description="the whole narrative after the change; [] clears it"
    )


def _visible(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return Inspection.objects.restrict(request.user, action).select_related(  # type: ignore[arg-type]
        "site", "checklist"
    )


def _get(request: AuthenticatedHttpRequest, inspection_id: int, action: str = "view") -> Inspection:
    inspection: Inspection = get_object_or_404(_visible(request, action), pk=inspection_id)
    return inspection


def _item(inspection: Inspection, item_id: int) -> Item:
    item: Item = get_object_or_404(Item, pk=item_id, version_id=inspection.checklist_id)
    return item


#: refusals because the inspection moved on under the caller: a 409, not a 422
CONFLICT_CODES = ("conflict", "already_submitted", "cancelled")


def _conflicts_as_409(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a refusal with one of ``CONFLICT_CODES`` (a stale version, an inspection already
    submitted or cancelled) as a 409; other refusals stay 422."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except ValidationError as exc:
            if getattr(exc, "code", None) in CONFLICT_CODES:
                return Status(409, {"detail": " ".join(exc.messages)})
            raise

    return wrapper


@router.get("/", response=list[InspectionOut])
@paginate(BoundedPagination)
def list_inspections(request: AuthenticatedHttpRequest, filters: Query[InspectionFilter]) -> Any:
    return filters.filter(_visible(request))


@router.get("/{inspection_id}", response=InspectionDetailOut)
def get_inspection(request: AuthenticatedHttpRequest, inspection_id: DbId) -> Any:
    return _get(request, inspection_id)


@router.post("/", response={201: InspectionDetailOut})
def create_inspection(request: AuthenticatedHttpRequest, payload: InspectionIn) -> Any:
    """Open an inspection of a site in your scope with a checklist's published version."""
    site = Site.objects.restrict(request.user, "view").filter(pk=payload.site_id).first()
    if site is None:
        raise ValidationError({"site_id": _("unknown id %(id)s") % {"id": payload.site_id}})
    template = ChecklistTemplate.objects.filter(pk=payload.template_id).first()
    if template is None:
        raise ValidationError({"template_id": _("unknown id %(id)s") % {"id": payload.template_id}})
    inspection = actions.do_create_inspection(
        {
            "site": site,
            "template": template,
            "kind": payload.kind,
            "due_on": payload.due_on,
            "notes": payload.notes,
        },
        start=payload.start,
        acting_user=request.user,
        channel=API,
    )
    return Status(201, _get(request, inspection.pk))


@router.put("/{inspection_id}/answers/{item_id}", response={200: AnswerSaved, 409: ConflictOut})
@_conflicts_as_409
def save_inspection_answer(
    request: AuthenticatedHttpRequest, inspection_id: DbId, item_id: DbId, payload: AnswerIn
) -> Any:
    """Write one item's answer (a repeat overwrites it); the answer and the running score come
    back. A score outside the item's range is a 422 naming the item."""
    inspection = _get(request, inspection_id, "change")
    item = _item(inspection, item_id)
    answer = actions.do_save_answer(
        inspection,
        item,
        result=payload.result or "",
        value=payload.value,
        note=payload.note,
        acting_user=request.user,
        channel=API,
    )
    answer = Answer.objects.select_related("item").get(pk=answer.pk)
    return {"answer": answer, "inspection": _get(request, inspection_id)}


@router.post(
    "/{inspection_id}/answers/{item_id}/photos",
    response={201: list[PhotoOut], 409: ConflictOut},
)
@_conflicts_as_409
def upload_inspection_photo(
    request: AuthenticatedHttpRequest, inspection_id: DbId, item_id: DbId, payload: PhotoIn
) -> Any:
    """A photo of one item, sent as base64 in JSON: images only, the size limits apply (the
    API's body limit first), and the location is removed unless the checklist keeps it."""
    inspection = _get(request, inspection_id, "change")
    item = _item(inspection, item_id)
    files = actions.check_photos(inspection, [payload.as_upload()])
    photos = actions.do_add_photos(
        inspection, files, item=item, acting_user=request.user, channel=API
    )
    return Status(201, photos)


@router.delete("/{inspection_id}/photos/{photo_id}", response={204: None, 409: ConflictOut})
@_conflicts_as_409
def delete_inspection_photo(
    request: AuthenticatedHttpRequest, inspection_id: DbId, photo_id: DbId
) -> Any:
    """Remove a photo while the inspection is planned or in progress, by those who perform it
    (its inspector, a quality manager; site managers on their self-inspections); once
    submitted it is a 409."""
    inspection = _get(request, inspection_id, "change")
    photo = get_object_or_404(
        Photo.objects.restrict(request.user, "change"), pk=photo_id, inspection_id=inspection.pk
    )
    actions.do_delete_photo(photo, acting_user=request.user, channel=API)
    return Status(204, None)


@router.post("/{inspection_id}/narrative", response={201: InspectionOut, 409: ConflictOut})
@_conflicts_as_409
def add_inspection_narrative(
    request: AuthenticatedHttpRequest, inspection_id: DbId, payload: NarrativeEntryIn
) -> Any:
    """Add a timed entry to a mystery shopper's narrative (a 422 for another kind)."""
    inspection = _get(request, inspection_id, "change")
    actions.do_add_narrative(
        inspection, payload.text, at=payload.at, acting_user=request.user, channel=API
    )
    return Status(201, _get(request, inspection_id))


@router.patch("/{inspection_id}/narrative", response={200: InspectionOut, 409: ConflictOut})
@_conflicts_as_409
def replace_inspection_narrative(
    request: AuthenticatedHttpRequest, inspection_id: DbId, payload: NarrativePatch
) -> Any:
    """Replace the narrative with ``entries`` (edit or remove entries; ``[]`` clears it), while
    the visit is not submitted; entries are kept in time order."""
    inspection = _get(request, inspection_id, "change")
    actions.do_replace_narrative(
        inspection,
        [{"at": e.at, "text": e.text} for e in payload.entries],
        expected_version=payload.version,
        acting_user=request.user,
        channel=API,
    )
    return _get(request, inspection_id)


@router.post("/{inspection_id}/submit", response={200: InspectionDetailOut, 409: ConflictOut})
@_conflicts_as_409
def submit_inspection(
    request: AuthenticatedHttpRequest, inspection_id: DbId, payload: SubmitIn
) -> Any:
    """Score and close the inspection. Unanswered items or missing required photos are a 422
    listing the item codes; a stale version or a second submit is a 409."""
    inspection = _get(request, inspection_id, "change")
    actions.do_submit_inspection(
        inspection,
        expected_version=payload.version,
        site_representative=payload.site_representative,
        acknowledged=payload.acknowledged,
        notes=payload.notes,
        acting_user=request.user,
        channel=API,
    )
    return _get(request, inspection_id)
