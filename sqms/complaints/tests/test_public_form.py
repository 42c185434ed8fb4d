"""The public complaint form, its thank-you page with the tracking code, and the customer's
status page (messages resume a complaint waiting for the customer)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sqms.complaints import actions
from sqms.complaints.choices import EntryKind, IntakeChannel, Source, Status
from sqms.complaints.models import Attachment, Category, Complaint, Entry
from sqms.complaints.tests.scoping import PNG_1PX
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.test import World


def form_token(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(r'name="token" value="([^"]+)"', page.content.decode())
    assert match
    return match.group(1)


@pytest.mark.django_db
def test_submit_shows_tracking_code_and_double_post_stores_one(world: World) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("complaint_public:form", args=["alpha"])  # any case
    token = form_token(c, url)
    category = Category.objects.filter(is_active=True).first()
    data = {
        "token": token,
        "service": str(world.service.pk),
        "category": str(category.pk) if category else "",
        "description": "The queue took an hour.\nNobody helped.",
        "customer_name": "王小明",
        "customer_contact": "13800138000",
        "files": [SimpleUploadedFile("queue.png", PNG_1PX, content_type="image/png")],
    }
    r = c.post(url, data)
    assert r.status_code == 302 and "/c/ALPHA/thanks/" in r["Location"]
    complaint = Complaint.objects.get()
    assert (complaint.site, complaint.source, complaint.channel) == (
        world.site_a,
        Source.PUBLIC,
        IntakeChannel.WEB_FORM,
    )
    assert complaint.service == world.service and complaint.category == category
    assert complaint.summary == "The queue took an hour."
    assert complaint.customer_contact == "13800138000"
    assert AuditEvent.objects.filter(channel=Channel.PUBLIC).exists()
    att = Attachment.objects.get(complaint=complaint)
    assert att.is_public and att.content_type == "image/png"
    thanks = c.get(r["Location"]).content.decode()
    assert complaint.tracking_code in thanks
    assert reverse("complaint_public:status", args=[complaint.tracking_code]) in thanks
    # the same token again (double click, replay): nothing new, same thanks page
    data["files"] = []
    again = c.post(url, data)
    assert again.status_code == 302
    assert Complaint.objects.count() == 1
    # a forged or missing token is refused
    assert c.post(url, {**data, "token": "forged"}).status_code == 400
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_form_errors_and_hostile_file_store_nothing(world: World) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("complaint_public:form", args=[world.site_a.code])
    token = form_token(c, url)
    r = c.post(url, {"token": token, "description": ""})
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    evil = SimpleUploadedFile("photo.jpg", b"<html>hi</html>", content_type="image/jpeg")
    r = c.post(url, {"token": token, "description": "x", "files": [evil]})
    assert "“photo.jpg” is not an accepted kind of file" in r.content.decode()
    assert Complaint.objects.count() == 0
    assert c.get(reverse("complaint_public:form", args=["NOPE"])).status_code == 404


@pytest.mark.django_db
def test_submissions_are_rate_limited_per_ip(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SQMS_PUBLIC_COMPLAINT_RATE_PER_IP = 2
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("complaint_public:form", args=[world.site_a.code])
    codes = []
    for _ in range(3):
        token = form_token(c, url)
        codes.append(c.post(url, {"token": token, "description": "slow"}).status_code)
    assert codes == [302, 302, 429]
    assert Complaint.objects.count() == 2


def _complaint(world: World) -> Complaint:
    return actions.do_create_complaint(
        {"site": world.site_a, "channel": IntakeChannel.PHONE, "description": "Rude staff"},
        source=Source.STAFF,
        acting_user=world.alpha_agent,
        channel=Channel.WEB,
    )


@pytest.mark.django_db
def test_status_page_shows_public_entries_only(world: World) -> None:
    complaint = _complaint(world)
    actions.do_add_entry(
        complaint, "internal: the clerk was new", public=False, acting_user=world.qm, channel="web"
    )
    actions.do_add_entry(
        complaint,
        "We are sorry; we talk to the team.",
        public=True,
        acting_user=world.qm,
        channel="web",
    )
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = c.get(reverse("complaint_public:status", args=[complaint.tracking_code.lower()]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "We are sorry" in body and "the clerk was new" not in body
    assert "New" in body  # the status


@pytest.mark.django_db
def test_customer_message_resumes_a_waiting_complaint(world: World) -> None:
    complaint = _complaint(world)
    complaint = actions.do_transition(
        complaint, "acknowledge", expected_version=None, acting_user=world.qm, channel="web"
    )
    complaint = actions.do_transition(
        complaint, "wait_customer", expected_version=None, acting_user=world.qm, channel="web"
    )
    assert complaint.paused_since is not None
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("complaint_public:status", args=[complaint.tracking_code])
    assert "We are waiting for your answer" in c.get(url).content.decode()
    photo = SimpleUploadedFile("receipt.png", PNG_1PX, content_type="image/png")
    r = c.post(url, {"body": "Here is the receipt.", "files": [photo]})
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.INVESTIGATING and complaint.paused_since is None
    assert complaint.pauses.get().ended_at is not None
    entry = Entry.objects.get(complaint=complaint, kind=EntryKind.CUSTOMER)
    assert entry.is_public and entry.body == "Here is the receipt."
    att = Attachment.objects.get(complaint=complaint, entry=entry)
    assert att.is_public
    page = c.get(url).content.decode()
    assert "Here is the receipt." in page and "receipt.png" in page
    file_url = reverse("complaint_public:attachment", args=[complaint.tracking_code, att.pk])
    assert c.get(file_url).status_code == 200
    # an empty message is refused with the reason
    assert "Write something or attach a file first." in c.post(url, {"body": " "}).content.decode()


@pytest.mark.django_db
def test_track_page_unknown_codes_and_lookup_limit(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    complaint = _complaint(world)
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    track = reverse("complaint_public:track")
    assert c.get(track).status_code == 200
    r = c.get(track, {"code": complaint.tracking_code.lower()})
    assert r.status_code == 302 and complaint.tracking_code in r["Location"]
    missing = c.get(track, {"code": "ZZZZZZZZZZ"})
    assert missing.status_code == 404
    assert "could not find a complaint" in missing.content.decode()
    settings.SQMS_TRACKING_LOOKUPS_PER_IP = 3
    statuses = [c.get(track, {"code": f"ABCDEFGH{i}"}).status_code for i in range(4)]
    assert statuses[-1] == 429
    # once blocked, even a right code is refused: guessing cannot go on
    assert (
        c.get(reverse("complaint_public:status", args=[complaint.tracking_code])).status_code == 429
    )


@pytest.mark.django_db
def test_public_links_page_and_qr(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(world.alpha_manager).get(reverse("complaints:public_links"))
    body = page.content.decode()
    assert page.status_code == 200 and "/c/ALPHA/" in body and "/c/BRAVO/" not in body
    png = client_for(world.alpha_manager).get(
        reverse("complaints:public_link_qr", args=[world.site_a.pk, "png"])
    )
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client_for(world.qm).get(
        reverse("complaints:public_link_qr", args=[world.site_b.pk, "svg"])
    )
    assert svg.status_code == 200 and b"<svg" in svg.content
    assert client_for(world.alpha_agent).get(reverse("complaints:public_links")).status_code == 403
    assert (
        client_for(world.bravo_manager)
        .get(reverse("complaints:public_link_qr", args=[world.site_a.pk, "png"]))
        .status_code
        == 404
    )
