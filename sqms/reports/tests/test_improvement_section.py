"""The improvement-projects section: a PDCA project made through the improvement actions shows
with its Check verdict in the gathered data, the PDF text and the XLSX sheet; a project of
another site does not show in a site manager's report."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sqms.improvement import actions
from sqms.improvement.tests import pdca_data
from sqms.kpis.tests.conftest import make_kpi
from sqms.reports.render import render_pdf, render_xlsx
from sqms.reports.review_data import gather
from sqms.reports.tests.test_render import pdf_text

pytestmark = pytest.mark.django_db


def _period() -> str:
    return f"{timezone.localdate():%Y-%m}"


@pytest.fixture
def pdca_world(world: Any) -> Any:
    kpi = pdca_data.error_kpi(world)
    pdca_data.to_check(pdca_data.project(world, kpi, code="PDCA-1"))
    flat = make_kpi("FLAT", nature="proportion", direction="lower")
    pdca_data.enter(
        flat, world.site_a, [(1, 0.2, 100), (2, 0.2, 100), (4, 0.2, 100), (5, 0.2, 100)]
    )
    pdca_data.to_check(pdca_data.project(world, flat, code="PDCA-2"))
    actions.do_create_project(
        {**pdca_data.PLAN, "title": "Bravo project", "kpi": kpi},
        code="PDCA-B",
        level="site",
        site=world.site_b,
        acting_user=None,
        channel=pdca_data.CLI,
    )
    return world


def _section(review: Any) -> Any:
    return {s.key: s for s in review.sections}["improvement"]


def test_gathered_rows_and_counts(pdca_world: Any) -> None:
    r = gather(_period(), "ALPHA", pdca_world.alpha_manager, "en")
    rows = {row[0]: row for row in _section(r).rows}
    one = rows["PDCA-1"]
    assert one[1] == "Cut the error rate" and one[3] == "Check" and one[4] == "ERR"
    assert one[5] == 0.2 and one[6] == 0.1
    assert one[7] and one[8] is not None and one[8] < 0.05
    assert one[9] == "effective: target met and the change is significant"
    two = rows["PDCA-2"]
    assert two[5] == 0.2 and two[6] == 0.2 and two[9] == "not effective"
    assert "PDCA-B" not in rows
    assert rows["Projects, stage: Check"][1] == 2
    assert rows["Projects, verdict: not effective"][1] == 1
    assert "Improvement project PDCA-2 Cut the error rate was judged not effective." in r.summary


def test_other_site_and_region_scopes(pdca_world: Any) -> None:
    r = gather(_period(), "BRAVO", pdca_world.bravo_manager, "en")
    codes = [row[0] for row in _section(r).rows]
    assert "PDCA-B" in codes and "PDCA-1" not in codes
    org = gather(_period(), "ORG", None, "en")
    codes = [row[0] for row in _section(org).rows]
    assert {"PDCA-1", "PDCA-2", "PDCA-B"} <= set(codes)


def test_not_in_an_earlier_period(pdca_world: Any) -> None:
    r = gather("2020-01", "ALPHA", pdca_world.alpha_manager, "en")
    assert _section(r).rows == []


def test_pdf_and_xlsx_carry_the_project(pdca_world: Any) -> None:
    r = gather(_period(), "ALPHA", pdca_world.alpha_manager, "en")
    text = pdf_text(render_pdf(r)).replace("\n", " ")
    assert "Improvement projects (PDCA)" in text
    assert "PDCA-1" in text and "PDCA-B" not in text
    assert "not part of this report yet" not in text
    wb = load_workbook(io.BytesIO(render_xlsx(r)))
    ws = wb["Improvement projects (PDCA)"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][0] == "Code" and cells[0][9] == "Verdict"
    by_code = {row[0]: row for row in cells[1:]}
    assert by_code["PDCA-1"][9] == "effective: target met and the change is significant"
    assert by_code["PDCA-2"][9] == "not effective"
    assert "PDCA-B" not in by_code
