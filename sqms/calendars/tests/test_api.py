"""The calendars API: create, patch, days, China's holidays; roles and error statuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sqms.calendars.models import BusinessCalendar, CalendarDay
from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    _t, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(c: Client, method: str, url: str, data: Any, headers: dict[str, str]) -> Any:
    return getattr(c, method)(
        url, data=json.dumps(data), content_type="application/json", **headers
    )


def test_calendar_crud_days_and_holidays(world: Any) -> None:
    c, qm = Client(), bearer(world.qm)
    created = send(
        c,
        "post",
        "/api/v1/calendars/",
        {"code": "API", "name": "Api cal", "holiday_source": "cn"},
        qm,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["mon"], body["sat"], body["complete_years"]) == ("09:00-18:00", "", [])
    pk = body["id"]
    bad = send(c, "patch", f"/api/v1/calendars/{pk}", {"tue": "25:00-26:00"}, qm)
    assert bad.status_code == 422
    assert bad.json()["detail"] == [
        {"loc": ["body", "tue"], "msg": "hours: '25:00-26:00' is not HH:MM-HH:MM"}
    ]
    ok = send(c, "patch", f"/api/v1/calendars/{pk}", {"sat": "10:00-14:00"}, qm)
    assert ok.status_code == 200 and ok.json()["sat"] == "10:00-14:00"
    refused = send(c, "post", f"/api/v1/calendars/{pk}/load-cn-holidays", {"years": [2027]}, qm)
    assert refused.status_code == 422
    assert (
        "chinese-calendar 1.11.0 has no holiday data for 2027" in refused.json()["detail"][0]["msg"]
    )
    loaded = send(c, "post", f"/api/v1/calendars/{pk}/load-cn-holidays", {"years": [2026]}, qm)
    assert loaded.json() == {"added": 39, "kept": 0, "years": [2026]}
    assert c.get(f"/api/v1/calendars/{pk}", **qm).json()["complete_years"] == [2026]
    days = c.get(f"/api/v1/calendars/{pk}/days?year=2026&kind=working_day", **qm).json()
    assert days["count"] == 6 and days["items"][0]["date"] == "2026-01-04"
    new = send(
        c,
        "post",
        f"/api/v1/calendars/{pk}/days",
        {"date": "2026-12-24", "kind": "holiday", "name": "Eve"},
        qm,
    )
    assert new.status_code == 201
    dup = send(
        c, "post", f"/api/v1/calendars/{pk}/days", {"date": "2026-12-24", "kind": "holiday"}, qm
    )
    assert dup.status_code == 409
    gone = c.delete(f"/api/v1/calendars/{pk}/days/{new.json()['id']}", **qm)
    assert gone.status_code == 204
    assert not CalendarDay.objects.filter(pk=new.json()["id"]).exists()
    assert c.get(f"/api/v1/calendars/{pk}/days?year=99999", **qm).status_code == 422


def test_other_roles_read_but_never_write(world: Any) -> None:
    cal = BusinessCalendar.objects.create(code="RO", name="read only")
    c, manager = Client(), bearer(world.alpha_manager)
    assert c.get("/api/v1/calendars/", **manager).json()["count"] == 1
    before = AuditEvent.objects.count()
    assert (
        send(c, "post", "/api/v1/calendars/", {"code": "X", "name": "x"}, manager).status_code
        == 403
    )
    assert (
        send(c, "patch", f"/api/v1/calendars/{cal.pk}", {"name": "y"}, manager).status_code == 404
    )
    assert (
        send(
            c, "post", f"/api/v1/calendars/{cal.pk}/load-cn-holidays", {"years": [2026]}, manager
        ).status_code
        == 404
    )
    assert AuditEvent.objects.count() == before


def test_openapi_declares_the_error_statuses() -> None:
    from sqms.api import api

    schema = api.get_openapi_schema()
    load = schema["paths"]["/api/v1/calendars/{calendar_id}/load-cn-holidays"]["post"]
    assert {200, 401, 403, 404, 409, 422, 429, 413, 415} <= set(load["responses"])
