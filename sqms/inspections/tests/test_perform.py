import io
import json
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.choices import InspectionStatus
from sqms.inspections.models import Answer, Inspection, Photo

CLI = Channel.CLI


def _item(inspection, code):
    return inspection.checklist.items.get(code=code)


def _answer(inspection, user, code, result="", value=None, note=""):
    return actions.do_save_answer(
        inspection,
        _item(inspection, code),
        result=result,
        value=value,
        note=note,
        acting_user=user,
        channel=CLI,
    )


def _all(inspection, user, b2=4):
    _answer(inspection, user, "A1", "pass")
    _answer(inspection, user, "A2", "pass")
    _answer(inspection, user, "B1", value=5)
    _answer(inspection, user, "B2", value=b2)


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPSInfo: latitude
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def test_answers_are_saved_as_the_inspector_goes_and_the_page_resumes(
    world, inspection, client_for
):
    c = client_for(world.alpha_inspector)
    a1 = _item(inspection, "A1")
    r = c.post(
        f"/inspections/{inspection.pk}/perform/items/{a1.pk}/",
        data=json.dumps({"result": "fail", "note": "Wet floor"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    body = r.json()
    assert r.status_code == 200 and body["answer"]["failed"] is True
    assert (body["score"], body["points"], body["max_points"]) == ("0.00", "0.00", "1.00")
    b1 = _item(inspection, "B1")
    r = c.post(
        f"/inspections/{inspection.pk}/perform/items/{b1.pk}/",
        data=json.dumps({"value": "4"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert r.json()["score"] == "53.33"  # (0 + 2×4/5) / 3
    # the tab closes; opening the page again shows what the server kept
    page = c.get(f"/inspections/{inspection.pk}/perform/").content.decode()
    assert "Wet floor" in page and 'value="4" checked' in page and "53.33 %" in page
    state = json.loads(
        page.split('id="perform-state" type="application/json">')[1].split("</script>")[0]
    )
    assert state["saved"][str(a1.pk)]["result"] == "fail" and state["version"] == 3
    # an answer saved again overwrites (a retried request from the queue does no harm)
    _answer(inspection, world.alpha_inspector, "A1", "pass")
    assert Answer.objects.filter(inspection=inspection).count() == 2
    inspection.refresh_from_db()
    assert inspection.score == D("86.67") and inspection.status == InspectionStatus.IN_PROGRESS


def test_a_plain_form_post_works_without_script(world, inspection, client_for):
    c = client_for(world.alpha_inspector)
    b2 = _item(inspection, "B2")
    r = c.post(
        f"/inspections/{inspection.pk}/perform/items/{b2.pk}/", {"value": "4,5", "note": "ok"}
    )
    assert r.status_code == 302 and r["Location"].endswith(f"#item-{b2.pk}")
    assert Answer.objects.get(item=b2).value == D("4.5")


def test_a_score_outside_the_range_is_refused_naming_the_item(world, inspection, client_for):
    with pytest.raises(ValidationError) as exc:
        _answer(inspection, world.alpha_inspector, "B1", value=7)
    assert exc.value.message_dict == {
        "value": ["B1: give a whole score from 0 to 5 (or not applicable)."]
    }
    with pytest.raises(ValidationError) as exc:
        _answer(inspection, world.alpha_inspector, "A1", "")
    assert exc.value.message_dict == {"result": ["A1: answer pass, fail or not applicable."]}
    with pytest.raises(ValidationError, match="B2: “warm” is not a number"):
        _answer(inspection, world.alpha_inspector, "B2", value="warm")
    assert not Answer.objects.filter(inspection=inspection).exists()
    c = client_for(world.alpha_inspector)
    r = c.post(
        f"/inspections/{inspection.pk}/perform/items/{_item(inspection, 'B1').pk}/",
        data=json.dumps({"value": "2.5"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert r.status_code == 422 and r.json()["error"].startswith("B1:")


def test_submit_needs_every_item_and_the_required_photos(world, inspection):
    user = world.alpha_inspector
    _answer(inspection, user, "A1", "pass")
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_inspection(inspection, acting_user=user, channel=CLI)
    assert exc.value.messages == ["Answer these items first: A2, B1, B2."]
    a2 = _item(inspection, "A2")
    a2.photo = "required"
    a2.save()
    _all(inspection, user)
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_inspection(inspection, acting_user=user, channel=CLI)
    assert exc.value.messages == ["These items need a photo: A2."]
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.IN_PROGRESS
    files = actions.check_photos(inspection, [SimpleUploadedFile("ext.jpg", _jpeg_with_gps())])
    actions.do_add_photos(inspection, files, item=a2, acting_user=user, channel=CLI)
    done = actions.do_submit_inspection(
        inspection, site_representative="王店长", acknowledged=True, acting_user=user, channel=CLI
    )
    assert (done.status, done.score, done.passed) == (InspectionStatus.SUBMITTED, D(100), True)
    assert done.submitted_at is not None and done.acknowledged_at is not None
    assert done.site_representative == "王店长"


def test_photos_lose_their_location_unless_the_checklist_keeps_it(world, inspection):
    (clean,) = actions.check_photos(inspection, [SimpleUploadedFile("gps.jpg", _jpeg_with_gps())])
    assert not Image.open(io.BytesIO(clean.data)).getexif().get(0x8825)
    version = inspection.checklist
    version.keep_photo_location = True
    version.save()
    inspection.refresh_from_db()
    (kept,) = actions.check_photos(inspection, [SimpleUploadedFile("gps.jpg", _jpeg_with_gps())])
    assert Image.open(io.BytesIO(kept.data)).getexif().get(0x8825)


def test_a_non_image_or_a_huge_file_is_refused_naming_the_file(
    world, inspection, client_for, settings
):
    with pytest.raises(ValidationError) as exc:
        actions.check_photos(inspection, [SimpleUploadedFile("report.pdf", b"%PDF-1.4 hello")])
    assert "“report.pdf” is not an accepted kind of file" in exc.value.messages[0]
    big = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"0" * 100)
    big.size = 50 * 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        actions.check_photos(inspection, [big])
    assert exc.value.messages == ["“huge.jpg” is 50 MB; files may be at most 10 MB."]
    c = client_for(world.alpha_inspector)
    a1 = _item(inspection, "A1")
    r = c.post(
        f"/inspections/{inspection.pk}/perform/items/{a1.pk}/photo/",
        {"photo": SimpleUploadedFile("notes.txt", b"just text")},
        HTTP_ACCEPT="application/json",
    )
    assert r.status_code == 422 and "“notes.txt”" in r.json()["error"]
    assert not Photo.objects.exists()
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="PNG")
    r = c.post(
        f"/inspections/{inspection.pk}/perform/items/{a1.pk}/photo/",
        {"photo": SimpleUploadedFile("floor.png", buf.getvalue())},
        HTTP_ACCEPT="application/json",
    )
    photo = Photo.objects.get()
    assert r.status_code == 200 and photo.answer.item == a1 and photo.answer.answered_at is None
    assert c.get(f"/inspections/photos/{photo.pk}/")["Content-Type"] == "image/png"
    assert (
        client_for(world.bravo_manager).get(f"/inspections/photos/{photo.pk}/").status_code == 404
    )


def test_a_second_submit_is_refused(world, inspection, client_for):
    user = world.alpha_inspector
    _all(inspection, user)
    version = Inspection.objects.get(pk=inspection.pk).version
    done = actions.do_submit_inspection(
        inspection, expected_version=version, acting_user=user, channel=CLI
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_inspection(
            inspection, expected_version=version, acting_user=user, channel=CLI
        )
    assert exc.value.code == "already_submitted"
    assert "was already submitted on" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="already submitted"):
        _answer(inspection, user, "A1", "fail")
    # the page's second click
    c = client_for(user)
    r = c.post(f"/inspections/{inspection.pk}/perform/submit/", {"version": done.version})
    assert r.status_code == 302 and r["Location"] == f"/inspections/{inspection.pk}/"
    assert "already submitted" in c.get(r["Location"]).content.decode()


def test_a_stale_version_is_a_conflict(world, inspection):
    user = world.alpha_inspector
    _all(inspection, user)
    with pytest.raises(actions.ConflictError):
        actions.do_submit_inspection(inspection, expected_version=1, acting_user=user, channel=CLI)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_submit_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    from sqms.inspections.tests.factories import make_checklist

    checklist = make_checklist()
    inspection = actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist},
        acting_user=world.alpha_inspector,
        channel=CLI,
    )
    _all(inspection, world.alpha_inspector)
    version = Inspection.objects.get(pk=inspection.pk).version
    outcomes: list[str] = []
    barrier = threading.Barrier(3)

    def submit() -> None:
        try:
            barrier.wait()
            actions.do_submit_inspection(
                inspection, expected_version=version, acting_user=world.alpha_inspector, channel=CLI
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_submitted", "already_submitted", "ok"]
    from sqms.core.models import AuditEvent

    submits = AuditEvent.objects.filter(
        model="inspections.inspection",
        object_id=str(inspection.pk),
        changes__has_key="submitted_at",
    )
    assert submits.count() == 1


def test_mystery_narrative(world, checklist):
    from datetime import datetime, timedelta, timezone

    mystery = actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist, "kind": "mystery"},
        acting_user=world.alpha_inspector,
        channel=CLI,
    )
    t0 = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    actions.do_add_narrative(
        mystery,
        "Waited 4 minutes",
        at=t0 + timedelta(minutes=4),
        acting_user=world.alpha_inspector,
        channel=CLI,
    )
    actions.do_add_narrative(
        mystery, "Entered", at=t0, acting_user=world.alpha_inspector, channel=CLI
    )
    mystery.refresh_from_db()
    assert [e["text"] for e in mystery.narrative] == ["Entered", "Waited 4 minutes"]
    with pytest.raises(ValidationError, match="Only mystery-shopper"):
        plain = actions.do_create_inspection(
            {"site": world.site_a, "checklist": checklist},
            acting_user=world.alpha_inspector,
            channel=CLI,
        )
        actions.do_add_narrative(plain, "x", acting_user=world.alpha_inspector, channel=CLI)


def test_a_photo_can_be_removed_while_the_inspection_is_open(world, inspection, client_for):
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="PNG")
    a1 = _item(inspection, "A1")
    files = actions.check_photos(inspection, [SimpleUploadedFile("floor.png", buf.getvalue())])
    (photo,) = actions.do_add_photos(
        inspection, files, item=a1, acting_user=world.alpha_inspector, channel=CLI
    )
    c = client_for(world.alpha_inspector)
    assert "Remove floor.png" in c.get(f"/inspections/{inspection.pk}/perform/").content.decode()
    assert (
        client_for(world.alpha_manager).post(f"/inspections/photos/{photo.pk}/delete/").status_code
        == 403
    )
    r = c.post(f"/inspections/photos/{photo.pk}/delete/")
    assert r.status_code == 302 and not Photo.objects.exists()


def test_the_mystery_page_shows_the_scenario_and_the_narrative_form(world, checklist, client_for):
    actions.do_new_version(checklist.template, acting_user=world.qm, channel=CLI)
    draft = checklist.template.versions.get(status="draft")
    actions.do_update_version(
        draft, {"scenario": "Ask for a refund at 11:00"}, acting_user=world.qm, channel=CLI
    )
    v2 = actions.do_publish_version(draft, acting_user=world.qm, channel=CLI)
    mystery = actions.do_create_inspection(
        {"site": world.site_a, "template": checklist.template, "kind": "mystery"},
        acting_user=world.alpha_inspector,
        channel=CLI,
    )
    assert mystery.checklist == v2
    c = client_for(world.alpha_inspector)
    page = c.get(f"/inspections/{mystery.pk}/perform/").content.decode()
    assert "Ask for a refund at 11:00" in page and "Add to the narrative" in page
    r = c.post(f"/inspections/{mystery.pk}/perform/narrative/", {"text": "Greeted late"})
    assert r.status_code == 302
    mystery.refresh_from_db()
    assert [e["text"] for e in mystery.narrative] == ["Greeted late"]
