"""The follow-up survey: sent once at close, the answer linked back through the public form."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from sqms.complaints import actions
from sqms.complaints.followup import FOLLOWUP_CODE, follow_up_link
from sqms.complaints.models import Complaint
from sqms.complaints.tests.recovery_data import close, complaint_at, reopen
from sqms.core.choices import Channel
from sqms.jobs.models import OutboxMessage
from sqms.surveys import actions as survey_actions
from sqms.surveys.choices import CampaignStatus
from sqms.surveys.models import Response


@pytest.fixture
def followup_campaign(world):  # type: ignore[no-untyped-def]
    instrument = actions.do_install_followup_instrument(acting_user=world.qm, channel=Channel.WEB)
    assert instrument.code == FOLLOWUP_CODE and instrument.questions.count() == 3
    return survey_actions.do_create_campaign(
        {
            "name": "Complaint follow-up",
            "instrument": instrument,
            "sites": [world.site_a],
            "status": CampaignStatus.OPEN,
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )


def _followups() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event_key__endswith=":follow-up"))


def test_nothing_sent_without_a_campaign(world):  # type: ignore[no-untyped-def]
    c = close(complaint_at(world.site_a, contact="li.lei@example.com"))
    assert _followups() == [] and c.follow_up_sent_at is None
    assert follow_up_link(c) is None


def test_sent_once_and_answer_links_back(world, followup_campaign):  # type: ignore[no-untyped-def]
    c = complaint_at(world.site_a, contact="li.lei@example.com")
    assert follow_up_link(c) is None  # not closed yet
    close(c)
    c.refresh_from_db()
    sent = _followups()
    assert [m.recipient for m in sent] == ["li.lei@example.com"]
    assert c.follow_up_sent_at is not None
    link = follow_up_link(c)
    assert link is not None and link in sent[0].body and "?ref=" in link
    # reopened and closed again: not asked twice
    reopen(c)
    close(c)
    assert len(_followups()) == 1
    # the customer answers through the link
    client = Client()
    parts = urlsplit(link)
    url = f"{parts.path}?{parts.query}&lang=en"
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    ref = re.search(r'name="ref" value="([^"]+)"', page).group(1)
    done = client.post(url, {"token": token, "ref": ref, "RECOVERY": "5", "RECOMMEND": "9"})
    assert done.status_code == 302
    c.refresh_from_db()
    response = Response.objects.get()
    assert c.follow_up_response == response and response.external_id == f"complaint:{c.pk}"
    assert response.answers["RECOVERY"] == 5
    assert follow_up_link(c) is None  # answered: no more link
    assert c.entries.filter(data__follow_up_response=response.pk).count() == 1
    # a second answer through the same link stores nothing new
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post(url, {"token": token, "ref": ref, "RECOVERY": "1", "RECOMMEND": "0"})
    assert Response.objects.count() == 1


def test_forged_or_foreign_reference_is_not_linked(world, followup_campaign):  # type: ignore[no-untyped-def]
    c = close(complaint_at(world.site_a, contact="13800000000"))
    assert _followups() == []  # a phone number: no email, the status page shows the link
    link = follow_up_link(c)
    assert link is not None
    parts = urlsplit(link)
    forged = parts.query[:-3] + "xyz"
    client = Client()
    url = f"{parts.path}?{forged}&lang=en"
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post(url, {"token": token, "ref": forged[4:], "RECOVERY": "4", "RECOMMEND": "8"})
    assert Response.objects.count() == 1
    assert Complaint.objects.get(pk=c.pk).follow_up_response is None
    assert Response.objects.get().external_id is None
