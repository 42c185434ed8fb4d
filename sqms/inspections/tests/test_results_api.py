"""The report API returns the pages' numbers, with the same filters and scope."""

from __future__ import annotations

import pytest
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.results_data import A1_FAIL, A2_FAIL, ALL_PASS, at, inspect
from sqms.test import World

pytestmark = pytest.mark.django_db
BASE = "/api/v1/inspections/reports/"


def _api(user: object) -> dict[str, str]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def data(world: World) -> None:
    store = make_checklist()
    own = make_checklist("SELF", kind="self")
    inspect(world.site_a, store, ALL_PASS, at(2026, 1))
    inspect(world.site_a, store, A1_FAIL, at(2026, 1, 20))
    inspect(world.site_a, store, A2_FAIL, at(2026, 2))
    inspect(world.site_a, own, ALL_PASS, at(2026, 2, 3))
    inspect(world.site_b, store, ALL_PASS, at(2026, 2))


def test_overview_and_filters(world: World, data: None) -> None:
    c, h = Client(), _api(world.qm)
    body = c.get(BASE + "overview", {"kind": "supervisor"}, **h).json()
    total = body["total"]
    assert total["inspections"] == 4 and total["passed"] == 3 and total["critical_failures"] == 1
    assert total["score"]["mean"] == pytest.approx((100 + 83.33 + 66.67 + 100) / 4)
    assert total["pass_rate"] == pytest.approx(0.75)
    assert total["pass_rate_low"] < 0.75 < total["pass_rate_high"]
    feb = c.get(BASE + "overview", {"from": "2026-02", "to": "2026-02"}, **h).json()
    assert feb["total"]["inspections"] == 3
    assert c.get(BASE + "overview", {"from": "2026-13"}, **h).status_code == 422
    bravo = c.get(BASE + "overview", {"site": world.site_a.pk}, **_api(world.bravo_manager)).json()
    assert bravo["total"]["inspections"] == 0


def test_trend_league_pareto_self(world: World, data: None) -> None:
    c, h = Client(), _api(world.qm)
    trend = c.get(BASE + "trend", {"kind": "supervisor"}, **h).json()
    alpha = next(s for s in trend if s["site_code"] == "ALPHA")
    assert [m["month"] for m in alpha["months"]] == ["2026-01", "2026-02"]
    assert alpha["months"][0]["score"]["n"] == 2
    league = c.get(
        BASE + "league", {"kind": "supervisor", "from": "2026-02", "to": "2026-02"}, **h
    ).json()
    assert [(r["site_code"], r["rank"], r["movement"]) for r in league["rows"]] == [
        ("BRAVO", 1, None),
        ("ALPHA", 2, -1),  # January: alone, rank 1
    ]
    pareto = c.get(BASE + "pareto", **h).json()
    assert [(p["item_code"], p["failures"]) for p in pareto] == [("A1", 1), ("A2", 1)]
    assert pareto[-1]["cumulative_share"] == pytest.approx(1.0)
    selfcheck = c.get(BASE + "self-vs-supervisor", **h).json()
    alpha_self = next(s for s in selfcheck if s["site_code"] == "ALPHA")
    assert alpha_self["self_inspections"] == 1 and alpha_self["visits"] == 3
    assert alpha_self["rates_itself_higher"] is False
    outsider = c.get(BASE + "pareto", **_api(world.bravo_manager)).json()
    assert outsider == []
