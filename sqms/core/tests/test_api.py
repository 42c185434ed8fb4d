"""The JSON API: tokens, errors, scoping, audit trail and query budgets."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sqms.core import actions
from sqms.core.choices import Channel
from sqms.core.models import ApiToken, AuditEvent, Site
from sqms.test import World

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, raw = actions.do_create_api_token(user, "test", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_tokens_are_stored_hashed_and_revocable(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.alpha_manager)
    page = c.post("/org/account/tokens/", {"name": "POS bridge"})
    raw = page.context["raw"]
    token = ApiToken.objects.get(name="POS bridge")
    assert raw.startswith("sqms_") and token.digest != raw and raw not in token.digest
    api = Client()
    ok = api.get("/api/v1/sites", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200 and ok.json()["count"] == 1
    c.post(f"/org/account/tokens/{token.pk}/revoke/")
    refused = api.get("/api/v1/sites", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401 and refused.json() == {
        "detail": "This API token was revoked."
    }
    unknown = api.get("/api/v1/sites", HTTP_AUTHORIZATION="Bearer sqms_made_up")
    assert unknown.status_code == 401 and unknown.json() == {"detail": "Unknown API token."}
    assert api.get("/api/v1/sites").status_code == 401


def test_lists_are_scoped_filtered_and_paginated(world: World) -> None:
    c = Client()
    mine = c.get("/api/v1/sites", **bearer(world.alpha_manager)).json()
    assert [s["code"] for s in mine["items"]] == ["ALPHA"]
    everyone = c.get("/api/v1/sites", {"limit": 1, "offset": 1}, **bearer(world.qm)).json()
    assert everyone["count"] == 2 and [s["code"] for s in everyone["items"]] == ["BRAVO"]
    region = c.get(
        "/api/v1/sites", {"region_id": world.region_a.pk, "q": "alp"}, **bearer(world.qm)
    ).json()
    assert [s["code"] for s in region["items"]] == ["ALPHA"]
    assert (
        c.get(f"/api/v1/sites/{world.site_b.pk}", **bearer(world.alpha_manager)).status_code == 404
    )
    service = c.get(f"/api/v1/services/{world.service.pk}", **bearer(world.alpha_manager)).json()
    assert service["site_ids"] == [world.site_a.pk]


def test_create_update_and_audit_through_the_api(world: World) -> None:
    c = Client()
    headers = bearer(world.qm)
    created = c.post(
        "/api/v1/sites",
        data=json.dumps(
            {"region_id": world.region_a.pk, "code": "API1", "name": "From API", "city": "成都"}
        ),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201 and created.json()["region_code"] == "RA"
    site = Site.objects.get(code="API1")
    patched = c.patch(
        f"/api/v1/sites/{site.pk}",
        data=json.dumps({"name": "Renamed"}),
        content_type="application/json",
        **headers,
    )
    assert patched.json()["name"] == "Renamed"
    events = list(
        AuditEvent.objects.filter(object_id=str(site.pk), model="core.site").order_by("id")
    )
    assert [(e.action, e.channel) for e in events] == [("create", "api"), ("update", "api")]
    assert events[1].changes == {"name": ["From API", "Renamed"]}


def test_wrong_types_answer_422_and_duplicates_409_naming_the_field(world: World) -> None:
    c = Client()
    headers = bearer(world.qm)
    wrong = c.post(
        "/api/v1/sites",
        data=json.dumps({"region_id": "north", "code": "X", "name": "Y"}),
        content_type="application/json",
        **headers,
    )
    assert wrong.status_code == 422
    assert any(err["loc"][-1] == "region_id" for err in wrong.json()["detail"])
    duplicate = c.post(
        "/api/v1/sites",
        data=json.dumps({"region_id": world.region_a.pk, "code": "ALPHA", "name": "Again"}),
        content_type="application/json",
        **headers,
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"][0]["loc"] == ["body", "code"]
    assert Site.objects.filter(code="ALPHA").count() == 1
    # a duplicate together with another broken rule is still the request's fault: 422
    both = c.post(
        "/api/v1/sites",
        data=json.dumps(
            {"region_id": world.region_a.pk, "code": "ALPHA", "name": "A", "time_zone": "Mars/Base"}
        ),
        content_type="application/json",
        **headers,
    )
    assert both.status_code == 422
    assert {e["loc"][-1] for e in both.json()["detail"]} == {"code", "time_zone"}


def test_writes_need_the_role(world: World) -> None:
    c = Client()
    response = c.post(
        "/api/v1/regions",
        data=json.dumps({"code": "NEW", "name": "New"}),
        content_type="application/json",
        **bearer(world.alpha_manager),
    )
    assert response.status_code == 403


def test_api_list_query_count_is_pinned(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(15):
        actions.do_create_site(
            {"region": world.region_a, "code": f"Q{i}", "name": f"Q{i}"},
            acting_user=None,
            channel=Channel.CLI,
        )
    headers = bearer(world.qm)
    c = Client()
    with django_assert_max_num_queries(6):
        assert c.get("/api/v1/sites", **headers).json()["count"] == 17
    with django_assert_max_num_queries(6):
        assert c.get("/api/v1/services", **headers).status_code == 200


def test_patch_with_null_fields_is_refused_by_name(world: World) -> None:
    """Found by the API fuzzer: PATCH {"address": null} reached the database (500)."""
    c = Client()
    headers = bearer(world.qm)
    r = c.patch(
        f"/api/v1/sites/{world.site_a.pk}",
        data=json.dumps({"city": None, "address": None, "name": "Kept"}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 422
    assert [e["loc"][-1] for e in r.json()["detail"]] == ["address", "city"]
    world.site_a.refresh_from_db()
    assert world.site_a.name != "Kept"
    r = c.patch(
        f"/api/v1/services/{world.service.pk}",
        data=json.dumps({"site_ids": None}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "site_ids"]
