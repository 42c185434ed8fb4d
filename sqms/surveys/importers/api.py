"""Entry point: detect the tool, the encoding and the separator, then parse."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from .model import DEFAULT_MAX_BYTES, TOOL_NAMES, TOOLS, ImportFormatError, ParsedExport
from .native import is_native_header, parse_native_records
from .spreadsheet import read_xls, read_xlsx
from .textio import Record, decode_bytes, iter_records, sniff_separator
from .tools import PARSERS, Head
from .tools import detect as detect_foreign
from .tools.limesurvey import parse_archive

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_size(size: int, max_bytes: int = DEFAULT_MAX_BYTES, filename: str = "") -> None:
    if size > max_bytes:
        raise ImportFormatError(
            "too_large",
            filename=f"{filename} " if filename else "",
            size_mb=f"{size / 1e6:.1f}",
            limit_mb=f"{max_bytes / 1e6:.0f}",
        )


def parse_file(path: str | os.PathLike[str], expected_tool: str | None = None, *,
               max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedExport:  # fmt: skip
    """Parse a file from disk, refusing it by its size before reading it."""
    p = Path(path)
    check_size(p.stat().st_size, max_bytes, p.name)
    return parse_export(p.read_bytes(), p.name, expected_tool, max_bytes=max_bytes)


def _family(tool: str) -> str:
    return tool.split("-")[0] if tool.startswith("limesurvey") else tool


def detect_tool(records: list[Record], separator: str | None, filename: str) -> str | None:
    """Recognise the tool from the first records; None if unknown."""
    if not records:
        return None
    head = Head.of(records, separator, filename)
    if is_native_header(list(head.r0)):
        return "native"
    return detect_foreign(head)


def parse_export(data: bytes, filename: str, expected_tool: str | None = None, *,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedExport:  # fmt: skip
    """Detect the tool (content first, extension second), the encoding and the separator."""
    check_size(len(data), max_bytes, filename)
    if expected_tool is not None and expected_tool not in TOOLS:
        raise ImportFormatError("unknown_format", format=expected_tool, formats=", ".join(TOOLS))
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFormatError("empty_file")
    ext = Path(filename).suffix.lower()
    encoding = "binary"
    separator: str | None = None
    export: ParsedExport | None = None
    records: list[Record]
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        # zipfile raises NotImplementedError for a compression method it cannot read
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            raise ImportFormatError("corrupt_zip") from None
        if any(n.lower().endswith((".lsr", ".lss")) for n in names):
            export = parse_archive(data)
        elif any(n.startswith("xl/") for n in names):
            records, encoding = read_xlsx(data), "xlsx"
        else:
            raise ImportFormatError("zip_not_survey")
    elif data[:8] == OLE2_MAGIC:
        records, encoding = read_xls(data), "xls"
    elif ext == ".lsr" or (data.lstrip()[:5] == b"<?xml" and b"LimeSurveyDocType" in data[:4096]):
        export = parse_archive(data)
    else:
        text, encoding = decode_bytes(data)
        separator = "\t" if ext in (".tsv", ".tab") else sniff_separator(text)
        records = list(iter_records(text, separator, null_aware=True))
        if not records:
            raise ImportFormatError("empty_file")
    if export is None:
        tool = detect_tool(records, separator, filename)
        if tool is None and expected_tool is not None:
            tool = expected_tool
        if tool is None:
            first = ", ".join(repr((c or "")[:40]) for c in records[0][1][:3])
            raise ImportFormatError("unrecognised", first=first)
        _check_expected(tool, expected_tool)
        if tool != "limesurvey" and separator is not None:
            records = [(ln, ["" if c is None else c for c in r]) for ln, r in records]
        if tool == "limesurvey-lsa":
            raise ImportFormatError("archive_extension")
        if tool == "native":
            export = parse_native_records(records, encoding, separator)
        else:
            export = PARSERS[tool](records, encoding, separator, filename)
    else:
        _check_expected(export.tool, expected_tool)
    if not export.rows:
        raise ImportFormatError("header_only")
    return export


def _check_expected(tool: str, expected: str | None) -> None:
    if expected is None:
        return
    if tool == expected or (expected == "limesurvey" and _family(tool) == "limesurvey"):
        return
    raise ImportFormatError("format_mismatch", tool=TOOL_NAMES.get(tool, tool), expected=expected)
