"""Pages, API and the command: scoping (bravo's manager gets a 404 on alpha's chart; region
values only for one's own region), the chart JSON carrying the page's numbers, freezing and
acknowledging through the API, the entry grid, and ``sqms compute-kpis``."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from sqms.capa.models import Nonconformity
from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.kpis import actions
from sqms.kpis.models import Alert, KpiValue
from sqms.kpis.tests.conftest import make_kpi, month
from sqms.test import make_user

CLI = Channel.CLI


@pytest.fixture
def wait(world: Any) -> Any:
    kpi = make_kpi("WAIT", nature="measurement", direction="lower", unit="min")
    x = [10.0, 12.0, 11.0, 13.0, 12.0, 30.0]
    rows = []
    for i, v in enumerate(x):
        rows.append(actions.EnteredValue(world.site_a, month(i + 1), v))
        rows.append(actions.EnteredValue(world.site_b, month(i + 1), v + 1))
    actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    return kpi


def api(user: Any) -> dict[str, str]:
    _t, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_chart_page_scoped_to_the_users_units(world: Any, wait: Any, client_for: Any) -> None:
    url = reverse("kpis:chart", args=[wait.pk])
    bravo = client_for(world.bravo_manager)
    assert bravo.get(url, {"unit": f"site:{world.site_a.pk}"}).status_code == 404
    assert bravo.get(url, {"unit": f"region:{world.region_a.pk}"}).status_code == 404
    assert bravo.get(url, {"unit": "org"}).status_code == 404
    page = bravo.get(url)  # defaults to the first unit in scope
    assert page.status_code == 200
    assert f'value="region:{world.region_b.pk}"' in page.content.decode()
    assert f'value="site:{world.site_a.pk}"' not in page.content.decode()
    qm = client_for(world.qm)
    assert qm.get(url, {"unit": f"site:{world.site_a.pk}"}).status_code == 200
    export = qm.get(url, {"unit": f"site:{world.site_a.pk}", "export": "csv"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("period,value") and lines[1].startswith("2025-01,10.0")


def test_region_values_only_for_own_region(world: Any, wait: Any, client_for: Any) -> None:
    headers = api(world.bravo_manager)
    c = client_for(world.bravo_manager)
    body = c.get("/api/v1/kpis/values?limit=500", **headers).json()
    units = {(v["level"], v["site"], v["region"]) for v in body["items"]}
    assert ("region", None, world.region_b.code) in units
    assert ("site", "BRAVO", None) in units
    assert all(v["region"] != world.region_a.code for v in body["items"])
    assert all(v["level"] != "organization" for v in body["items"])
    # a region manager of region A sees region A, not region B
    user = make_user("rm_a", "region_manager", regions=[world.region_a])
    body = client_for(user).get("/api/v1/kpis/values?limit=500", **api(user)).json()
    regions = {v["region"] for v in body["items"] if v["level"] == "region"}
    assert regions == {world.region_a.code}


def test_api_chart_freeze_alerts_ack(world: Any, wait: Any, client_for: Any) -> None:
    qm = client_for(world.qm)
    h = api(world.qm)
    r = qm.post(
        f"/api/v1/kpis/{wait.pk}/limits",
        data=json.dumps(
            {
                "level": "site",
                "site": world.site_a.pk,
                "baseline_from": "2025-01-01",
                "baseline_to": "2025-05-01",
                "rules": [1],
            }
        ),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    assert r.json()["chart"] == "imr"
    chart = qm.get(f"/api/v1/kpis/{wait.pk}/chart?level=site&site={world.site_a.pk}", **h).json()
    assert [p["rules"] for p in chart["points"]] == [[], [], [], [], [], [1]]
    page = qm.get(reverse("kpis:chart", args=[wait.pk]), {"unit": f"site:{world.site_a.pk}"})
    for key in ("value", "center", "lcl", "ucl", "phase", "rules"):
        assert [r[key] for r in page.context["rows"]] == [p[key] for p in chart["points"]]
    alerts = qm.get("/api/v1/kpis/alerts", **h).json()["items"]
    assert [(a["site"], a["rule"]) for a in alerts] == [("ALPHA", 1)]
    bravo = client_for(world.bravo_manager)
    hb = api(world.bravo_manager)
    assert bravo.get("/api/v1/kpis/alerts", **hb).json()["items"] == []
    ack = f"/api/v1/kpis/alerts/{alerts[0]['id']}/ack"
    assert bravo.post(ack, data="{}", content_type="application/json", **hb).status_code == 404
    done = qm.post(ack, data=json.dumps({"note": "ok"}), content_type="application/json", **h)
    assert done.json()["status"] == "acknowledged"
    assert (
        bravo.get(
            f"/api/v1/kpis/{wait.pk}/chart?level=site&site={world.site_a.pk}", **hb
        ).status_code
        == 404
    )


def test_api_definitions_and_post_values(world: Any, client_for: Any) -> None:
    qm = client_for(world.qm)
    h = api(world.qm)
    r = qm.post(
        "/api/v1/kpis/",
        data=json.dumps({"code": "STAFF", "name": "Staff on duty", "nature": "count"}),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["chart_kind"] == "c"
    kpi_id = r.json()["id"]
    bad = qm.post(
        "/api/v1/kpis/",
        data=json.dumps({"code": "X", "name": "x", "source": "complaints.count", "nature": "rate"}),
        content_type="application/json",
        **h,
    )
    assert bad.status_code == 422 and "nature" in bad.content.decode()
    mgr = client_for(world.alpha_manager)
    hm = api(world.alpha_manager)
    posted = mgr.post(
        f"/api/v1/kpis/{kpi_id}/values",
        data=json.dumps({"values": [{"site": "ALPHA", "period": "2025-01-01", "value": 4}]}),
        content_type="application/json",
        **hm,
    )
    assert posted.json() == {"saved": 1}
    assert KpiValue.objects.get(kpi_id=kpi_id, site=world.site_a).origin == "api"
    other = mgr.post(
        f"/api/v1/kpis/{kpi_id}/values",
        data=json.dumps({"values": [{"site": "BRAVO", "period": "2025-01-01", "value": 4}]}),
        content_type="application/json",
        **hm,
    )
    assert other.status_code == 422
    assert (
        mgr.patch(
            f"/api/v1/kpis/{kpi_id}", data='{"name": "y"}', content_type="application/json", **hm
        ).status_code
        == 404
    )


def test_grid_page_saves_values(world: Any, client_for: Any) -> None:
    kpi = make_kpi("WAIT", nature="measurement")
    c = client_for(world.alpha_manager)
    url = reverse("kpis:grid", args=[kpi.pk])
    page = c.get(url, {"period": "2025-02-01"})
    assert page.status_code == 200 and "BRAVO" not in page.content.decode()
    r = c.post(url, {"period": "2025-02-01", f"value-{world.site_a.pk}": "5.5"})
    assert r.status_code == 302
    assert KpiValue.objects.get(kpi=kpi, site=world.site_a, period=month(2)).value == 5.5
    bad = c.post(url, {"period": "2025-02-01", f"value-{world.site_a.pk}": "x"})
    assert bad.status_code == 400


def test_pages_render(world: Any, wait: Any, client_for: Any) -> None:
    actions.do_freeze_limits(
        wait,
        actions.Unit("site", site_id=world.site_a.pk),
        month(1),
        month(5),
        [1],
        acting_user=None,
        channel=CLI,
    )
    alert = Alert.objects.get()
    c = client_for(world.alpha_manager)
    for url in (
        reverse("kpis:list"),
        reverse("kpis:detail", args=[wait.pk]),
        reverse("kpis:values"),
        reverse("kpis:alerts") + f"?site={world.site_a.pk}&status=open",
        reverse("kpis:alert", args=[alert.pk]),
        reverse("kpis:events"),
    ):
        assert c.get(url).status_code == 200, url
    r = c.post(reverse("kpis:alert_ack", args=[alert.pk]), {"note": "checked"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    r = c.post(reverse("kpis:alert_nc", args=[alert.pk]))
    alert.refresh_from_db()
    nc = Nonconformity.objects.get(origin="kpi_alarm")
    assert nc.reference == alert.nonconformity_ref
    assert (alert.status, r.status_code, r["Location"]) == (
        "nonconformity",
        302,
        nc.get_absolute_url(),
    )


def test_compute_command(world: Any) -> None:
    make_kpi("CC", "complaints.count", nature="count")
    out = io.StringIO()
    call_command(
        "compute_kpis", "--periods-back", "1", "--now", "2026-04-20T10:00+08:00", stdout=out
    )
    text = out.getvalue()
    assert "CC: 2 period(s) 2026-03…2026-04" in text
    assert "1 KPI(s)" in text
