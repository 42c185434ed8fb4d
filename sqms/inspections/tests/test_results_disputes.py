"""Disputes: raise, one open per answer, decide (upheld re-scores, rejected leaves it), audit,
notification, the shopper's identity hidden from the site, pages and API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sqms.core import actions as core_actions
from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import AuditEvent
from sqms.inspections import actions
from sqms.inspections.choices import DisputeStatus, InspectionKind
from sqms.inspections.models import Answer, Dispute, Inspection
from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.results_data import A1_FAIL, ALL_PASS, at, inspect
from sqms.inspections.views.disputes import dispute_panel_context
from sqms.jobs.models import OutboxMessage
from sqms.test import PASSWORD, World, make_user

pytestmark = pytest.mark.django_db
WEB = Channel.WEB
SHOPPER = "shopper_zhangwei"
SHOPPER_NAME = "Zhangwei Secretshopper"


@pytest.fixture
def mystery(world: World) -> Inspection:
    shopper = make_user(SHOPPER, Role.INSPECTOR, sites=[world.site_a])
    shopper.first_name, shopper.last_name = "Zhangwei", "Secretshopper"
    shopper.email = "shopper@example.com"
    shopper.save()
    world.alpha_manager.email = "alpha.manager@example.com"
    world.alpha_manager.save()
    checklist = make_checklist("MYST", kind=InspectionKind.MYSTERY)
    return inspect(world.site_a, checklist, A1_FAIL, at(2026, 3), inspector=shopper)


def answer(inspection: Inspection, code: str) -> Answer:
    return Answer.objects.get(inspection=inspection, item__code=code)


def raise_on(
    world: World, inspection: Inspection, code: str | None, reason: str = "Wrong"
) -> Dispute:
    return actions.do_raise_dispute(
        inspection,
        {"answer": answer(inspection, code) if code else None, "reason": reason},
        acting_user=world.alpha_manager,
        channel=WEB,
    )


def test_upheld_dispute_rescores_and_audits(world: World, mystery: Inspection) -> None:
    assert mystery.score == Decimal("83.33")
    dispute = raise_on(world, mystery, "A1", "The floor was mopped at 10:00; see CCTV.")
    assert dispute.status == DisputeStatus.OPEN
    decided = actions.do_decide_dispute(
        dispute,
        True,
        "CCTV shows a clean floor.",
        correction={"result": "pass"},
        acting_user=world.qm,
        channel=WEB,
    )
    assert decided.status == DisputeStatus.UPHELD and decided.decided_by == world.qm
    mystery.refresh_from_db()
    assert mystery.score == Decimal("100.00") and mystery.passed is True
    a1 = answer(mystery, "A1")
    assert (a1.result, a1.points, a1.failed) == ("pass", Decimal("1.00"), False)
    events = AuditEvent.objects.filter(action=AuditAction.UPDATE, actor=world.qm)
    assert set(events.values_list("model", flat=True)) >= {
        "inspections.answer",
        "inspections.inspection",
        "inspections.dispute",
    }
    change = events.get(model="inspections.inspection").changes
    assert change["score"] == ["83.33", "100.00"]
    mail = OutboxMessage.objects.get(event_key__endswith=":decided")
    assert mail.recipient == "alpha.manager@example.com"
    assert "upheld" in mail.subject.lower()


def test_scale_item_corrected_value(world: World, mystery: Inspection) -> None:
    dispute = raise_on(world, mystery, "B1")
    with pytest.raises(ValidationError) as err:
        actions.do_decide_dispute(
            dispute, True, "ok", correction={"value": 7}, acting_user=world.qm, channel=WEB
        )
    assert "value" in err.value.message_dict
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN  # nothing half-saved
    actions.do_decide_dispute(
        dispute, True, "ok", correction={"value": "4"}, acting_user=world.qm, channel=WEB
    )
    mystery.refresh_from_db()
    # B1 4/5 × 2 = 1.6: (0 + 2 + 1.6 + 1) / 6 = 76.67
    assert mystery.score == Decimal("76.67") and mystery.passed is False


def test_rejected_dispute_keeps_the_score(world: World, mystery: Inspection) -> None:
    dispute = raise_on(world, mystery, None, "The shopper came at closing time.")
    with pytest.raises(ValidationError) as err:
        actions.do_decide_dispute(dispute, False, "", acting_user=world.qm, channel=WEB)
    assert "decision_note" in err.value.message_dict
    actions.do_decide_dispute(
        dispute, False, "Visit times are fine.", acting_user=world.qm, channel=WEB
    )
    mystery.refresh_from_db()
    assert mystery.score == Decimal("83.33")
    with pytest.raises(ValidationError, match="already decided"):
        actions.do_decide_dispute(dispute, True, "again", acting_user=world.qm, channel=WEB)


def test_second_open_dispute_is_refused(world: World, mystery: Inspection) -> None:
    first = raise_on(world, mystery, "A1")
    with pytest.raises(ValidationError) as err:
        raise_on(world, mystery, "A1")
    assert "already an open dispute" in " ".join(err.value.message_dict["answer"])
    raise_on(world, mystery, None)
    with pytest.raises(ValidationError, match="whole result"):
        raise_on(world, mystery, None)
    actions.do_decide_dispute(first, False, "no", acting_user=world.qm, channel=WEB)
    assert raise_on(world, mystery, "A1").status == DisputeStatus.OPEN  # decided: may raise again
    assert Dispute.objects.filter(inspection=mystery, status=DisputeStatus.OPEN).count() == 2


def test_region_manager_may_raise(world: World, mystery: Inspection) -> None:
    regional = make_user("ra_manager", Role.REGION_MANAGER, regions=[world.region_a])
    dispute = actions.do_raise_dispute(
        mystery, {"reason": "Visit on a holiday"}, acting_user=regional, channel=WEB
    )
    assert dispute.raised_by == regional and dispute.answer is None
    outsider = make_user("rb_manager", Role.REGION_MANAGER, regions=[world.region_b])
    with pytest.raises(PermissionDenied):
        actions.do_raise_dispute(mystery, {"reason": "x"}, acting_user=outsider, channel=WEB)


def test_who_may_raise_and_decide(world: World, mystery: Inspection) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_raise_dispute(
            mystery, {"reason": "x"}, acting_user=world.bravo_manager, channel=WEB
        )
    with pytest.raises(PermissionDenied):
        actions.do_raise_dispute(
            mystery, {"reason": "x"}, acting_user=world.alpha_inspector, channel=WEB
        )
    with pytest.raises(ValidationError) as err:
        actions.do_raise_dispute(
            mystery, {"reason": " "}, acting_user=world.alpha_manager, channel=WEB
        )
    assert "reason" in err.value.message_dict
    dispute = raise_on(world, mystery, "A1")
    with pytest.raises(PermissionDenied):
        actions.do_decide_dispute(
            dispute, True, "mine", acting_user=world.alpha_manager, channel=WEB
        )
    own = make_checklist("SELF", kind=InspectionKind.SELF)
    self_check = inspect(world.site_a, own, ALL_PASS, at(2026, 3))
    with pytest.raises(ValidationError, match="Only mystery-shopper and supervisor"):
        actions.do_raise_dispute(
            self_check, {"reason": "x"}, acting_user=world.alpha_manager, channel=WEB
        )


def _client(user: object) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return c


def _api(user: object) -> dict[str, str]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _text(response: object) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def test_pages_raise_decide_and_hide_the_shopper(world: World, mystery: Inspection) -> None:
    manager = _client(world.alpha_manager)
    raise_url = reverse("inspections:dispute_raise", args=[mystery.pk])
    assert manager.get(raise_url).status_code == 200
    a1 = answer(mystery, "A1")
    response = manager.post(raise_url, {"answer": a1.pk, "reason": "Floor was clean"})
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:dispute_detail", args=[dispute.pk])
    again = manager.post(raise_url, {"answer": a1.pk, "reason": "Again"})
    assert again.status_code == 200 and "already an open dispute" in _text(again)
    # every page and API answer the site manager sees: no shopper
    pages = [
        manager.get(reverse("inspections:dispute_list")),
        manager.get(reverse("inspections:dispute_list"), {"export": "csv"}),
        manager.get(reverse("inspections:dispute_detail", args=[dispute.pk])),
        manager.get(raise_url),
        Client().get("/api/v1/inspections/disputes/", **_api(world.alpha_manager)),
        Client().get(f"/api/v1/inspections/disputes/{dispute.pk}", **_api(world.alpha_manager)),
    ]
    for page in pages:
        assert page.status_code == 200
        body = _text(page)
        assert SHOPPER not in body and "Secretshopper" not in body and "shopper@" not in body
        assert "inspector" not in body.lower() or "inspector_id" not in body
    assert "Floor was clean" in _text(pages[0])
    panel = dispute_panel_context(mystery, world.alpha_manager)
    assert panel["can_raise_dispute"] and not panel["can_decide_disputes"]
    assert [d["obj"].pk for d in panel["disputes"]] == [dispute.pk]
    # the site manager cannot decide; the quality manager can, and corrects the answer
    decide_url = reverse("inspections:dispute_decide", args=[dispute.pk])
    assert manager.post(decide_url, {"decision": "upheld", "decision_note": "x"}).status_code == 403
    qm = _client(world.qm)
    assert "Save decision" in _text(
        qm.get(reverse("inspections:dispute_detail", args=[dispute.pk]))
    )
    response = qm.post(
        decide_url, {"decision": "upheld", "decision_note": "CCTV", "result": "pass", "value": ""}
    )
    assert response.status_code == 302
    mystery.refresh_from_db()
    assert mystery.score == Decimal("100.00")
    # bravo's manager sees nothing of it
    bravo = _client(world.bravo_manager)
    assert bravo.get(reverse("inspections:dispute_detail", args=[dispute.pk])).status_code == 404
    assert "Floor was clean" not in _text(bravo.get(reverse("inspections:dispute_list")))
    assert bravo.get(raise_url).status_code == 404


def test_api_raise_and_decide(world: World, mystery: Inspection) -> None:
    c = Client()
    a1 = answer(mystery, "A1")
    payload = {"inspection_id": mystery.pk, "answer_id": a1.pk, "reason": "Clean floor"}
    created = c.post(
        "/api/v1/inspections/disputes/",
        payload,
        content_type="application/json",
        **_api(world.alpha_manager),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["item_code"] == "A1" and body["status"] == "open"
    assert "inspector" not in " ".join(body)
    twice = c.post(
        "/api/v1/inspections/disputes/",
        payload,
        content_type="application/json",
        **_api(world.alpha_manager),
    )
    assert twice.status_code in (400, 422) and "already an open dispute" in twice.content.decode()
    decide = c.post(
        f"/api/v1/inspections/disputes/{body['id']}/decide",
        {"upheld": True, "note": "CCTV", "result": "pass"},
        content_type="application/json",
        **_api(world.qm),
    )
    assert decide.status_code == 200, decide.content
    assert decide.json()["status"] == "upheld" and decide.json()["score"] == "100.00"
    outsider = c.get(f"/api/v1/inspections/disputes/{body['id']}", **_api(world.bravo_manager))
    assert outsider.status_code == 404
