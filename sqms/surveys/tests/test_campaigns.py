# ruff: noqa: F811
"""Campaign and instrument pages: scoping, creation, closing, QR codes and table cards."""

from __future__ import annotations

import re

import pytest

from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.surveys import actions
from sqms.surveys.models import Campaign, CampaignSite, Instrument


def pdf_text(data: bytes) -> str:
    """The text shown by the uncompressed PDF's ``(...) Tj`` operators; CID-font strings are
    UTF-16BE, Helvetica strings Latin-1."""
    out = []
    for m in re.finditer(rb"\(((?:\\.|[^\\)])*)\) Tj", data, re.S):
        raw, buf, i = m.group(1), bytearray(), 0
        while i < len(raw):
            if raw[i] == 0x5C:
                octal = re.match(rb"[0-7]{1,3}", raw[i + 1 :])
                if octal:
                    buf.append(int(octal.group(), 8))
                    i += 1 + len(octal.group())
                    continue
                nxt = raw[i + 1 : i + 2]
                buf += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
                i += 2
                continue
            buf.append(raw[i])
            i += 1
        b = bytes(buf)
        out.append(
            b.decode("utf-16-be", "ignore")
            if len(b) % 2 == 0 and b[:1] in (b"\x00", b"N") or any(c > 0x7F for c in b[::2])
            else b.decode("latin-1")
        )
        out.append(b.decode("latin-1"))
    return "\n".join(out)


@pytest.fixture
def alpha_only(world, builtins):
    return actions.do_create_campaign(
        {
            "name": "Alpha CSAT ALPHA-SECRET",
            "instrument": builtins["CSAT"],
            "sites": [world.site_a],
            "status": "open",
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )


def test_install_button_only_for_qm(world, client_for):
    assert client_for(world.alpha_manager).post("/surveys/instruments/install/").status_code == 403
    r = client_for(world.qm).post("/surveys/instruments/install/", follow=True)
    assert "Installed SERVQUAL" in r.content.decode()
    assert Instrument.objects.count() == 7
    r = client_for(world.qm).post("/surveys/instruments/install/", follow=True)
    assert "already installed" in r.content.decode() and Instrument.objects.count() == 7
    page = client_for(world.qm).get("/surveys/instruments/?q=servqual").content.decode()
    assert "SERVQUAL" in page and "CSAT" not in page.split("<tbody>")[1]


def test_qm_creates_campaign_with_quotas(world, builtins, client_for):
    c = client_for(world.qm)
    r = c.post(
        "/surveys/campaigns/new/",
        {
            "name": "Spring",
            "instrument": builtins["SERVQUAL"].pk,
            "sites": [world.site_a.pk, world.site_b.pk],
            "quotas": "ALPHA = 50",
            "opens_on": "2026-03-01",
            "closes_on": "2026-02-01",
        },
    )
    assert "cannot close before it opens" in r.content.decode()
    r = c.post(
        "/surveys/campaigns/new/",
        {
            "name": "Spring",
            "instrument": builtins["SERVQUAL"].pk,
            "sites": [world.site_a.pk, world.site_b.pk],
            "quotas": "ALPHA = 50",
        },
    )
    assert r.status_code == 302
    campaign = Campaign.objects.get(name="Spring")
    assert CampaignSite.objects.get(campaign=campaign, site=world.site_a).quota == 50
    assert campaign.status == "draft"
    assert AuditEvent.objects.filter(
        model="surveys.campaign", object_id=str(campaign.pk), action="create"
    ).exists()
    assert client_for(world.alpha_manager).get("/surveys/campaigns/new/").status_code == 403


def test_scoping_of_campaigns_and_cards(world, alpha_only, client_for):
    cs = CampaignSite.objects.get(campaign=alpha_only)
    outsider = client_for(world.bravo_manager)
    assert "ALPHA-SECRET" not in outsider.get("/surveys/campaigns/").content.decode()
    assert outsider.get(f"/surveys/campaigns/{alpha_only.pk}/").status_code == 404
    for fmt in ("png", "svg", "pdf"):
        assert (
            outsider.get(
                f"/surveys/campaigns/{alpha_only.pk}/sites/{world.site_a.pk}/card.{fmt}"
            ).status_code
            == 404
        )
    insider = client_for(world.alpha_manager)
    page = insider.get(f"/surveys/campaigns/{alpha_only.pk}/").content.decode()
    assert f"/s/{cs.slug}/" in page and "card.pdf" in page
    assert (
        insider.post(
            f"/surveys/campaigns/{alpha_only.pk}/status/", {"status": "closed"}
        ).status_code
        == 404
    )
    assert client_for(world.roleless).get("/surveys/campaigns/").status_code == 403


def test_qr_and_card_downloads(world, alpha_only, client_for):
    c = client_for(world.alpha_manager)
    base = f"/surveys/campaigns/{alpha_only.pk}/sites/{world.site_a.pk}/card"
    png = c.get(base + ".png")
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = c.get(base + ".svg").content.decode()
    assert "<svg" in svg
    pdf = c.get(base + ".pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content
    assert "Alpha store ALPHA-SECRET" in pdf_text(pdf.content)


def test_card_pdf_with_chinese_site_name(world, alpha_only, client_for):
    world.site_a.name = "上海南京路店"
    world.site_a.save()
    pdf = (
        client_for(world.qm)
        .get(f"/surveys/campaigns/{alpha_only.pk}/sites/{world.site_a.pk}/card.pdf")
        .content
    )
    assert b"STSong-Light" in pdf and b"UniGB-UCS2-H" in pdf
    assert "上海南京路店" in pdf_text(pdf)


def test_close_makes_read_only(world, alpha_only, client_for):
    c = client_for(world.qm)
    assert (
        c.post(f"/surveys/campaigns/{alpha_only.pk}/status/", {"status": "closed"}).status_code
        == 302
    )
    alpha_only.refresh_from_db()
    assert alpha_only.is_closed
    assert AuditEvent.objects.filter(model="surveys.campaign", action="close").count() == 1
    assert c.get(f"/surveys/campaigns/{alpha_only.pk}/edit/").status_code == 403
    page = c.get(f"/surveys/campaigns/{alpha_only.pk}/").content.decode()
    assert "closed and read-only" in page and "Import responses" not in page


def test_campaign_list_query_count(world, builtins, client_for, django_assert_max_num_queries):
    for n in range(8):
        actions.do_create_campaign(
            {
                "name": f"C{n}",
                "instrument": builtins["CSAT"],
                "sites": [world.site_a, world.site_b],
            },
            acting_user=world.qm,
            channel=Channel.WEB,
        )
    c = client_for(world.alpha_manager)
    with django_assert_max_num_queries(12):
        assert c.get("/surveys/campaigns/").status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get("/surveys/instruments/").status_code == 200


def test_custom_instrument_versioning(world, builtins, client_for):
    c = client_for(world.qm)
    r = c.post(
        "/surveys/instruments/new/", {"code": "CHECKOUT", "name_en": "Checkout", "name_zh": "结账"}
    )
    inst = Instrument.objects.get(code="CHECKOUT")
    assert r.status_code == 302
    r = c.post(
        f"/surveys/instruments/{inst.pk}/questions/new/",
        {
            "code": "Q1",
            "kind": "likert",
            "role": "item",
            "text_en": "Quick?",
            "scale_min": 1,
            "scale_max": 4,
            "required": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()
    r = c.post(
        f"/surveys/instruments/{inst.pk}/questions/new/",
        {"code": "Q2", "kind": "single", "role": "other", "text_en": "Pick", "options": "only one"},
    )
    assert "at least two options" in r.content.decode()
    campaign = actions.do_create_campaign(
        {"name": "Checkout", "instrument": inst, "sites": [world.site_a], "status": "open"},
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    actions.write_responses(
        campaign, [{"answers": {"Q1": 4}, "site": world.site_a}], channel="api", acting_user=None
    )
    q1 = inst.questions.get(code="Q1")
    r = c.post(
        f"/surveys/instruments/{inst.pk}/questions/{q1.pk}/",
        {
            "code": "Q1",
            "kind": "likert",
            "role": "item",
            "text_en": "Was it quick?",
            "scale_min": 1,
            "scale_max": 5,
        },
        follow=True,
    )
    body = r.content.decode()
    assert "saved as version 2" in body, re.findall(r"errorlist.{0,300}", body)
    v2 = Instrument.objects.get(code="CHECKOUT", version=2)
    inst.refresh_from_db()
    assert v2.previous_id == inst.pk and v2.is_current and not inst.is_current
    assert (
        inst.questions.get(code="Q1").text_en == "Quick?"
        and inst.questions.get(code="Q1").scale_max == 4
    )
    assert v2.questions.get(code="Q1").scale_max == 5
    assert campaign.responses.get().instrument_id == inst.pk
    # editing the old version is refused; the new one has no responses so edits stay in place
    assert (
        "not the current version"
        in c.post(
            f"/surveys/instruments/{inst.pk}/edit/", {"name_en": "X"}, follow=True
        ).content.decode()
    )
    c.post(f"/surveys/instruments/{v2.pk}/edit/", {"name_en": "Checkout speed", "name_zh": "结账"})
    assert Instrument.objects.filter(code="CHECKOUT").count() == 2
