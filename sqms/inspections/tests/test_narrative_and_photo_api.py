"""Removing a photo and editing a mystery shopper's narrative, by API and on the perform page:
only while the visit is not submitted, only by those who perform it, audited with the actor
hidden from the site, and never naming the shopper to the site."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from sqms.complaints.tests.scoping import PNG_1PX
from sqms.core import actions as core_actions
from sqms.core import audit
from sqms.core.attachments import CleanFile
from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import AuditEvent
from sqms.inspections import actions
from sqms.inspections.choices import InspectionKind
from sqms.inspections.models import Inspection, Photo
from sqms.inspections.tests.factories import make_checklist
from sqms.test import World, make_user

pytestmark = pytest.mark.django_db
CLI = Channel.CLI
SHOPPER_NAME = "Mei Incognito"


@pytest.fixture
def shopper(world: World) -> Any:
    user = make_user("shopper_mei", Role.INSPECTOR, sites=[world.site_a])
    user.first_name, user.last_name = "Mei", "Incognito"
    user.save()
    return user


@pytest.fixture
def visit(world: World, shopper: Any) -> Inspection:
    """A mystery visit of site A in progress, with two narrative entries and a photo of A1."""
    checklist = make_checklist("MYST-API", kind=InspectionKind.MYSTERY)
    visit = actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist}, acting_user=shopper, channel=CLI
    )
    for at, text in (("2026-05-02T10:00:00", "Entered"), ("2026-05-02T10:04:00", "Waited")):
        actions.do_add_narrative(
            visit,
            text,
            at=_aware(at),
            acting_user=shopper,
            channel=CLI,
        )
    actions.do_add_photos(
        visit,
        [CleanFile("floor.png", "image/png", PNG_1PX)],
        item=checklist.items.get(code="A1"),
        acting_user=shopper,
        channel=CLI,
    )
    visit.refresh_from_db()
    return visit


def _aware(text: str) -> Any:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(text)
    assert moment is not None
    return timezone.make_aware(moment)


def _auth(user: Any) -> dict[str, str]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _patch(user: Any, visit: Inspection, body: dict[str, Any]) -> Any:
    return Client().patch(
        f"/api/v1/inspections/{visit.pk}/narrative",
        data=json.dumps(body),
        content_type="application/json",
        **_auth(user),
    )


def _submit(visit: Inspection) -> None:
    actions.do_submit_inspection(visit, allow_incomplete=True, acting_user=None, channel=CLI)


# Photos ---------------------------------------------------------------------------------------


def test_inspector_removes_a_photo_by_api(world: World, shopper: Any, visit: Inspection) -> None:
    photo = Photo.objects.get(inspection=visit)
    name = photo.file.name
    assert default_storage.exists(name)
    url = f"/api/v1/inspections/{visit.pk}/photos/{photo.pk}"
    response = Client().delete(url, **_auth(shopper))
    assert response.status_code == 204
    assert Photo.objects.filter(inspection=visit).count() == 0
    assert not default_storage.exists(name)
    event = AuditEvent.objects.get(model="inspections.photo", action=AuditAction.DELETE)
    assert event.actor == shopper and event.actor_hidden is True and event.channel == "api"
    assert event.changes["name"] == ["floor.png", None]
    # the site sees the event without the shopper
    seen = audit.with_who(AuditEvent.objects.filter(pk=event.pk), world.alpha_manager).get()
    assert seen.who == ""  # type: ignore[attr-defined]
    assert Client().delete(url, **_auth(shopper)).status_code == 404


def test_photo_removal_is_refused_after_submit_and_to_others(
    world: World, shopper: Any, visit: Inspection
) -> None:
    photo = Photo.objects.get(inspection=visit)
    url = f"/api/v1/inspections/{visit.pk}/photos/{photo.pk}"
    other = make_user("other_inspector", Role.INSPECTOR, sites=[world.site_a])
    assert Client().delete(url, **_auth(other)).status_code == 403
    denied = Client().delete(url, **_auth(world.alpha_manager))
    assert denied.status_code == 403 and SHOPPER_NAME not in denied.content.decode()
    assert Client().delete(url, **_auth(world.bravo_manager)).status_code == 404
    # the photo under another inspection's id is not found
    assert (
        Client().delete(
            f"/api/v1/inspections/{visit.pk + 999}/photos/{photo.pk}", **_auth(world.qm)
        )
    ).status_code == 404
    _submit(visit)
    refused = Client().delete(url, **_auth(shopper))
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith(f"{visit.reference} was already submitted on ")
    assert Client().delete(url, **_auth(world.qm)).status_code == 409
    assert Photo.objects.filter(inspection=visit).count() == 1
    assert not AuditEvent.objects.filter(model="inspections.photo", action=AuditAction.DELETE)


def test_quality_manager_may_remove_a_photo(world: World, visit: Inspection) -> None:
    photo = Photo.objects.get(inspection=visit)
    response = Client().delete(
        f"/api/v1/inspections/{visit.pk}/photos/{photo.pk}", **_auth(world.qm)
    )
    assert response.status_code == 204 and not Photo.objects.filter(inspection=visit).exists()


# Narrative ------------------------------------------------------------------------------------


def test_patch_edits_removes_and_clears_the_narrative(
    world: World, shopper: Any, visit: Inspection
) -> None:
    assert [e["text"] for e in visit.narrative] == ["Entered", "Waited"]
    version = visit.version
    response = _patch(
        shopper,
        visit,
        {
            "version": version,
            "entries": [
                {"at": "2026-05-02T10:06:00", "text": "Waited 6 minutes  "},
                {"at": "2026-05-02T10:00:00", "text": "Entered"},
            ],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert [e["text"] for e in body["narrative"]] == ["Entered", "Waited 6 minutes"]
    assert body["narrative"][1]["at"].startswith("2026-05-02T10:06:00")
    assert body["version"] == version + 1
    event = AuditEvent.objects.filter(model="inspections.inspection", channel="api").get()
    assert event.actor == shopper and event.actor_hidden is True
    assert event.changes["narrative_removed"][0] == [f"{visit.narrative[1]['at']} Waited"]
    assert event.changes["narrative_added"][1][0].endswith(" Waited 6 minutes")
    assert "narrative" not in event.changes  # still two entries
    # the same narrative again changes nothing and writes nothing
    again = _patch(shopper, visit, {"entries": body["narrative"]})
    assert again.status_code == 200 and again.json()["version"] == version + 1
    assert AuditEvent.objects.filter(model="inspections.inspection", channel="api").count() == 1
    # a stale version is a 409
    stale = _patch(shopper, visit, {"version": version, "entries": []})
    assert stale.status_code == 409 and "Reload it" in stale.json()["detail"]
    cleared = _patch(shopper, visit, {"version": version + 1, "entries": []})
    assert cleared.status_code == 200 and cleared.json()["narrative"] == []
    visit.refresh_from_db()
    assert visit.narrative == [] and visit.version == version + 2


def test_narrative_api_adds_and_checks(world: World, shopper: Any, visit: Inspection) -> None:
    added = Client().post(
        f"/api/v1/inspections/{visit.pk}/narrative",
        data=json.dumps({"text": "Paid at till 2", "at": "2026-05-02T10:02:00"}),
        content_type="application/json",
        **_auth(shopper),
    )
    assert added.status_code == 201
    assert [e["text"] for e in added.json()["narrative"]] == ["Entered", "Paid at till 2", "Waited"]
    empty = _patch(shopper, visit, {"entries": [{"at": "2026-05-02T10:00:00", "text": ""}]})
    assert empty.status_code == 422
    too_long = _patch(
        shopper, visit, {"entries": [{"at": "2026-05-02T10:00:00", "text": "x" * 4001}]}
    )
    assert too_long.status_code == 422
    other = make_user("other_inspector", Role.INSPECTOR, sites=[world.site_a])
    assert _patch(other, visit, {"entries": []}).status_code == 403
    site = _patch(world.alpha_manager, visit, {"entries": []})
    assert site.status_code == 403 and SHOPPER_NAME not in site.content.decode()
    assert _patch(world.bravo_manager, visit, {"entries": []}).status_code == 404
    visit.refresh_from_db()
    assert len(visit.narrative) == 3


def test_narrative_is_read_only_once_submitted_and_only_for_mystery(
    world: World, shopper: Any, visit: Inspection
) -> None:
    _submit(visit)
    refused = _patch(shopper, visit, {"entries": []})
    assert refused.status_code == 409 and "already submitted" in refused.json()["detail"]
    assert _patch(world.qm, visit, {"entries": []}).status_code == 409
    visit.refresh_from_db()
    assert [e["text"] for e in visit.narrative] == ["Entered", "Waited"]
    plain = actions.do_create_inspection(
        {"site": world.site_a, "checklist": make_checklist("SUP-API")},
        acting_user=world.alpha_inspector,
        channel=CLI,
    )
    wrong = _patch(world.alpha_inspector, plain, {"entries": []})
    assert wrong.status_code == 422
    assert "Only mystery-shopper visits keep a narrative." in wrong.content.decode()
    # the site manager reads the submitted visit without its shopper
    body = Client().get(f"/api/v1/inspections/{visit.pk}", **_auth(world.alpha_manager)).json()
    assert body["inspector_id"] is None and len(body["narrative"]) == 2


# The perform page -----------------------------------------------------------------------------


def test_perform_page_edits_removes_and_clears_entries(
    world: World, shopper: Any, visit: Inspection, client_for: Any
) -> None:
    c = client_for(shopper)
    page = c.get(reverse("inspections:perform", args=[visit.pk])).content.decode()
    entry_url = reverse("inspections:perform_narrative_entry", args=[visit.pk, 2])
    assert f'action="{entry_url}"' in page and "Remove this entry" in page
    assert "Clear the narrative" in page
    photo = Photo.objects.get(inspection=visit)
    assert reverse("inspections:perform_photo_delete", args=[photo.pk]) in page
    response = c.post(entry_url, {"version": visit.version, "text": "Waited 5 minutes"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert [e["text"] for e in visit.narrative] == ["Entered", "Waited 5 minutes"]
    # a form of an older page is refused, nothing changes
    stale = c.post(entry_url, {"version": visit.version - 1, "remove": "1"}, follow=True)
    assert "Reload it and try again." in stale.content.decode()
    visit.refresh_from_db()
    assert len(visit.narrative) == 2
    first = reverse("inspections:perform_narrative_entry", args=[visit.pk, 1])
    c.post(first, {"version": visit.version, "remove": "1"})
    visit.refresh_from_db()
    assert [e["text"] for e in visit.narrative] == ["Waited 5 minutes"]
    gone = c.post(
        reverse("inspections:perform_narrative_entry", args=[visit.pk, 3]),
        {"version": visit.version, "text": "x"},
        follow=True,
    )
    assert "That narrative entry is gone; reload the page." in gone.content.decode()
    c.post(
        reverse("inspections:perform_narrative_clear", args=[visit.pk]), {"version": visit.version}
    )
    visit.refresh_from_db()
    assert visit.narrative == []


def test_perform_page_refuses_changes_after_submit(
    world: World, shopper: Any, visit: Inspection, client_for: Any
) -> None:
    _submit(visit)
    visit.refresh_from_db()
    c = client_for(shopper)
    response = c.post(
        reverse("inspections:perform_narrative_clear", args=[visit.pk]),
        {"version": visit.version},
    )
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    visit.refresh_from_db()
    assert len(visit.narrative) == 2
    photo = Photo.objects.get(inspection=visit)
    c.post(reverse("inspections:perform_photo_delete", args=[photo.pk]))
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_a_photo_saved_by_the_script_comes_back_with_its_remove_link(
    world: World, shopper: Any, visit: Inspection, client_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = visit.checklist.items.get(code="B1")
    c = client_for(shopper)
    response = c.post(
        reverse("inspections:perform_photo", args=[visit.pk, item.pk]),
        {"photo": SimpleUploadedFile("till.png", PNG_1PX, content_type="image/png")},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    (saved,) = response.json()["photos"]
    photo = Photo.objects.get(pk=saved["id"])
    assert saved["delete_url"] == reverse("inspections:perform_photo_delete", args=[photo.pk])
    assert c.post(saved["delete_url"]).status_code == 302
    assert Photo.objects.filter(inspection=visit).count() == 1  # A1's photo stays
