"""The CAPA pages and API end to end, and bad input: a refused step names what is missing,
evidence that is not an image or PDF (or too large) is named, a stale version is a conflict,
another site's NC is a 404."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sqms.capa.choices import Stage
from sqms.capa.models import Action, ActionEvidence, Nonconformity
from sqms.capa.tests.capa_data import CLI, add_action, make_nc, step, to_action_plan
from sqms.core import actions as core_actions

pytestmark = pytest.mark.django_db


def png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buf, format="PNG")
    return buf.getvalue()


def api(user):
    _t, token = core_actions.do_create_api_token(user, "t", acting_user=user, channel=CLI)
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return c


def post_json(c, url, data, method="post"):
    return getattr(c, method)(url, json.dumps(data), content_type="application/json")


def test_site_manager_works_an_nc_through_the_pages(world, client_for):
    c = client_for(world.alpha_manager)
    r = c.post(
        reverse("capa:create"),
        {
            "site": world.site_a.pk,
            "title": "灭火器过期 Extinguisher out of date",
            "severity": "major",
            "origin": "manual",
            "containment": "换新 replaced",
        },
    )
    nc = Nonconformity.objects.get()
    assert r.status_code == 302 and r["Location"] == nc.get_absolute_url()
    page = c.get(nc.get_absolute_url()).content.decode()
    assert nc.reference in page and "Start analysis" in page and "People 人" in page
    c.post(reverse("capa:transition", args=[nc.pk]), {"transition": "analyse", "version": 1})
    c.post(
        reverse("capa:why_add", args=[nc.pk]),
        {"question": "为什么过期?", "answer": "没人检查 nobody checks", "is_root": "on"},
    )
    c.post(
        reverse("capa:fishbone_add", args=[nc.pk]),
        {"category": "method", "text": "无点检表 no checklist"},
    )
    nc.refresh_from_db()
    assert nc.why_steps.get().is_root and nc.fishbone.get().category == "method"
    c.post(reverse("capa:transition", args=[nc.pk]), {"transition": "plan", "version": nc.version})
    r = c.post(
        reverse("capa:action_add", args=[nc.pk]),
        {
            "kind": "corrective",
            "description": "月度点检 monthly check",
            "due_date": "2026-12-20",
            "owner_id": world.alpha_manager.pk,
        },
    )
    action = Action.objects.get()
    assert action.owner == world.alpha_manager
    nc.refresh_from_db()
    c.post(reverse("capa:transition", args=[nc.pk]), {"transition": "start", "version": nc.version})
    r = c.post(
        reverse("capa:evidence_add", args=[action.pk]),
        {"files": [SimpleUploadedFile("photo.png", png(), "image/png")]},
    )
    assert ActionEvidence.objects.count() == 1
    ev = ActionEvidence.objects.get()
    assert c.get(reverse("capa:evidence_download", args=[ev.pk])).status_code == 200
    c.post(reverse("capa:action_complete", args=[action.pk]), {"note": "done"})
    nc.refresh_from_db()
    r = c.post(
        reverse("capa:transition", args=[nc.pk]), {"transition": "verify", "version": nc.version}
    )
    nc.refresh_from_db()
    assert nc.stage == Stage.VERIFICATION
    page = c.get(nc.get_absolute_url()).content.decode()
    assert "Measure before and after" in page and "Quality manager" not in page
    c.post(
        reverse("capa:verification_propose", args=[nc.pk]),
        {
            "metric": "manual",
            "window_days": 90,
            "before": "60",
            "after": "95",
            "higher_is_better": "on",
        },
    )
    assert nc.verifications.get().proposed == "effective"
    # the site manager cannot confirm; the quality manager can
    r = c.post(
        reverse("capa:verification_confirm", args=[nc.pk]),
        {"verdict": "effective", "version": nc.version},
    )
    nc.refresh_from_db()
    assert nc.stage == Stage.VERIFICATION
    qm = client_for(world.qm)
    page = qm.get(nc.get_absolute_url()).content.decode()
    assert "Quality manager&#x27;s verdict" in page or "verdict" in page
    qm.post(
        reverse("capa:verification_confirm", args=[nc.pk]),
        {"verdict": "effective", "version": nc.version},
    )
    nc.refresh_from_db()
    assert nc.stage == Stage.CLOSED
    page = c.get(nc.get_absolute_url()).content.decode()
    assert "Add step" not in page  # read-only
    assert c.get(reverse("capa:report_8d", args=[nc.pk]))["Content-Type"] == "application/pdf"
    listing = c.get(reverse("capa:list") + "?stage=closed").content.decode()
    assert nc.reference in listing
    csv = b"".join(c.get(reverse("capa:list") + "?export=csv").streaming_content).decode()
    assert nc.reference in csv


def test_refusals_name_the_problem(world, client_for):
    c = client_for(world.alpha_manager)
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    action = add_action(nc)
    step(nc, "start")
    nc.refresh_from_db()
    r = c.post(
        reverse("capa:transition", args=[nc.pk]),
        {"transition": "verify", "version": nc.version},
        follow=True,
    )
    text = r.content.decode()
    assert "In progress" in text and "still open" in text
    # evidence that is not an image or PDF, and one too large
    r = c.post(
        reverse("capa:evidence_add", args=[action.pk]),
        {"files": [SimpleUploadedFile("notes.txt", b"hello", "image/png")]},
        follow=True,
    )
    assert "notes.txt" in r.content.decode() and "not an accepted kind" in r.content.decode()
    big = SimpleUploadedFile(
        "huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * (11 * 1024 * 1024), "image/png"
    )
    r = c.post(reverse("capa:evidence_add", args=[action.pk]), {"files": [big]}, follow=True)
    assert "huge.png" in r.content.decode() and "MB" in r.content.decode()
    assert ActionEvidence.objects.count() == 0
    # a stale version
    r = c.post(
        reverse("capa:transition", args=[nc.pk]),
        {"transition": "cancel", "version": nc.version - 1},
        follow=True,
    )
    assert "Someone else changed" in r.content.decode()


def test_other_sites_nc_is_a_404(world, client_for):
    nc = make_nc(world.site_a)
    outsider = client_for(world.bravo_manager)
    assert outsider.get(nc.get_absolute_url()).status_code == 404
    assert outsider.get(reverse("capa:report_8d", args=[nc.pk])).status_code == 404
    assert (
        outsider.post(
            reverse("capa:transition", args=[nc.pk]), {"transition": "analyse", "version": 1}
        ).status_code
        == 404
    )
    assert api(world.bravo_manager).get(f"/api/v1/capa/{nc.pk}").status_code == 404
    assert nc.reference not in outsider.get(reverse("capa:list")).content.decode()


def test_api_flow_conflict_and_close_refusal(world):
    c = api(world.alpha_manager)
    r = post_json(
        c, "/api/v1/capa/", {"site_id": world.site_a.pk, "title": "排队 queue", "severity": "minor"}
    )
    assert r.status_code == 201, r.content
    nc = r.json()
    assert nc["reference"].startswith("NC-") and nc["stage"] == "draft" and nc["version"] == 1
    url = f"/api/v1/capa/{nc['id']}"
    assert (
        post_json(c, url + "/transition", {"transition": "analyse", "version": 1}).status_code
        == 200
    )
    stale = post_json(c, url, {"version": 1, "title": "x"}, method="patch")
    assert stale.status_code == 409 and "your version 1, now 2" in stale.json()["detail"]
    refused = post_json(c, url + "/transition", {"transition": "plan", "version": 2})
    assert refused.status_code == 422 and "root cause" in str(refused.json())
    assert post_json(c, url + "/why", {"answer": "无人负责", "is_root": True}).status_code == 201
    assert (
        post_json(c, url + "/fishbone", {"category": "people", "text": "培训不足"}).status_code
        == 201
    )
    assert (
        post_json(c, url + "/transition", {"transition": "plan", "version": 2}).json()["stage"]
        == "action_plan"
    )
    a = post_json(
        c, url + "/actions", {"kind": "corrective", "description": "培训", "due_date": "2026-12-31"}
    )
    assert a.status_code == 201
    assert (
        post_json(c, url + "/transition", {"transition": "start", "version": 3}).json()["stage"]
        == "in_progress"
    )
    not_yet = post_json(c, url + "/transition", {"transition": "verify", "version": 4})
    assert not_yet.status_code == 422 and "still open" in str(not_yet.json())
    assert (
        post_json(c, f"/api/v1/capa/actions/{a.json()['id']}/done", {"note": "ok"}).json()["status"]
        == "done"
    )
    assert (
        post_json(c, url + "/transition", {"transition": "verify", "version": 4}).json()["stage"]
        == "verification"
    )
    v = post_json(
        c,
        url + "/verification",
        {"metric": "manual", "params": {"before": 5, "after": 1, "higher_is_better": False}},
    )
    assert v.status_code == 200 and v.json()["proposed"] == "effective"
    assert (
        post_json(
            c, url + "/verification/confirm", {"verdict": "effective", "version": 5}
        ).status_code
        == 403
    )
    closed = post_json(
        api(world.qm), url + "/verification/confirm", {"verdict": "effective", "version": 5}
    )
    assert closed.status_code == 200 and closed.json()["stage"] == "closed"
    assert post_json(c, url + "/why", {"answer": "late"}).status_code == 403
    listed = c.get("/api/v1/capa/?stage=closed").json()
    assert [n["id"] for n in listed["items"]] == [nc["id"]]
    assert c.get("/api/v1/capa/actions?mine=false").json()["count"] == 1
    figures = c.get("/api/v1/capa/analytics").json()
    assert figures["effectiveness"]["k"] == 1 and figures["on_time_actions"]["n"] == 1


def test_action_list_mine_and_overdue(world, client_for):
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    add_action(nc, due=dt.date(2026, 1, 5), owner=world.alpha_manager, description="mine late")
    add_action(nc, due=dt.date(2099, 1, 5), description="not mine")
    c = client_for(world.alpha_manager)
    mine = c.get(reverse("capa:actions") + "?view=mine").content.decode()
    assert "mine late" in mine and "not mine" not in mine
    late = c.get(reverse("capa:actions") + "?view=overdue").content.decode()
    assert "mine late" in late and "not mine" not in late
    listing = c.get(reverse("capa:list") + "?overdue=1").content.decode()
    assert nc.reference in listing


def test_cause_taxonomy_is_for_quality_managers(world, client_for):
    qm = client_for(world.qm)
    r = qm.post(
        reverse("capa:cause_create"),
        {
            "code": "TRAINING",
            "name": "培训不足",
            "name_en": "Not trained",
            "category": "people",
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    assert (
        "培训不足" in client_for(world.alpha_manager).get(reverse("capa:causes")).content.decode()
    )
    assert client_for(world.alpha_manager).get(reverse("capa:cause_create")).status_code == 403


def test_history_shows_the_records_below_the_nc(world, client_for):
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    action = add_action(nc)
    step_obj = nc.why_steps.first()
    from sqms.capa import actions

    actions.do_delete_why_step(step_obj, acting_user=world.alpha_manager, channel=CLI)
    page = client_for(world.alpha_manager).get(nc.get_absolute_url()).content.decode()
    assert f"{nc.reference} why 1" in page  # created, then deleted: both listed
    assert str(action)[:40] in page
    assert page.count("Deleted") >= 1


def test_commands(world):
    from django.core.management import call_command

    from sqms.capa.defaults import DEFAULT_CAUSES
    from sqms.capa.models import Cause

    out = io.StringIO()
    call_command("capa_install_causes", stdout=out)
    assert Cause.objects.filter(code__in=[c[0] for c in DEFAULT_CAUSES]).count() == 18
    assert {c.category for c in Cause.objects.all()} == {
        "people",
        "machine",
        "material",
        "method",
        "environment",
        "measurement",
    }
    out = io.StringIO()
    call_command("capa_check_actions", "--now", "2026-03-01T10:00+08:00", stdout=out)
    assert out.getvalue().strip() == "reminded 0, escalated 0"


def test_create_form_names_the_site_problem(world, client_for):
    c = client_for(world.alpha_manager)
    r = c.post(
        reverse("capa:create"),
        {"site": "", "title": "chain", "severity": "minor", "origin": "manual"},
    )
    assert r.status_code == 200 and "quality manager" in r.content.decode()
    r = c.post(
        reverse("capa:create"),
        {"site": world.site_b.pk, "title": "x", "severity": "minor", "origin": "manual"},
    )
    assert r.status_code == 200 and Nonconformity.objects.count() == 0


def test_inspection_nc_in_verification_suggests_its_item(world, client_for):
    from sqms.capa.sources import raise_for_inspection_answer
    from sqms.capa.tests.capa_data import to_verification
    from sqms.inspections.models import Answer
    from sqms.inspections.tests.factories import make_checklist, make_inspection

    insp = make_inspection(world.site_a, make_checklist(), {"A2": ("fail", None)})
    answer = Answer.objects.get(inspection=insp)
    nc = raise_for_inspection_answer(answer, acting_user=None, channel=CLI)
    to_verification(nc)
    c = client_for(world.alpha_manager)
    page = c.get(nc.get_absolute_url()).content.decode()
    assert f'name="item" value="{answer.item_id}"' in page
    assert 'value="item_pass_rate" selected' in page
    r = c.post(
        reverse("capa:verification_propose", args=[nc.pk]),
        {"metric": "item_pass_rate", "window_days": "90", "item": answer.item_id},
    )
    assert r.status_code == 302
    v = nc.verifications.get()
    assert v.before_n == 1 and v.after_n == 0 and v.proposed == "inconclusive"
    page = c.get(nc.get_absolute_url()).content.decode()
    assert "Not enough data" in page and "chart-verification-1" in page
    assert "chart-verification-1-months" not in page  # one month only: no series chart


def test_api_evidence_is_base64_in_json(world):
    import base64

    nc = make_nc(world.site_a)
    to_action_plan(nc)
    action = add_action(nc)
    c = api(world.alpha_manager)
    url = f"/api/v1/capa/actions/{action.pk}/evidence"
    good = {"name": "fixed.png", "content_base64": base64.b64encode(png()).decode()}
    r = post_json(c, url, {"files": [good]})
    assert r.status_code == 201, r.content
    ev = ActionEvidence.objects.get()
    assert (ev.action_id, ev.name, ev.content_type) == (action.pk, "fixed.png", "image/png")
    # not base64, and a text file dressed as a PNG: named, nothing stored
    r = post_json(c, url, {"files": [good, {"name": "x.png", "content_base64": "%%%%"}]})
    assert r.status_code == 422 and "files[1].content_base64" in json.dumps(r.json())
    fake = {"name": "notes.png", "content_base64": base64.b64encode(b"hello there").decode()}
    r = post_json(c, url, {"files": [fake]})
    assert r.status_code == 422 and "notes.png" in json.dumps(r.json(), ensure_ascii=False)
    assert ActionEvidence.objects.count() == 1
