"""The complaint report pages and their API: render, empty states, CSV of every table, the
Pareto click-through, scoping of pages and JSON, bounded queries per page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sqms.complaints.tests.report_data import build
from sqms.core import actions as core_actions
from sqms.core.choices import Channel

PAGES = {
    "complaints:report_overview": ["volume", "rates", "sla", "times", "backlog"],
    "complaints:report_pareto": ["category", "root_cause"],
    "complaints:report_repeats": ["repeat_rate", "repeat_customers"],
    "complaints:report_clusters": ["clusters", "terms"],
    "complaints:report_league": ["league"],
}


def bearer(user: Any) -> dict[str, str]:
    _t, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def rows_of(resp: Any) -> list[list[str]]:
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("name", list(PAGES))
def test_empty_state(world, client_for, name):  # type: ignore[no-untyped-def]
    resp = client_for(world.qm).get(reverse(name))
    assert resp.status_code == 200
    assert "No complaints in this selection." in resp.content.decode() or name.endswith("league")


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_render_with_csv_of_each_table(world, client_for, name):  # type: ignore[no-untyped-def]
    build(world)
    c = client_for(world.qm)
    resp = c.get(reverse(name))
    assert resp.status_code == 200
    body = resp.content.decode()
    for panel in PAGES[name]:
        assert f'id="panel-{panel}"' in body
        download = c.get(reverse(name) + f"?download={panel}")
        assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
        assert len(rows_of(download)) >= 2  # header and at least one row


def test_overview_page_says_what_it_counts(world, client_for):  # type: ignore[no-untyped-def]
    build(world)
    body = client_for(world.qm).get(reverse("complaints:report_overview")).content.decode()
    assert "no volume entered" in body
    assert "Wall-clock hours" in body and "business hours" in body


def test_pareto_links_to_the_filtered_list(world, client_for):  # type: ignore[no-untyped-def]
    data = build(world)
    c = client_for(world.qm)
    url = reverse("complaints:report_pareto") + f"?site={world.site_a.pk}"
    body = c.get(url).content.decode()
    link = f'href="/complaints/?site={world.site_a.pk}&amp;category={data["X"].pk}"'
    assert link in body
    rows = rows_of(c.get(url + "&download=category"))
    assert rows[1][:3] == ["1", "Cat X", "4"] and rows[1][-1] == "yes"


def test_site_manager_pages_show_only_own_site(world, client_for):  # type: ignore[no-untyped-def]
    build(world)
    c = client_for(world.alpha_manager)
    for name in PAGES:
        body = c.get(reverse(name)).content.decode()
        assert "BRAVO" not in body, name
    rows = rows_of(c.get(reverse("complaints:report_overview") + "?download=rates"))
    assert {r[0] for r in rows[1:]} == {"ALPHA"}


def test_clusters_page_offers_referral_by_scope(world, client_for):  # type: ignore[no-untyped-def]
    build(world)
    body = client_for(world.qm).get(reverse("complaints:report_clusters")).content.decode()
    assert reverse("complaints:refer_cluster") in body
    agent = client_for(world.alpha_agent).get(reverse("complaints:report_clusters"))
    assert reverse("complaints:refer_cluster") not in agent.content.decode()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_queries_bounded(world, client_for, name, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    build(world)
    c = client_for(world.alpha_manager)
    c.get(reverse(name))
    with django_assert_max_num_queries(20):
        assert c.get(reverse(name)).status_code == 200


def test_report_api_figures_and_scope(world):  # type: ignore[no-untyped-def]
    data = build(world)
    c = Client()
    base = "/api/v1/complaints/reports"
    qm, mine = bearer(world.qm), bearer(world.alpha_manager)
    o = c.get(f"{base}/overview", **qm)
    assert o.status_code == 200, o.content
    body = o.json()
    assert body["total"] == 7 and sum(body["backlog"].values()) == 3  # c3, c4, c7 open
    assert [s["met"] for s in body["sla"]] == [4, 3]
    alpha_april = [s for s in body["site_months"] if s["month"] == "2026-04"]
    assert alpha_april[0]["transactions"] is None and alpha_april[0]["rate_per_1000"] is None
    scoped = c.get(f"{base}/overview", {"from": "2026-03", "to": "2026-03"}, **mine).json()
    assert scoped["total"] == 3
    assert {s["site_code"] for s in scoped["site_months"]} == {"ALPHA"}
    p = c.get(f"{base}/pareto", {"site": world.site_a.pk}, **qm).json()
    assert p["categories"]["rows"][0]["key"] == str(data["X"].pk)
    league = c.get(f"{base}/league", **qm).json()
    assert [r["site_code"] for r in league["rows"]] == ["BRAVO", "ALPHA"]
    assert c.get(f"{base}/league", **mine).json()["rows"][0]["site_code"] == "ALPHA"
    assert c.get(f"{base}/overview", {"from": "2026-13"}, **qm).status_code == 422
