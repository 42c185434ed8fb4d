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
from sqms.surveys.choices import CampaignStatus
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


def test_api_batch_can_store_what_fits_and_report_the_rest(world, quota_campaign):
    api = _api(world.qm)
    body = json.loads(_batch(quota_campaign, 3))
    body["responses"].insert(1, {"site": "BRAVO", "answers": {"CSAT": 2}})
    body["over_quota"] = "report"
    got = api.post(
        "/api/v1/surveys/responses/batch", json.dumps(body), content_type="application/json"
    )
    assert got.status_code == 201
    data = got.json()
    # rows 1 (ALPHA), 2 (BRAVO, no quota), 3 (ALPHA) fit; row 4 is ALPHA's third
    assert data["created"] == 3 and data["existing"] == 0
    assert [r["row"] for r in data["results"]] == [1, 2, 3]
    assert [r["row"] for r in data["over_quota"]] == [4]
    assert (
        "ALPHA" in data["over_quota"][0]["message"] and "quota" in data["over_quota"][0]["message"]
    )
    assert CampaignSite.objects.get(campaign=quota_campaign, site=world.site_a).response_count == 2
    assert Response.objects.filter(campaign=quota_campaign, site=world.site_a).count() == 2


def test_import_report_mode_stores_what_fits_and_lists_the_rest(world, quota_campaign):
    rows = "".join(f'"{i}","2026-03-05 10:11:12","2","en","4",""\r\n' for i in range(1, 5))
    csv = '"id","submitdate","lastpage","startlanguage","CSAT","COMMENT"\r\n' + rows
    report = actions.do_import_file(
        quota_campaign,
        csv.encode(),
        "limesurvey.csv",
        acting_user=world.qm,
        channel=Channel.CLI,
        default_site=world.site_a,
        over_quota="report",
    )
    assert (report.imported, report.over_quota, report.rejected) == (2, 2, 2)
    assert [p.row for p in report.errors] == [4, 5]  # file lines 4 and 5 (the header is line 1)
    assert report.batch is not None and "quota" in report.batch.rejects_csv
    assert Response.objects.filter(campaign=quota_campaign).count() == 2


def test_native_csv_import_report_mode_leaves_the_fast_path(world, builtins, quota_campaign):
    source = actions.do_create_campaign(
        {
            "name": "CSAT source",
            "instrument": builtins["CSAT"],
            "sites": [world.site_a, world.site_b],
            "status": CampaignStatus.OPEN,
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    sites = [world.site_a, world.site_b, world.site_a, world.site_a, world.site_a]
    actions.write_responses(
        source,
        [{"site": s, "answers": {"CSAT": 4}} for s in sites],
        channel="api",
        acting_user=world.qm,
    )
    native = "".join(actions.native_csv_chunks(source, acting_user=world.qm)).encode()
    refused = pytest.raises(ValidationError)
    with refused:
        actions.do_import_file(
            quota_campaign, native, "sqms.csv", acting_user=world.qm, channel=Channel.CLI
        )
    assert Response.objects.filter(campaign=quota_campaign).count() == 0
    report = actions.do_import_file(
        quota_campaign,
        native,
        "sqms.csv",
        acting_user=world.qm,
        channel=Channel.CLI,
        over_quota="report",
    )
    assert (report.imported, report.over_quota) == (3, 2)  # ALPHA ×2 and BRAVO; ALPHA ×2 left
    stored = Response.objects.filter(campaign=quota_campaign)
    assert (
        stored.filter(site=world.site_a).count() == 2
        and stored.filter(site=world.site_b).count() == 1
    )


def test_cli_over_quota_option(world, quota_campaign, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    rows = "".join(f'"{i}","2026-03-05 10:11:12","2","en","4",""\r\n' for i in range(1, 4))
    path = tmp_path / "limesurvey.csv"
    path.write_text('"id","submitdate","lastpage","startlanguage","CSAT","COMMENT"\r\n' + rows)
    out = StringIO()
    call_command(
        "import_responses",
        str(path),
        campaign=quota_campaign.pk,
        site="ALPHA",
        over_quota="report",
        stdout=out,
        no_color=True,
    )
    text = out.getvalue()
    assert Response.objects.filter(campaign=quota_campaign).count() == 2
    assert "1 rows were left out" in text or "1 行" in text
