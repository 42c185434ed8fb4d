"""The report pages: render, empty state, filters narrow, CSV and XLSX downloads, scoping."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.results_data import A1_FAIL, A2_FAIL, ALL_PASS, at, inspect
from sqms.test import PASSWORD, World

pytestmark = pytest.mark.django_db

PAGES = [
    "inspections:report_overview",
    "inspections:report_trend",
    "inspections:report_league",
    "inspections:report_pareto",
    "inspections:report_self",
]
PANELS = {
    "inspections:report_overview": "overview",
    "inspections:report_trend": "trend",
    "inspections:report_league": "league",
    "inspections:report_pareto": "pareto",
    "inspections:report_self": "self",
}


def client_for(user: object) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return c


def body(response: object) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", PAGES)
def test_empty_state(world: World, name: str) -> None:
    response = client_for(world.qm).get(reverse(name))
    assert response.status_code == 200
    assert "No submitted inspections in this selection." in body(response)


@pytest.mark.parametrize("name", PAGES)
def test_pages_downloads_and_scope(world: World, name: str) -> None:
    store = make_checklist()
    own = make_checklist("SELF", kind="self")
    inspect(world.site_a, store, A1_FAIL, at(2026, 1))
    inspect(world.site_a, own, ALL_PASS, at(2026, 1, 12))
    inspect(world.site_b, store, A2_FAIL, at(2026, 1))
    qm = client_for(world.qm)
    page = body(qm.get(reverse(name)))
    assert "ALPHA" in page and "No submitted inspections" not in page
    csv = qm.get(reverse(name), {"download": PANELS[name], "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = body(csv)
    assert "ALPHA" in text or "A1" in text or "Supervisor" in text
    xlsx = qm.get(reverse(name), {"download": PANELS[name], "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body_bytes(xlsx))).active
    assert sheet.max_row >= 2
    # the site filter narrows the page
    wanted = {"site": world.site_b.pk, "download": PANELS[name], "format": "csv"}
    narrowed = body(qm.get(reverse(name), wanted))
    assert "ALPHA" not in narrowed
    if name == "inspections:report_overview":
        assert narrowed.count("\n") == 3  # header, supervisor, all kinds
    # bravo's manager sees nothing of alpha
    bravo = body(client_for(world.bravo_manager).get(reverse(name), {"site": world.site_a.pk}))
    assert "ALPHA" not in bravo


def body_bytes(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_self_page_explains_the_flag(world: World) -> None:
    page = body(client_for(world.qm).get(reverse("inspections:report_self")))
    assert "Rates itself higher" not in page  # empty state only
    store = make_checklist()
    own = make_checklist("SELF", kind="self")
    inspect(world.site_a, store, A1_FAIL, at(2026, 1))
    inspect(world.site_a, own, ALL_PASS, at(2026, 1, 12))
    page = body(client_for(world.qm).get(reverse("inspections:report_self")))
    assert "significantly higher" in page
