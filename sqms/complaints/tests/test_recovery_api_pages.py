"""Recovery and volume API endpoints and the recovery pages: scoping, the approval rules over
the API, the list's "waiting for my approval" and sum, the complaint panel's context."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from sqms.complaints import actions
from sqms.complaints.choices import RecoveryStatus
from sqms.complaints.models import RecoveryAction, TransactionVolume
from sqms.complaints.tests.recovery_data import complaint_at
from sqms.complaints.views.recovery import recovery_context
from sqms.core import actions as core_actions
from sqms.core.choices import Channel


def _api(user):  # type: ignore[no-untyped-def]
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def two(world):  # type: ignore[no-untyped-def]
    a, b = complaint_at(world.site_a), complaint_at(world.site_b)
    return a, b


def test_api_recovery_rules_and_scope(world, two):  # type: ignore[no-untyped-def]
    a, b = two
    c = Client()
    agent, manager, outsider = (
        _api(world.alpha_agent),
        _api(world.alpha_manager),
        _api(world.bravo_manager),
    )
    post = lambda url, data, h: c.post(url, json.dumps(data), content_type="application/json", **h)  # noqa: E731
    made = post(
        "/api/v1/complaints/recovery/",
        {"complaint_id": a.pk, "kind": "refund", "amount": "650.00", "description": "Refund"},
        agent,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "pending_approval" and body["complaint_reference"] == a.reference
    rid = body["id"]
    # the outsider neither sees nor decides it; the agent may not decide
    assert (
        post(
            "/api/v1/complaints/recovery/", {"complaint_id": a.pk, "kind": "apology"}, outsider
        ).status_code
        == 404
    )
    assert c.get(f"/api/v1/complaints/recovery/{rid}", **outsider).status_code == 404
    assert (
        post(f"/api/v1/complaints/recovery/{rid}/decide", {"approve": True}, outsider).status_code
        == 404
    )
    assert (
        post(f"/api/v1/complaints/recovery/{rid}/decide", {"approve": True}, agent).status_code
        == 403
    )
    ok = post(
        f"/api/v1/complaints/recovery/{rid}/decide", {"approve": True, "note": "fine"}, manager
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    again = post(f"/api/v1/complaints/recovery/{rid}/decide", {"approve": False}, manager)
    assert again.status_code == 422
    done = post(f"/api/v1/complaints/recovery/{rid}/complete", {}, agent)
    assert done.status_code == 200 and done.json()["status"] == "done"
    bad = post(
        "/api/v1/complaints/recovery/",
        {"complaint_id": a.pk, "kind": "apology", "amount": "5"},
        agent,
    )
    assert bad.status_code == 422
    # lists: each sees their own site's
    actions.do_add_recovery(b, {"kind": "apology"}, acting_user=None, channel=Channel.CLI)
    mine = c.get("/api/v1/complaints/recovery/", **manager).json()["items"]
    assert [i["complaint_id"] for i in mine] == [a.pk]
    theirs = c.get("/api/v1/complaints/recovery/?status=approved", **outsider).json()["items"]
    assert [i["complaint_id"] for i in theirs] == [b.pk]


def test_api_volumes(world):  # type: ignore[no-untyped-def]
    c = Client()
    manager, outsider, agent = (
        _api(world.alpha_manager),
        _api(world.bravo_manager),
        _api(world.alpha_agent),
    )

    def post(data, h):  # type: ignore[no-untyped-def]
        return c.post(
            "/api/v1/complaints/volumes/", json.dumps(data), content_type="application/json", **h
        )

    first = post({"site_id": world.site_a.pk, "period": "2026-03", "transactions": 100}, manager)
    assert first.status_code == 200 and first.json()["period"] == "2026-03"
    again = post({"site_id": world.site_a.pk, "period": "2026-03-20", "transactions": 150}, manager)
    assert again.json()["id"] == first.json()["id"] and again.json()["transactions"] == 150
    assert (
        post(
            {"site_id": world.site_a.pk, "period": "March", "transactions": 1}, manager
        ).status_code
        == 422
    )
    assert (
        post(
            {"site_id": world.site_a.pk, "period": "2026-04", "transactions": 1}, outsider
        ).status_code
        == 404
    )
    assert (
        post(
            {"site_id": world.site_a.pk, "period": "2026-04", "transactions": 1}, agent
        ).status_code
        == 403
    )
    post({"site_id": world.site_b.pk, "period": "2026-03", "transactions": 7}, outsider)
    listed = c.get("/api/v1/complaints/volumes/?period_from=2026-01-01", **manager).json()["items"]
    assert [(i["site_code"], i["transactions"]) for i in listed] == [("ALPHA", 150)]
    vid = first.json()["id"]
    assert c.delete(f"/api/v1/complaints/volumes/{vid}", **outsider).status_code == 404
    assert c.delete(f"/api/v1/complaints/volumes/{vid}", **manager).status_code == 204
    assert list(TransactionVolume.objects.values_list("site__code", flat=True)) == ["BRAVO"]


def test_pages_and_panel(world, two):  # type: ignore[no-untyped-def]
    a, _b = two
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.alpha_agent)
    r = c.post(
        f"/complaints/{a.pk}/recovery/add/",
        {"kind": "compensation", "amount": "800", "description": "Voucher"},
    )
    assert r.status_code == 302 and r["Location"].endswith("#recovery")
    c.post(f"/complaints/{a.pk}/recovery/add/", {"kind": "apology", "description": "Sorry"})
    c.post(f"/complaints/{a.pk}/recovery/add/", {"kind": "refund"})  # no amount: refused
    assert RecoveryAction.objects.count() == 2
    pending = RecoveryAction.objects.get(status=RecoveryStatus.PENDING_APPROVAL)
    # the agent's panel: no decide button; the manager's: one
    request = RequestFactory().get("/")
    request.user = world.alpha_agent
    ctx = recovery_context(request, a)  # type: ignore[arg-type]
    assert [row["can_decide"] for row in ctx["recovery_rows"]] == [False, False]
    assert ctx["recovery_total"] == 800 and ctx["recovery_form"] is not None
    request.user = world.alpha_manager
    ctx = recovery_context(request, a)  # type: ignore[arg-type]
    assert [row["can_decide"] for row in ctx["recovery_rows"]] == [True, False]
    assert (
        c.post(f"/complaints/recovery/{pending.pk}/decide/", {"decision": "approve"}).status_code
        == 403
    )
    assert RecoveryAction.objects.get(pk=pending.pk).status == RecoveryStatus.PENDING_APPROVAL
    c.force_login(world.alpha_manager)
    listing = c.get("/complaints/recovery/?waiting=me").content.decode()
    assert "Voucher" in listing and "Sorry" not in listing and "800.00" in listing
    c.post(f"/complaints/recovery/{pending.pk}/decide/", {"decision": "approve", "note": "ok"})
    assert RecoveryAction.objects.get(pk=pending.pk).status == RecoveryStatus.APPROVED
    assert "Voucher" not in c.get("/complaints/recovery/?waiting=me").content.decode()
    c.post(f"/complaints/recovery/{pending.pk}/done/")
    assert RecoveryAction.objects.get(pk=pending.pk).status == RecoveryStatus.DONE
    export = c.get("/complaints/recovery/?export=csv&kind=compensation")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "800.00" in text and "Sorry" not in text
    c.force_login(world.bravo_manager)
    assert "Voucher" not in c.get("/complaints/recovery/").content.decode()
    assert c.post(f"/complaints/recovery/{pending.pk}/done/").status_code == 404
