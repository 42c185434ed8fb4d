"""The complaints API: scoping, masking, idempotent create, 409 on a stale version,
transitions, assignment and entries."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sqms.complaints.models import Complaint
from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.test import World

BASE = "/api/v1/complaints/"


def api(user: Any) -> tuple[Client, dict[str, str]]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return Client(HTTP_ACCEPT_LANGUAGE="en"), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(c: Client, h: dict[str, str], url: str, data: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(data), content_type="application/json", **h)


def new(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "site_id": world.site_a.pk,
        "channel": "phone",
        "description": "Waited 40 minutes",
        "customer_name": "Zhang Wei",
        "customer_contact": "13800138000",
        **extra,
    }


@pytest.mark.django_db
def test_create_is_idempotent_by_external_id_and_list_masks(world: World) -> None:
    c, h = api(world.alpha_agent)
    r = post(c, h, BASE, new(world, external_id="CRM-1"))
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["source"] == "api" and first["site_code"] == "ALPHA" and first["version"] == 1
    again = post(c, h, BASE, new(world, external_id="CRM-1", description="other"))
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert Complaint.objects.count() == 1
    listed = c.get(BASE, **h).json()
    assert listed["count"] == 1
    assert listed["items"][0]["customer_contact"] == "138*****000"
    assert listed["items"][0]["customer_name"] == "Zha***Wei"
    assert c.get(f"{BASE}{first['id']}", **h).json()["customer_contact"] == "13800138000"
    qc, qh = api(world.qm)
    assert qc.get(BASE, **qh).json()["items"][0]["customer_contact"] == "13800138000"
    # the outsider neither sees it nor learns about it through the external id
    oc, oh = api(world.bravo_manager)
    assert oc.get(BASE, **oh).json()["count"] == 0
    assert oc.get(f"{BASE}{first['id']}", **oh).status_code == 404
    r = post(oc, oh, BASE, new(world, site_id=world.site_b.pk, external_id="CRM-1"))
    assert r.status_code == 409 and "ALPHA" not in r.content.decode()
    assert post(oc, oh, BASE, new(world)).status_code == 422  # site A is unknown to B
    assert c.get(BASE, {"status": "new", "site_id": world.site_a.pk}, **h).json()["count"] == 1
    assert c.get(BASE, {"status": "closed"}, **h).json()["count"] == 0


@pytest.mark.django_db
def test_patch_needs_the_current_version(world: World) -> None:
    c, h = api(world.alpha_manager)
    created = post(c, h, BASE, new(world)).json()
    url = f"{BASE}{created['id']}"
    r = c.patch(
        url, json.dumps({"version": 1, "severity": "high"}), content_type="application/json", **h
    )
    assert r.status_code == 200 and r.json()["severity"] == "high" and r.json()["version"] == 2
    stale = c.patch(
        url, json.dumps({"version": 1, "summary": "x"}), content_type="application/json", **h
    )
    assert stale.status_code == 409
    assert "your version 1, now 2" in stale.json()["detail"]
    missing = c.patch(url, json.dumps({"summary": "x"}), content_type="application/json", **h)
    assert missing.status_code == 422


@pytest.mark.django_db
def test_transition_assign_and_entries(world: World) -> None:
    c, h = api(world.alpha_manager)
    cid = post(c, h, BASE, new(world)).json()["id"]
    r = post(
        c,
        h,
        f"{BASE}{cid}/transition",
        {"transition": "acknowledge", "version": 1, "body": "On it", "public": True},
    )
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    assert (
        post(c, h, f"{BASE}{cid}/transition", {"transition": "close", "version": 2}).status_code
        == 422
    )
    assert (
        post(
            c, h, f"{BASE}{cid}/transition", {"transition": "investigate", "version": 1}
        ).status_code
        == 409
    )
    r = post(c, h, f"{BASE}{cid}/assign", {"assigned_to_id": world.alpha_agent.pk, "version": 2})
    assert r.status_code == 200 and r.json()["assigned_to_id"] == world.alpha_agent.pk
    r = post(c, h, f"{BASE}{cid}/assign", {"assigned_to_id": world.bravo_manager.pk, "version": 3})
    assert r.status_code == 422
    r = post(c, h, f"{BASE}{cid}/entries", {"body": "Called the customer", "public": False})
    assert r.status_code == 201 and r.json()["kind"] == "note"
    kinds = [e["kind"] for e in c.get(f"{BASE}{cid}/entries", **h).json()["items"]]
    assert kinds == ["status", "assignment", "note"]
    r = post(
        c,
        h,
        f"{BASE}{cid}/transition",
        {"transition": "resolve", "version": 3, "resolution": "Apologised", "root_cause": "people"},
    )
    assert (
        r.status_code == 200
        and r.json()["status"] == "resolved"
        and r.json()["root_cause"] == "people"
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_with_one_external_id_store_one(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    users = [world.alpha_agent, world.alpha_manager, world.qm, world.alpha_manager]
    clients = [api(u) for u in users]
    statuses: list[int] = []
    barrier = threading.Barrier(len(clients))

    def create(c: Client, h: dict[str, str]) -> None:
        try:
            barrier.wait()
            statuses.append(post(c, h, BASE, new(world, external_id="RACE-1")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Complaint.objects.filter(external_id="RACE-1").count() == 1
    assert sorted(statuses) == [200, 200, 200, 201]
