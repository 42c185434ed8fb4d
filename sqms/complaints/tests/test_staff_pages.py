"""Staff pages: the list masks customers (a quality manager's export alone has them in
full), the create form, the workflow form with its stale-version refusal, scoping."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from sqms.complaints import actions
from sqms.complaints.choices import Source, Status
from sqms.complaints.models import Complaint
from sqms.core.choices import Channel
from sqms.test import PASSWORD


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make(world, site=None, **data):  # type: ignore[no-untyped-def]
    base = {
        "site": site or world.site_a,
        "channel": "phone",
        "description": "Rude cashier",
        "customer_name": "张三丰",
        "customer_contact": "13812345678",
    }
    return actions.do_create_complaint(
        {**base, **data}, source=Source.STAFF, acting_user=None, channel=Channel.CLI
    )


def export(client: Client) -> list[list[str]]:
    response = client.get(reverse("complaints:list"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_list_masks_contact_and_only_qm_exports_it(world):
    make(world)
    page = login(world.alpha_agent).get(reverse("complaints:list")).content.decode()
    assert "张*丰" in page and "13812345678" not in page and "张三丰" not in page
    agent_rows = export(login(world.alpha_agent))
    assert "13812345678" not in str(agent_rows) and "张*丰" in str(agent_rows)
    qm_rows = export(login(world.qm))
    assert (
        "Contact" in qm_rows[0]
        or "联系方式" in qm_rows[0]
        or len(qm_rows[0]) == len(agent_rows[0]) + 2
    )
    assert "13812345678" in str(qm_rows) and "张三丰" in str(qm_rows)


def test_list_filters_and_quick_views(world):
    make(world, severity="high")
    make(world, severity="low")
    make(world, site=world.site_b)
    client = login(world.alpha_manager)
    page = client.get(reverse("complaints:list"), {"severity": "high"}).content.decode()
    assert "1 in all" in page or "共 1" in page
    page = client.get(reverse("complaints:list"), {"view": "open"}).content.decode()
    assert "2 in all" in page or "共 2" in page  # site B's is out of scope


def test_create_from_the_form(world):
    client = login(world.alpha_agent)
    response = client.post(
        reverse("complaints:create"),
        {
            "site": world.site_a.pk,
            "channel": "in_person",
            "severity": "medium",
            "description": "Long wait at the till",
        },
    )
    c = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()
    assert (c.source, c.summary, c.site) == (Source.STAFF, "Long wait at the till", world.site_a)
    response = client.post(
        reverse("complaints:create"),
        {"site": world.site_b.pk, "channel": "in_person", "severity": "medium", "description": "x"},
    )
    assert response.status_code == 200 and Complaint.objects.count() == 1  # site B not offered


def test_transition_form_and_stale_version(world):
    c = make(world)
    client = login(world.alpha_agent)
    url = reverse("complaints:transition", args=[c.pk])
    response = client.post(
        url, {"transition": "acknowledge", "version": c.version, "body": "On it", "public": "on"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.ACKNOWLEDGED and c.version == 2
    response = client.post(url, {"transition": "investigate", "version": 1}, follow=True)
    assert Complaint.objects.get(pk=c.pk).status == Status.ACKNOWLEDGED
    assert "version 1, now 2" in response.content.decode() or "版本" in response.content.decode()
    response = client.post(url, {"transition": "close", "version": 2}, follow=True)
    assert Complaint.objects.get(pk=c.pk).status == Status.ACKNOWLEDGED


def test_detail_shows_timeline_and_outsider_gets_404(world):
    c = make(world)
    client = login(world.alpha_agent)
    client.post(
        reverse("complaints:entry", args=[c.pk]),
        {"body": "Called the customer back", "public": "on"},
    )
    page = client.get(c.get_absolute_url()).content.decode()
    assert "Called the customer back" in page and "13812345678" in page
    assert login(world.bravo_manager).get(c.get_absolute_url()).status_code == 404
    assert (
        login(world.bravo_manager)
        .post(reverse("complaints:entry", args=[c.pk]), {"body": "x"})
        .status_code
        == 404
    )
    viewer_page = login(world.viewer_all).get(c.get_absolute_url()).content.decode()
    assert "13812345678" not in viewer_page and "transition-form" not in viewer_page
