# ruff: noqa: F811
"""Every collection URL × persona: the outsider (site B's manager) sees nothing of site A."""

from __future__ import annotations

import pytest

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import CampaignSite, ImportBatch, Response

LIME = (
    '"id","submitdate","lastpage","startlanguage","CSAT","COMMENT"\r\n'
    '"1","2026-03-05 10:11:12","2","en","4","ALPHA-SECRET comment"\r\n'
)


@pytest.fixture
def alpha(world, builtins):  # type: ignore[no-untyped-def]
    campaign = actions.do_create_campaign(
        {
            "name": "Alpha CSAT ALPHA-SECRET",
            "instrument": builtins["CSAT"],
            "sites": [world.site_a],
            "status": "open",
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    actions.do_import_file(
        campaign,
        LIME.encode(),
        "alpha.csv",
        acting_user=world.qm,
        channel=Channel.WEB,
        skip_invalid=True,
    )
    return campaign


def _urls(campaign) -> list[str]:  # type: ignore[no-untyped-def]
    batch = ImportBatch.objects.get(campaign=campaign)
    response = Response.objects.get(campaign=campaign)
    site = CampaignSite.objects.get(campaign=campaign).site_id
    return [
        f"/surveys/campaigns/{campaign.pk}/",
        f"/surveys/campaigns/{campaign.pk}/export/?format=csv",
        f"/surveys/campaigns/{campaign.pk}/sites/{site}/card.png",
        f"/surveys/campaigns/{campaign.pk}/sites/{site}/card.pdf",
        f"/surveys/campaigns/{campaign.pk}/import/",
        f"/surveys/imports/{batch.pk}/",
        f"/surveys/imports/{batch.pk}/rejects.csv",
        f"/surveys/responses/{response.pk}/",
    ]


def test_outsider_gets_404_everywhere(world, alpha, client_for):
    outsider = client_for(world.bravo_manager)
    for url in _urls(alpha):
        assert outsider.get(url).status_code in (403, 404), url
    for url in ("/surveys/campaigns/", "/surveys/responses/", "/surveys/responses/?export=csv"):
        r = outsider.get(url)
        assert r.status_code == 200 and b"ALPHA-SECRET" not in r.getvalue(), url
    assert (
        outsider.post(f"/surveys/campaigns/{alpha.pk}/status/", {"status": "closed"}).status_code
        == 404
    )


def test_insider_and_qm_see_it(world, alpha, client_for):
    for user in (world.alpha_manager, world.qm, world.viewer_all):
        c = client_for(user)
        for url in _urls(alpha):
            if url.endswith("/import/") and user == world.viewer_all:
                assert c.get(url).status_code == 403
                continue
            assert c.get(url).status_code == 200, (user, url)
    page = (
        client_for(world.alpha_manager)
        .get(f"/surveys/responses/{Response.objects.get().pk}/")
        .content.decode()
    )
    assert "ALPHA-SECRET comment" in page


def test_roleless_sees_nothing(world, alpha, client_for):
    c = client_for(world.roleless)
    for url in _urls(alpha):
        assert c.get(url).status_code in (403, 404), url


def test_response_list_query_count(world, alpha, client_for, django_assert_max_num_queries):
    actions.write_responses(
        alpha,
        [{"answers": {"CSAT": n % 5 + 1}, "site": world.site_a} for n in range(60)],
        channel="api",
        acting_user=None,
    )
    c = client_for(world.alpha_manager)
    with django_assert_max_num_queries(12):
        r = c.get("/surveys/responses/?per_page=50")
    assert r.status_code == 200 and r.content.decode().count("<tr>") >= 50
