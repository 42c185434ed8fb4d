"""Quotas hold on every way in: the API and imports are refused with the same message when
they would take a site past its quota, and nothing of the call is written."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import CampaignSite, Response


@pytest.fixture
def quota_campaign(world, csat_campaign):  # type: ignore[no-untyped-def]
    actions.do_update_campaign(
        csat_campaign,
        {"sites": [world.site_a, world.site_b]},
        quotas={world.site_a.pk: 2},
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    return csat_campaign


def _api(user):  # type: ignore[no-untyped-def]
    _t, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def _batch(campaign, n, site="ALPHA"):  # type: ignore[no-untyped-def]
    return json.dumps(
        {
            "campaign_id": campaign.pk,
            "responses": [{"site": site, "answers": {"CSAT": 4}} for _ in range(n)],
        }
    )


def test_api_batch_over_quota_is_refused_whole(world, quota_campaign):
    api = _api(world.qm)
    url = "/api/v1/surveys/responses/batch"
    ok = api.post(url, _batch(quota_campaign, 1), content_type="application/json")
    assert ok.status_code == 201
    refused = api.post(url, _batch(quota_campaign, 2), content_type="application/json")
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "ALPHA" in text and "quota of 2" in text and "1 over" in text
    assert Response.objects.filter(campaign=quota_campaign).count() == 1
    assert CampaignSite.objects.get(campaign=quota_campaign, site=world.site_a).response_count == 1
    # another site without a quota is not limited
    other = api.post(url, _batch(quota_campaign, 3, "BRAVO"), content_type="application/json")
    assert other.status_code == 201


def test_import_over_quota_is_refused_with_the_same_message(world, quota_campaign):
    rows = "".join(f'"{i}","2026-03-05 10:11:12","2","en","4",""\r\n' for i in range(1, 4))
    csv = '"id","submitdate","lastpage","startlanguage","CSAT","COMMENT"\r\n' + rows
    with pytest.raises(ValidationError) as err:
        actions.do_import_file(
            quota_campaign,
            csv.encode(),
            "limesurvey.csv",
            acting_user=world.qm,
            channel=Channel.CLI,
            default_site=world.site_a,
        )
    assert "quota of 2" in " ".join(err.value.messages) and "1 over" in " ".join(err.value.messages)
    assert Response.objects.filter(campaign=quota_campaign).count() == 0


def test_write_within_quota_counts(world, quota_campaign):
    actions.write_responses(
        quota_campaign,
        [{"site": world.site_a, "answers": {"CSAT": 5}}] * 2,
        channel="api",
        acting_user=world.qm,
    )
    assert CampaignSite.objects.get(campaign=quota_campaign, site=world.site_a).response_count == 2
    with pytest.raises(ValidationError):
        actions.write_responses(
            quota_campaign,
            [{"site": world.site_a, "answers": {"CSAT": 5}}],
            channel="api",
            acting_user=world.qm,
        )
