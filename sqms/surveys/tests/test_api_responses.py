# ruff: noqa: F811
"""Survey API: post one or a batch, idempotency, all-or-nothing errors, scoped reads, query pins."""

from __future__ import annotations

from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.surveys.models import Response, Rollup
from sqms.surveys.tests.builtin_answers import servqual_answers


def api(user) -> Client:  # type: ignore[no-untyped-def]
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def post(c: Client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return c.post(url, body, content_type="application/json")


def test_post_one_is_idempotent(world, campaign):
    c = api(world.qm)
    body = {
        "campaign_id": campaign.pk,
        "site": "ALPHA",
        "external_id": "pos-77",
        "answers": servqual_answers(),
    }
    first = post(c, "/api/v1/surveys/responses", body)
    assert first.status_code == 201, first.content
    again = post(c, "/api/v1/surveys/responses", body)
    assert again.status_code == 200 and again.json() == {"id": first.json()["id"], "created": False}
    assert Response.objects.count() == 1 and Rollup.objects.get(measure="RESP").n == 1


def test_batch_all_or_nothing_with_named_errors(world, campaign):
    c = api(world.qm)
    bad = servqual_answers()
    bad["SQ01.E"] = 8
    rows = [{"site": "ALPHA", "answers": servqual_answers()}] * 3 + [
        {"site": "BRAVO", "answers": bad}
    ]
    r = post(c, "/api/v1/surveys/responses/batch", {"campaign_id": campaign.pk, "responses": rows})
    assert r.status_code == 422
    assert r.json()["detail"] == [{"loc": ["body"], "msg": "row 4: SQ01.E 8 is out of range 1–7"}]
    assert Response.objects.count() == 0
    rows[3] = {"site": "BRAVO", "answers": servqual_answers(), "external_id": "x1"}
    r = post(c, "/api/v1/surveys/responses/batch", {"campaign_id": campaign.pk, "responses": rows})
    assert r.status_code == 201 and r.json()["created"] == 4
    r = post(
        c, "/api/v1/surveys/responses/batch", {"campaign_id": campaign.pk, "responses": [rows[3]]}
    )
    assert (
        r.status_code == 200
        and r.json()["created"] == 0
        and r.json()["results"][0]["created"] is False
    )
    assert Response.objects.count() == 4


def test_batch_limit_and_unknown_question(world, campaign):
    c = api(world.qm)
    rows = [{"site": "ALPHA", "answers": {"CSAT": 1}}] * 1001
    assert (
        post(
            c, "/api/v1/surveys/responses/batch", {"campaign_id": campaign.pk, "responses": rows}
        ).status_code
        == 422
    )
    r = post(
        c,
        "/api/v1/surveys/responses",
        {"campaign_id": campaign.pk, "site": "ALPHA", "answers": {"NOPE": 1}},
    )
    assert r.status_code == 422 and "row 1: NOPE unknown question" in r.json()["detail"][0]["msg"]


def test_scoping(world, campaign):
    mine = api(world.alpha_manager)
    r = post(
        mine,
        "/api/v1/surveys/responses",
        {"campaign_id": campaign.pk, "site": "BRAVO", "answers": servqual_answers()},
    )
    assert r.status_code == 422 and "outside your scope" in r.json()["detail"][0]["msg"]
    r = post(
        mine,
        "/api/v1/surveys/responses",
        {
            "campaign_id": campaign.pk,
            "site": "ALPHA",
            "answers": servqual_answers(),
            "comment": "x",
        },
    )
    assert r.status_code == 201
    agent = api(world.alpha_agent)
    assert (
        post(
            agent,
            "/api/v1/surveys/responses",
            {"campaign_id": campaign.pk, "site": "ALPHA", "answers": servqual_answers()},
        ).status_code
        == 403
    )
    rid = r.json()["id"]
    assert api(world.bravo_manager).get(f"/api/v1/surveys/responses/{rid}").status_code == 404
    assert api(world.bravo_manager).get("/api/v1/surveys/responses").json()["count"] == 0
    assert mine.get(f"/api/v1/surveys/responses/{rid}").json()["site_code"] == "ALPHA"


def test_list_filters_and_query_count(
    world, campaign, csat_campaign, django_assert_max_num_queries
):
    c = api(world.qm)
    rows = [
        {
            "site": "ALPHA" if n % 2 else "BRAVO",
            "answers": servqual_answers(),
            "submitted_at": f"2026-0{1 + n % 6}-10T10:00:00+08:00",
        }
        for n in range(30)
    ]
    assert (
        post(
            c, "/api/v1/surveys/responses/batch", {"campaign_id": campaign.pk, "responses": rows}
        ).status_code
        == 201
    )
    with django_assert_max_num_queries(6):
        r = c.get(f"/api/v1/surveys/responses?campaign_id={campaign.pk}&site=alpha&limit=10")
    data = r.json()
    assert (
        data["count"] == 15
        and len(data["items"]) == 10
        and data["items"][0]["answers"]["SQ01.E"] == 6
    )
    r = c.get(
        "/api/v1/surveys/responses?since=2026-03-01T00:00:00%2B08:00&until=2026-04-01T00:00:00%2B08:00"
    )
    assert r.json()["count"] == 5
    with django_assert_max_num_queries(6):
        r = c.get("/api/v1/surveys/campaigns")
    assert r.json()["count"] == 2
    assert {s["site_code"] for s in r.json()["items"][0]["sites"]} == {"ALPHA", "BRAVO"}
    # writing a batch costs a fixed number of queries, not one per response (SQLite splits the
    # bulk INSERT at 999 parameters, hence a few more for 200 rows)
    with django_assert_max_num_queries(16):
        big = [{"site": "ALPHA", "answers": servqual_answers()} for _ in range(200)]
        assert (
            post(
                c, "/api/v1/surveys/responses/batch", {"campaign_id": campaign.pk, "responses": big}
            ).status_code
            == 201
        )
