"""Nonconformities raised from their sources: a failed critical inspection item, an audit
finding (major and minor only), and a queued complaint referral (taken once)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sqms.capa import actions
from sqms.capa.choices import NcSeverity, Origin
from sqms.capa.models import Nonconformity
from sqms.capa.sources import raise_for_audit_finding, raise_for_inspection_answer
from sqms.capa.tests.capa_data import CLI, T0
from sqms.complaints import actions as complaint_actions
from sqms.complaints.choices import CapaStatus, Source
from sqms.core.models import AuditEvent
from sqms.inspections.models import Answer, Finding
from sqms.inspections.tests.factories import make_checklist, make_inspection

pytestmark = pytest.mark.django_db


def test_failed_items_raise_one_nc_each(world):
    checklist = make_checklist()
    insp = make_inspection(
        world.site_a,
        checklist,
        {"A1": ("fail", None), "A2": ("fail", None), "B2": ("", "9")},
        submitted_at=T0,
        inspector=world.alpha_inspector,
    )
    # submitting raised the critical items' NCs (the inspections app calls the building block)
    auto = Nonconformity.objects.order_by("title")
    assert [n.title[:2] for n in auto] == ["A2", "B2"]
    assert {n.severity for n in auto} == {NcSeverity.MAJOR}
    assert {n.origin for n in auto} == {Origin.INSPECTION_ITEM}
    assert all(n.site == world.site_a and insp.reference in n.source_ref for n in auto)
    # a non-critical failed item is raised by hand: minor
    a1 = Answer.objects.get(inspection=insp, item__code="A1")
    minor = raise_for_inspection_answer(a1, acting_user=world.alpha_inspector, channel=CLI, now=T0)
    assert minor.severity == NcSeverity.MINOR and minor.raised_by == world.alpha_inspector
    # idempotent: one NC per answer
    for answer in Answer.objects.filter(inspection=insp, failed=True):
        raise_for_inspection_answer(answer, acting_user=None, channel=CLI)
    assert Nonconformity.objects.count() == 3
    passed = make_inspection(world.site_a, checklist, {"A2": ("pass", None)}, submitted_at=T0)
    with pytest.raises(ValidationError, match="did not fail"):
        raise_for_inspection_answer(passed.answers.get(), acting_user=None, channel=CLI)


def test_audit_findings(world):
    checklist = make_checklist("AUDIT", kind="audit")
    insp = make_inspection(world.site_a, checklist, {}, submitted_at=T0)
    major = Finding.objects.create(
        inspection=insp, kind="major", clause="8.5.1", description="作业指导书过期\nSOP outdated"
    )
    ofi = Finding.objects.create(inspection=insp, kind="ofi", clause="7.5", description="x")
    nc = raise_for_audit_finding(major, acting_user=None, channel=CLI, now=T0)
    assert nc.title == "ISO 9001 8.5.1: 作业指导书过期" and nc.severity == NcSeverity.MAJOR
    assert nc.origin == Origin.AUDIT_FINDING and nc.site == world.site_a
    assert raise_for_audit_finding(major, acting_user=None, channel=CLI).pk == nc.pk
    with pytest.raises(ValidationError, match="Opportunity"):
        raise_for_audit_finding(ofi, acting_user=None, channel=CLI)


def _referral(world, sites=("a",)):
    complaints = [
        complaint_actions.do_create_complaint(
            {
                "site": world.site_a if s == "a" else world.site_b,
                "channel": "phone",
                "description": f"slow {i}",
            },
            source=Source.STAFF,
            acting_user=None,
            channel=CLI,
        )
        for i, s in enumerate(sites)
    ]
    return complaint_actions.do_refer_to_capa(
        complaints, "排队太久 Long queues", "many", acting_user=None, channel=CLI
    )


def test_raise_from_referral_takes_it_once(world, client_for):
    referral = _referral(world, ("a", "a"))
    client = client_for(world.alpha_manager)
    page = client.get(reverse("capa:referrals")).content.decode()
    assert "Long queues" in page
    response = client.post(reverse("capa:referral_raise", args=[referral.pk]))
    nc = Nonconformity.objects.get(complaint_referral=referral)
    assert response.status_code == 302 and response["Location"] == nc.get_absolute_url()
    assert nc.origin == Origin.COMPLAINT_CLUSTER and nc.site == world.site_a
    assert nc.title == "排队太久 Long queues" and nc.source_ref.count("C-") == 2
    referral.refresh_from_db()
    assert referral.status == CapaStatus.TAKEN
    assert AuditEvent.objects.filter(
        model="complaints.capareferral", object_id=str(referral.pk), action="update"
    ).exists()
    with pytest.raises(ValidationError, match="already taken"):
        actions.do_raise_from_referral(referral, acting_user=world.qm, channel=CLI)
    assert "Long queues" not in client.get(reverse("capa:referrals")).content.decode()


def test_cross_site_referral_is_for_quality_managers(world, client_for):
    referral = _referral(world, ("a", "b"))
    assert (
        client_for(world.alpha_manager)
        .post(reverse("capa:referral_raise", args=[referral.pk]))
        .status_code
        == 404
    )
    nc = actions.do_raise_from_referral(referral, acting_user=world.qm, channel=CLI)
    assert nc.site is None and nc.origin == Origin.COMPLAINT_CLUSTER


def test_referral_api(world, client_for):
    from sqms.core import actions as core_actions

    referral = _referral(world)
    _t, token = core_actions.do_create_api_token(
        world.alpha_manager, "t", acting_user=world.alpha_manager, channel=CLI
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    from django.test import Client

    c = Client()
    listed = c.get("/api/v1/capa/referrals", **headers).json()
    assert [r["id"] for r in listed["items"]] == [referral.pk]
    made = c.post(
        f"/api/v1/capa/referrals/{referral.pk}/raise", "{}", "application/json", **headers
    )
    assert made.status_code == 201 and made.json()["origin"] == "complaint"
    again = c.post(
        f"/api/v1/capa/referrals/{referral.pk}/raise", "{}", "application/json", **headers
    )
    assert again.status_code == 422 and "already taken" in str(again.json())


def test_raise_from_finding_by_api(world):
    from django.test import Client

    from sqms.core import actions as core_actions

    checklist = make_checklist("AUDIT2", kind="audit")
    insp = make_inspection(world.site_a, checklist, {}, submitted_at=T0)
    finding = Finding.objects.create(
        inspection=insp, kind="minor", clause="9.1.2", description="满意度未分析"
    )
    c = Client()
    for user, expected in (
        (world.bravo_manager, 404),
        (world.alpha_inspector, 403),
        (world.alpha_manager, 201),
    ):
        _t, token = core_actions.do_create_api_token(user, "t", acting_user=user, channel=CLI)
        r = c.post(
            f"/api/v1/capa/findings/{finding.pk}/raise",
            "{}",
            "application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert r.status_code == expected, (user, r.content)
    assert r.json()["origin"] == "audit_finding" and r.json()["severity"] == "minor"
