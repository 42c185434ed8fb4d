"""Internal audits (ISO 9001): an audit is an inspection of kind ``audit`` with its
:class:`~sqms.inspections.models.AuditPlan`; findings are recorded while it is open, and
closing it (the closing meeting) submits it and raises a nonconformity for every major or minor
finding that has none yet (when the CAPA app is installed). A closed audit is read-only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit, locking
from sqms.core.choices import AuditAction
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope
from sqms.inspections.choices import ChecklistStatus, InspectionKind, InspectionStatus
from sqms.inspections.models import (
    AuditPlan,
    ChecklistTemplate,
    Finding,
    Inspection,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

PLAN_FIELDS = ("scope", "criteria", "clauses", "auditees", "planned_on")
FINDING_FIELDS = ("kind", "clause", "description", "evidence", "auditee")


def audit_templates() -> Any:
    """The checklists an audit may use: the published audit checklists, or every published
    checklist when there is no audit checklist."""
    published = ChecklistTemplate.objects.filter(
        is_active=True, versions__status=ChecklistStatus.PUBLISHED
    ).distinct()
    audits = published.filter(kind=InspectionKind.AUDIT)
    return audits if audits.exists() else published


def _ensure_auditor(user: User | None, inspection: Inspection) -> None:
    """Quality managers run audits (the model's editors), of inspections in their scope."""
    ensure_allowed(user, "change", AuditPlan, message=_("Only quality managers run audits."))
    ensure_allowed(user, "view", inspection)


def _lock_audit(inspection: Inspection, expected_version: int | None = None) -> Inspection:
    current = locking.lock(inspection, expected_version, select_related=("site",))
    if current.kind != InspectionKind.AUDIT:
        raise ValidationError(_("%(ref)s is not an internal audit.") % {"ref": current.reference})
    audit.ensure_open(current)
    return current


def _plan_of(inspection: Inspection) -> AuditPlan:
    try:
        return AuditPlan.objects.select_for_update().get(inspection=inspection)
    except AuditPlan.DoesNotExist:
        raise ValidationError(
            _("%(ref)s has no audit plan yet.") % {"ref": inspection.reference}
        ) from None


def _apply_plan(plan: AuditPlan, data: Mapping[str, Any]) -> list[User]:
    for name in PLAN_FIELDS:
        if name in data:
            value = data[name]
            setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.full_clean(exclude=["inspection", "auditors"])
    auditors = list(data["auditors"]) if "auditors" in data else list(plan.auditors.all())
    if not auditors:
        raise ValidationError({"auditors": _("Name at least one auditor.")})
    return auditors


@transaction.atomic(durable=True)
def do_create_audit(
    data: Mapping[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Inspection:
    """A new internal audit of ``data["site"]`` using checklist ``data["template"]`` (one of
    :func:`audit_templates`), with its plan (scope, criteria, clauses, auditors, auditees,
    planned date). It is due on the planned date; the lead auditor (first) is its inspector."""
    ensure_allowed(acting_user, "add", AuditPlan, message=_("Only quality managers plan audits."))
    site: Site | None = data.get("site")
    if site is None:
        raise ValidationError({"site": _("Choose the site to audit.")})
    ensure_site_in_scope(acting_user, site.pk)
    template = data.get("template")
    if template is None or not audit_templates().filter(pk=template.pk).exists():
        raise ValidationError(
            {"template": _("Choose a published audit checklist (or any published checklist).")}
        )
    version = template.published_version()
    if version is None:  # pragma: no cover - audit_templates() only offers published ones
        raise ValidationError({"template": _("This checklist has no published version.")})
    plan = AuditPlan()
    auditors = _apply_plan(plan, data)
    inspection = Inspection.objects.create(
        site=site,
        checklist=version,
        kind=InspectionKind.AUDIT,
        status=InspectionStatus.PLANNED,
        due_on=plan.planned_on,
        inspector=auditors[0],
    )
    plan.inspection = inspection
    plan.save()
    plan.auditors.set(auditors)
    audit.record(inspection, AuditAction.CREATE, actor=acting_user, channel=channel)
    audit.record(plan, AuditAction.CREATE, actor=acting_user, channel=channel, site=site)
    return inspection


@transaction.atomic(durable=True)
def do_update_audit_plan(
    inspection: Inspection,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    acting_user: User | None,
    channel: str,
) -> AuditPlan:
    """Change the plan of an open audit (a planned audit of a programme gets its first plan
    here). Moves the inspection's due date with the planned date."""
    _ensure_auditor(acting_user, inspection)
    inspection = _lock_audit(inspection, expected_version)
    plan = AuditPlan.objects.select_for_update().filter(inspection=inspection).first()
    created = plan is None
    if plan is None:
        plan = AuditPlan(inspection=inspection)
        before = None
    else:
        ensure_allowed(acting_user, "change", plan)
        before = audit.snapshot(plan)
    auditors = _apply_plan(plan, data)
    plan.save()
    plan.auditors.set(auditors)
    if created:
        audit.record(plan, AuditAction.CREATE, actor=acting_user, channel=channel)
    else:
        audit.record(plan, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    _touch(inspection, acting_user, channel, due_on=plan.planned_on)
    return plan


def _touch(inspection: Inspection, acting_user: User | None, channel: str, **changes: Any) -> None:
    before = audit.snapshot(inspection)
    for name, value in changes.items():
        setattr(inspection, name, value)
    inspection.version += 1
    inspection.save()
    audit.record(inspection, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)


@transaction.atomic(durable=True)
def do_record_meeting(
    inspection: Inspection,
    which: str,
    notes: str,
    at: datetime | None = None,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> AuditPlan:
    """Write the opening meeting's notes (which = "opening": the audit starts) or the closing
    meeting's notes ("closing"; the audit stays open until :func:`do_close_audit`)."""
    now = now or timezone.now()
    if which not in ("opening", "closing"):
        raise ValidationError({"which": _("Choose the opening or the closing meeting.")})
    _ensure_auditor(acting_user, inspection)
    inspection = _lock_audit(inspection)
    plan = _plan_of(inspection)
    before = audit.snapshot(plan)
    setattr(plan, f"{which}_notes", (notes or "").strip())
    setattr(plan, f"{which}_at", at or getattr(plan, f"{which}_at") or now)
    plan.save()
    audit.record(plan, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    if which == "opening" and inspection.status == InspectionStatus.PLANNED:
        _touch(
            inspection,
            acting_user,
            channel,
            status=InspectionStatus.IN_PROGRESS,
            started_at=plan.opening_at,
        )
    return plan


# Findings -------------------------------------------------------------------------------------


def _apply_finding(finding: Finding, data: Mapping[str, Any]) -> None:
    for name in FINDING_FIELDS:
        if name in data:
            value = data[name]
            setattr(finding, name, value.strip() if isinstance(value, str) else value)
    finding.full_clean(exclude=["inspection"])


@transaction.atomic(durable=True)
def do_add_finding(
    inspection: Inspection, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> Finding:
    ensure_allowed(acting_user, "add", Finding, message=_("Only quality managers record findings."))
    ensure_allowed(acting_user, "view", inspection)
    inspection = _lock_audit(inspection)
    finding = Finding(inspection=inspection, created_by=acting_user)
    _apply_finding(finding, data)
    finding.save()
    audit.record(
        finding, AuditAction.CREATE, actor=acting_user, channel=channel, site=inspection.site
    )
    return finding


@transaction.atomic(durable=True)
def do_update_finding(
    finding: Finding, data: Mapping[str, Any], *, acting_user: User | None, channel: str
) -> Finding:
    ensure_allowed(acting_user, "change", finding)
    inspection = _lock_audit(finding.inspection)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    before = audit.snapshot(finding)
    _apply_finding(finding, data)
    finding.save()
    audit.record(
        finding,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        site=inspection.site,
    )
    return finding


@transaction.atomic(durable=True)
def do_delete_finding(finding: Finding, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", finding)
    inspection = _lock_audit(finding.inspection)
    if nonconformity_of(finding) is not None:
        raise ValidationError(
            _("This finding has raised a nonconformity; change it instead of deleting it.")
        )
    before = audit.snapshot(finding)
    audit.record(
        finding,
        AuditAction.DELETE,
        actor=acting_user,
        channel=channel,
        before=before,
        site=inspection.site,
    )
    finding.delete()


# Nonconformities ------------------------------------------------------------------------------


def capa_installed() -> bool:
    return apps.is_installed("sqms.capa")


def nonconformity_of(finding: Finding) -> Any:
    """The NC raised from ``finding``, or None (always None without the CAPA app)."""
    if not capa_installed():
        return None
    nonconformity = import_module("sqms.capa.models").Nonconformity
    return nonconformity.objects.filter(audit_finding=finding).first()


def _raise(finding: Finding, acting_user: User | None, channel: str, now: datetime) -> Any:
    sources = import_module("sqms.capa.sources")
    return sources.raise_for_audit_finding(
        finding, acting_user=acting_user, channel=channel, now=now
    )


@transaction.atomic(durable=True)
def do_raise_finding_nc(
    finding: Finding, *, acting_user: User | None, channel: str, now: datetime | None = None
) -> Any:
    """The nonconformity of a major or minor finding (raised now, or the one it already has)."""
    now = now or timezone.now()
    ensure_allowed(acting_user, "change", finding)
    if not finding.is_nonconformity:
        raise ValidationError({"kind": _("Only major and minor nonconformities go on to CAPA.")})
    if not capa_installed():
        raise ValidationError(_("The CAPA module is not installed."))
    return _raise(finding, acting_user, channel, now)


@transaction.atomic(durable=True)
def do_close_audit(
    inspection: Inspection,
    closing_notes: str,
    closing_at: datetime | None = None,
    *,
    expected_version: int | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Inspection:
    """Record the closing meeting and submit the audit (read-only from then on); every major
    or minor finding without a nonconformity gets one when the CAPA app is installed."""
    now = now or timezone.now()
    _ensure_auditor(acting_user, inspection)
    inspection = _lock_audit(inspection, expected_version)
    plan = _plan_of(inspection)
    notes = (closing_notes or "").strip() or plan.closing_notes
    if not notes:
        raise ValidationError(
            {"closing_notes": _("Record the closing meeting before closing the audit.")}
        )
    before_plan = audit.snapshot(plan)
    plan.closing_notes = notes
    plan.closing_at = closing_at or plan.closing_at or now
    plan.save()
    audit.record(plan, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before_plan)
    if capa_installed():
        for finding in inspection.findings.order_by("pk"):
            if finding.is_nonconformity and nonconformity_of(finding) is None:
                _raise(finding, acting_user, channel, now)
    _touch(
        inspection,
        acting_user,
        channel,
        status=InspectionStatus.SUBMITTED,
        submitted_at=now,
        started_at=inspection.started_at or plan.opening_at or now,
    )
    return inspection
