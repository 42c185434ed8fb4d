"""Journey: a customer files a complaint from the public form on a phone and follows it by
tracking code; an agent acknowledges it and resolves it with a refund the site manager
approves; another complaint goes overdue and escalates by itself when the clock moves (the
SLA check runs as the scheduler would, at a later instant — nothing sleeps); the customer
answers the follow-up survey; the Pareto and the SLA figures show both complaints."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from django.utils import timezone

from e2e.steps import login
from sqms.complaints import actions
from sqms.complaints.choices import EscalationLevel, Source, Status
from sqms.complaints.models import Category, Complaint, RecoveryAction
from sqms.core.choices import Channel
from sqms.jobs.models import OutboxMessage
from sqms.surveys import actions as survey_actions
from sqms.test import World


def test_complaint_journey(live_server, world: World, browser, page, settings) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    settings.SQMS_PUBLIC_BASE_URL = base
    world.alpha_manager.email = "alpha.manager@example.com"
    world.alpha_manager.save()
    followup = actions.do_install_followup_instrument(acting_user=None, channel=Channel.CLI)
    survey_actions.do_create_campaign(
        {"name": "Follow-up", "instrument": followup, "sites": [world.site_a], "status": "open"},
        acting_user=None,
        channel=Channel.CLI,
    )
    waiting = Category.objects.get(code="WAITING")

    # 1. a customer on a phone files a complaint at the Alpha store's public form
    phone_ctx = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="en-US"
    )
    try:
        phone = phone_ctx.new_page()
        phone.set_default_timeout(15_000)
        phone.goto(f"{base}/c/{world.site_a.code}/?lang=en")
        phone.wait_for_selector("form#complaint")
        phone.select_option("#id_category", value=str(waiting.pk))
        phone.fill("#id_description", "Waited forty minutes at the only open till.")
        phone.fill("#id_customer_contact", "wang@example.com")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.click("#send")
        phone.wait_for_url("**/thanks/**")
        code = phone.locator("#tracking-code").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{10}", code), code
        complaint = Complaint.objects.get(tracking_code=code)
        assert (complaint.source, complaint.site, complaint.category) == (
            Source.PUBLIC,
            world.site_a,
            waiting,
        )
        # following it by tracking code
        phone.goto(f"{base}/c/track/?lang=en")
        phone.fill("input[name=code]", code.lower())
        phone.locator("form button[type=submit]").click()
        phone.wait_for_url(f"**/c/t/{code}/**")
        assert phone.locator("#status").inner_text() == "New"
    finally:
        phone_ctx.close()

    # 2. the agent acknowledges it, records a refund of 800 (above the 500 approval limit)
    login(page, base, world.alpha_agent)
    page.goto(f"{base}{complaint.get_absolute_url()}")
    page.locator("#transition-form input[value=acknowledge]").check()
    page.fill("#transition-form textarea[name=body]", "Sorry — we are looking into it.")
    page.locator("#transition-form input[name=public]").check()
    page.click("#transition-form button[type=submit]")
    page.locator("h1 .badge", has_text="Acknowledged").wait_for()
    page.select_option("#recovery select[name=kind]", value="refund")
    page.fill("#recovery input[name=amount]", "800")
    page.click("#recovery form.toolbar button[type=submit]")
    page.locator("#recovery tbody tr", has_text="Waiting for approval").wait_for()
    assert page.locator("#recovery button[value=approve]").count() == 0  # agents may not approve
    page.locator("#transition-form input[value=resolve]").check()
    page.fill(
        "#transition-form textarea[name=resolution]", "Refunded; a second till opens at peak times."
    )
    page.select_option("#transition-form select[name=root_cause]", value="method")
    page.click("#transition-form button[type=submit]")
    page.locator("h1 .badge", has_text="Resolved").wait_for()

    # 3. the site manager approves the refund and closes the complaint
    login(page, base, world.alpha_manager)
    page.goto(f"{base}{complaint.get_absolute_url()}")
    page.click("#recovery button[value=approve]")
    page.locator("#recovery tbody tr", has_text="Approved").wait_for()
    page.locator("#transition-form input[value=close]").check()
    page.click("#transition-form button[type=submit]")
    page.locator("h1 .badge", has_text="Closed").wait_for()
    refund = RecoveryAction.objects.get(complaint=complaint)
    assert (refund.status, refund.decided_by) == ("approved", world.alpha_manager)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.follow_up_sent_at is not None
    assert OutboxMessage.objects.filter(recipient="wang@example.com").exists()

    # 4. another complaint, logged by staff three days ago, nobody answers it: when the
    #    clock moves past its targets the SLA check escalates it on its own
    old = actions.do_create_complaint(
        {"site": world.site_a, "channel": "phone", "description": "Nobody called me back."},
        source=Source.STAFF,
        acting_user=None,
        channel=Channel.CLI,
        now=timezone.now() - dt.timedelta(days=3),
    )
    report = actions.do_check_clocks(timezone.now(), acting_user=None, channel=Channel.SCHEDULER)
    old.refresh_from_db()
    assert report.escalations >= 1 and old.escalation_level == EscalationLevel.QUALITY_MANAGER
    assert old.response_breached_at is not None and old.resolution_breached_at is not None
    again = actions.do_check_clocks(timezone.now(), acting_user=None, channel=Channel.SCHEDULER)
    assert again.escalations == 0  # idempotent
    page.goto(f"{base}{old.get_absolute_url()}")
    assert "Quality manager" in page.locator("main").inner_text()

    # 5. the customer answers the follow-up survey from the status page
    phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    try:
        phone = phone_ctx.new_page()
        phone.goto(f"{base}/c/t/{code}/?lang=en")
        link = phone.locator("#follow-up a").get_attribute("href")
        assert link
        parts = urlsplit(link)
        phone.goto(f"{base}{parts.path}?{parts.query}")
        phone.locator("label:has(input[name='RECOVERY'][value='5'])").click()
        phone.locator("label:has(input[name='RECOMMEND'][value='9'])").click()
        phone.click("#send")
        phone.wait_for_url("**/thanks/**")
    finally:
        phone_ctx.close()
    complaint.refresh_from_db()
    assert complaint.follow_up_response is not None
    assert complaint.follow_up_response.answers["RECOVERY"] == 5

    # 6. the Pareto and the SLA figures show both complaints
    login(page, base, world.qm)
    page.goto(f"{base}/complaints/reports/pareto/")
    pareto = page.locator("main").inner_text()
    assert "Waiting time" in pareto
    page.goto(f"{base}/complaints/reports/")
    overview = page.locator("main").inner_text()
    assert re.search(r"\b2\b", overview), overview
    assert "breached" in overview.lower()
