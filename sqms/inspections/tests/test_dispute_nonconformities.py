"""An upheld dispute overturns the nonconformities raised from the items it names: those still
in draft or analysis are cancelled through the CAPA workflow (audited, the reason naming the
dispute), those further along are flagged and keep their work; the score is re-scored. Pages
and API show it, without the shopper."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sqms.capa import actions as capa
from sqms.capa.choices import Stage
from sqms.capa.models import Nonconformity
from sqms.core import actions as core_actions
from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import AuditEvent
from sqms.inspections import actions
from sqms.inspections.choices import InspectionKind
from sqms.inspections.models import Answer, Dispute, Inspection
from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.results_data import A2_FAIL, ALL_PASS, at, inspect
from sqms.test import PASSWORD, World, make_user

pytestmark = pytest.mark.django_db
WEB = Channel.WEB
SHOPPER_NAME = "Lina Undercover"
#: A2 (weight 2) and B2 (measured 7 against 4 ± 1, weight 1) are critical and fail: 3/6 = 50 %
A2_B2_FAIL = {**ALL_PASS, "A2": ("fail", None), "B2": ("", 7)}


def _mystery(world: World, answers: dict[str, tuple[str, object]]) -> Inspection:
    shopper = make_user("shopper_lina", Role.INSPECTOR, sites=[world.site_a])
    shopper.first_name, shopper.last_name = "Lina", "Undercover"
    shopper.save()
    checklist = make_checklist("MYST-NC", kind=InspectionKind.MYSTERY)
    return inspect(world.site_a, checklist, answers, at(2026, 4), inspector=shopper)


def _nc(inspection: Inspection, code: str) -> Nonconformity:
    return Nonconformity.objects.get(
        inspection_answer__inspection=inspection, inspection_answer__item__code=code
    )


def _dispute(world: World, inspection: Inspection, code: str | None) -> Dispute:
    answer = Answer.objects.get(inspection=inspection, item__code=code) if code else None
    return actions.do_raise_dispute(
        inspection,
        {"answer": answer, "reason": "The extinguisher was there; photo attached."},
        acting_user=world.alpha_manager,
        channel=WEB,
    )


def _to_action_plan(world: World, nc: Nonconformity) -> Nonconformity:
    nc = capa.do_transition(nc, "analyse", expected_version=None, acting_user=world.qm, channel=WEB)
    capa.do_add_why_step(
        nc, {"answer": "No weekly check", "is_root": True}, acting_user=world.qm, channel=WEB
    )
    return capa.do_transition(nc, "plan", expected_version=None, acting_user=world.qm, channel=WEB)


def test_upheld_correction_rescores_and_cancels_the_draft_nc(world: World) -> None:
    inspection = _mystery(world, A2_FAIL)
    assert (inspection.score, inspection.critical_failed, inspection.passed) == (
        Decimal("66.67"),
        True,
        False,
    )
    nc = _nc(inspection, "A2")
    assert nc.stage == Stage.DRAFT
    dispute = _dispute(world, inspection, "A2")
    actions.do_decide_dispute(
        dispute,
        True,
        "The photo shows the extinguisher.",
        correction={"result": "pass"},
        acting_user=world.qm,
        channel=WEB,
    )
    inspection.refresh_from_db()
    assert (inspection.score, inspection.critical_failed, inspection.passed) == (
        Decimal("100.00"),
        False,
        True,
    )
    nc.refresh_from_db()
    assert nc.stage == Stage.CANCELLED and nc.closed_at is not None
    dispute.refresh_from_db()
    assert dispute.decided_at is not None
    day = timezone.localtime(dispute.decided_at).strftime("%Y-%m-%d")
    item = Answer.objects.get(pk=dispute.answer_id).item
    assert nc.cancel_reason == (
        f"Cancelled: dispute #{dispute.pk} of inspection {inspection.reference} on {item} was "
        f"upheld on {day}. Decision: The photo shows the extinguisher."
    )
    assert nc.source_overturned == ""
    event = AuditEvent.objects.filter(
        model="capa.nonconformity", object_id=str(nc.pk), action=AuditAction.UPDATE
    ).get()
    assert event.actor == world.qm and event.channel == WEB
    assert event.changes["stage"] == ["Draft", "Cancelled"]


def test_whole_result_cancels_early_ncs_and_flags_the_one_in_work(world: World) -> None:
    inspection = _mystery(world, A2_B2_FAIL)
    assert inspection.score == Decimal("50.00")
    a2, b2 = _nc(inspection, "A2"), _nc(inspection, "B2")
    a2 = capa.do_transition(a2, "analyse", expected_version=None, acting_user=world.qm, channel=WEB)
    b2 = _to_action_plan(world, b2)
    b2_version = b2.version
    dispute = _dispute(world, inspection, None)
    actions.do_decide_dispute(
        dispute, True, "Visit was on a public holiday.", acting_user=world.qm, channel=WEB
    )
    a2.refresh_from_db()
    b2.refresh_from_db()
    assert a2.stage == Stage.CANCELLED
    assert "the whole result" in a2.cancel_reason and f"#{dispute.pk}" in a2.cancel_reason
    # work had begun on B2: it stays in its stage, flagged, with the decision
    assert b2.stage == Stage.ACTION_PLAN and b2.cancel_reason == ""
    assert b2.version == b2_version + 1
    assert b2.source_overturned.startswith(
        f"Dispute #{dispute.pk} of inspection {inspection.reference} on the whole result was "
        "upheld on "
    )
    assert "(decision: Visit was on a public holiday.)" in b2.source_overturned
    assert "decide whether it still stands" in b2.source_overturned
    flag = AuditEvent.objects.filter(model="capa.nonconformity", object_id=str(b2.pk)).first()
    assert flag is not None and set(flag.changes) == {"source_overturned"}
    # a whole-result dispute corrects nothing: the score stands
    inspection.refresh_from_db()
    assert inspection.score == Decimal("50.00") and inspection.passed is False


def test_correction_that_still_fails_keeps_the_nc(world: World) -> None:
    inspection = _mystery(world, A2_B2_FAIL)
    dispute = _dispute(world, inspection, "B2")
    actions.do_decide_dispute(
        dispute,
        True,
        "The thermometer read 6, not 7.",
        correction={"value": "6"},
        acting_user=world.qm,
        channel=WEB,
    )
    b2 = _nc(inspection, "B2")
    assert (b2.stage, b2.cancel_reason, b2.source_overturned) == (Stage.DRAFT, "", "")
    assert Answer.objects.get(inspection=inspection, item__code="B2").value == Decimal("6.000")
    assert _nc(inspection, "A2").stage == Stage.DRAFT  # not disputed


def test_rejected_and_closed_ncs_are_left_alone(world: World) -> None:
    inspection = _mystery(world, A2_B2_FAIL)
    a2 = capa.do_transition(
        _nc(inspection, "A2"),
        "cancel",
        expected_version=None,
        reason="Duplicate of NC-000001",
        acting_user=world.qm,
        channel=WEB,
    )
    rejected = _dispute(world, inspection, "B2")
    actions.do_decide_dispute(
        rejected, False, "The photo is clear.", acting_user=world.qm, channel=WEB
    )
    assert _nc(inspection, "B2").stage == Stage.DRAFT
    before = AuditEvent.objects.filter(model="capa.nonconformity").count()
    upheld = _dispute(world, inspection, None)
    actions.do_decide_dispute(
        upheld, True, "Wrong store visited.", acting_user=world.qm, channel=WEB
    )
    a2.refresh_from_db()
    assert (a2.stage, a2.cancel_reason, a2.source_overturned) == (
        Stage.CANCELLED,
        "Duplicate of NC-000001",
        "",
    )
    assert _nc(inspection, "B2").stage == Stage.CANCELLED
    # one event: B2's cancellation; the cancelled A2 is not touched
    assert AuditEvent.objects.filter(model="capa.nonconformity").count() == before + 1


def _client(user: object) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return c


def test_pages_and_api_show_the_outcome_without_the_shopper(world: World) -> None:
    inspection = _mystery(world, A2_B2_FAIL)
    b2 = _to_action_plan(world, _nc(inspection, "B2"))
    dispute = _dispute(world, inspection, None)
    qm = _client(world.qm)
    response = qm.post(
        reverse("inspections:dispute_decide", args=[dispute.pk]),
        {"decision": "upheld", "decision_note": "Wrong store visited."},
    )
    assert response.status_code == 302
    a2, b2 = _nc(inspection, "A2"), _nc(inspection, "B2")
    manager = _client(world.alpha_manager)
    page = manager.get(reverse("inspections:dispute_detail", args=[dispute.pk])).content.decode()
    assert f"{a2.reference}</a> · Cancelled" in page
    assert f"{b2.reference}</a> · Action plan · " in page
    assert page.count("Source result overturned") == 1
    nc_page = manager.get(reverse("capa:detail", args=[b2.pk])).content.decode()
    assert 'id="source-overturned"' in nc_page and "Wrong store visited." in nc_page
    card = nc_page[nc_page.index('id="source-overturned"') :]
    card = card[: card.index("</div>")]
    assert "Wrong store visited." in card
    assert SHOPPER_NAME not in page and SHOPPER_NAME not in card
    assert SHOPPER_NAME not in (a2.cancel_reason + b2.source_overturned)
    _token, raw = core_actions.do_create_api_token(
        world.alpha_manager, "t", acting_user=world.alpha_manager, channel=Channel.CLI
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = Client().get(f"/api/v1/capa/{b2.pk}", **auth).json()
    assert body["stage"] == "action_plan" and "Wrong store visited." in body["source_overturned"]
    body = Client().get(f"/api/v1/capa/{a2.pk}", **auth).json()
    assert body["stage"] == "cancelled" and body["cancel_reason"].startswith("Cancelled: dispute")
    # the outsider sees neither the dispute nor the NC
    outsider = _client(world.bravo_manager)
    assert outsider.get(reverse("inspections:dispute_detail", args=[dispute.pk])).status_code == 404
    assert outsider.get(reverse("capa:detail", args=[b2.pk])).status_code == 404
