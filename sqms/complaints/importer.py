"""Reading a file of historical complaints (no database; messages through gettext). CSV in UTF-8 (with or without
BOM) or GB18030/GBK, or XLSX; the header row names the columns in English or Chinese
(docs/complaints.md, "Importing complaints"). ``parse(data)`` returns the rows with their
values checked for form (dates, choices, required fields) and the errors naming row and
column; codes (site, service, category) are looked up by the import action."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from sqms.complaints.choices import IntakeChannel, Severity, Status
from sqms.surveys.importers.model import ImportFormatError
from sqms.surveys.importers.textio import (
    decode_bytes,
    iter_records,
    parse_datetime,
    sniff_separator,
)

#: column key → accepted header names (compared without case, spaces, "_" and "-")
COLUMNS: dict[str, tuple[str, ...]] = {
    "site_code": ("site code", "site", "门店编码", "站点编码", "网点编码", "门店"),
    "service_code": ("service code", "service", "服务编码", "服务"),
    "channel": ("channel", "渠道", "投诉渠道"),
    "category_code": ("category code", "category", "类别编码", "投诉类别", "类别"),
    "severity": ("severity", "严重程度", "等级"),
    "received_at": ("received at", "received", "受理时间", "接收时间", "投诉时间"),
    "status": ("status", "状态"),
    "resolved_at": ("resolved at", "resolved", "解决时间"),
    "closed_at": ("closed at", "closed", "关闭时间", "结案时间"),
    "summary": ("summary", "摘要", "标题"),
    "description": ("description", "描述", "投诉内容", "内容"),
    "customer_name": ("customer name", "name", "客户姓名", "姓名"),
    "customer_contact": ("customer contact", "contact", "联系方式", "电话"),
    "external_id": ("external id", "id", "外部编号", "编号"),
}
REQUIRED = ("site_code", "received_at", "description")

_CN_CHOICES = {
    # channel
    "当面": IntakeChannel.IN_PERSON,
    "现场": IntakeChannel.IN_PERSON,
    "电话": IntakeChannel.PHONE,
    "网页": IntakeChannel.WEB_FORM,
    "网页表单": IntakeChannel.WEB_FORM,
    "社交媒体": IntakeChannel.SOCIAL_MEDIA,
    "微博": IntakeChannel.SOCIAL_MEDIA,
    "微信": IntakeChannel.SOCIAL_MEDIA,
    "邮件": IntakeChannel.EMAIL,
    "电子邮件": IntakeChannel.EMAIL,
    "12315": IntakeChannel.HOTLINE_12315,
    "其他": IntakeChannel.OTHER,
    # severity
    "低": Severity.LOW,
    "中": Severity.MEDIUM,
    "高": Severity.HIGH,
    "严重": Severity.CRITICAL,
    # status
    "新建": Status.NEW,
    "已受理": Status.ACKNOWLEDGED,
    "调查中": Status.INVESTIGATING,
    "处理中": Status.INVESTIGATING,
    "已解决": Status.RESOLVED,
    "已关闭": Status.CLOSED,
    "已结案": Status.CLOSED,
}


def _norm(header: str) -> str:
    return "".join(ch for ch in header.strip().lower() if ch not in " _-\ufeff")


_HEADER_INDEX = {_norm(name): key for key, names in COLUMNS.items() for name in names}


class Unreadable(ValueError):
    """The file is not a workbook this module can read (the message says why)."""


@dataclass
class Row:
    line: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[str]
    encoding: str = ""


def _choice(value: str, choices: Any, cn_kind: type) -> str | None:
    plain = value.strip()
    lowered = plain.lower().replace(" ", "_")
    for v, label in choices.choices:
        if lowered == v or plain.lower() == str(label).lower():
            return str(v)
    cn = _CN_CHOICES.get(plain)
    if cn is not None and isinstance(cn, cn_kind):
        return str(cn)
    return None


def _table(data: bytes) -> tuple[list[tuple[int, list[str]]], str]:
    """(line, cells) of every non-blank record, and the encoding ("xlsx" for a workbook)."""
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise Unreadable(_("cannot read the workbook: %(error)s") % {"error": exc}) from None
        ws = wb.worksheets[0]
        out = []
        for n, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            values = [
                "" if c is None else (c.isoformat(sep=" ") if isinstance(c, datetime) else str(c))
                for c in cells
            ]
            if any(v.strip() for v in values):
                out.append((n, values))
        wb.close()
        return out, "xlsx"
    text, encoding = decode_bytes(data)
    sep = sniff_separator(text)
    return [(line, [f or "" for f in fields]) for line, fields in iter_records(text, sep)], encoding


def parse(data: bytes) -> Parsed:
    """The rows of a complaints file, each value checked for form."""
    if not data.strip():
        return Parsed([], [_("The file is empty.")])
    try:
        table, encoding = _table(data)
    except (ImportFormatError, Unreadable) as exc:
        return Parsed([], [str(exc)])
    if not table:
        return Parsed([], [_("The file is empty.")], encoding)
    header_line, header = table[0]
    keys: list[str | None] = []
    errors: list[str] = []
    for name in header:
        key = _HEADER_INDEX.get(_norm(name))
        if name.strip() and key is None:
            errors.append(
                _("line %(line)d: unknown column “%(name)s”")
                % {"line": header_line, "name": name.strip()}
            )
        if key is not None and key in keys:
            errors.append(
                _("line %(line)d: column “%(name)s” appears twice")
                % {"line": header_line, "name": name.strip()}
            )
        keys.append(key)
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        errors.append(
            _("line %(line)d: missing column(s) %(names)s")
            % {"line": header_line, "names": ", ".join(COLUMNS[k][0] for k in missing)}
        )
    if errors:
        return Parsed([], errors, encoding)
    rows = []
    for line, cells in table[1:]:
        row = Row(line)
        for key, cell in zip(keys, cells, strict=False):
            if key is not None:
                row.values[key] = cell.strip()
        errors.extend(_check(row))
        rows.append(row)
    if not rows:
        errors.append(_("The file has a header but no complaints."))
    return Parsed(rows, errors, encoding)


def _default_status(v: dict[str, Any]) -> str:
    """Without a status: closed when the file says when it closed, resolved when it says
    when it was resolved, else new."""
    if v.get("closed_at"):
        return Status.CLOSED
    if v.get("resolved_at"):
        return Status.RESOLVED
    return Status.NEW


def _check(row: Row) -> list[str]:
    errors = []
    v = row.values
    where = _("line %(line)d") % {"line": row.line}
    for key in REQUIRED:
        if not v.get(key):
            errors.append(
                _("%(where)s, column %(column)s: required")
                % {"where": where, "column": COLUMNS[key][0]}
            )
    for key, choices, default in (
        ("channel", IntakeChannel, IntakeChannel.OTHER),
        ("severity", Severity, Severity.MEDIUM),
        ("status", Status, _default_status(v)),
    ):
        raw = v.get(key, "")
        if not raw:
            v[key] = str(default)
            continue
        value = _choice(raw, choices, choices)
        if value is None:
            errors.append(
                _("%(where)s, column %(column)s: unknown value “%(value)s” (use %(values)s)")
                % {"where": where, "column": key, "value": raw, "values": ", ".join(choices.values)}
            )
        else:
            v[key] = value
    for key in ("received_at", "resolved_at", "closed_at"):
        raw = v.get(key, "")
        if not raw:
            v[key] = None
            continue
        try:
            v[key] = parse_datetime(raw)
        except ValueError:
            errors.append(
                _("%(where)s, column %(column)s: not a date and time: “%(value)s”")
                % {"where": where, "column": COLUMNS[key][0], "value": raw}
            )
            v[key] = None
    if v.get("status") == Status.CLOSED and v.get("closed_at") is None and v.get("received_at"):
        errors.append(
            _("%(where)s, column closed at: a closed complaint needs the time it closed")
            % {"where": where}
        )
    if v.get("status") == Status.RESOLVED and v.get("resolved_at") is None and v.get("received_at"):
        errors.append(
            _("%(where)s, column resolved at: a resolved complaint needs the time")
            % {"where": where}
        )
    for limit, key in (
        (200, "summary"),
        (100, "customer_name"),
        (100, "customer_contact"),
        (100, "external_id"),
    ):
        if len(v.get(key, "")) > limit:
            errors.append(
                _("%(where)s, column %(column)s: longer than %(n)d characters")
                % {"where": where, "column": COLUMNS[key][0], "n": limit}
            )
    return errors
