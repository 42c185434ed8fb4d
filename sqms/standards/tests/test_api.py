"""The standards API: create a standard, write its draft, submit, approve (not by the author),
acknowledge, links, trainings and their effect; errors name the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sqms.complaints.models import Category
from sqms.core.actions import do_create_api_token
from sqms.core.choices import Channel
from sqms.inspections.tests.factories import make_checklist
from sqms.standards.models import Acknowledgement, StandardVersion

BASE = "/api/v1/standards"


class Api:
    def __init__(self, user: Any) -> None:
        _t, raw = do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, **self.auth)

    def send(self, method: str, path: str, data: Any = None) -> Any:
        return getattr(self.client, method)(
            BASE + path, data=data or {}, content_type="application/json", **self.auth
        )


@pytest.fixture
def qm_api(world):
    return Api(world.qm)


def test_standard_lifecycle(world, qm2, qm_api):
    made = qm_api.send(
        "post", "/", {"code": "GREET", "title": "迎宾", "service": world.service.code}
    )
    assert made.status_code == 201, made.content
    sid = made.json()["id"]
    (v,) = qm_api.get(f"/{sid}/versions").json()
    assert (v["number"], v["status"]) == (1, "draft")
    patched = qm_api.send(
        "patch",
        f"/versions/{v['id']}",
        {
            "body": "Greet",
            "promise": "5 minutes",
            "compensation": "A coupon",
            "steps": [{"text": "Greet", "time_limit_minutes": 1, "role": "agent"}],
        },
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["steps"] == [{"text": "Greet", "time_limit_minutes": 1, "role": "agent"}]
    assert qm_api.send("post", f"/versions/{v['id']}/submit").json()["status"] == "in_approval"
    today = timezone.localdate().isoformat()
    self_ok = qm_api.send("post", f"/versions/{v['id']}/approve", {"effective_from": today})
    assert self_ok.status_code == 403 and "self-approval" in self_ok.json()["detail"]
    approved = Api(qm2).send("post", f"/versions/{v['id']}/approve", {"effective_from": today})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    read_only = qm_api.send("patch", f"/versions/{v['id']}", {"body": "x"})
    assert read_only.status_code == 422
    assert qm_api.get(f"/{sid}").json()["current_version"] == 1

    agent = Api(world.alpha_agent)
    first = agent.send("post", f"/versions/{v['id']}/acknowledge")
    second = agent.send("post", f"/versions/{v['id']}/acknowledge")
    assert (first.json()["new"], second.json()["new"]) == (True, False)
    assert Acknowledgement.objects.count() == 1
    refused = Api(world.alpha_manager).send("post", f"/versions/{v['id']}/acknowledge")
    assert refused.status_code == 403
    rows = Api(world.bravo_manager).get(f"/versions/{v['id']}/acknowledgements").json()
    assert [r["site"] for r in rows] == ["BRAVO"]
    rows = qm_api.get(f"/versions/{v['id']}/acknowledgements").json()
    assert [(r["site"], r["acknowledged"], r["total"]) for r in rows] == [
        ("ALPHA", 1, 1),
        ("BRAVO", 0, 0),
    ]
    new = qm_api.send("post", f"/{sid}/versions")
    assert new.status_code == 201 and new.json()["number"] == 2
    assert new.json()["steps"][0]["text"] == "Greet"


def test_links_and_errors(world, qm_api):
    make_checklist()
    sid = qm_api.send("post", "/", {"code": "S1", "title": "T", "service": "SALES"}).json()["id"]
    bad = qm_api.send("post", f"/{sid}/links", {"checklist": "STORE", "item_code": "Z9"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "item_code"]
    ok = qm_api.send("post", f"/{sid}/links", {"checklist": "STORE", "item_code": "A1"})
    assert ok.status_code == 201 and ok.json()["kind"] == "checklist_item"
    again = qm_api.send("post", f"/{sid}/links", {"checklist": "STORE", "item_code": "A1"})
    assert again.status_code == 409
    code = Category.objects.order_by("pk")[0].code
    assert qm_api.send("post", f"/{sid}/links", {"category": code}).status_code == 201
    links = qm_api.get(f"/{sid}/links").json()
    assert len(links) == 2
    item_link = next(lk for lk in links if lk["kind"] == "checklist_item")
    assert qm_api.send("delete", f"/{sid}/links/{item_link['id']}").status_code == 204
    assert (
        Api(world.alpha_manager).send("post", f"/{sid}/links", {"category": code}).status_code
        == 404
    )
    unknown = qm_api.send("post", "/", {"code": "S2", "title": "T", "service": "NOPE"})
    assert unknown.status_code == 422 and "service" in str(unknown.json())
    kept = qm_api.get(f"/{sid}/kept", date_from="2026-01-01", date_to="2026-01-31").json()
    assert kept["complaint_categories"][0]["complaints"] == 0


def test_trainings_crud_and_effect(world, qm_api):
    sid = qm_api.send("post", "/", {"code": "S1", "title": "T", "service": "SALES"}).json()["id"]
    manager = Api(world.alpha_manager)
    made = manager.send(
        "post",
        "/trainings",
        {
            "standard": "S1",
            "course": "Greeting",
            "held_on": "2026-03-15",
            "trainer": "Ms Li",
            "sites": ["ALPHA"],
            "attendees": ["alpha_agent"],
            "window_days": 30,
        },
    )
    assert made.status_code == 201, made.content
    tid = made.json()["id"]
    assert made.json()["attendees"] == ["alpha_agent"]
    assert Api(world.bravo_manager).get(f"/trainings/{tid}").status_code == 404
    assert [t["id"] for t in manager.get("/trainings", standard=sid).json()["items"]] == [tid]
    patched = manager.send("patch", f"/trainings/{tid}", {"trainer": "Mr Wang"})
    assert patched.json()["trainer"] == "Mr Wang"
    effect = manager.get(f"/trainings/{tid}/effect").json()
    assert effect["metric"] == "pass_rate" and effect["test"] is None
    assert effect["before"]["date_from"] == "2026-02-13"
    outside = manager.send("post", "/trainings", {**made.json(), "sites": ["BRAVO"]})
    assert outside.status_code == 422  # site B is not among the manager's sites
    assert manager.send("delete", f"/trainings/{tid}").status_code == 204
    assert StandardVersion.objects.count() == 1


def test_list_search_and_filter(world, qm_api):
    for code, kind in (("GREET", "standard"), ("QUEUE", "sop")):
        qm_api.send("post", "/", {"code": code, "title": code, "kind": kind, "service": "SALES"})
    agent = Api(world.alpha_agent)
    assert [s["code"] for s in agent.get("/").json()["items"]] == ["GREET", "QUEUE"]
    assert [s["code"] for s in agent.get("/", kind="sop").json()["items"]] == ["QUEUE"]
    assert [s["code"] for s in agent.get("/", q="gre").json()["items"]] == ["GREET"]
    assert (
        agent.send("post", "/", {"code": "X", "title": "X", "service": "SALES"}).status_code == 403
    )
