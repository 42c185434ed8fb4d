"""Moving an open campaign to the new version of its instrument: the changes are shown first,
the move is explicit (page and API), stored answers keep their version."""

from __future__ import annotations

from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import Campaign, Question, Response
from sqms.surveys.tests.builtin_answers import servqual_answers
from sqms.test import PASSWORD

WEB = Channel.WEB


def _new_version(world, campaign):  # type: ignore[no-untyped-def]
    """An answer on v1, then an edit of SQ01's text (which makes v2) and a new question."""
    actions.write_responses(
        campaign,
        [{"answers": servqual_answers(6, 5), "site": world.site_a}],
        channel="api",
        acting_user=world.qm,
    )
    v1 = campaign.instrument
    q = v1.questions.get(code="SQ01")
    v2, _q = actions.do_save_question(
        v1,
        q,
        {"text_en": "The equipment looks new on every visit."},
        acting_user=world.qm,
        channel=WEB,
    )
    v2, _q = actions.do_save_question(
        v2,
        None,
        {
            "code": "WAIT",
            "kind": "text",
            "role": "comment",
            "text_en": "About waiting?",
            "required": False,
        },
        acting_user=world.qm,
        channel=WEB,
    )
    return v1, v2


def test_page_shows_changes_then_moves(world, campaign):
    v1, v2 = _new_version(world, campaign)
    assert v2.version == 2 and Campaign.objects.get(pk=campaign.pk).instrument == v1
    client = Client()
    client.login(username="qm", password=PASSWORD)
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert "move-version" in detail
    url = f"/surveys/campaigns/{campaign.pk}/move-version/"
    page = client.get(url).content.decode()
    assert "WAIT" in page and "SQ01" in page and "looks new on every visit" in page
    assert Campaign.objects.get(pk=campaign.pk).instrument == v1  # GET changes nothing
    assert client.post(url).status_code == 302
    moved = Campaign.objects.get(pk=campaign.pk)
    assert moved.instrument == v2
    assert list(Response.objects.values_list("instrument__version", flat=True)) == [1]
    assert client.get(url).status_code == 302  # nothing left to move
    # a site manager may not move it
    other = Client()
    other.login(username="alpha_manager", password=PASSWORD)
    assert other.post(url).status_code == 404


def test_api_moves_and_refuses_when_current(world, campaign):
    v1, v2 = _new_version(world, campaign)
    _t, raw = core_actions.do_create_api_token(
        world.qm, "t", acting_user=world.qm, channel=Channel.CLI
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/surveys/campaigns/{campaign.pk}/move-version"
    response = api.post(url, "{}", content_type="application/json")
    assert response.status_code == 200 and response.json()["instrument_id"] == v2.pk
    again = api.post(url, "{}", content_type="application/json")
    assert again.status_code == 422 and "current version" in again.content.decode()


def test_diff_lists_added_removed_changed(world, campaign):
    from sqms.surveys.versions import diff_instruments

    v1, v2 = _new_version(world, campaign)
    diff = diff_instruments(v1, v2)
    assert [q.code for q in diff.added] == ["WAIT"]
    assert diff.removed == []
    assert [(q.code, [c.field for c in ch]) for q, ch in diff.changed] == [("SQ01", ["text_en"])]
    assert Question.objects.filter(instrument=v1, code="WAIT").count() == 0
