"""Exact query counts of the survey list pages and reports (as healthchecks pins its views):
the number is the same with 4 responses as with 40 — no query per row — and a change in it is
a deliberate edit of this table."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sqms.surveys.tests.report_data import make_campaign, make_instrument, servqual_answers, write

PAGES = {
    "surveys:instrument_list": 5,
    "surveys:campaign_list": 5,
    "surveys:response_list": 7,
    "surveys:report_servqual": 12,
    "surveys:report_gap_model": 10,
    "surveys:report_csat_nps": 9,
    "surveys:report_ipa": 9,
    "surveys:report_distribution": 10,
    "surveys:report_comments": 10,
    "surveys:drilldown": 9,
}


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(PAGES))
def test_query_count_is_exact_and_independent_of_rows(world, client_for, name):  # type: ignore[no-untyped-def]
    campaign = make_campaign(make_instrument(), [world.site_a, world.site_b])
    url = reverse(name)
    if name == "surveys:drilldown":
        url += "?measure=T1.GAP"
    client = client_for(world.qm)
    write(campaign, world.site_a, servqual_answers([-1, 0]), comments=["slow", "ok"])
    write(campaign, world.site_b, servqual_answers([1, 0]))
    client.get(url)  # warm caches (session, content types)
    few = _count(client, url)
    for _ in range(9):
        write(campaign, world.site_a, servqual_answers([-1, 0]), comments=["slow", "ok"])
        write(campaign, world.site_b, servqual_answers([1, 0]))
    many = _count(client, url)
    assert many == few
    assert few == PAGES[name]
