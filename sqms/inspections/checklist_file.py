"""Reading a checklist file (no database): CSV (UTF-8 with or without BOM, or GB18030) or XLSX
with the columns section, code, item, scoring, weight, critical, photo, target, tolerance,
guidance (only section and item are required; header names in English or Chinese).

Every bad cell is reported as "row N, column X: …", so the importer can refuse the whole file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from sqms.surveys.importers.model import ImportFormatError
from sqms.surveys.importers.spreadsheet import read_xlsx
from sqms.surveys.importers.textio import decode_bytes

HEADERS: dict[str, tuple[str, ...]] = {
    "section": ("section", "分区", "部分", "章节", "区域"),
    "code": ("code", "编号", "代码", "编码"),
    "item": ("item", "text", "检查项", "项目", "内容"),
    "scoring": ("scoring", "type", "评分", "评分方式", "类型"),
    "weight": ("weight", "权重", "分值"),
    "critical": ("critical", "关键", "关键项", "否决项"),
    "photo": ("photo", "照片", "拍照"),
    "target": ("target", "目标", "目标值", "标准值"),
    "tolerance": ("tolerance", "容差", "公差", "允差"),
    "guidance": ("guidance", "说明", "指引", "检查方法"),
}
REQUIRED = ("section", "item")
SCORINGS = {
    "pass_fail": "pass_fail",
    "pass/fail": "pass_fail",
    "passfail": "pass_fail",
    "pf": "pass_fail",
    "是否": "pass_fail",
    "合格/不合格": "pass_fail",
    "scale": "scale",
    "0-5": "scale",
    "0–5": "scale",
    "评分": "scale",
    "numeric": "numeric",
    "number": "numeric",
    "数值": "numeric",
    "测量": "numeric",
}
YES = {"yes", "y", "true", "1", "x", "是", "√", "✓"}
NO = {"no", "n", "false", "0", "否", ""}
PHOTOS = {
    "none": "none",
    "no": "none",
    "无": "none",
    "不需要": "none",
    "optional": "optional",
    "可选": "optional",
    "": "optional",
    "required": "required",
    "yes": "required",
    "必须": "required",
    "必需": "required",
    "必拍": "required",
}


@dataclass
class ChecklistFile:
    #: [(section title, [item values])] in file order
    sections: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    encoding: str = ""
    rows: int = 0


def _records(data: bytes) -> tuple[list[tuple[int, list[str]]], str]:
    if data.startswith(b"PK\x03\x04"):
        return [(n, [v or "" for v in values]) for n, values in read_xlsx(data)], "xlsx"
    text, encoding = decode_bytes(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader], encoding


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    found: dict[str, int] = {}
    unknown: list[str] = []
    for i, name in enumerate(names):
        key = next((k for k, aliases in HEADERS.items() if name in aliases), None)
        if key is None:
            if name:
                unknown.append(header[i].strip())
        elif key not in found:
            found[key] = i
    return found, unknown


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".")) if text else None
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number") % {"text": text}) from None
    if value is not None and not value.is_finite():
        raise ValueError(_("“%(text)s” is not a number") % {"text": text})
    return value


def _row_values(cells: dict[str, str]) -> dict[str, Any]:
    """One row's item values; raises ``KeyError(column)`` wrapped as (column, message)."""
    out: dict[str, Any] = {"code": cells.get("code", "")[:20], "text": cells["item"][:300]}
    out["guidance"] = cells.get("guidance", "")
    scoring = cells.get("scoring", "").strip().lower() or "pass_fail"
    if scoring not in SCORINGS:
        raise _Cell("scoring", _("“%(v)s” is not pass_fail, scale or numeric") % {"v": scoring})
    out["scoring"] = SCORINGS[scoring]
    try:
        weight = _decimal(cells.get("weight", ""))
    except ValueError as exc:
        raise _Cell("weight", str(exc)) from None
    if weight is not None and weight <= 0:
        raise _Cell("weight", _("the weight must be more than 0"))
    out["weight"] = weight if weight is not None else Decimal(1)
    critical = cells.get("critical", "").strip().lower()
    if critical not in YES | NO:
        raise _Cell("critical", _("“%(v)s” is not yes or no") % {"v": critical})
    out["is_critical"] = critical in YES
    photo = cells.get("photo", "").strip().lower()
    if photo not in PHOTOS:
        raise _Cell("photo", _("“%(v)s” is not none, optional or required") % {"v": photo})
    out["photo"] = PHOTOS[photo]
    for name in ("target", "tolerance"):
        try:
            out[name] = _decimal(cells.get(name, ""))
        except ValueError as exc:
            raise _Cell(name, str(exc)) from None
    if out["scoring"] == "numeric":
        if out["target"] is None:
            raise _Cell("target", _("a numeric item needs a target"))
        if out["tolerance"] is None or out["tolerance"] < 0:
            raise _Cell("tolerance", _("a numeric item needs a tolerance of 0 or more"))
    return out


class _Cell(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def parse(data: bytes) -> ChecklistFile:
    """The sections and items of a checklist file, or its errors (row and column named)."""
    out = ChecklistFile()
    try:
        records, out.encoding = _records(data)
    except ImportFormatError as exc:
        out.errors.append(_("The file cannot be read: %(why)s") % {"why": exc})
        return out
    records = [(n, row) for n, row in records if any(c.strip() for c in row)]
    if not records:
        out.errors.append(_("The file is empty."))
        return out
    (_n, header), body = records[0], records[1:]
    columns, unknown = _columns(header)
    if unknown:
        out.errors.append(
            _("row 1: unknown column(s) %(cols)s; the columns are %(known)s")
            % {"cols": ", ".join(unknown), "known": ", ".join(HEADERS)}
        )
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        out.errors.append(_("row 1: missing column(s) %(cols)s") % {"cols": ", ".join(missing)})
    if out.errors:
        return out
    by_title: dict[str, list[dict[str, Any]]] = {}
    codes: dict[str, int] = {}
    for line, row in body:
        out.rows += 1
        cells = {k: (row[i].strip() if i < len(row) else "") for k, i in columns.items()}
        for name in REQUIRED:
            if not cells[name]:
                out.errors.append(
                    _("row %(row)d, column %(col)s: empty") % {"row": line, "col": name}
                )
        if not cells["section"] or not cells["item"]:
            continue
        try:
            values = _row_values(cells)
        except _Cell as exc:
            out.errors.append(
                _("row %(row)d, column %(col)s: %(msg)s")
                % {"row": line, "col": exc.column, "msg": exc}
            )
            continue
        code = values["code"]
        if code and code in codes:
            out.errors.append(
                _("row %(row)d, column code: “%(code)s” is also on row %(other)d")
                % {"row": line, "code": code, "other": codes[code]}
            )
            continue
        if code:
            codes[code] = line
        title = cells["section"][:200]
        if title not in by_title:
            by_title[title] = []
            out.sections.append((title, by_title[title]))
        by_title[title].append(values)
    if not out.errors and not out.sections:
        out.errors.append(_("The file has no items."))
    return out
