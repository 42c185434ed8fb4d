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
from .tools import (
    GF_TIMESTAMP,
    parse_google_forms,
    parse_limesurvey,
    parse_limesurvey_archive,
    parse_limesurvey_vv,
    parse_qualtrics,
    parse_surveymonkey,
    parse_wjx,
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_size(size: int, max_bytes: int = DEFAULT_MAX_BYTES, filename: str = "") -> None:
    if size > max_bytes:
        raise ImportFormatError(
            f"file {filename + ' ' if filename else ''}is too large: {size / 1e6:.1f} MB, "
            f"the limit is {max_bytes / 1e6:.0f} MB"
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
    r0 = [(c or "").strip().lstrip("\ufeff") for c in records[0][1]]
    r1 = [(c or "").strip() for c in records[1][1]] if len(records) > 1 else []
    r2 = [(c or "").strip() for c in records[2][1]] if len(records) > 2 else []
    low0 = [c.lower() for c in r0]
    h0 = low0[0] if low0 else ""
    if is_native_header(list(r0)):
        return "native"
    if r2 and r2[0].startswith(('{"ImportId"', "{'ImportId'")):
        return "qualtrics"
    if {"startdate", "enddate", "responseid"} <= set(low0) or (
        "responseid" in low0 and "finished" in low0
    ):
        return "qualtrics"
    if h0 == "v1" and "ResponseID" in r1:
        return "qualtrics"
    if h0.replace(" ", "") == "respondentid" or "collector id" in low0 or "collectorid" in low0:
        return "surveymonkey"
    if "序号" in r0 and any("提交答卷时间" in c for c in r0):
        return "wjx"
    if h0 in GF_TIMESTAMP:
        return "google-forms"
    if r1 and "id" in r1 and ("submitdate" in r1 or "lastpage" in r1):
        return "limesurvey-vv"
    if "vvexport" in filename.lower() and separator == "\t":
        return "limesurvey-vv"
    first = h0
    for sep in (". ", ": ", " - ", " "):
        if first.startswith("id" + sep):
            first = "id"
    ls_markers = ("submitdate", "date submitted", "lastpage", "last page", "startlanguage",
                  "start language")  # fmt: skip
    if first in ("id", "response id") and any(any(m in c for m in ls_markers) for c in low0):
        return "limesurvey"
    return None


_PARSERS = {
    "limesurvey": parse_limesurvey,
    "limesurvey-vv": parse_limesurvey_vv,
    "qualtrics": parse_qualtrics,
    "surveymonkey": parse_surveymonkey,
    "google-forms": parse_google_forms,
    "native": parse_native_records,
}


def parse_export(data: bytes, filename: str, expected_tool: str | None = None, *,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedExport:  # fmt: skip
    """Detect the tool (content first, extension second), the encoding and the separator."""
    check_size(len(data), max_bytes, filename)
    if expected_tool is not None and expected_tool not in TOOLS:
        raise ImportFormatError(
            f"unknown format {expected_tool!r}; choose one of {', '.join(TOOLS)}"
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFormatError("empty file")
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
            raise ImportFormatError("corrupt ZIP / XLSX file") from None
        if any(n.lower().endswith((".lsr", ".lss")) for n in names):
            export = parse_limesurvey_archive(data, filename)
        elif any(n.startswith("xl/") for n in names):
            records, encoding = read_xlsx(data), "xlsx"
        else:
            raise ImportFormatError("this ZIP file is neither a LimeSurvey archive nor an XLSX")
    elif data[:8] == OLE2_MAGIC:
        records, encoding = read_xls(data), "xls"
    elif ext == ".lsr" or (data.lstrip()[:5] == b"<?xml" and b"LimeSurveyDocType" in data[:4096]):
        export = parse_limesurvey_archive(data, filename)
    else:
        text, encoding = decode_bytes(data)
        separator = "\t" if ext in (".tsv", ".tab") else sniff_separator(text)
        records = list(iter_records(text, separator, null_aware=True))
        if not records:
            raise ImportFormatError("empty file")
    if export is None:
        tool = detect_tool(records, separator, filename)
        if tool is None and expected_tool is not None:
            tool = expected_tool
        if tool is None:
            first = ", ".join(repr((c or "")[:40]) for c in records[0][1][:3])
            raise ImportFormatError(
                f"unrecognised survey export: the first header cells are {first}; "
                "give the format explicitly if it is a supported tool"
            )
        _check_expected(tool, expected_tool)
        if tool != "limesurvey" and separator is not None:
            records = [(ln, ["" if c is None else c for c in r]) for ln, r in records]
        if tool == "wjx":
            export = parse_wjx(records, encoding, separator, filename)
        elif tool == "limesurvey-lsa":
            raise ImportFormatError("a LimeSurvey archive must be a .lsa (ZIP) or .lsr (XML) file")
        else:
            export = _PARSERS[tool](records, encoding, separator)
    else:
        _check_expected(export.tool, expected_tool)
    if not export.rows:
        raise ImportFormatError("header only, no responses")
    return export


def _check_expected(tool: str, expected: str | None) -> None:
    if expected is None:
        return
    if tool == expected or (expected == "limesurvey" and _family(tool) == "limesurvey"):
        return
    raise ImportFormatError(
        f"this looks like a {TOOL_NAMES.get(tool, tool)} export but --format {expected} was given"
    )
