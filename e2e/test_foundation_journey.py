"""A site manager signs in, switches to Chinese, sees only own sites, exports CSV and is refused
another site's page."""

from __future__ import annotations

import csv

import pytest

from sqms.test import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)


def test_site_manager_journey(live_server, world: World, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/org/sites/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "alpha_manager")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/org/sites/")

    page.click("form.langswitch button[value=zh-hans]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "站点"
    assert page.locator("nav.mainnav").inner_text().startswith("站点")

    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "ALPHA" in rows.first.inner_text()
    assert "BRAVO" not in page.content()

    page.click("main table tbody tr a")
    page.wait_for_url(f"**/org/sites/{world.site_a.pk}/")
    assert "Alpha store" in page.locator("h1").inner_text()

    page.go_back()
    with page.expect_download() as info:
        page.click("text=导出 CSV")
    path = tmp_path / "sites.csv"
    info.value.save_as(path)
    rows_csv = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows_csv[0][0] == "代码"
    assert [r[0] for r in rows_csv[1:]] == ["ALPHA"]

    response = page.goto(f"{live_server.url}/org/sites/{world.site_b.pk}/")
    assert response is not None and response.status == 404
    assert "Bravo" not in page.content()
    assert "不存在" in page.content()

    # the language choice is remembered on the next visit
    page.goto(f"{live_server.url}/")
    assert "站点" in page.locator("nav.mainnav").inner_text()
