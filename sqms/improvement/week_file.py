"""Reading a week of hourly values from a file (no database): CSV (UTF-8 with or without BOM,
or GB18030/GBK) or XLSX, in one of two layouts.

- Long: a header row with the columns weekday, hour and value (``arrivals`` or ``staff``;
  Chinese names too), then one row per hour; hours not listed are 0. Weekday is 1–7 with
  Monday = 1, or a name (Mon, Monday, 周一, 星期一 …); hour is 0–23.
- Matrix: 7 rows (Monday … Sunday) of 24 values (hours 0 … 23), optionally after a header
  row and with a label column first.

Every problem names the row and the column, so the whole file can be refused.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sqms.surveys.importers.model import ImportFormatError
from sqms.surveys.importers.spreadsheet import read_xlsx
from sqms.surveys.importers.textio import decode_bytes

WEEKDAY_HEADERS = ("weekday", "day", "dow", "day of week", "星期", "周几", "日")
HOUR_HEADERS = ("hour", "hr", "小时", "时", "时段")
VALUE_HEADERS = (
    "arrivals",
    "arrival",
    "value",
    "count",
    "customers",
    "staff",
    "agents",
    "servers",
    "到达",
    "到达数",
    "客流",
    "人数",
    "排班",
    "员工",
    "人员",
)
WEEKDAY_NAMES: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("mon", "monday", "周一", "星期一", "礼拜一"),
        ("tue", "tues", "tuesday", "周二", "星期二", "礼拜二"),
        ("wed", "wednesday", "周三", "星期三", "礼拜三"),
        ("thu", "thur", "thurs", "thursday", "周四", "星期四", "礼拜四"),
        ("fri", "friday", "周五", "星期五", "礼拜五"),
        ("sat", "saturday", "周六", "星期六", "礼拜六"),
        ("sun", "sunday", "周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天"),
    )
):
    for _n in _names:
        WEEKDAY_NAMES[_n] = _i


@dataclass
class WeekFile:
    values: list[float] = field(default_factory=lambda: [0.0] * 168)
    errors: list[str] = field(default_factory=list)
    encoding: str = ""
    layout: str = ""


def _records(data: bytes) -> tuple[list[tuple[int, list[str]]], str]:
    if data.startswith(b"PK\x03\x04"):
        return [(n, [v or "" for v in values]) for n, values in read_xlsx(data)], "xlsx"
    text, encoding = decode_bytes(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader], encoding


def cell_error(row: int, column: int | str, message: str) -> str:
    return _("row %(row)d, column %(column)s: %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


def _number(text: str, whole: bool) -> float | None:
    plain = text.strip().replace(",", "").replace(" ", "")
    if plain == "":
        return 0.0
    try:
        v = float(plain)
    except ValueError:
        return None
    if not math.isfinite(v) or v < 0 or (whole and not v.is_integer()):
        return None
    return v


def _bad_value(text: str, whole: bool) -> str:
    if whole:
        return _("“%(v)s” is not a whole number ≥ 0") % {"v": text}
    return _("“%(v)s” is not a number ≥ 0") % {"v": text}


def _weekday(text: str) -> int | None:
    t = text.strip().lower()
    if t.endswith(".0"):
        t = t[:-2]
    if t.isdigit() and 1 <= int(t) <= 7:
        return int(t) - 1
    return WEEKDAY_NAMES.get(t)


def _hour(text: str) -> int | None:
    t = text.strip()
    if t.endswith(".0"):
        t = t[:-2]
    if ":" in t:  # 09:00
        t = t.split(":", 1)[0]
    if t.isdigit() and 0 <= int(t) <= 23:
        return int(t)
    return None


def _find(names: list[str], aliases: tuple[str, ...]) -> int | None:
    for i, name in enumerate(names):
        if name in aliases:
            return i
    return None


def _read_long(
    records: list[tuple[int, list[str]]], cols: tuple[int, int, int], whole: bool, out: WeekFile
) -> None:
    wd_col, hr_col, v_col = cols
    seen: dict[int, int] = {}
    for line, values in records[1:]:

        def cell(i: int, values: list[str] = values) -> str:
            return values[i].strip() if i < len(values) else ""

        wd, hr, v = _weekday(cell(wd_col)), _hour(cell(hr_col)), _number(cell(v_col), whole)
        bad = False
        if wd is None:
            msg = _("weekday “%(v)s” is not 1–7 (Monday = 1) or a day name") % {"v": cell(wd_col)}
            out.errors.append(cell_error(line, wd_col + 1, msg))
            bad = True
        if hr is None:
            msg = _("hour “%(v)s” is not 0–23") % {"v": cell(hr_col)}
            out.errors.append(cell_error(line, hr_col + 1, msg))
            bad = True
        if v is None:
            out.errors.append(cell_error(line, v_col + 1, _bad_value(cell(v_col), whole)))
            bad = True
        if bad:
            continue
        assert wd is not None and hr is not None and v is not None
        index = wd * 24 + hr
        if index in seen:
            out.errors.append(
                cell_error(
                    line,
                    hr_col + 1,
                    _("day %(day)d hour %(hour)d repeats row %(first)d")
                    % {"day": wd + 1, "hour": hr, "first": seen[index]},
                )
            )
            continue
        seen[index] = line
        out.values[index] = v


def _read_matrix(records: list[tuple[int, list[str]]], whole: bool, out: WeekFile) -> None:
    rows = records
    if len(rows) == 8:
        rows = rows[1:]  # a header row of hours
    if len(rows) != 7:
        out.errors.append(
            _(
                "row %(row)d: expected a header with the columns weekday, hour and a value, "
                "or 7 rows (Monday … Sunday) of 24 hourly values; found %(n)d rows"
            )
            % {"row": records[0][0], "n": len(records)}
        )
        return
    for day, (line, values) in enumerate(rows):
        cells = list(values)
        while cells and not cells[-1].strip():
            cells.pop()
        offset = 1 if len(cells) == 25 else 0
        if len(cells) - offset != 24:
            out.errors.append(
                cell_error(
                    line,
                    len(cells) + 1,
                    _("expected 24 hourly values, found %(n)d") % {"n": len(cells) - offset},
                )
            )
            continue
        if offset and cells[0].strip() and _weekday(cells[0]) not in (None, day):
            out.errors.append(
                cell_error(
                    line, 1, _("“%(v)s” is not day %(day)d") % {"v": cells[0], "day": day + 1}
                )
            )
        for hour in range(24):
            text = cells[offset + hour]
            v = _number(text, whole)
            if v is None:
                out.errors.append(cell_error(line, offset + hour + 1, _bad_value(text, whole)))
            else:
                out.values[day * 24 + hour] = v


def read_week_file(data: bytes, *, whole: bool = False) -> WeekFile:
    """A week of hourly values and the problems found (``whole``: integers only, for staff)."""
    out = WeekFile()
    if not data.strip():
        out.errors.append(_("row 1: the file is empty"))
        return out
    try:
        records, out.encoding = _records(data)
    except ImportFormatError as exc:
        out.errors.append(str(exc))
        return out
    records = [(n, r) for n, r in records if any(c.strip() for c in r)]
    if not records:
        out.errors.append(_("row 1: the file is empty"))
        return out
    header_line, header = records[0]
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    wd, hr, v = (_find(names, a) for a in (WEEKDAY_HEADERS, HOUR_HEADERS, VALUE_HEADERS))
    found = [c for c in (wd, hr, v) if c is not None]
    if len(found) == 3:
        assert wd is not None and hr is not None and v is not None
        out.layout = "long"
        _read_long(records, (wd, hr, v), whole, out)
    elif found and len(records) != 8:
        missing = [
            label for label, col in (("weekday", wd), ("hour", hr), (_("value"), v)) if col is None
        ]
        out.errors.append(
            _("row %(row)d: missing column(s) %(names)s (expected: weekday, hour, %(value)s)")
            % {"row": header_line, "names": ", ".join(missing), "value": _("value")}
        )
    else:
        out.layout = "matrix"
        _read_matrix(records, whole, out)
    if out.errors:
        out.values = [0.0] * 168
    return out
