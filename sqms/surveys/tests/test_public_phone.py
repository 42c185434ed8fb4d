"""The public form in a phone-sized Chromium window (360 × 740): fits, validates, submits once."""

from __future__ import annotations

import os
import shutil

import pytest

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import CampaignSite, Instrument, Response

CHROMIUM = os.environ.get("SQMS_CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def phone(transactional_db):  # type: ignore[no-untyped-def]
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def test_servqual_form_on_a_phone(phone, live_server, world, tmp_path):  # type: ignore[no-untyped-def]
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    campaign = actions.do_create_campaign(
        {
            "name": "Phone",
            "instrument": Instrument.objects.get(code="SERVQUAL"),
            "sites": [world.site_a],
            "status": "open",
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    slug = CampaignSite.objects.get(campaign=campaign).slug
    page = phone
    page.goto(f"{live_server.url}/s/{slug}/?lang=en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("h1").inner_text() == "SERVQUAL service quality survey"
    # answer only the first item, send: errors appear beside the unanswered questions
    page.locator('input[name="SQ01.E"][value="6"]').check(force=True)
    page.locator("#send").click()
    page.wait_for_selector("p.summary")
    assert page.locator("#q-SQ02 .err").first.inner_text() == "an answer is required"
    assert page.locator('input[name="SQ01.E"][value="6"]').is_checked()
    # answer everything; the progress bar follows
    for n in range(1, 23):
        page.locator(f'input[name="SQ{n:02d}.E"][value="7"]').check(force=True)
        page.locator(f'input[name="SQ{n:02d}.P"][value="5"]').check(force=True)
    page.locator('input[name="OVERALL"][value="6"]').check(force=True)
    assert not page.locator("#q-SQ02 .err").first.is_visible()  # answered: its message goes
    # 22 items + overall answered; 5 optional importance questions and the comment not
    assert page.locator("#progress-text").inner_text() == "23 / 29 answered"
    page.screenshot(
        path=os.environ.get("SQMS_SCREENSHOT", str(tmp_path / "phone.png")), full_page=False
    )
    page.locator("#send").click()
    page.wait_for_selector("text=Thank you!")
    assert Response.objects.count() == 1
    assert Response.objects.get().answers["SQ22.P"] == 5
    # the language switch
    page.goto(f"{live_server.url}/s/{slug}/?lang=zh")
    assert "员工能迅速为我提供服务。" in page.content()
