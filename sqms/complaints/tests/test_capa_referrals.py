"""Referring complaints to CAPA: one complaint or a cluster becomes a queued referral with an
audit event and a note on each complaint; cross-site clusters need a quality manager; the
pages and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sqms.complaints import actions
from sqms.complaints.choices import CapaStatus, EntryKind, Source
from sqms.complaints.models import CapaReferral, Entry
from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent

WEB = Channel.WEB


def complaint(world: Any, site: Any, text: str = "Cold coffee") -> Any:
    return actions.do_create_complaint(
        {"site": site, "channel": "phone", "description": text},
        source=Source.STAFF,
        acting_user=None,
        channel=Channel.CLI,
    )


def bearer(user: Any) -> dict[str, str]:
    _t, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_referral_of_one_site_is_queued_audited_and_noted(world):  # type: ignore[no-untyped-def]
    a1, a2 = complaint(world, world.site_a), complaint(world, world.site_a)
    r = actions.do_refer_to_capa(
        [a1, a2], " Cold coffee ", "Twice", acting_user=world.alpha_manager, channel=WEB
    )
    assert (r.title, r.status, r.site, r.created_by) == (
        "Cold coffee",
        CapaStatus.QUEUED,
        world.site_a,
        world.alpha_manager,
    )
    assert sorted(r.complaints.values_list("pk", flat=True)) == sorted([a1.pk, a2.pk])
    assert (
        AuditEvent.objects.filter(
            model="complaints.capareferral", object_id=str(r.pk), action="create"
        ).count()
        == 1
    )
    notes = Entry.objects.filter(kind=EntryKind.NOTE, data__capa_referral=r.pk)
    assert sorted(notes.values_list("complaint_id", flat=True)) == sorted([a1.pk, a2.pk])
    assert r.get_absolute_url() == reverse("complaints:referrals")


def test_cross_site_cluster_only_for_quality_managers(world):  # type: ignore[no-untyped-def]
    a, b = complaint(world, world.site_a), complaint(world, world.site_b)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        # a region or site manager cannot refer across sites (here: B is not even in scope)
        actions.do_refer_to_capa([a, b], "Cluster", acting_user=world.alpha_manager, channel=WEB)
    with pytest.raises(PermissionDenied):
        actions.do_refer_to_capa([b], "Not mine", acting_user=world.alpha_manager, channel=WEB)
    with pytest.raises(PermissionDenied):  # agents log complaints but do not refer them
        actions.do_refer_to_capa([a], "Agent", acting_user=world.alpha_agent, channel=WEB)
    assert AuditEvent.objects.count() == before and not CapaReferral.objects.exists()
    r = actions.do_refer_to_capa([a, b], "Cluster", acting_user=world.qm, channel=WEB)
    assert r.site is None and r.complaints.count() == 2


def test_cross_site_refused_for_a_manager_who_sees_both_sites(world):  # type: ignore[no-untyped-def]
    from sqms.test import make_user

    both = make_user("both_regions", "region_manager", regions=[world.region_a, world.region_b])
    a, b = complaint(world, world.site_a), complaint(world, world.site_b)
    with pytest.raises(PermissionDenied, match="quality manager"):
        actions.do_refer_to_capa([a, b], "Cluster", acting_user=both, channel=WEB)
    assert actions.do_refer_to_capa([a], "One", acting_user=both, channel=WEB).site == world.site_a


def test_title_and_complaints_required(world):  # type: ignore[no-untyped-def]
    a = complaint(world, world.site_a)
    with pytest.raises(ValidationError):
        actions.do_refer_to_capa([a], "  ", acting_user=world.qm, channel=WEB)
    with pytest.raises(ValidationError):
        actions.do_refer_to_capa([], "Title", acting_user=world.qm, channel=WEB)


def test_refer_button_and_cluster_post_and_list(world, client_for):  # type: ignore[no-untyped-def]
    a1, a2 = complaint(world, world.site_a, "Milk sour"), complaint(world, world.site_a)
    b = complaint(world, world.site_b)
    c = client_for(world.alpha_manager)
    resp = c.post(reverse("complaints:refer", args=[a1.pk]), {"title": ""})
    assert resp.status_code == 302 and resp["Location"] == a1.get_absolute_url()
    r = CapaReferral.objects.get()
    assert r.title == f"{a1.reference} Milk sour"
    # the outsider gets a 404 and nothing is written
    assert (
        client_for(world.bravo_manager).post(reverse("complaints:refer", args=[a1.pk])).status_code
        == 404
    )
    resp = c.post(
        reverse("complaints:refer_cluster"),
        {"complaint": [a1.pk, a2.pk], "title": "Cluster", "next": "https://evil.example/"},
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("complaints:referrals")
    assert CapaReferral.objects.count() == 2
    # a complaint of another site in the cluster: 404 for a site manager
    resp = c.post(reverse("complaints:refer_cluster"), {"complaint": [a1.pk, b.pk], "title": "X"})
    assert resp.status_code == 404 and CapaReferral.objects.count() == 2
    page = c.get(reverse("complaints:referrals"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Cluster" in body and "raises a nonconformity from it" in body
    csv = c.get(reverse("complaints:referrals") + "?export=csv")
    assert csv.status_code == 200 and b"Cluster" in b"".join(csv.streaming_content)
    # the quality manager refers the cross-site cluster
    resp = client_for(world.qm).post(
        reverse("complaints:refer_cluster"), {"complaint": [a1.pk, b.pk], "title": "Both"}
    )
    assert resp.status_code == 302 and CapaReferral.objects.get(title="Both").site is None
    # site A's manager does not see the cross-site referral
    assert "Both" not in c.get(reverse("complaints:referrals")).content.decode()


def test_referrals_api(world):  # type: ignore[no-untyped-def]
    a, b = complaint(world, world.site_a), complaint(world, world.site_b)
    c = Client()
    mine, qm = bearer(world.alpha_manager), bearer(world.qm)
    url = "/api/v1/complaints/reports/referrals"

    def post(payload: Any, headers: dict[str, str]) -> Any:
        return c.post(url, data=json.dumps(payload), content_type="application/json", **headers)

    resp = post({"complaint_ids": [a.pk], "title": "Via API"}, mine)
    assert resp.status_code == 201, resp.content
    assert resp.json()["complaint_ids"] == [a.pk] and resp.json()["status"] == "queued"
    assert post({"complaint_ids": [a.pk, b.pk], "title": "X"}, mine).status_code == 404
    both = post({"complaint_ids": [a.pk, b.pk], "title": "Both"}, qm)
    assert both.status_code == 201 and both.json()["site_id"] is None
    listed = c.get(url, **mine).json()
    assert [r["title"] for r in listed["items"]] == ["Via API"]
    assert len(c.get(url, **qm).json()["items"]) == 2
