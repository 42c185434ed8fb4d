"""Malformed requests and the per-token rate limit: each refused with a 4xx that says why."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sqms.api import api
from sqms.core.models import Region
from sqms.core.tests.test_api import bearer
from sqms.test import World

pytestmark = pytest.mark.django_db


def post(world: World, body: bytes | str, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    return Client().post(
        "/api/v1/regions", data=body, content_type=content_type, **bearer(world.qm)
    )


@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [
        (b"code=R9&name=x", "application/x-www-form-urlencoded", 415,
         "Send the body as application/json (received application/x-www-form-urlencoded)."),
        ('{"code": "R9", "name": "x"}', "text/plain", 415,
         "Send the body as application/json (received text/plain)."),
        ('{"code": "R9", "name": "x"}', "application/json; charset=gbk", 415,
         "Send the body as UTF-8 (received gbk)."),
        ('{"code": "R9", "name": "\u534e\u4e1c"}'.encode("gb18030"), "application/json", 400,
         "The body is not valid UTF-8 (byte 25)."),
        ('{"code": "R9", "name": "x"', "application/json", 400,
         "The body is not valid JSON: Expecting ',' delimiter (line 1, column 27)."),
        ('{"code": "R9", "name": "a\\u0000b"}', "application/json", 400,
         "A NUL character is not allowed (at name)."),
        ('{"code": "R9", "na\\u0000me": "x"}', "application/json", 400,
         "A NUL character is not allowed in a key (at (the whole body))."),
        ('{"code": "R9", "name": "x", "tags": [[[' + "[" * 40 + "]" * 43 + "}", "application/json",
         400, f"The JSON body is nested deeper than 32 levels (at tags{'[0]' * 32})."),
        ("[" * 200_000 + "]" * 200_000, "application/json", 400,
         "The JSON body is nested deeper than 32 levels (at (the whole body))."),
    ],
    ids=["form", "text", "gbk-charset", "gb18030-bytes", "truncated", "nul-value", "nul-key",
         "deep", "very-deep"],
)  # fmt: skip
def test_malformed_bodies_are_refused_with_the_reason(  # type: ignore[no-untyped-def]
    world: World, body, content_type, status, detail
) -> None:
    before = Region.objects.count()
    answer = post(world, body, content_type)
    assert (answer.status_code, answer.json()) == (status, {"detail": detail})
    assert Region.objects.count() == before


def test_a_body_over_the_limit_is_413_before_it_is_read(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SQMS_API_MAX_BODY_BYTES = 1024 * 1024
    big = json.dumps({"code": "R9", "name": "x" * (1024 * 1024)})
    answer = post(world, big)
    assert answer.status_code == 413
    assert answer.json() == {"detail": "The body is larger than 1 MB."}
    assert not Region.objects.filter(code="R9").exists()
    assert post(world, json.dumps({"code": "R9", "name": "x" * 100})).status_code == 201


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("q=a%00b", "Query parameter 'q' contains a NUL byte."),
        ("q%00=1", "Query parameter 'q\x00' contains a NUL byte."),
        ("q=%ff%fe", "Query parameter 'q' is not valid UTF-8."),
    ],
)
def test_query_strings_with_nul_or_bad_utf8_are_400(world: World, query: str, detail: str) -> None:
    answer = Client().get(f"/api/v1/sites?{query}", **bearer(world.qm))
    assert (answer.status_code, answer.json()) == (400, {"detail": detail})


def test_html_pages_refuse_nul_in_the_query_too(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(world.qm).get("/org/sites/?q=%00")
    assert page.status_code == 400
    assert page.content.decode() == "Query parameter 'q' contains a NUL byte."
    assert client_for(world.qm).get("/org/sites/?q=%E5%8D%8E").status_code == 200


def test_a_valid_body_still_passes(world: World) -> None:
    answer = post(world, json.dumps({"code": "R9", "name": "华东"}))
    assert answer.status_code == 201 and answer.json()["name"] == "华东"


def test_each_token_is_rate_limited_with_retry_after(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SQMS_API_RATE_PER_TOKEN = 3
    first, second = bearer(world.qm), bearer(world.qm)
    c = Client()
    assert [c.get("/api/v1/sites", **first).status_code for _ in range(3)] == [200, 200, 200]
    refused = c.get("/api/v1/sites", **first)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json() == {
        "detail": f"Too many requests with this token; try again in {wait} seconds."
    }
    # the limit is per token: another token of the same user still gets through
    assert c.get("/api/v1/sites", **second).status_code == 200


def test_the_limits_are_declared_in_the_openapi_document() -> None:
    paths = api.get_openapi_schema()["paths"]
    post_regions = paths["/api/v1/regions"]["post"]["responses"]
    get_regions = paths["/api/v1/regions"]["get"]["responses"]
    assert {413, 415, 429} <= set(post_regions)
    assert 429 in get_regions and 413 not in get_regions and 415 not in get_regions


def test_refusals_speak_the_requested_language(world: World) -> None:
    answer = Client().post(
        "/api/v1/regions",
        data="{}",
        content_type="text/plain",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **bearer(world.qm),
    )
    assert answer.json() == {"detail": "请以 application/json 发送请求体（收到的是 text/plain）。"}
