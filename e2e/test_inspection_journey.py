"""Journey: an inspector performs a supervisor inspection of the Alpha store on a phone, item by
item with a photo, and a failed critical item raises a nonconformity by itself; the site
manager analyses it (a 5-Why with its root cause), plans a corrective action, marks it done and
moves the NC to verification; later inspection results arrive (the test creates them, with
the store's earlier failures of that item); the quality manager measures the item's pass rate
before and after, sees it rise significantly, confirms the actions effective and the NC closes,
read-only from then on."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from e2e.steps import login
from sqms.capa.choices import ActionStatus, NcSeverity, Origin, Stage, Verdict
from sqms.capa.models import Action, Nonconformity, Verification
from sqms.inspections.choices import InspectionKind, InspectionStatus, PhotoRule
from sqms.inspections.models import Answer, Inspection, Item, Photo
from sqms.inspections.tests.factories import make_checklist, make_inspection
from sqms.test import World

#: the later results: six inspections where the extinguisher (A2) is in date
AFTER = 6
#: the earlier results: five inspections in the 90 days before the NC where A2 failed
BEFORE = 5


def _no_error(page) -> None:  # type: ignore[no-untyped-def]
    errors = page.locator("ul.messages li.error")
    assert errors.count() == 0, errors.all_inner_texts()


def _post(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Click a submit button of a plain form and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)
    _no_error(page)


def _step(page, transition: str, stage: str) -> None:  # type: ignore[no-untyped-def]
    """Take a stage transition from the NC's "Next step" form."""
    page.locator(f"#transition-form input[name=transition][value={transition}]").check()
    _post(page, "#transition-form button[type=submit]")
    expect(page.locator("h1 .badge").first).to_have_text(stage)


def _png(path) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 30, 30)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def _answers(a2: str) -> dict[str, tuple[str, object]]:
    return {
        "A1": ("pass", None),
        "A2": (a2, None),
        "B1": ("", Decimal(4)),
        "B2": ("", Decimal("4.0")),
    }


def test_inspection_journey(live_server, world: World, browser, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url

    # 1. a published store checklist, photos optional; the inspector is assigned to site A.
    #    The store's history: in the last 90 days its extinguisher (A2) failed five times.
    checklist = make_checklist()
    items = {i.code: i for i in Item.objects.filter(version=checklist)}
    assert {i.photo for i in items.values()} == {PhotoRule.OPTIONAL}
    assert world.alpha_inspector.profile.sites.filter(pk=world.site_a.pk).exists()
    started = timezone.now()
    for k in range(BEFORE):
        make_inspection(
            world.site_a,
            checklist,
            _answers("fail"),
            submitted_at=started - dt.timedelta(days=10 + 15 * k),
        )
    history_ncs = set(Nonconformity.objects.values_list("pk", flat=True))
    assert len(history_ncs) == BEFORE  # each of those failures raised its own NC
    png = _png(tmp_path / "extinguisher.png")

    # 2. the inspector, on a phone, opens a supervisor inspection of site A and performs it
    phone_ctx = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="en-US"
    )
    try:
        phone = phone_ctx.new_page()
        phone.set_default_timeout(15_000)
        login(phone, base, world.alpha_inspector)
        phone.goto(f"{base}/inspections/")
        phone.locator("main a.btn", has_text="Add").click()
        phone.wait_for_url("**/inspections/new/")
        phone.select_option("#id_site", value=str(world.site_a.pk))
        phone.select_option("#id_template", value=str(checklist.template_id))
        phone.select_option("#id_kind", value=InspectionKind.SUPERVISOR)
        _post(phone, "main form button[type=submit]")
        phone.wait_for_url(re.compile(r".*/inspections/\d+/perform/$"))
        inspection = Inspection.objects.exclude(status=InspectionStatus.SUBMITTED).get()
        assert (inspection.site, inspection.kind, inspection.inspector) == (
            world.site_a,
            InspectionKind.SUPERVISOR,
            world.alpha_inspector,
        )
        score = phone.locator("#running-score")
        expect(score).to_have_text("—")
        expect(phone.locator("#answered-count")).to_have_text("0")

        def card(code: str):  # type: ignore[no-untyped-def]
            return phone.locator(f"form.item-card[data-code={code}]")

        # A1 pass: 1 of 1 point
        card("A1").locator("label", has_text="Pass").click()
        expect(score).to_have_text("100.00 %")
        expect(card("A1")).to_have_class(re.compile(r"\banswered\b"))
        # A2 (critical) fails: 1 of 3
        card("A2").locator("label", has_text="Fail").click()
        card("A2").locator("textarea[name=note]").fill("Extinguisher expired last month.")
        expect(score).to_have_text("33.33 %")
        expect(card("A2")).to_have_class(re.compile(r"\bfailed\b"))
        # B1 scored 4 of 5 (weight 2): 2.6 of 5
        card("B1").locator("label:has(input[name=value][value='4'])").click()
        expect(score).to_have_text("52.00 %")
        # B2 measures 4.2 °C, within 4 ± 1: 3.6 of 6. Typing saves after a pause and leaving
        # the field saves again: wait until the server holds the value.
        card("B2").locator("input[name=value]").fill("4.2")
        card("B2").locator("input[name=value]").press("Tab")
        expect(score).to_have_text("60.00 %")
        b2 = Answer.objects.filter(
            inspection__site=world.site_a, item=items["B2"], value=Decimal("4.2")
        )
        for _ in range(50):
            if b2.exclude(inspection__status=InspectionStatus.SUBMITTED).exists():
                break
            phone.wait_for_timeout(100)
        assert b2.exclude(inspection__status=InspectionStatus.SUBMITTED).exists()
        expect(phone.locator("#answered-count")).to_have_text("4")
        expect(phone.locator("#sync-state")).to_have_text("saved")
        # a photo of the expired extinguisher, from the phone's camera input
        photo_form = phone.locator(f"form.photo-form[data-item='{items['A2'].pk}']")
        photo_form.locator("input[type=file]").set_input_files(str(tmp_path / "extinguisher.png"))
        expect(photo_form.locator("[data-role=thumbs] img")).to_have_count(1)
        expect(photo_form.locator("[data-role=state]")).to_have_text("saved")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        # the site representative, and submit
        phone.fill("#id_site_representative", "Li Wei (shift lead)")
        phone.locator("#id_acknowledged").check()
        _post(phone, "#submit-form button[type=submit]")
        phone.wait_for_url(f"**/inspections/{inspection.pk}/")
        expect(phone.locator("#score strong")).to_have_text("60.00 %")
        expect(phone.locator("#score")).to_contain_text("critical item failed")
        expect(phone.locator("h1")).to_contain_text("Submitted")
        expect(phone.locator("h1 .badge.bad")).to_have_text("failed")
        a2_row = phone.locator("table.answers tr", has_text="A2")
        expect(a2_row).to_have_class(re.compile(r"\bfailed\b"))
        expect(a2_row).to_contain_text("Fail")
        expect(a2_row.locator("img")).to_have_count(1)
        expect(phone.locator("main")).to_contain_text("Li Wei (shift lead)")
    finally:
        phone_ctx.close()

    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED and inspection.submitted_at is not None
    assert (inspection.score, inspection.critical_failed, inspection.passed) == (
        Decimal("60.00"),
        True,
        False,
    )
    assert inspection.site_representative == "Li Wei (shift lead)"
    assert inspection.acknowledged_at is not None
    a2 = Answer.objects.get(inspection=inspection, item=items["A2"])
    assert a2.result == "fail" and a2.failed and a2.note == "Extinguisher expired last month."
    assert Answer.objects.get(inspection=inspection, item=items["B2"]).value == Decimal("4.2")
    photo = Photo.objects.get(inspection=inspection)
    assert photo.answer == a2 and photo.content_type == "image/png"
    with photo.file.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"\x89PNG") and Image.open(io.BytesIO(data)).size == (48, 32)
    assert len(png) > 0
    nc = Nonconformity.objects.exclude(pk__in=history_ncs).get()
    assert (nc.origin, nc.inspection_answer, nc.site, nc.severity, nc.stage) == (
        Origin.INSPECTION_ITEM,
        a2,
        world.site_a,
        NcSeverity.MAJOR,
        Stage.DRAFT,
    )
    assert nc.raised_at == inspection.submitted_at

    # 3. the site manager finds the NC in the CAPA list and works it through to verification
    login(page, base, world.alpha_manager)
    page.locator("nav.mainnav").get_by_role("link", name="CAPA", exact=True).click()
    page.wait_for_url("**/capa/")
    row = page.locator("main table tbody tr", has_text=nc.reference)
    expect(row).to_contain_text("Inspection item")
    expect(row).to_contain_text("Draft")
    row.get_by_role("link", name=nc.reference).click()
    page.wait_for_url(f"**/capa/{nc.pk}/")
    expect(page.locator("main")).to_contain_text(f"{inspection.reference} A2")
    _step(page, "analyse", "Analysis")
    # the 5-Why: two steps, the second is the root cause
    page.fill("#why_question", "Why was the extinguisher out of date?")
    page.fill("#why_answer", "Nobody checked the expiry date.")
    _post(page, "#why button[type=submit]:has-text('Add step')")
    page.fill("#why_question", "Why did nobody check it?")
    page.fill("#why_answer", "The monthly safety round has no extinguisher line.")
    page.locator("#why_is_root").check()
    _post(page, "#why button[type=submit]:has-text('Add step')")
    steps = page.locator("#why ol.why-chain > li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0).locator(".badge")).to_have_count(0)
    expect(steps.nth(1)).to_contain_text("no extinguisher line")
    expect(steps.nth(1).locator("strong.badge")).to_have_text("root cause")
    _step(page, "plan", "Action plan")
    # a corrective action owned by the manager
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    page.select_option("#action_kind", value="corrective")
    page.fill("#action_description", "Add the extinguisher date to the monthly safety round.")
    page.fill("#action_due_date", due)
    page.select_option("#action_owner_id", value=str(world.alpha_manager.pk))
    _post(page, "#action-form button[type=submit]")
    action = Action.objects.get(nonconformity=nc)
    action_row = page.locator(f"#action-{action.pk}")
    expect(action_row).to_contain_text("Corrective action")
    expect(action_row).to_contain_text("Open")
    assert action.owner == world.alpha_manager
    _step(page, "start", "In progress")
    action_row.locator("input[name=note]").first.fill("Round sheet updated; staff briefed.")
    _post(page, f"#action-{action.pk} button[type=submit]:has-text('Done')")
    expect(action_row).to_contain_text("Done")
    expect(action_row).to_contain_text("Round sheet updated; staff briefed.")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_at is not None
    _step(page, "verify", "Verification")
    # entering verification measured at once: nothing after the action yet, no verdict
    first = page.locator("#verification-1")
    expect(first).to_contain_text("Checklist item's pass rate in later inspections")
    expect(first.locator(".verdict-inconclusive")).to_have_text("Not enough data")
    expect(page.locator("#confirm-form")).to_have_count(0)  # a quality manager decides

    # 4. later results arrive: six inspections of site A after the action, A2 in date
    done_at = action.done_at
    span = timezone.now() - done_at
    later = [
        make_inspection(
            world.site_a, checklist, _answers("pass"), submitted_at=done_at + span * (i + 1) / 7
        )
        for i in range(AFTER)
    ]
    assert all(i.submitted_at <= timezone.now() and not i.critical_failed for i in later)
    assert Nonconformity.objects.count() == BEFORE + 1  # passes raise nothing

    # 5. the quality manager measures again, sees before vs after, confirms and closes
    login(page, base, world.qm)
    page.goto(f"{base}/capa/?view=open")
    page.locator("main table tbody tr", has_text=nc.reference).get_by_role(
        "link", name=nc.reference
    ).click()
    page.wait_for_url(f"**/capa/{nc.pk}/")
    expect(page.locator("h1 .badge").first).to_have_text("Verification")
    expect(page.locator("#verify_metric")).to_have_value("item_pass_rate")
    _post(page, "#verification-form button[type=submit]")
    panel = page.locator("#verification-1")
    before_row = panel.locator("tbody tr", has_text="Before")
    after_row = panel.locator("tbody tr", has_text="After")
    # before: the five earlier failures and the one that raised the NC, none passed
    expect(before_row.locator("td.num").nth(0)).to_have_text(str(BEFORE + 1))
    expect(before_row.locator("td.num").nth(1)).to_have_text("0.000")
    # after: six inspections, all passed
    expect(after_row.locator("td.num").nth(0)).to_have_text(str(AFTER))
    expect(after_row.locator("td.num").nth(1)).to_have_text("1.000")
    expect(panel.locator("thead")).to_contain_text("pass rate")
    expect(panel).to_contain_text("two-proportion z-test")
    p_shown = re.search(r"p = ([0-9.]+)", panel.inner_text())
    assert p_shown and float(p_shown.group(1)) < 0.05, panel.inner_text()
    expect(panel.locator(".verdict-effective")).to_have_text("Effective")
    expect(page.locator("#chart-verification-1")).to_have_count(1)
    confirm = page.locator("#confirm-form")
    expect(confirm.locator("input[name=verdict][value=effective]")).to_be_checked()
    confirm.locator("textarea[name=note]").fill(
        "Six visits in a row with the extinguisher in date."
    )
    _post(page, "#confirm-form button[type=submit]")
    expect(page.locator("h1 .badge").first).to_have_text("Closed")
    expect(page.locator("ul.messages")).to_contain_text(f"{nc.reference} is now “Closed”")
    # read-only: no next step, no 5-Why, action or verification forms, no edit button
    for gone in (
        "#transition-form",
        "#why form",
        "#fishbone form",
        "#action-form",
        "#verification-form",
        "#confirm-form",
        f"#action-{action.pk} form",
        "main a.btn:has-text('Edit')",
    ):
        expect(page.locator(gone)).to_have_count(0)
    expect(panel).to_contain_text("Confirmed: Effective")

    nc.refresh_from_db()
    assert nc.stage == Stage.CLOSED and nc.closed_at is not None and nc.is_closed
    v = Verification.objects.get(nonconformity=nc, cycle=1)
    assert (v.verdict, v.proposed, v.decided_by) == (Verdict.EFFECTIVE, Verdict.EFFECTIVE, world.qm)
    assert (v.before_n, v.after_n, v.before_value, v.after_value) == (BEFORE + 1, AFTER, 0.0, 1.0)
    assert v.p_value is not None and v.p_value < 0.05
