"""API under /api/v1/inspections/audits/: internal audits (list, get with plan and findings,
create, patch the plan, meetings, close, report PDF) and their findings (add, patch, delete,
raise NC). Quality managers write; reads follow the site scope."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.pagination import BoundedPagination, DbId
from sqms.inspections import actions
from sqms.inspections.audit_report import audit_report_pdf
from sqms.inspections.choices import FindingKind, InspectionStatus
from sqms.inspections.forms_programmes import inspector_choices
from sqms.inspections.models import AuditPlan, ChecklistTemplate, Finding, Inspection
from sqms.inspections.views.audits import audits_of

router = Router(tags=["inspections"])
API = Channel.API


class FindingOut(Schema):
    id: int
    kind: FindingKind
    clause: str
    description: str
    evidence: str
    auditee: str
    nonconformity_id: int | None = None

    @staticmethod
    def resolve_nonconformity_id(obj: Finding) -> int | None:
        nc = actions.nonconformity_of(obj) if obj.is_nonconformity else None
        return nc.pk if nc is not None else None


class AuditPlanOut(Schema):
    scope: str
    criteria: str
    clauses: str
    auditor_ids: list[int]
    auditees: str
    planned_on: dt.date
    opening_at: dt.datetime | None
    opening_notes: str
    closing_at: dt.datetime | None
    closing_notes: str

    @staticmethod
    def resolve_auditor_ids(obj: AuditPlan) -> list[int]:
        return sorted(obj.auditors.values_list("pk", flat=True))


class AuditOut(Schema):
    id: int
    reference: str
    site_id: int
    status: InspectionStatus
    checklist_id: int
    due_on: dt.date | None
    submitted_at: dt.datetime | None
    version: int
    plan: AuditPlanOut | None
    findings: list[FindingOut]

    @staticmethod
    def resolve_plan(obj: Inspection) -> AuditPlan | None:
        return AuditPlan.objects.filter(inspection=obj).first()

    @staticmethod
    def resolve_findings(obj: Inspection) -> list[Finding]:
        return list(obj.findings.order_by("clause", "pk"))


class PlanPatch(Schema):
    scope: str | None = Field(None, max_length=5000)
    criteria: str | None = Field(None, max_length=200)
    clauses: str | None = Field(None, max_length=300)
    auditor_ids: list[DbId] | None = Field(None, max_length=50)
    auditees: str | None = Field(None, max_length=5000)
    planned_on: dt.date | None = None


class AuditIn(PlanPatch):
    site_id: DbId
    template_id: DbId
    scope: str = Field(..., max_length=5000)
    auditor_ids: list[DbId] = Field(..., max_length=50)
    planned_on: dt.date


class MeetingIn(Schema):
    notes: str = Field(..., max_length=10000)
    at: dt.datetime | None = None


class CloseIn(Schema):
    closing_notes: str = Field("", max_length=10000)
    closing_at: dt.datetime | None = None
    version: int | None = Field(None, description="the version you loaded (optimistic lock)")


class FindingPatch(Schema):
    kind: FindingKind | None = None
    clause: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=10000)
    evidence: str | None = Field(None, max_length=10000)
    auditee: str | None = Field(None, max_length=100)


class FindingIn(FindingPatch):
    kind: FindingKind
    clause: str = Field(..., max_length=20)
    description: str = Field(..., max_length=10000)


class RaisedOut(Schema):
    finding_id: int
    nonconformity_id: int


def _plan_data(payload: PlanPatch) -> dict[str, Any]:
    data = patch_fields(payload, exclude={"site_id", "template_id"})
    if "auditor_ids" in data:
        ids = data.pop("auditor_ids")
        users = list(inspector_choices().filter(pk__in=ids))
        if len(users) != len(set(ids)):
            raise ValidationError({"auditor_ids": _("Some of these users may not audit.")})
        data["auditors"] = users
    return data


def _audit(request: AuthenticatedHttpRequest, pk: int, action: str = "view") -> Inspection:
    return get_object_or_404(audits_of(request.user, action), pk=pk)


def _finding(request: AuthenticatedHttpRequest, pk: int, action: str = "change") -> Finding:
    return get_object_or_404(Finding.objects.restrict(request.user, action), pk=pk)  # type: ignore[arg-type]


@router.get("/", response=list[AuditOut])
@paginate(BoundedPagination)
def list_audits(request: AuthenticatedHttpRequest) -> Any:
    return audits_of(request.user).order_by("-due_on", "-pk")


@router.get("/{audit_id}", response=AuditOut)
def get_audit(request: AuthenticatedHttpRequest, audit_id: DbId) -> Any:
    return _audit(request, audit_id)


@router.post("/", response={201: AuditOut})
def create_audit(request: AuthenticatedHttpRequest, payload: AuditIn) -> Any:
    site = Site.objects.restrict(request.user).filter(pk=payload.site_id).first()
    if site is None:
        raise ValidationError({"site_id": _("No such site in your scope.")})
    template = ChecklistTemplate.objects.filter(pk=payload.template_id).first()
    if template is None:
        raise ValidationError({"template_id": _("No such checklist.")})
    data = {**_plan_data(payload), "site": site, "template": template}
    inspection = actions.do_create_audit(data, acting_user=request.user, channel=API)
    return Status(201, _audit(request, inspection.pk))


@router.patch("/{audit_id}", response=AuditOut)
def update_audit_plan(request: AuthenticatedHttpRequest, audit_id: DbId, payload: PlanPatch) -> Any:
    """Change the plan of an open audit (a closed audit is read-only: 403)."""
    inspection = _audit(request, audit_id, "change")
    actions.do_update_audit_plan(
        inspection, _plan_data(payload), acting_user=request.user, channel=API
    )
    return _audit(request, audit_id)


@router.post("/{audit_id}/meetings/{which}", response=AuditOut)
def record_audit_meeting(
    request: AuthenticatedHttpRequest,
    audit_id: DbId,
    which: Literal["opening", "closing"],
    payload: MeetingIn,
) -> Any:
    inspection = _audit(request, audit_id, "change")
    actions.do_record_meeting(
        inspection, which, payload.notes, payload.at, acting_user=request.user, channel=API
    )
    return _audit(request, audit_id)


@router.post("/{audit_id}/close", response=AuditOut)
def close_audit(request: AuthenticatedHttpRequest, audit_id: DbId, payload: CloseIn) -> Any:
    """Record the closing meeting and submit the audit; major and minor findings without a
    nonconformity get one (when the CAPA module is installed)."""
    inspection = _audit(request, audit_id, "change")
    actions.do_close_audit(
        inspection,
        payload.closing_notes,
        payload.closing_at,
        expected_version=payload.version,
        acting_user=request.user,
        channel=API,
    )
    return _audit(request, audit_id)


PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "the report",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/{audit_id}/report.pdf", response={200: None}, openapi_extra=PDF_RESPONSE)
def audit_report(request: AuthenticatedHttpRequest, audit_id: DbId) -> Any:
    """The audit report (application/pdf)."""
    inspection = _audit(request, audit_id)
    response = HttpResponse(audit_report_pdf(inspection), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="audit-{inspection.reference}.pdf"'
    return response


@router.post("/{audit_id}/findings", response={201: FindingOut})
def add_audit_finding(request: AuthenticatedHttpRequest, audit_id: DbId, payload: FindingIn) -> Any:
    inspection = _audit(request, audit_id, "change")
    finding = actions.do_add_finding(
        inspection, patch_fields(payload), acting_user=request.user, channel=API
    )
    return Status(201, finding)


@router.patch("/findings/{finding_id}", response=FindingOut)
def update_audit_finding(
    request: AuthenticatedHttpRequest, finding_id: DbId, payload: FindingPatch
) -> Any:
    finding = _finding(request, finding_id)
    return actions.do_update_finding(
        finding, patch_fields(payload), acting_user=request.user, channel=API
    )


@router.delete("/findings/{finding_id}", response={204: None})
def delete_audit_finding(request: AuthenticatedHttpRequest, finding_id: DbId) -> Any:
    finding = _finding(request, finding_id, "delete")
    actions.do_delete_finding(finding, acting_user=request.user, channel=API)
    return Status(204, None)


@router.post("/findings/{finding_id}/raise-nc", response=RaisedOut)
def raise_finding_nc(request: AuthenticatedHttpRequest, finding_id: DbId) -> Any:
    """The nonconformity of a major or minor finding (the existing one if already raised)."""
    finding = _finding(request, finding_id)
    nc = actions.do_raise_finding_nc(finding, acting_user=request.user, channel=API)
    return RaisedOut(finding_id=finding.pk, nonconformity_id=nc.pk)
