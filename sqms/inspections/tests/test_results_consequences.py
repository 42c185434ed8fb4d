"""Rewards and penalties: validation naming the field, record and delete (scope), the list
with totals per site and kind, its downloads, the panel and the API."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sqms.core import actions as core_actions
from sqms.core.choices import AuditAction, Channel
from sqms.core.models import AuditEvent
from sqms.inspections import actions
from sqms.inspections.choices import InspectionStatus
from sqms.inspections.models import Consequence, Inspection
from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.results_data import A1_FAIL, ALL_PASS, at, inspect
from sqms.inspections.views.consequences import consequence_panel_context, totals_of
from sqms.test import PASSWORD, World

pytestmark = pytest.mark.django_db
WEB = Channel.WEB


@pytest.fixture
def two(world: World) -> tuple[Inspection, Inspection]:
    store = make_checklist()
    return (
        inspect(world.site_a, store, A1_FAIL, at(2026, 3)),
        inspect(world.site_b, store, ALL_PASS, at(2026, 3)),
    )


def record(user: object, inspection: Inspection, **data: object) -> Consequence:
    return actions.do_record_consequence(
        inspection,
        {"kind": "penalty", "rule": "Handbook 4.2 floor", **data},
        acting_user=user,  # type: ignore[arg-type]
        channel=WEB,
    )


def test_validation_names_the_field(world: World, two: tuple) -> None:
    alpha, _bravo = two
    for data, field in (
        ({"amount": "-50"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"points": "1.5"}, "points"),
        ({"rule": " "}, "rule"),
        ({"kind": "bonus"}, "kind"),
    ):
        with pytest.raises(ValidationError) as err:
            record(world.alpha_manager, alpha, **data)
        assert field in err.value.message_dict, data
    with pytest.raises(ValidationError) as err:
        record(world.alpha_manager, alpha, amount="-1")
    assert "negative" in err.value.message_dict["amount"][0]
    assert Consequence.objects.count() == 0
    draft = Inspection.objects.create(
        site=world.site_a,
        checklist=alpha.checklist,
        kind="supervisor",
        status=InspectionStatus.PLANNED,
    )
    with pytest.raises(ValidationError, match="submitted"):
        record(world.alpha_manager, draft)


def test_record_delete_and_scope(world: World, two: tuple) -> None:
    alpha, bravo = two
    c = record(world.alpha_manager, alpha, amount="200", points=-5, recipient="Store team")
    assert (c.amount, c.points, c.recorded_by) == (Decimal("200.00"), -5, world.alpha_manager)
    assert AuditEvent.objects.filter(
        model="inspections.consequence", action=AuditAction.CREATE
    ).exists()
    with pytest.raises(PermissionDenied):
        record(world.bravo_manager, alpha)
    with pytest.raises(PermissionDenied):
        record(world.alpha_inspector, alpha)
    with pytest.raises(PermissionDenied):
        actions.do_delete_consequence(c, acting_user=world.bravo_manager, channel=WEB)
    reward = record(world.qm, bravo, kind="reward", amount="500", points=10)
    actions.do_delete_consequence(c, acting_user=world.alpha_manager, channel=WEB)
    assert not Consequence.objects.filter(pk=c.pk).exists()
    assert (
        AuditEvent.objects.filter(
            model="inspections.consequence", action=AuditAction.DELETE
        ).count()
        == 1
    )
    actions.do_delete_consequence(reward, acting_user=world.qm, channel=WEB)
    assert Consequence.objects.count() == 0


def test_totals_per_site_and_kind(world: World, two: tuple) -> None:
    alpha, bravo = two
    record(world.qm, alpha, amount="100", points=-2)
    record(world.qm, alpha, amount="50.50")
    record(world.qm, alpha, kind="reward", points=3)
    record(world.qm, bravo, kind="reward", amount="300")
    totals = [
        (t.site, t.kind, t.count, t.amount, t.points) for t in totals_of(Consequence.objects.all())
    ]
    assert totals == [
        ("ALPHA", "penalty", 2, Decimal("150.50"), -2),
        ("ALPHA", "reward", 1, Decimal("0"), 3),
        ("BRAVO", "reward", 1, Decimal("300.00"), 0),
    ]
    mine = totals_of(Consequence.objects.restrict(world.bravo_manager))
    assert [t.site for t in mine] == ["BRAVO"]


def _client(user: object) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return c


def _text(response: object) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def test_pages(world: World, two: tuple) -> None:
    alpha, bravo = two
    manager = _client(world.alpha_manager)
    add = reverse("inspections:consequence_add", args=[alpha.pk])
    assert manager.get(add).status_code == 200
    bad = manager.post(add, {"kind": "penalty", "rule": "4.2", "amount": "-10"})
    assert bad.status_code == 200 and "cannot be negative" in _text(bad)
    ok = manager.post(add, {"kind": "penalty", "rule": "4.2 floor", "amount": "80", "points": "-1"})
    assert ok.status_code == 302
    c = Consequence.objects.get()
    record(world.qm, bravo, kind="reward", rule="BRAVO-SECRET rule", amount="10")
    listing = _text(manager.get(reverse("inspections:consequence_list")))
    assert "4.2 floor" in listing and "BRAVO-SECRET" not in listing
    assert "Totals per site and kind" in listing
    csv = _text(manager.get(reverse("inspections:consequence_list"), {"totals": "csv"}))
    assert "ALPHA" in csv and "80.0" in csv and "BRAVO" not in csv
    xlsx = manager.get(reverse("inspections:consequence_list"), {"export": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 2
    filtered = _text(
        _client(world.qm).get(reverse("inspections:consequence_list"), {"kind": "reward"})
    )
    assert "BRAVO-SECRET rule" in filtered and "4.2 floor" not in filtered
    panel = consequence_panel_context(alpha, world.alpha_manager)
    assert panel["can_record_consequence"] and panel["consequences"][0]["delete_url"]
    assert not consequence_panel_context(alpha, world.alpha_inspector)["can_record_consequence"]
    delete = reverse("inspections:consequence_delete", args=[c.pk])
    assert _client(world.bravo_manager).post(delete).status_code == 404
    assert "cannot be undone" in _text(manager.get(delete))
    assert manager.post(delete).status_code == 302
    assert not Consequence.objects.filter(pk=c.pk).exists()
    empty = _text(_client(world.alpha_manager).get(reverse("inspections:consequence_list")))
    assert "No rewards or penalties recorded yet." in empty


def _api(user: object) -> dict[str, str]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api(world: World, two: tuple) -> None:
    alpha, _bravo = two
    c, h = Client(), _api(world.alpha_manager)
    url = "/api/v1/inspections/consequences/"
    bad = c.post(
        url,
        {"inspection_id": alpha.pk, "kind": "penalty", "rule": "4.2", "amount": "-5"},
        content_type="application/json",
        **h,
    )
    assert bad.status_code in (400, 422) and "amount" in bad.content.decode()
    made = c.post(
        url,
        {"inspection_id": alpha.pk, "kind": "penalty", "rule": "4.2", "amount": "5", "points": -1},
        content_type="application/json",
        **h,
    )
    assert made.status_code == 201, made.content
    cid = made.json()["id"]
    assert made.json()["amount"] == "5.00"
    assert c.get(url, **h).json()["items"][0]["id"] == cid
    assert c.get(f"{url}{cid}", **_api(world.bravo_manager)).status_code == 404
    patched = c.patch(
        f"{url}{cid}", {"amount": "7.5", "note": "rechecked"}, content_type="application/json", **h
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["amount"], patched.json()["rule"], patched.json()["note"]) == (
        "7.50",
        "4.2",
        "rechecked",
    )
    negative = c.patch(f"{url}{cid}", {"amount": -1}, content_type="application/json", **h)
    assert negative.status_code in (400, 422) and "amount" in negative.content.decode()
    outsider = c.patch(
        f"{url}{cid}", {"note": "x"}, content_type="application/json", **_api(world.bravo_manager)
    )
    assert outsider.status_code == 404
    assert c.delete(f"{url}{cid}", **_api(world.bravo_manager)).status_code == 404
    assert c.delete(f"{url}{cid}", **h).status_code == 204
    assert not Consequence.objects.exists()
