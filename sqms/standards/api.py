"""API of service standards under /api/v1/standards/: standards and their versions (read,
write, submit / approve / reject, acknowledge, who has acknowledged), links to what checks a
standard, the "how well kept" report, training records and their measured effect. Reads go
through ``restrict``, writes through ``actions``."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.complaints.models import Category, SlaPolicy
from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel, Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Service, Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.inspections.models import ChecklistTemplate
from sqms.standards import actions, effect, kept
from sqms.standards.audience import status_by_site
from sqms.standards.choices import EffectMetric, LinkKind, StandardKind, VersionStatus
from sqms.standards.filters import STANDARD_FILTERS, TRAINING_FILTERS
from sqms.standards.models import Standard, StandardLink, StandardVersion, Training
from sqms.standards.views.common import default_period, user_model

router = Router(tags=["standards"])
API = Channel.API
if TYPE_CHECKING:
    from ninja import FilterSchema

    StandardFilter = FilterSchema
    TrainingFilter = FilterSchema
else:
    StandardFilter = STANDARD_FILTERS.schema("StandardFilter")
    TrainingFilter = TRAINING_FILTERS.schema("TrainingFilter")


class StepSchema(Schema):
    text: str = Field(..., min_length=1, max_length=500)
    time_limit_minutes: int | None = Field(None, ge=0, le=100_000)
    role: Role | None = None


class StandardVersionOut(Schema):
    id: int
    standard: int = Field(..., alias="standard_id")
    number: int
    status: VersionStatus
    body: str
    promise: str
    compensation: str
    change_note: str
    ack_all_staff: bool
    ack_sites: list[str]
    steps: list[StepSchema]
    author: str | None
    submitted_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    effective_from: dt.date | None
    superseded_on: dt.date | None
    review_due: dt.date | None

    @staticmethod
    def resolve_ack_sites(obj: StandardVersion) -> list[str]:
        return [s.code for s in obj.ack_sites.all()]

    @staticmethod
    def resolve_steps(obj: StandardVersion) -> list[dict[str, Any]]:
        return [
            {"text": s.text, "time_limit_minutes": s.time_limit_minutes, "role": s.role or None}
            for s in obj.steps.all()
        ]

    @staticmethod
    def resolve_author(obj: StandardVersion) -> str | None:
        return obj.author.get_username() if obj.author else None

    @staticmethod
    def resolve_decided_by(obj: StandardVersion) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None


class StandardOut(Schema):
    id: int
    code: str
    title: str
    title_en: str
    kind: StandardKind
    service: str
    review_months: int
    current_version: int | None

    @staticmethod
    def resolve_service(obj: Standard) -> str:
        return obj.service.code

    @staticmethod
    def resolve_current_version(obj: Standard) -> int | None:
        today = timezone.localdate()
        v = obj.versions.filter(status=VersionStatus.APPROVED, effective_from__lte=today).first()
        return v.number if v else None


class StandardIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    title: str = Field(..., min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    kind: StandardKind = StandardKind.STANDARD
    service: str = Field(..., description="the service's code")
    review_months: int = Field(12, ge=1, le=60)


class StandardPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    kind: StandardKind | None = None
    review_months: int | None = Field(None, ge=1, le=60)


class VersionPatch(Schema):
    body: str | None = None
    promise: str | None = None
    compensation: str | None = None
    change_note: str | None = None
    ack_all_staff: bool | None = None
    ack_sites: list[str] | None = Field(None, description="site codes; empty = the service's")
    steps: list[StepSchema] | None = Field(None, description="replaces the steps, in order")


class ApproveIn(Schema):
    effective_from: dt.date
    note: str = ""


class RejectIn(Schema):
    note: str = Field(..., min_length=1)


class AckOut(Schema):
    version: int
    user: str
    acknowledged_at: dt.datetime
    new: bool


class PersonOut(Schema):
    username: str
    role: str
    acknowledged_at: dt.datetime | None


class SiteAckOut(Schema):
    site: str
    acknowledged: int
    total: int
    people: list[PersonOut]


class LinkOut(Schema):
    id: int
    kind: LinkKind
    checklist: str | None
    item_code: str
    sla_policy: str | None
    category: str | None

    @staticmethod
    def resolve_checklist(obj: StandardLink) -> str | None:
        return obj.template.code if obj.template else None

    @staticmethod
    def resolve_sla_policy(obj: StandardLink) -> str | None:
        return obj.sla_policy.code if obj.sla_policy else None

    @staticmethod
    def resolve_category(obj: StandardLink) -> str | None:
        return obj.category.code if obj.category else None


class LinkIn(Schema):
    checklist: str | None = Field(None, description="checklist template code (with item_code)")
    item_code: str = ""
    sla_policy: str | None = Field(None, description="SLA policy code")
    category: str | None = Field(None, description="complaint category code")


class TrainingOut(Schema):
    id: int
    standard: str
    course: str
    held_on: dt.date
    trainer: str
    attendees: list[str]
    sites: list[str]
    notes: str
    effect_metric: EffectMetric
    effect_category: str | None
    window_days: int

    @staticmethod
    def resolve_standard(obj: Training) -> str:
        return obj.standard.code

    @staticmethod
    def resolve_attendees(obj: Training) -> list[str]:
        return sorted(u.get_username() for u in obj.attendees.all())

    @staticmethod
    def resolve_sites(obj: Training) -> list[str]:
        return sorted(s.code for s in obj.sites.all())

    @staticmethod
    def resolve_effect_category(obj: Training) -> str | None:
        return obj.effect_category.code if obj.effect_category else None


class TrainingIn(Schema):
    standard: str = Field(..., description="the standard's code")
    course: str = Field(..., min_length=1, max_length=200)
    held_on: dt.date
    trainer: str = Field(..., min_length=1, max_length=100)
    attendees: list[str] = Field([], description="usernames")
    sites: list[str] = Field(..., min_length=1, description="site codes")
    notes: str = ""
    effect_metric: EffectMetric = EffectMetric.PASS_RATE
    effect_category: str | None = None
    window_days: int = Field(90, ge=7, le=366)


class TrainingPatch(Schema):
    course: str | None = Field(None, min_length=1, max_length=200)
    held_on: dt.date | None = None
    trainer: str | None = Field(None, min_length=1, max_length=100)
    attendees: list[str] | None = None
    sites: list[str] | None = None
    notes: str | None = None
    effect_metric: EffectMetric | None = None
    effect_category: str | None = None
    window_days: int | None = Field(None, ge=7, le=366)


def _by_codes(qs: Any, codes: list[str], field: str, what: str) -> list[Any]:
    from django.core.exceptions import ValidationError

    found = {getattr(o, what): o for o in qs.filter(**{f"{what}__in": codes})}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({field: f"unknown: {', '.join(missing)}"})
    return [found[c] for c in codes]


def _one(qs: Any, code: str, field: str) -> Any:
    return _by_codes(qs, [code], field, "code")[0]


def _standards(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return Standard.objects.restrict(request.user, action).select_related("service")  # type: ignore[arg-type]


def _versions(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return (
        StandardVersion.objects.restrict(request.user, action)  # type: ignore[arg-type]
        .select_related("author", "decided_by")
        .prefetch_related("steps", "ack_sites")
    )


def _trainings(request: AuthenticatedHttpRequest, action: str = "view") -> Any:
    return (
        Training.objects.restrict(request.user, action)  # type: ignore[arg-type]
        .select_related("standard", "effect_category")
        .prefetch_related("attendees", "sites")
    )


# Standards ---------------------------------------------------------------------------------


@router.get("/", response=list[StandardOut])
@paginate(BoundedPagination)
def list_standards(request: AuthenticatedHttpRequest, filters: Query[StandardFilter]) -> Any:
    return filters.filter(_standards(request))


@router.post("/", response={201: StandardOut})
def create_standard(request: AuthenticatedHttpRequest, payload: StandardIn) -> Any:
    data = payload.dict()
    data["service"] = _one(Service.objects.restrict(request.user), data["service"], "service")
    standard = actions.do_create_standard(data, acting_user=request.user, channel=API)
    return Status(201, standard)


@router.get("/trainings", response=list[TrainingOut])
@paginate(BoundedPagination)
def list_standard_trainings(
    request: AuthenticatedHttpRequest,
    filters: Query[TrainingFilter],
) -> Any:
    return filters.filter(_trainings(request))


def _training_data(request: AuthenticatedHttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if "standard" in data:
        data["standard"] = _one(
            Standard.objects.restrict(request.user), data["standard"], "standard"
        )
    if "sites" in data:
        data["sites"] = _by_codes(
            Site.objects.restrict(request.user), data["sites"], "sites", "code"
        )
    if "attendees" in data:
        data["attendees"] = _by_codes(
            user_model().objects.filter(is_active=True), data["attendees"], "attendees", "username"
        )
    if data.get("effect_category"):
        data["effect_category"] = _one(
            Category.objects.restrict(request.user), data["effect_category"], "effect_category"
        )
    elif "effect_category" in data:
        data["effect_category"] = None
    return data


@router.post("/trainings", response={201: TrainingOut})
def create_standard_training(request: AuthenticatedHttpRequest, payload: TrainingIn) -> Any:
    data = _training_data(request, payload.dict())
    training = actions.do_create_training(data, acting_user=request.user, channel=API)
    return Status(201, get_object_or_404(_trainings(request), pk=training.pk))


@router.get("/trainings/{training_id}", response=TrainingOut)
def get_standard_training(request: AuthenticatedHttpRequest, training_id: DbId) -> Any:
    return get_object_or_404(_trainings(request), pk=training_id)


@router.patch("/trainings/{training_id}", response=TrainingOut)
def update_standard_training(
    request: AuthenticatedHttpRequest, training_id: DbId, payload: TrainingPatch
) -> Any:
    training = get_object_or_404(_trainings(request, "change"), pk=training_id)
    data = payload.dict(exclude_unset=True)
    clear_category = "effect_category" in data and data["effect_category"] is None
    if clear_category:
        del data["effect_category"]
    data = _training_data(request, patch_fields(TrainingPatch(**data)))
    if clear_category:  # null is allowed here: back to no category
        data["effect_category"] = None
    actions.do_update_training(training, data, acting_user=request.user, channel=API)
    return get_object_or_404(_trainings(request), pk=training.pk)


@router.delete("/trainings/{training_id}", response={204: None})
def delete_standard_training(request: AuthenticatedHttpRequest, training_id: DbId) -> Any:
    training = get_object_or_404(_trainings(request, "delete"), pk=training_id)
    actions.do_delete_training(training, acting_user=request.user, channel=API)
    return Status(204, None)


@router.get("/trainings/{training_id}/effect", response=dict[str, Any])
def standard_training_effect(request: AuthenticatedHttpRequest, training_id: DbId) -> Any:
    """The training's metric before and after (equal windows) with the significance test:
    ``two_proportions`` for the pass rate, ``rate_ratio`` for the complaint count."""
    training = get_object_or_404(_trainings(request), pk=training_id)
    return effect.as_json(effect.training_effect(training, request.user))


@router.get("/versions/{version_id}", response=StandardVersionOut)
def get_standard_version(request: AuthenticatedHttpRequest, version_id: DbId) -> Any:
    return get_object_or_404(_versions(request), pk=version_id)


@router.patch("/versions/{version_id}", response=StandardVersionOut)
def update_standard_version(
    request: AuthenticatedHttpRequest, version_id: DbId, payload: VersionPatch
) -> Any:
    """Change a draft (only drafts change); ``steps`` replaces the steps in order."""
    version = get_object_or_404(_versions(request, "change"), pk=version_id)
    data = patch_fields(payload)
    steps = data.pop("steps", None)
    if steps is not None:
        steps = [{**s, "role": s.get("role") or ""} for s in steps]
    if "ack_sites" in data:
        data["ack_sites"] = _by_codes(Site.objects.all(), data["ack_sites"], "ack_sites", "code")
    actions.do_update_version(version, data, steps=steps, acting_user=request.user, channel=API)
    return get_object_or_404(_versions(request), pk=version.pk)


@router.post("/versions/{version_id}/submit", response=StandardVersionOut)
def submit_standard_version(request: AuthenticatedHttpRequest, version_id: DbId) -> Any:
    version = get_object_or_404(_versions(request, "change"), pk=version_id)
    actions.do_submit_version(version, acting_user=request.user, channel=API)
    return get_object_or_404(_versions(request), pk=version.pk)


@router.post("/versions/{version_id}/approve", response=StandardVersionOut)
def approve_standard_version(
    request: AuthenticatedHttpRequest, version_id: DbId, payload: ApproveIn
) -> Any:
    """Approve (another quality manager than the author), effective from the date given."""
    version = get_object_or_404(_versions(request, "change"), pk=version_id)
    actions.do_approve_version(
        version,
        effective_from=payload.effective_from,
        note=payload.note,
        acting_user=request.user,
        channel=API,
    )
    return get_object_or_404(_versions(request), pk=version.pk)


@router.post("/versions/{version_id}/reject", response=StandardVersionOut)
def reject_standard_version(
    request: AuthenticatedHttpRequest, version_id: DbId, payload: RejectIn
) -> Any:
    version = get_object_or_404(_versions(request, "change"), pk=version_id)
    actions.do_reject_version(version, note=payload.note, acting_user=request.user, channel=API)
    return get_object_or_404(_versions(request), pk=version.pk)


@router.post("/versions/{version_id}/acknowledge", response=AckOut)
def acknowledge_standard_version(request: AuthenticatedHttpRequest, version_id: DbId) -> Any:
    """The caller has read the effective version (recorded once)."""
    version = get_object_or_404(_versions(request), pk=version_id)
    ack, new = actions.do_acknowledge(version, acting_user=request.user, channel=API)
    return AckOut(
        version=version.pk,
        user=request.user.get_username(),
        acknowledged_at=ack.acknowledged_at,
        new=new,
    )


@router.get("/versions/{version_id}/acknowledgements", response=list[SiteAckOut])
def standard_version_acknowledgements(request: AuthenticatedHttpRequest, version_id: DbId) -> Any:
    """Per site in the caller's scope: who must acknowledge and who has."""
    version = get_object_or_404(_versions(request), pk=version_id)
    return [
        SiteAckOut(
            site=s.site.code,
            acknowledged=s.done,
            total=len(s.people),
            people=[
                PersonOut(
                    username=p.user.get_username(),
                    role=p.user.profile.role,
                    acknowledged_at=p.acknowledged_at,
                )
                for p in s.people
            ],
        )
        for s in status_by_site(version, request.user)
    ]


@router.get("/{standard_id}", response=StandardOut)
def get_standard(request: AuthenticatedHttpRequest, standard_id: DbId) -> Any:
    return get_object_or_404(_standards(request), pk=standard_id)


@router.patch("/{standard_id}", response=StandardOut)
def update_standard(
    request: AuthenticatedHttpRequest, standard_id: DbId, payload: StandardPatch
) -> Any:
    standard = get_object_or_404(_standards(request, "change"), pk=standard_id)
    actions.do_update_standard(
        standard, patch_fields(payload), acting_user=request.user, channel=API
    )
    return get_object_or_404(_standards(request), pk=standard.pk)


@router.get("/{standard_id}/versions", response=list[StandardVersionOut])
def list_standard_versions(request: AuthenticatedHttpRequest, standard_id: DbId) -> Any:
    standard = get_object_or_404(_standards(request), pk=standard_id)
    return _versions(request).filter(standard=standard).order_by("-number")


@router.post("/{standard_id}/versions", response={201: StandardVersionOut})
def create_standard_version(request: AuthenticatedHttpRequest, standard_id: DbId) -> Any:
    """A new draft copied from the latest version."""
    standard = get_object_or_404(_standards(request, "change"), pk=standard_id)
    version = actions.do_new_version(standard, acting_user=request.user, channel=API)
    return Status(201, get_object_or_404(_versions(request), pk=version.pk))


@router.get("/{standard_id}/links", response=list[LinkOut])
def list_standard_links(request: AuthenticatedHttpRequest, standard_id: DbId) -> Any:
    standard = get_object_or_404(_standards(request), pk=standard_id)
    return standard.links.select_related("template", "sla_policy", "category")


@router.post("/{standard_id}/links", response={201: LinkOut})
def create_standard_link(
    request: AuthenticatedHttpRequest, standard_id: DbId, payload: LinkIn
) -> Any:
    standard = get_object_or_404(_standards(request, "change"), pk=standard_id)
    data: dict[str, Any] = {"item_code": payload.item_code}
    if payload.checklist:
        data["template"] = _one(ChecklistTemplate.objects.all(), payload.checklist, "checklist")
    if payload.sla_policy:
        data["sla_policy"] = _one(SlaPolicy.objects.all(), payload.sla_policy, "sla_policy")
    if payload.category:
        data["category"] = _one(Category.objects.all(), payload.category, "category")
    link = actions.do_add_link(standard, data, acting_user=request.user, channel=API)
    return Status(201, link)


@router.delete("/{standard_id}/links/{link_id}", response={204: None})
def delete_standard_link(
    request: AuthenticatedHttpRequest, standard_id: DbId, link_id: DbId
) -> Any:
    standard = get_object_or_404(_standards(request, "change"), pk=standard_id)
    link = get_object_or_404(StandardLink.objects.filter(standard=standard), pk=link_id)
    actions.do_delete_link(link, acting_user=request.user, channel=API)
    return Status(204, None)


@router.get("/{standard_id}/kept", response=dict[str, Any])
def standard_kept_report(
    request: AuthenticatedHttpRequest,
    standard_id: DbId,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    site: Query[list[str] | None] = None,
) -> Any:
    """How well the standard is kept over ``date_from`` … ``date_to`` (default: the last 90
    days) at the caller's sites (narrowed to the ``site`` codes given)."""
    standard = get_object_or_404(_standards(request), pk=standard_id)
    d0, d1 = default_period()
    site_ids = None
    if site:
        site_ids = [
            s.pk for s in _by_codes(Site.objects.restrict(request.user), site, "site", "code")
        ]
    report = kept.kept_report(standard, request.user, date_from or d0, date_to or d1, site_ids)
    return kept.as_json(report)
