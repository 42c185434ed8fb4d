"""PDCA pages: board by stage with filters, the list with CSV export, the detail with the
Check's figures and chart, the transition POST with its guard message, and scope (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sqms.improvement.models import PdcaProject
from sqms.improvement.tests.pdca_data import error_kpi, project, to_check

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_pages(world: Any) -> None:
    kpi = error_kpi(world)
    checked = to_check(project(world, kpi))
    fresh = project(world, kpi, code="PDCA-2", problem="")
    c = client(world.alpha_manager)
    board = c.get("/improvement/pdca/board/").content.decode()
    assert 'data-stage="check"' in board and "PDCA-1" in board and "PDCA-2" in board
    only_check = c.get("/improvement/pdca/board/?stage=check").content.decode()
    assert "PDCA-1" in only_check and "PDCA-2" not in only_check
    csv = c.get("/improvement/pdca/?export=csv").getvalue().decode("utf-8-sig")
    assert "PDCA-1" in csv and "effective: target met" in csv
    page = c.get(f"/improvement/pdca/{checked.pk}/").content.decode()
    assert "two-proportion z-test: statistic -2.80056" in page
    assert "chart-pdca-data" in page
    r = c.post(
        f"/improvement/pdca/{fresh.pk}/transition/", {"transition": "do", "version": 1}, follow=True
    )
    assert "problem statement" in r.content.decode()
    assert PdcaProject.objects.get(pk=fresh.pk).stage == "plan"
    outsider = client(world.bravo_manager)
    assert outsider.get(f"/improvement/pdca/{checked.pk}/").status_code == 404
    assert "PDCA-1" not in outsider.get("/improvement/pdca/board/").content.decode()
    r = outsider.post(
        f"/improvement/pdca/{fresh.pk}/transition/", {"transition": "cancel", "reason": "x"}
    )
    assert r.status_code == 404
