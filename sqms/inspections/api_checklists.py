"""API endpoints for checklists (read only): the templates, one template with its versions,
and one version with its sections and items. Checklists are organisation-wide."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import BoundedPagination, DbId
from sqms.inspections.choices import (
    ChecklistStatus,
    CriticalRule,
    InspectionKind,
    PhotoRule,
    Scoring,
)
from sqms.inspections.models import ChecklistTemplate, Item, Section, TemplateVersion

router = Router(tags=["inspections"])


class VersionBrief(Schema):
    id: int
    number: int
    status: ChecklistStatus
    published_at: dt.datetime | None
    change_note: str


class ChecklistOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: InspectionKind
    description: str
    is_active: bool
    published_version_id: int | None
    versions: list[VersionBrief]

    @staticmethod
    def resolve_published_version_id(obj: ChecklistTemplate) -> int | None:
        v = obj.published_version()
        return v.pk if v else None

    @staticmethod
    def resolve_versions(obj: ChecklistTemplate) -> list[Any]:
        return list(obj.versions.order_by("-number"))


class ItemOut(Schema):
    id: int
    position: int
    code: str
    text: str
    text_en: str
    guidance: str
    scoring: Scoring
    weight: Decimal
    is_critical: bool
    photo: PhotoRule
    target: Decimal | None
    tolerance: Decimal | None
    unit: str
    standard_ref: str
    clause: str


class SectionOut(Schema):
    id: int
    position: int
    title: str
    title_en: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Section) -> list[Item]:
        return list(obj.items.order_by("position", "id"))


class ChecklistVersionOut(Schema):
    id: int
    template_id: int
    number: int
    status: ChecklistStatus
    critical_rule: CriticalRule
    cap_score: Decimal
    pass_mark: Decimal
    keep_photo_location: bool
    scenario: str
    change_note: str
    published_at: dt.datetime | None
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj: TemplateVersion) -> list[Section]:
        return list(obj.sections.prefetch_related("items"))


@router.get("/", response=list[ChecklistOut])
@paginate(BoundedPagination)
def list_checklists(request: AuthenticatedHttpRequest) -> Any:
    return ChecklistTemplate.objects.restrict(request.user, "view").prefetch_related("versions")


@router.get("/versions/{version_id}", response=ChecklistVersionOut)
def get_checklist_version(request: AuthenticatedHttpRequest, version_id: DbId) -> Any:
    """A version with its sections and items: what an inspection of it answers."""
    return get_object_or_404(TemplateVersion.objects.restrict(request.user, "view"), pk=version_id)


@router.get("/{template_id}", response=ChecklistOut)
def get_checklist(request: AuthenticatedHttpRequest, template_id: DbId) -> Any:
    return get_object_or_404(
        ChecklistTemplate.objects.restrict(request.user, "view"), pk=template_id
    )
