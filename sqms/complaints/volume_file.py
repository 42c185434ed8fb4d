"""Reading a file of transaction volumes (no database): CSV (UTF-8 with or without BOM, or
GB18030/GBK) or XLSX with the columns site code, month (``YYYY-MM``) and transactions.

Header names are matched loosely (``site``/``site_code``/``门店``/``门店编码``,
``month``/``period``/``月份``, ``transactions``/``volume``/``交易量``/``交易笔数``); every bad
row is reported with its line number, so the importer can refuse the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sqms.surveys.importers.model import ImportFormatError
from sqms.surveys.importers.spreadsheet import read_xlsx
from sqms.surveys.importers.textio import decode_bytes

HEADERS = {
    "site": ("site", "site_code", "site code", "code", "门店", "门店编码", "门店代码", "网点"),
    "month": ("month", "period", "月份", "月", "期间"),
    "transactions": (
        "transactions",
        "volume",
        "count",
        "交易量",
        "交易笔数",
        "客流",
        "笔数",
    ),
}
MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})")
MAX_TRANSACTIONS = 2_147_483_647


@dataclass(frozen=True)
class VolumeRow:
    line: int
    site_code: str
    period: dt.date
    transactions: int


@dataclass
class VolumeFile:
    rows: list[VolumeRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line N: message"
    encoding: str = ""


def parse_month(text: str) -> dt.date | None:
    """``2026-03``, ``2026/3``, ``2026年3月`` or a date in that month → its first day."""
    m = MONTH.match(text.strip())
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return dt.date(year, month, 1)


def _records(data: bytes) -> tuple[list[tuple[int, list[str]]], str]:
    if data.startswith(b"PK\x03\x04"):
        return [(n, [v or "" for v in values]) for n, values in read_xlsx(data)], "xlsx"
    text, encoding = decode_bytes(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader], encoding


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    found: dict[str, int] = {}
    for key, aliases in HEADERS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    return found


def line_error(line: int, message: str) -> str:
    return _("line %(line)d: %(message)s") % {"line": line, "message": message}


def read_volume_file(data: bytes) -> VolumeFile:
    """The rows of the file and the problems found (a row repeated for the same site and
    month is a problem too)."""
    out = VolumeFile()
    if not data.strip():
        out.errors.append(_("line 1: the file is empty"))
        return out
    try:
        records, out.encoding = _records(data)
    except ImportFormatError as exc:
        out.errors.append(str(exc))
        return out
    records = [(n, r) for n, r in records if any(c.strip() for c in r)]
    if not records:
        out.errors.append(_("line 1: the file is empty"))
        return out
    header_line, header = records[0]
    cols = _columns(header)
    if len(cols) < 3:
        missing = [k for k in HEADERS if k not in cols]
        out.errors.append(
            _("line %(line)d: missing column(s) %(names)s (expected: site, month, transactions)")
            % {"line": header_line, "names": ", ".join(missing)}
        )
        return out
    seen: dict[tuple[str, dt.date], int] = {}
    for line, values in records[1:]:

        def cell(key: str, values: list[str] = values) -> str:
            i = cols[key]
            return values[i].strip() if i < len(values) else ""

        code, month_text, count_text = cell("site"), cell("month"), cell("transactions")
        problems = []
        if not code:
            problems.append(_("site code is empty"))
        period = parse_month(month_text)
        if period is None:
            problems.append(_("month “%(v)s” is not YYYY-MM") % {"v": month_text})
        count: int | None = None
        plain = count_text.replace(",", "").replace(" ", "")
        if plain.endswith(".0"):
            plain = plain[:-2]
        if plain.isdigit():
            count = int(plain)
            if count > MAX_TRANSACTIONS:
                problems.append(_("transactions “%(v)s” is too large") % {"v": count_text})
                count = None
        else:
            problems.append(_("transactions “%(v)s” is not a whole number ≥ 0") % {"v": count_text})
        if problems:
            out.errors.append(line_error(line, "; ".join(problems)))
            continue
        assert period is not None and count is not None
        key = (code.upper(), period)
        if key in seen:
            out.errors.append(
                line_error(
                    line,
                    _("%(site)s %(month)s repeats line %(first)d")
                    % {"site": code, "month": f"{period:%Y-%m}", "first": seen[key]},
                )
            )
            continue
        seen[key] = line
        out.rows.append(VolumeRow(line, code, period, count))
    return out
