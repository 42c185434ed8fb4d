"""The objectives, chart-events, alert → NC and import endpoints: values written and read
back, scoping (bravo's manager sees none of alpha's), refusals named by field."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from sqms.capa.models import Nonconformity
from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.kpis import actions
from sqms.kpis.models import Alert, ChartEvent, KpiValue, Objective, ObjectiveReview
from sqms.kpis.tests.conftest import make_kpi, month

CLI = Channel.CLI
pytestmark = pytest.mark.django_db


def api(user: Any) -> dict[str, str]:
    _t, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}


def send(c: Any, h: dict[str, str], method: str, url: str, body: Any = None) -> Any:
    return getattr(c, method)(
        url, data=json.dumps(body or {}), content_type="application/json", **h
    )


@pytest.fixture
def fcr(world: Any) -> Any:
    kpi = make_kpi("FCR", nature="measurement", direction="higher")
    rows = [actions.EnteredValue(world.site_a, month(i + 1), v) for i, v in enumerate([7, 8, 9])]
    actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    return kpi


def test_objective_crud_status_and_review(world: Any, fcr: Any, client: Any) -> None:
    h = api(world.qm)
    body = {
        "title": "First-contact resolution 10",
        "kpi_id": fcr.pk,
        "level": "site",
        "site_id": world.site_a.pk,
        "target": 10.0,
        "deadline": "2025-06-30",
    }
    created = send(client, h, "post", "/api/v1/kpis/objectives/", body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["latest"], out["target"], out["level"]) == (9.0, 10.0, "site")
    assert out["status"] in ("on_track", "at_risk", "off_track", "achieved", "missed")
    oid = out["id"]
    bad = send(client, h, "post", "/api/v1/kpis/objectives/", {**body, "site_id": None})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "site"]
    unknown = send(client, h, "post", "/api/v1/kpis/objectives/", {**body, "kpi_id": 999999})
    assert unknown.json()["detail"][0]["loc"] == ["body", "kpi_id"]
    patched = send(client, h, "patch", f"/api/v1/kpis/objectives/{oid}", {"target": 8.5})
    assert patched.json()["target"] == 8.5 and patched.json()["status"] == "achieved"
    assert (
        send(client, h, "patch", f"/api/v1/kpis/objectives/{oid}", {"title": None}).status_code
        == 422
    )
    review = send(client, h, "post", f"/api/v1/kpis/objectives/{oid}/reviews", {"note": "ok"})
    assert review.status_code == 201
    assert (review.json()["status"], review.json()["value"], review.json()["note"]) == (
        "achieved",
        9.0,
        "ok",
    )
    listed = client.get(f"/api/v1/kpis/objectives/{oid}/reviews", **h).json()
    assert [r["id"] for r in listed["items"]] == [ObjectiveReview.objects.get().pk]
    # bravo's manager sees none of alpha's objectives
    hb = api(world.bravo_manager)
    assert client.get("/api/v1/kpis/objectives/", **hb).json()["items"] == []
    assert client.get(f"/api/v1/kpis/objectives/{oid}", **hb).status_code == 404
    assert (
        client.get("/api/v1/kpis/objectives/", {"site_id": world.site_a.pk}, **h).json()["count"]
        == 1
    )
    assert client.delete(f"/api/v1/kpis/objectives/{oid}", **h).status_code == 204
    assert not Objective.objects.exists()


def test_chart_events(world: Any, fcr: Any, client: Any) -> None:
    h = api(world.qm)
    made = send(
        client,
        h,
        "post",
        "/api/v1/kpis/events/",
        {
            "date": "2025-02-10",
            "text": "培训 Training held",
            "kpi_id": fcr.pk,
            "site_id": world.site_a.pk,
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["text"] == "培训 Training held" and made.json()["kpi_id"] == fcr.pk
    everywhere = send(
        client, h, "post", "/api/v1/kpis/events/", {"date": "2025-03-01", "text": "New SOP"}
    )
    assert everywhere.json()["site_id"] is None
    blank = send(client, h, "post", "/api/v1/kpis/events/", {"date": "2025-03-01", "text": " "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "text"]
    got = client.get("/api/v1/kpis/events/", {"from": "2025-02-15"}, **h).json()["items"]
    assert [e["text"] for e in got] == ["New SOP"]
    # a site manager of another site sees the chain-wide event, not alpha's
    hb = api(world.bravo_manager)
    seen = client.get("/api/v1/kpis/events/", **hb).json()["items"]
    assert [e["text"] for e in seen] == ["New SOP"]
    assert (
        send(
            client, hb, "post", "/api/v1/kpis/events/", {"date": "2025-03-01", "text": "x"}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/kpis/events/{made.json()['id']}", **h).status_code == 204
    assert list(ChartEvent.objects.values_list("text", flat=True)) == ["New SOP"]


def test_alert_to_nonconformity_once(world: Any, client: Any) -> None:
    kpi = make_kpi("WAIT", nature="measurement", direction="lower", unit="min")
    rows = [
        actions.EnteredValue(world.site_a, month(i + 1), v)
        for i, v in enumerate([10.0, 12.0, 11.0, 13.0, 12.0, 30.0])
    ]
    actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    h = api(world.qm)
    frozen = send(
        client,
        h,
        "post",
        f"/api/v1/kpis/{kpi.pk}/limits",
        {
            "level": "site",
            "site": world.site_a.pk,
            "baseline_from": "2025-01-01",
            "baseline_to": "2025-05-01",
            "rules": [1],
        },
    )
    assert frozen.status_code == 201, frozen.content
    alert = Alert.objects.get()
    hb = api(world.bravo_manager)
    url = f"/api/v1/kpis/alerts/{alert.pk}/nonconformity"
    assert send(client, hb, "post", url).status_code == 404
    raised = send(client, h, "post", url)
    assert raised.status_code == 201, raised.content
    nc = Nonconformity.objects.get()
    assert raised.json() == {
        "alert_id": alert.pk,
        "nonconformity_id": nc.pk,
        "reference": nc.reference,
    }
    assert nc.site == world.site_a
    again = send(client, h, "post", url)
    assert again.status_code == 422 and Nonconformity.objects.count() == 1


def test_import_by_api_all_or_nothing(world: Any, fcr: Any, client: Any) -> None:
    h = api(world.qm)
    good = "kpi,site,period,value\nFCR,ALPHA,2025-04,9.5\nFCR,BRAVO,2025-04,8\n".encode("gb18030")
    body = {"name": "values.csv", "content_base64": base64.b64encode(good).decode()}
    r = send(client, h, "post", "/api/v1/kpis/import", body)
    assert r.status_code == 201, r.content
    assert r.json() == {"rows": 2, "kpis": 1}
    assert KpiValue.objects.get(kpi=fcr, site=world.site_b, period=month(4)).value == 8
    bad = b"kpi,site,period,value\nFCR,ALPHA,2025-05,9\nFCR,ALPHA,2025-06,lots\n"
    body = {"name": "values.csv", "content_base64": base64.b64encode(bad).decode()}
    r = send(client, h, "post", "/api/v1/kpis/import", body)
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"loc": ["body", "file"], "msg": "line 3, column value: not a number: 'lots'"}
    ]
    assert not KpiValue.objects.filter(kpi=fcr, period=month(5)).exists()
    junk = send(
        client, h, "post", "/api/v1/kpis/import", {"name": "v.csv", "content_base64": "!!!!"}
    )
    assert junk.status_code == 422 and junk.json()["detail"][0]["loc"] == ["body", "content_base64"]


def test_patch_clears_target_and_keeps_the_meaning_of_stored_values(
    world: Any, fcr: Any, client: Any
) -> None:
    h = api(world.qm)
    send(client, h, "patch", f"/api/v1/kpis/{fcr.pk}", {"target": 9.0, "tolerance": 0.5})
    cleared = send(
        client, h, "patch", f"/api/v1/kpis/{fcr.pk}", {"target": None, "tolerance": None}
    )
    assert cleared.status_code == 200 and (
        cleared.json()["target"],
        cleared.json()["tolerance"],
    ) == (None, None)
    # FCR has stored values: what they measure cannot change under them
    changed = send(client, h, "patch", f"/api/v1/kpis/{fcr.pk}", {"period": "week", "name": "x"})
    assert changed.status_code == 422
    assert changed.json()["detail"] == [
        {
            "loc": ["body", "period"],
            "msg": "FCR has stored values or frozen limits: its period cannot change. Define a new KPI instead.",
        }
    ]
    fcr.refresh_from_db()
    assert (fcr.period, fcr.name) == ("month", "KPI FCR")
    fresh = make_kpi("NEW", nature="measurement")
    assert (
        send(client, h, "patch", f"/api/v1/kpis/{fresh.pk}", {"period": "week"}).json()["period"]
        == "week"
    )
