"""The executive dashboard: values against target with the control status, open alerts,
objectives, the league table, scoping (a site manager never sees another site's data), the
home page redirect for managers, the API, and a query count that does not grow with the
number of KPIs and sites."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sqms.core import actions as core_actions
from sqms.core.choices import Channel, Role
from sqms.kpis import actions
from sqms.kpis.dashboard import last_complete_month, sparkline
from sqms.kpis.tests.conftest import make_kpi, month
from sqms.test import make_user

CLI = Channel.CLI


@pytest.fixture
def wait(world: Any) -> Any:
    kpi = make_kpi("WAIT", nature="measurement", direction="lower", unit="min", target=12.0)
    x = [10.0, 12.0, 11.0, 13.0, 12.0, 30.0]
    rows = []
    for i, v in enumerate(x):
        rows.append(actions.EnteredValue(world.site_a, month(i + 1), v))
        rows.append(actions.EnteredValue(world.site_b, month(i + 1), v + 1))
    actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    actions.do_freeze_limits(
        kpi,
        actions.Unit("site", site_id=world.site_a.pk),
        month(1),
        month(5),
        [1],
        acting_user=None,
        channel=CLI,
    )
    return kpi


def test_pure_helpers() -> None:
    import datetime as dt

    assert last_complete_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)
    assert sparkline([1.0]) == ""
    assert sparkline([0.0, 1.0], width=10, height=10) == "0.0,8.0 10.0,2.0"


def test_page_values_signal_and_scope(world: Any, wait: Any, client_for: Any) -> None:
    c = client_for(world.alpha_manager)
    url = reverse("kpis:dashboard")
    site_a = f"site:{world.site_a.pk}"
    page = c.get(url, {"period": "2025-06", "unit": site_a})
    body = page.content.decode()
    assert page.status_code == 200
    assert "30.0000 min" in body and "not met" in body and "Signal (rules 1)" in body
    assert "▲ 18.0000" in body  # 12 → 30
    assert "1 open KPI alert" in body and "Acknowledge or raise a nonconformity" in body
    assert "BRAVO" not in body and "Bravo store" not in body  # another site's data never shows
    assert c.get(url, {"unit": f"site:{world.site_b.pk}"}).status_code == 404
    assert c.get(url, {"unit": "org"}).status_code == 404
    # an earlier month: 13 > 12 + no tolerance, not judged against limits (baseline month)
    body = c.get(url, {"period": "2025-04", "unit": site_a}).content.decode()
    assert "13.0000 min" in body and "Signal" not in body and "In control" in body


def test_page_empty_states(world: Any, client_for: Any) -> None:
    body = client_for(world.qm).get(reverse("kpis:dashboard")).content.decode()
    assert "No active KPIs yet." in body and "No open KPI alerts." in body
    assert "No quality objectives in your scope." in body


def test_league_table_and_objectives(world: Any, wait: Any, client_for: Any) -> None:
    actions.do_create_objective(
        {
            "title": "Short waits",
            "kpi": wait,
            "level": "site",
            "site": world.site_a,
            "target": 12.0,
            "deadline": month(12),
        },
        acting_user=world.qm,
        channel=CLI,
    )
    qm = client_for(world.qm)
    body = qm.get(reverse("kpis:dashboard"), {"period": "2025-06"}).content.decode()
    # lower is better: ALPHA 30 ranks 1st, BRAVO 31 2nd
    assert body.index("ALPHA") < body.index("BRAVO")
    assert "Short waits" in body
    bravo = client_for(world.bravo_manager).get(reverse("kpis:dashboard"), {"period": "2025-06"})
    text = bravo.content.decode()
    assert "Short waits" not in text and "Alpha store" not in text and "31.0000 min" in text


def test_home_redirects_managers(world: Any, client_for: Any) -> None:
    region = make_user("reg", Role.REGION_MANAGER, regions=[world.region_a])
    for user in (world.qm, region):
        r = client_for(user).get(reverse("home"))
        assert (r.status_code, r["Location"]) == (302, reverse("kpis:dashboard"))
    assert client_for(world.alpha_manager).get(reverse("home")).status_code == 200


def test_api_same_data(world: Any, wait: Any, client_for: Any) -> None:
    _t, raw = core_actions.do_create_api_token(
        world.alpha_manager, "t", acting_user=world.alpha_manager, channel=CLI
    )
    hdr = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = client_for(world.alpha_manager).get("/api/v1/kpis/dashboard?period=2025-06", **hdr)
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["unit"] == f"region:{world.region_a.pk}" and data["month"] == "2025-06-01"
    (tile,) = data["kpis"]
    assert (tile["value"], tile["previous"], tile["meets_target"], tile["control"]) == (
        30.0,
        12.0,
        False,
        "no_limits",
    )
    assert tile["spark"] == [10.0, 12.0, 11.0, 13.0, 12.0, 30.0]
    assert data["open_alerts"] == 1 and data["alerts"][0]["rule"] == 1
    assert [row["unit_key"] for row in data["league"]] == [f"site:{world.site_a.pk}"]
    other = f"/api/v1/kpis/dashboard?unit=site:{world.site_b.pk}"
    assert client_for(world.alpha_manager).get(other, **hdr).status_code == 404


def _count(c: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(reverse("kpis:dashboard"), {"period": "2025-06"}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow(world: Any, wait: Any, client_for: Any) -> None:
    qm = client_for(world.qm)
    small = _count(qm)
    region = world.region_a
    for i in range(5):
        site = core_actions.do_create_site(
            {"region": region, "code": f"S{i}", "name": f"Site {i}", "city": "x"},
            acting_user=None,
            channel=CLI,
        )
        for j in range(3):
            kpi = make_kpi(f"K{i}{j}", nature="measurement")
            rows = [actions.EnteredValue(site, month(m), float(m + j)) for m in range(1, 7)]
            rows += [actions.EnteredValue(world.site_a, month(m), 1.0 * m) for m in range(1, 7)]
            actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    assert _count(qm) <= small
