"""API lists are bounded (limit 1–1,000, offset 0–1,000,000, ids inside 64 bits, 422 naming the
parameter otherwise) and a campaign's responses are read in full by keyset pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import Response


def api(user) -> Client:  # type: ignore[no-untyped-def]
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/regions?limit=1001", "limit"),
        ("/api/v1/regions?limit=0", "limit"),
        ("/api/v1/regions?limit=94755832561333567488", "limit"),
        ("/api/v1/regions?offset=-1", "offset"),
        ("/api/v1/surveys/responses?offset=11632989913768185856", "offset"),
        ("/api/v1/surveys/responses?site_id=9223372036854775808", "site_id"),
        ("/api/v1/sites/9223372036854775808", "site_id"),
        ("/api/v1/surveys/campaigns/1/responses?after=-1", "after"),
        ("/api/v1/surveys/campaigns/1/responses?limit=5000", "limit"),
    ],
)
def test_out_of_range_parameters_are_refused_by_name(world, url, param):  # type: ignore[no-untyped-def]
    r = api(world.qm).get(url)
    assert r.status_code == 422, r.content
    assert [e["loc"][-1] for e in r.json()["detail"]] == [param]


def test_default_page_is_50_and_the_largest_1000(world):  # type: ignore[no-untyped-def]
    for i in range(60):
        core_actions.do_create_region(
            {"code": f"R{i:03d}", "name": f"Region {i}"}, acting_user=None, channel=Channel.CLI
        )
    c = api(world.qm)
    body = c.get("/api/v1/regions").json()
    assert len(body["items"]) == 50 and body["count"] == 62  # and the world's two regions
    assert len(c.get("/api/v1/regions?limit=1000").json()["items"]) == 62


def test_cursor_walks_100000_responses_each_exactly_once(world, csat_campaign):  # type: ignore[no-untyped-def]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = (
        {
            "answers": {"CSAT": 1 + i % 5},
            "site": world.site_a if i % 3 else world.site_b,
            "submitted_at": start + dt.timedelta(seconds=i),
        }
        for i in range(100_000)
    )
    actions.write_responses(
        csat_campaign, rows, channel="import", acting_user=None, want_ids=False, fast=True
    )
    c = api(world.qm)
    seen: list[int] = []
    after, pages = 0, 0
    while True:
        r = c.get(f"/api/v1/surveys/campaigns/{csat_campaign.pk}/responses?after={after}")
        assert r.status_code == 200
        body = r.json()
        seen.extend(item["id"] for item in body["items"])
        pages += 1
        if body["next_after"] is None:
            break
        after = body["next_after"]
    assert pages == 100 and len(seen) == 100_000 and len(set(seen)) == 100_000
    assert seen == sorted(
        Response.objects.filter(campaign=csat_campaign).values_list("pk", flat=True)
    )
    # a site manager walks only their own site's responses
    own = api(world.alpha_manager)
    first = own.get(f"/api/v1/surveys/campaigns/{csat_campaign.pk}/responses?limit=1000").json()
    assert {item["site_id"] for item in first["items"]} == {world.site_a.pk}
