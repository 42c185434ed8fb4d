"""Internal audits: plan, meetings, findings while open, closing (read-only afterwards), the
NC hook for major and minor findings, permissions, and the report PDF."""

from __future__ import annotations

import sys
import types
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.actions import audits as audit_actions
from sqms.inspections.audit_report import audit_report_pdf
from sqms.inspections.choices import InspectionStatus
from sqms.inspections.models import AuditPlan, ChecklistTemplate, Finding, Inspection
from sqms.inspections.tests.factories import make_checklist
from sqms.test import World

WEB = Channel.WEB
NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


def make_audit(world: World, **extra: Any) -> Inspection:
    template = ChecklistTemplate.objects.filter(code="AUDIT").first()
    if template is None:
        template = make_checklist("AUDIT", kind="audit", name="内审检查表").template
    return actions.do_create_audit(
        {
            "site": world.site_a,
            "template": template,
            "scope": "门店运营与冷链 Store operations and cold chain",
            "clauses": "7.5, 8.5.1",
            "auditors": [world.qm, world.alpha_inspector],
            "auditees": "店长 Store manager",
            "planned_on": date(2026, 11, 10),
            **extra,
        },
        acting_user=world.qm,
        channel=WEB,
    )


def add(world: World, audit: Inspection, kind: str, clause: str = "8.5.1", **kw: Any) -> Finding:
    return actions.do_add_finding(
        audit,
        {
            "kind": kind,
            "clause": clause,
            "description": kw.pop("description", f"{kind} 冷链记录缺失"),
            **kw,
        },
        acting_user=world.qm,
        channel=WEB,
    )


class FakeCapa:
    """Stands in for sqms.capa: records the findings it was asked to raise an NC for."""

    def __init__(self) -> None:
        self.raised: dict[int, types.SimpleNamespace] = {}

    def raise_for_audit_finding(self, finding: Finding, **kw: Any) -> Any:
        assert kw["channel"] in Channel.values
        nc = self.raised.setdefault(
            finding.pk, types.SimpleNamespace(pk=1000 + finding.pk, finding=finding.pk)
        )
        return nc

    def nonconformity_of(self, finding: Finding) -> Any:
        return self.raised.get(finding.pk)


@pytest.fixture
def capa(monkeypatch: pytest.MonkeyPatch) -> FakeCapa:
    fake = FakeCapa()
    module = types.ModuleType("sqms.capa.sources")
    module.raise_for_audit_finding = fake.raise_for_audit_finding  # type: ignore[attr-defined]
    monkeypatch.setitem(
        sys.modules, "sqms.capa", sys.modules.get("sqms.capa") or types.ModuleType("sqms.capa")
    )
    monkeypatch.setitem(sys.modules, "sqms.capa.sources", module)
    monkeypatch.setattr(audit_actions, "capa_installed", lambda: True)
    monkeypatch.setattr(audit_actions, "nonconformity_of", fake.nonconformity_of)
    return fake


@pytest.mark.django_db
def test_create_audit_with_its_plan(world: World) -> None:
    audit = make_audit(world)
    plan = AuditPlan.objects.get(inspection=audit)
    assert audit.kind == "audit" and audit.status == InspectionStatus.PLANNED
    assert audit.due_on == date(2026, 11, 10) and audit.inspector == world.qm
    assert plan.criteria == "ISO 9001:2015" and plan.clauses == "7.5, 8.5.1"
    assert set(plan.auditors.all()) == {world.qm, world.alpha_inspector}
    with pytest.raises(ValidationError) as exc:
        make_audit(world, auditors=[])
    assert "auditors" in exc.value.message_dict


@pytest.mark.django_db
def test_any_published_template_when_there_is_no_audit_checklist(world: World) -> None:
    store = make_checklist("STORE")
    assert list(actions.audit_templates()) == [store.template]
    audit_version = make_checklist("AUD2", kind="audit")
    assert list(actions.audit_templates()) == [audit_version.template]
    with pytest.raises(ValidationError) as exc:
        actions.do_create_audit(
            {
                "site": world.site_a,
                "template": store.template,
                "scope": "x",
                "auditors": [world.qm],
                "planned_on": date(2026, 11, 1),
            },
            acting_user=world.qm,
            channel=WEB,
        )
    assert "template" in exc.value.message_dict


@pytest.mark.django_db
def test_meetings_findings_and_close_then_read_only(world: World, capa: FakeCapa) -> None:
    audit = make_audit(world)
    actions.do_record_meeting(
        audit, "opening", "范围确认 Scope agreed", acting_user=world.qm, channel=WEB, now=NOW
    )
    audit.refresh_from_db()
    assert audit.status == InspectionStatus.IN_PROGRESS and audit.started_at == NOW
    major = add(world, audit, "major", "8.5.1")
    minor = add(world, audit, "minor", "7.5")
    obs = add(world, audit, "observation", "9.1.2")
    add(world, audit, "ofi", "10.3")
    actions.do_update_finding(
        obs, {"evidence": "记录表 Log sheet"}, acting_user=world.qm, channel=WEB
    )
    # the NC of the minor finding is raised by hand before closing
    nc = actions.do_raise_finding_nc(minor, acting_user=world.qm, channel=WEB)
    assert nc.pk == 1000 + minor.pk
    with pytest.raises(ValidationError, match="major and minor"):
        actions.do_raise_finding_nc(obs, acting_user=world.qm, channel=WEB)
    with pytest.raises(ValidationError) as exc:
        actions.do_close_audit(audit, "", acting_user=world.qm, channel=WEB, now=NOW)
    assert "closing_notes" in exc.value.message_dict
    closed = actions.do_close_audit(
        audit, "两项不符合 Two nonconformities", acting_user=world.qm, channel=WEB, now=NOW
    )
    assert closed.status == InspectionStatus.SUBMITTED and closed.submitted_at == NOW
    # closing raised the major one; the minor one kept its NC; observations and OFIs none
    assert set(capa.raised) == {major.pk, minor.pk}
    plan = AuditPlan.objects.get(inspection=audit)
    assert plan.closing_notes.startswith("两项") and plan.closing_at == NOW
    for attempt in (
        lambda: add(world, closed, "minor"),
        lambda: actions.do_update_finding(
            major, {"clause": "7.1"}, acting_user=world.qm, channel=WEB
        ),
        lambda: actions.do_delete_finding(obs, acting_user=world.qm, channel=WEB),
        lambda: actions.do_update_audit_plan(
            closed, {"scope": "x"}, acting_user=world.qm, channel=WEB
        ),
        lambda: actions.do_record_meeting(
            closed, "closing", "y", acting_user=world.qm, channel=WEB
        ),
        lambda: actions.do_close_audit(closed, "again", acting_user=world.qm, channel=WEB),
    ):
        with pytest.raises(PermissionDenied, match="closed"):
            attempt()
    assert Finding.objects.filter(inspection=audit).count() == 4


@pytest.mark.django_db
def test_without_capa_closing_raises_nothing_and_raise_nc_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_actions, "capa_installed", lambda: False)
    audit = make_audit(world)
    major = add(world, audit, "major")
    with pytest.raises(ValidationError, match="CAPA"):
        actions.do_raise_finding_nc(major, acting_user=world.qm, channel=WEB)
    actions.do_record_meeting(audit, "closing", "结束 Done", acting_user=world.qm, channel=WEB)
    closed = actions.do_close_audit(audit, "", acting_user=world.qm, channel=WEB)
    assert closed.status == InspectionStatus.SUBMITTED


@pytest.mark.django_db
def test_only_quality_managers_write_audits(world: World) -> None:
    audit = make_audit(world)
    finding = add(world, audit, "minor")
    for user in (world.alpha_manager, world.alpha_inspector):
        with pytest.raises(PermissionDenied):
            actions.do_add_finding(
                audit,
                {"kind": "minor", "clause": "7.5", "description": "x"},
                acting_user=user,
                channel=WEB,
            )
        with pytest.raises(PermissionDenied):
            actions.do_update_finding(finding, {"clause": "7.1"}, acting_user=user, channel=WEB)
        with pytest.raises(PermissionDenied):
            actions.do_close_audit(audit, "notes", acting_user=user, channel=WEB)
    with pytest.raises(ValidationError) as exc:
        actions.do_add_finding(
            audit,
            {"kind": "bad", "clause": "", "description": ""},
            acting_user=world.qm,
            channel=WEB,
        )
    assert {"kind", "clause", "description"} <= set(exc.value.message_dict)


@pytest.mark.django_db
def test_a_finding_with_an_nc_cannot_be_deleted(world: World, capa: FakeCapa) -> None:
    audit = make_audit(world)
    major = add(world, audit, "major")
    actions.do_raise_finding_nc(major, acting_user=world.qm, channel=WEB)
    with pytest.raises(ValidationError, match="nonconformity"):
        actions.do_delete_finding(major, acting_user=world.qm, channel=WEB)
    obs = add(world, audit, "observation")
    actions.do_delete_finding(obs, acting_user=world.qm, channel=WEB)
    assert list(Finding.objects.filter(inspection=audit)) == [major]


@pytest.mark.django_db
def test_report_pdf_has_the_reference_and_chinese_font(world: World) -> None:
    audit = make_audit(world)
    actions.do_record_meeting(
        audit, "opening", "首次会议 Opening", acting_user=world.qm, channel=WEB
    )
    for n in range(12):
        add(
            world,
            audit,
            ["major", "minor", "observation", "ofi"][n % 4],
            f"8.{n % 5}",
            evidence="证据 " * 40,
        )
    pdf = audit_report_pdf(audit)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(pdf) < 2_000_000
    assert audit.reference.encode() in pdf  # the document title
    assert b"STSong-Light" in pdf and b"UniGB-UCS2-H" in pdf  # the Chinese CID font
    try:
        import pypdf
    except ImportError:
        return
    import io

    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert audit.reference in text and "内部审核报告" in text


@pytest.mark.django_db
def test_closing_raises_real_nonconformities_when_capa_is_installed(world: World) -> None:
    from django.apps import apps

    if not apps.is_installed("sqms.capa"):
        pytest.skip("the CAPA app is not installed in this checkout")
    audit = make_audit(world)
    major = add(world, audit, "major", "8.5.1")
    minor = add(world, audit, "minor", "7.5")
    add(world, audit, "ofi", "10.3")
    by_hand = actions.do_raise_finding_nc(minor, acting_user=world.qm, channel=WEB)
    actions.do_close_audit(audit, "结束 Done", acting_user=world.qm, channel=WEB)
    raised = actions.nonconformity_of(major)
    assert raised is not None and actions.nonconformity_of(minor) == by_hand
    assert type(raised).objects.filter(audit_finding__inspection=audit).count() == 2
