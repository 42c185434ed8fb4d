"""The same data gives the same report: the numbers read back from the PDF's text and the
XLSX's cells are the gathered ones; the page and the API show them too."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from sqms.reports.render import render_html, render_pdf, render_xlsx
from sqms.reports.review_data import gather
from sqms.reports.tests.conftest import PERIOD
from sqms.test import PASSWORD


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def numbers(review: Any) -> list[str]:
    return [
        str(cell)
        for s in review.sections
        for row in s.rows
        for cell in row
        if isinstance(cell, int | float) and not isinstance(cell, bool)
    ]


def test_gathered_values(review_world: Any) -> None:
    r = gather(PERIOD, "ALPHA", review_world.alpha_manager, "en")
    by_key = {s.key: s for s in r.sections}
    complaints = {row[0]: row[1:] for row in by_key["complaints"].rows}
    # report_data: site A has c4, c6, c7 in April and c1, c2, c3 in March
    assert complaints["Complaints received"] == [3, 3]
    kpi = by_key["kpis"].rows[0]
    assert kpi[0] == "WAIT" and kpi[4:8] == [3.75, 4.25, "yes", 0]
    objective = by_key["objectives"].rows[0]
    assert objective[0] == "缩短等候 Alpha" and objective[4] == 3.75
    assert objective[6] == "On track"
    assert "等候时间 improved from 4.25 to 3.75." in r.summary
    # the previous period's complaints are the March ones: no movement in the count
    assert not any(line.startswith("Complaints received") for line in r.summary)


def test_pdf_text_carries_the_numbers(review_world: Any) -> None:
    r = gather(PERIOD, "ALPHA", review_world.alpha_manager, "en")
    data = render_pdf(r)
    assert data.startswith(b"%PDF")
    text = pdf_text(data).replace("\n", " ")
    for n in numbers(r):
        assert n in text, n
    for line in r.summary:
        assert line.split(" ")[0] in text
    assert "缩短等候" in text
    again = gather(PERIOD, "ALPHA", review_world.alpha_manager, "en")
    assert again.as_dict() == r.as_dict()
    assert pdf_text(render_pdf(again)) == pdf_text(data)


def test_xlsx_cells_equal_the_data(review_world: Any) -> None:
    r = gather(PERIOD, "RA", review_world.qm, "zh-hans")
    wb = load_workbook(io.BytesIO(render_xlsx(r)))
    assert len(wb.sheetnames) == 1 + len(r.sections)
    summary = [row[0] for row in wb.worksheets[0].iter_rows(min_row=4, values_only=True)]
    assert summary == r.summary
    for sheet, s in zip(wb.worksheets[1:], r.sections, strict=True):
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == s.columns
        body = rows[1 : 1 + len(s.rows)]
        assert body == [list(x) for x in s.rows]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_page_and_api(review_world: Any, lang: str) -> None:
    web = Client()
    web.login(username="alpha_manager", password=PASSWORD)
    url = "/reports/management-review/"
    page = web.get(url, {"period": PERIOD, "scope": "ALPHA"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    body = page.content.decode()
    assert "缩短等候 Alpha" in body and "<svg" in body
    pdf = web.get(url, {"period": PERIOD, "scope": "ALPHA", "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = web.get(url, {"period": PERIOD, "scope": "ALPHA", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_html_escapes(review_world: Any) -> None:
    r = gather(PERIOD, "ALPHA", None, "en")
    r.sections[0].rows.append(["<script>x</script>"])
    assert "<script>x" not in render_html(r)
