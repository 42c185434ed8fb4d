"""The capacity API (profiles and rosters CRUD, derive, the plan as JSON — the same numbers as
the page) and the ``sqms capacity-plan`` command."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.improvement.capacity import build_plan
from sqms.improvement.models import ArrivalProfile, StaffRoster

BASE = "/api/v1/improvement/capacity/"


def api(user: Any) -> tuple[Client, dict[str, str]]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return Client(HTTP_ACCEPT_LANGUAGE="en"), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def put(c: Client, h: dict[str, str], url: str, data: dict[str, Any]) -> Any:
    return c.put(url, json.dumps(data), content_type="application/json", **h)


def _week() -> list[float]:
    w = [0.0] * 168
    w[9], w[10] = 30.0, 60.0
    return w


def test_profile_roster_and_plan_round_trip(world: Any) -> None:
    c, h = api(world.alpha_manager)
    site = world.site_a.pk
    assert c.get(f"{BASE}plans/{site}", **h).status_code == 404  # no profile yet
    got = put(c, h, f"{BASE}profiles/{site}", {"arrivals": _week(), "handling_time": 240,
                                                "target_level": 80, "target_seconds": 60})  # fmt: skip
    assert got.status_code == 200, got.content
    body = got.json()
    assert (
        body["site_code"] == "ALPHA" and body["arrivals"][10] == 60 and body["source"] == "entered"
    )
    # a partial PUT keeps the arrivals
    got = put(c, h, f"{BASE}profiles/{site}", {"shrinkage": 20})
    assert got.json()["shrinkage"] == 20 and got.json()["arrivals"][9] == 30
    staff = [0] * 168
    staff[9], staff[10] = 1, 9
    assert put(c, h, f"{BASE}rosters/{site}", {"staff": staff}).status_code == 200
    plan = c.get(f"{BASE}plans/{site}", **h).json()
    expected = build_plan(ArrivalProfile.objects.get(site=world.site_a),
                          StaffRoster.objects.get(site=world.site_a))  # fmt: skip
    assert len(plan["rows"]) == 168
    for i in (9, 10):
        row, want = plan["rows"][i], expected.rows[i]
        assert (row["needed"], row["to_roster"], row["gap"]) == (
            want.needed,
            want.to_roster,
            want.gap,
        )
        assert row["asa"] == pytest.approx(want.asa) and row["service_level"] == pytest.approx(
            want.service_level
        )
    assert plan["rows"][9]["roster_service_level"] is None  # 1 agent, 2 Erlangs: overloaded
    assert plan["hours_under"] == 1 and plan["hours_over"] == 1
    assert [p["site_code"] for p in c.get(f"{BASE}profiles/", **h).json()] == ["ALPHA"]


def test_bad_payloads_are_refused(world: Any) -> None:
    c, h = api(world.alpha_manager)
    site = world.site_a.pk
    assert put(c, h, f"{BASE}profiles/{site}", {"arrivals": [1.0] * 167}).status_code == 422
    assert put(c, h, f"{BASE}profiles/{site}", {"arrivals": [-1.0] * 168}).status_code == 422
    assert put(c, h, f"{BASE}rosters/{site}", {"staff": [1.5] * 168}).status_code == 422
    assert not ArrivalProfile.objects.exists() and not StaffRoster.objects.exists()


def test_scoping_and_delete(world: Any) -> None:
    owner, oh = api(world.alpha_manager)
    site = world.site_a.pk
    put(owner, oh, f"{BASE}profiles/{site}", {"arrivals": _week()})
    put(owner, oh, f"{BASE}rosters/{site}", {"staff": [1] * 168})
    c, h = api(world.bravo_manager)
    for url in (f"profiles/{site}", f"rosters/{site}", f"plans/{site}"):
        assert c.get(BASE + url, **h).status_code == 404, url
        assert c.delete(BASE + url, **h).status_code in (404, 405), url
    assert put(c, h, f"{BASE}profiles/{site}", {"shrinkage": 10}).status_code == 404
    assert c.get(f"{BASE}profiles/", **h).json() == []
    assert ArrivalProfile.objects.get().shrinkage == 0
    assert owner.delete(f"{BASE}rosters/{site}", **oh).status_code == 204
    assert owner.delete(f"{BASE}profiles/{site}", **oh).status_code == 204
    assert not ArrivalProfile.objects.exists() and not StaffRoster.objects.exists()
    assert AuditEvent.objects.filter(model__icontains="staffroster", action="delete").exists()


def test_cli_prints_and_writes_the_plan(world: Any, tmp_path: Path) -> None:
    c, h = api(world.alpha_manager)
    put(c, h, f"{BASE}profiles/{world.site_a.pk}", {"arrivals": _week(), "handling_time": 240,
                                                     "target_level": 80, "target_seconds": 60})  # fmt: skip
    out = StringIO()
    target = tmp_path / "plan.csv"
    call_command("capacity_plan", "--site", "alpha", "--csv", str(target), stdout=out)
    text = out.getvalue()
    lines = text.splitlines()
    assert "Agents needed" in lines[0] and len(lines) == 1 + 2 + 1  # header, 2 busy hours, summary
    assert "Mon" in lines[2] and "60" in lines[2]
    assert "ALPHA: target 80 % within 60 s" in lines[-1]
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert len(rows) == 169 and rows[11][:2] == ["Mon", "10"]
    with pytest.raises(CommandError, match="no arrival profile"):
        call_command("capacity_plan", "--site", "BRAVO", stdout=StringIO())
