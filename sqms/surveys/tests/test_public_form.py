# ruff: noqa: F811
"""The public form: rendering, validation beside questions, token replay, limits, refusals."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import CampaignSite, Response, Rollup


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


def _link(c, site):
    return CampaignSite.objects.get(campaign=c, site=site)


def _get(client: Client, url: str) -> tuple[str, str]:
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return page, token


def test_form_renders_in_both_languages(world, campaign):
    link = _link(campaign, world.site_a)
    c = Client(enforce_csrf_checks=True)
    en = c.get(f"/s/{link.slug}/?lang=en").content.decode()
    assert "Staff serve me promptly." in en and "Expectation" in en and 'name="SQ11.P"' in en
    assert 'name="viewport"' in en and 'name="website"' in en and "csrfmiddlewaretoken" in en
    zh = c.get(f"/s/{link.slug}/?lang=zh").content.decode()
    assert "员工能迅速为我提供服务。" in zh and "响应性" in zh


def test_submit_once_with_replay_and_errors(world, csat_campaign):
    link = _link(csat_campaign, world.site_a)
    c = Client()
    url = f"/s/{link.slug}/?lang=en"
    _page, token = _get(c, url)
    bad = c.post(url, {"token": token, "CSAT": "9"})
    assert bad.status_code == 200
    assert "out of range 1–5" in bad.content.decode() and Response.objects.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', bad.content.decode()).group(1)
    missing = c.post(url, {"token": token, "COMMENT": "hello"}).content.decode()
    assert "an answer is required" in missing and "hello" in missing
    ok = c.post(url, {"token": token, "CSAT": "4", "COMMENT": "Nice staff"})
    assert ok.status_code == 302 and "/thanks/" in ok["Location"]
    again = c.post(url, {"token": token, "CSAT": "4", "COMMENT": "Nice staff"})
    assert again.status_code == 302
    assert Response.objects.count() == 1
    r = Response.objects.get()
    assert (
        r.answers == {"CSAT": 4, "COMMENT": "Nice staff"}
        and r.comment == "Nice staff"
        and r.channel == "public"
    )
    assert Rollup.objects.get(measure="CSAT.TOP").total == 1.0
    assert "Thank you" in c.get(ok["Location"]).content.decode()


def test_honeypot_stores_nothing(world, csat_campaign):
    link = _link(csat_campaign, world.site_a)
    c = Client()
    _page, token = _get(c, f"/s/{link.slug}/")
    r = c.post(f"/s/{link.slug}/", {"token": token, "CSAT": "5", "website": "http://spam"})
    assert r.status_code == 302 and Response.objects.count() == 0


def test_csrf_required(world, csat_campaign):
    link = _link(csat_campaign, world.site_a)
    c = Client(enforce_csrf_checks=True)
    _page, token = _get(c, f"/s/{link.slug}/")
    assert c.post(f"/s/{link.slug}/", {"token": token, "CSAT": "5"}).status_code == 403


def test_rate_limit_429(world, csat_campaign, settings):
    settings.SQMS_PUBLIC_RATE_PER_IP = 2
    link = _link(csat_campaign, world.site_a)
    c = Client()
    codes = []
    for _ in range(3):
        _page, token = _get(c, f"/s/{link.slug}/?lang=en")
        codes.append(c.post(f"/s/{link.slug}/?lang=en", {"token": token, "CSAT": "5"}).status_code)
    assert codes == [302, 302, 429]
    assert Response.objects.count() == 2


def test_closed_full_and_not_open(world, csat_campaign):
    link = _link(csat_campaign, world.site_a)
    c = Client()
    link.quota = 1
    link.response_count = 1
    link.save()
    assert "all the responses it needs" in c.get(f"/s/{link.slug}/?lang=en").content.decode()
    csat_campaign.opens_on = __import__("datetime").date(2999, 1, 1)
    csat_campaign.save()
    assert (
        "not open yet"
        in c.get(f"/s/{_link(csat_campaign, world.site_b).slug}/?lang=en").content.decode()
    )
    actions.do_close_campaign(csat_campaign, acting_user=world.qm, channel=Channel.WEB)
    r = c.get(f"/s/{link.slug}/?lang=en")
    assert r.status_code == 410 and "has ended" in r.content.decode()
    assert c.get("/s/no-such-slug/").status_code == 404


def test_show_if_hides_and_is_enforced(world, builtins):
    inst = actions.do_create_instrument(
        {"code": "VISIT", "name_en": "Visit", "name_zh": "到访"},
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    opts = [{"value": 1, "zh": "是", "en": "Yes"}, {"value": 2, "zh": "否", "en": "No"}]
    actions.do_save_question(
        inst,
        None,
        {
            "code": "BOUGHT",
            "kind": "single",
            "role": "other",
            "text_en": "Did you buy?",
            "options": opts,
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    actions.do_save_question(
        inst,
        None,
        {
            "code": "WHY",
            "kind": "text",
            "role": "other",
            "text_en": "Why not?",
            "show_if": {"question": "BOUGHT", "in": [2]},
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    c = actions.do_create_campaign(
        {"name": "Visit", "instrument": inst, "sites": [world.site_a], "status": "open"},
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    link = _link(c, world.site_a)
    client = Client()
    page, token = _get(client, f"/s/{link.slug}/?lang=en")
    assert 'data-show-if="BOUGHT"' in page and 'data-show-values="2"' in page
    # WHY hidden (BOUGHT=1): its answer is dropped, not required
    assert (
        client.post(f"/s/{link.slug}/", {"token": token, "BOUGHT": "1", "WHY": "x"}).status_code
        == 302
    )
    assert Response.objects.get().answers == {"BOUGHT": 1}
    _page, token = _get(client, f"/s/{link.slug}/?lang=en")
    page = client.post(f"/s/{link.slug}/?lang=en", {"token": token, "BOUGHT": "2"}).content.decode()
    assert "an answer is required" in page
