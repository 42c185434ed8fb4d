"""Read the first sheet of an ``.xlsx`` (openpyxl) or legacy ``.xls`` (xlrd) into records."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

from .model import ImportFormatError
from .textio import Record


def cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v)


def _trim(rows: list[Record]) -> list[Record]:
    width = 0
    for _, r in rows:
        for i in range(len(r) - 1, -1, -1):
            if r[i]:
                width = max(width, i + 1)
                break
    return [(ln, r[:width] + [""] * (width - len(r))) for ln, r in rows if any(r)]


def read_xlsx(data: bytes) -> list[Record]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            rows: list[Record] = [
                (i, [cell_text(v) for v in row])
                for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
        finally:
            wb.close()
    except Exception as e:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFormatError("bad_xlsx", detail=str(e)) from None
    return _trim(rows)


def read_xls(data: bytes) -> list[Record]:
    import xlrd

    try:
        return _trim(_read_xls(xlrd, data))
    except ImportFormatError:
        raise
    except Exception as e:  # xlrd raises many kinds on a damaged workbook
        raise ImportFormatError("bad_xls", detail=str(e)) from None


def _read_xls(xlrd: Any, data: bytes) -> list[Record]:
    book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    try:
        sh = book.sheet_by_index(0)
        rows: list[Record] = []
        for r in range(sh.nrows):
            out: list[str | None] = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    out.append(cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode)))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    out.append("True" if cell.value else "False")
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    out.append("")
                else:
                    out.append(cell_text(cell.value))
            rows.append((r + 1, out))
    finally:
        book.release_resources()
    return rows
