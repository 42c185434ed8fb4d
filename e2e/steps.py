"""Steps the browser journeys share."""

from __future__ import annotations

import re

from sqms.test import PASSWORD


def login(page, base: str, user) -> None:  # type: ignore[no-untyped-def]
    """Sign in as ``user`` on a fresh session and wait for the landing page: managers land on
    the dashboard, other roles on the home page."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base) + r"/(kpis/dashboard/)?$"))
