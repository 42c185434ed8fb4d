"""The PDCA API: create, patch with the version (stale → 409), tasks, transitions with
their guards (422 naming what is missing), the Check result, the Act decision, scope (404)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.improvement.models import PdcaProject
from sqms.improvement.tests.pdca_data import PLAN, error_kpi

pytestmark = pytest.mark.django_db
BASE = "/api/v1/improvement/pdca/"


def api(user: Any) -> tuple[Client, dict[str, str]]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return Client(HTTP_ACCEPT_LANGUAGE="en"), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(c: Client, h: dict[str, str], method: str, url: str, data: Any) -> Any:
    return getattr(c, method)(url, json.dumps(data), content_type="application/json", **h)


def test_api_cycle(world: Any) -> None:
    kpi = error_kpi(world)
    c, h = api(world.alpha_manager)
    r = send(
        c,
        h,
        "post",
        BASE,
        {"code": "API-1", "level": "site", "site_id": world.site_a.pk, "title": "Errors"},
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = send(c, h, "post", f"{BASE}{pid}/transition", {"transition": "do", "version": 1})
    assert r.status_code == 422
    assert "problem statement" in r.json()["detail"][0]["msg"]
    body = {
        **PLAN,
        "kpi_id": kpi.pk,
        "baseline_from": "2025-01-01",
        "baseline_to": "2025-02-01",
        "after_from": "2025-04-01",
        "after_to": "2025-05-01",
        "version": 1,
    }
    r = send(c, h, "patch", f"{BASE}{pid}", body)
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 2
    assert send(c, h, "patch", f"{BASE}{pid}", {"title": "x", "version": 1}).status_code == 409
    r = send(c, h, "post", f"{BASE}{pid}/transition", {"transition": "do", "version": 2})
    assert r.status_code == 200 and r.json()["stage"] == "do"
    r = send(c, h, "post", f"{BASE}{pid}/tasks", {"title": "Cards", "due_date": "2025-03-01"})
    assert r.status_code == 201
    tid = r.json()["id"]
    r = send(c, h, "post", f"{BASE}{pid}/transition", {"transition": "check", "version": 3})
    assert r.status_code == 422 and "still open" in r.json()["detail"][0]["msg"]
    r = send(
        c,
        h,
        "patch",
        f"{BASE}tasks/{tid}",
        {"title": "Cards", "due_date": "2025-03-01", "status": "done", "done_on": "2025-03-02"},
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = send(c, h, "post", f"{BASE}{pid}/transition", {"transition": "check", "version": 3})
    assert r.status_code == 200
    r = send(c, h, "post", f"{BASE}{pid}/check", {})
    assert r.status_code == 200
    result = r.json()["check_result"]
    assert result["verdict"] == "effective"
    assert result["test"]["statistic"] == pytest.approx(-2.8005601680560)
    assert c.get(f"{BASE}{pid}/tasks", **h).json()[0]["done_on"] == "2025-03-02"
    assert c.get(f"{BASE}?stage=check", **h).json()["count"] == 1
    # the outsider sees nothing of it
    co, ho = api(world.bravo_manager)
    assert co.get(f"{BASE}{pid}", **ho).status_code == 404
    assert co.get(BASE, **ho).json()["count"] == 0
    assert (
        send(
            co, ho, "patch", f"{BASE}tasks/{tid}", {"title": "x", "due_date": "2025-03-01"}
        ).status_code
        == 404
    )
    p = PdcaProject.objects.get(pk=pid)
    assert p.stage == "check" and p.tasks.get().title == "Cards"
