"""CSV and XLSX downloads: streamed, and safe to open in a spreadsheet.

Every file the product offers for download is built here (:func:`csv_download` and
:func:`xlsx_download` for rows; :func:`text_download` and :func:`workbook_download` for files
another writer produces, such as the surveys' native export), so two rules hold everywhere:

- **Streamed.** A CSV is written row by row into the response as the client reads it; an XLSX
  is written by openpyxl's write-only mode to a temporary file on disk and sent from there in
  blocks. Neither holds the whole export in memory, whatever the number of rows.
- **No formulas.** A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return runs as a formula when the file is opened in Excel or WPS (CSV injection, OWASP). In a
  CSV such a cell is written with a leading apostrophe (:func:`neutralize`); in an XLSX every
  text cell is stored as a string, never as a formula. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def stamped(name: str, ext: str) -> str:
    """``name-YYYYmmdd-HHMM.ext`` in the site's time zone."""
    return f"{name}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{ext}"


class _Echo:
    """A file-like object whose ``write`` hands the line back, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = True
) -> Iterator[str]:
    """The CSV text, one line at a time: a BOM (so Excel reads UTF-8), the header, the rows."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    yield writer.writerow([neutralize(c) for c in header])
    for row in rows:
        yield writer.writerow([neutralize(c) for c in row])


def csv_download(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV attachment of ``rows`` under ``header``."""
    return text_download(filename, csv_lines(header, rows))


def text_download(filename: str, chunks: Iterable[str]) -> StreamingHttpResponse:
    """A streamed CSV attachment from chunks of text already in CSV form (UTF-8 encoded here)."""
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type=CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def string_cell(sheet: Any, value: str) -> Any:
    """A write-only cell that openpyxl stores as text even when it begins with ``=``."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def xlsx_cells(sheet: Any, row: Sequence[Any]) -> list[Any]:
    return [string_cell(sheet, v) if isinstance(v, str) and v.startswith("=") else v for v in row]


def xlsx_download(
    filename: str, sheet_name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> FileResponse:
    """An XLSX attachment of ``rows``, built on disk and streamed from there."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.append(xlsx_cells(sheet, [str(h) for h in header]))
    for row in rows:
        sheet.append(xlsx_cells(sheet, row))
    return workbook_download(filename, workbook.save)


def workbook_download(filename: str, save: Any) -> FileResponse:
    """Call ``save(file)`` on a temporary file and stream the file as an XLSX attachment.

    The temporary file has no name on disk once closed, and FileResponse closes it when the
    response is done.
    """
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
