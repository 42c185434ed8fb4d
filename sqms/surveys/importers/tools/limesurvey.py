"""LimeSurvey: response CSV (every heading style), VV export and survey archive (.lsa/.lsr).

Detection: a VV file has column codes (``id``, ``submitdate``/``lastpage``) in its second
line, or is a tab-separated ``vvexport`` file; a response CSV starts with the ``id`` column
(``id``, ``Response ID``, ``id. Response ID`` …) and has one of LimeSurvey's fixed columns.
The archive is recognised from its bytes by ``parse_export`` (a ZIP holding a .lsr, or the
.lsr XML itself).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.parsers import expat

from ..model import Column, ImportFormatError, Notice, ParsedExport, ParsedRow, unique_keys
from ..textio import Record, clean_text
from .common import Head, cell_at, check_width, flag_bad_dates, read_date, row_values

_LS_MARKERS = (
    "submitdate",
    "date submitted",
    "lastpage",
    "last page",
    "startlanguage",
    "start language",
)


def detect(head: Head) -> str | None:
    """``limesurvey-vv``, ``limesurvey`` or None."""
    r1 = head.r1
    if r1 and "id" in r1 and ("submitdate" in r1 or "lastpage" in r1):
        return "limesurvey-vv"
    if "vvexport" in head.filename.lower() and head.separator == "\t":
        return "limesurvey-vv"
    first = head.h0
    for sep in (". ", ": ", " - ", " "):
        if first.startswith("id" + sep):
            first = "id"
    if first in ("id", "response id") and any(any(m in c for m in _LS_MARKERS) for c in head.low0):
        return "limesurvey"
    return None


def is_meta_column(col: Column) -> bool:
    return is_limesurvey_fixed(col.code or col.key) or is_limesurvey_fixed(col.text)


def _norm(s: str | None) -> str:
    return clean_text(s or "").lower()


# --------------------------------------------------------------------------- response CSV

LS_META_ROLES: dict[str, str] = {
    "id": "id",
    "response id": "id",
    "submitdate": "submitdate",
    "date submitted": "submitdate",
    "startlanguage": "language",
    "start language": "language",
}
LS_FIXED: frozenset[str] = frozenset(
    {
        "id", "response id", "token", "submitdate", "date submitted", "lastpage", "last page",
        "startlanguage", "start language", "seed", "startdate", "date started", "datestamp",
        "date last action", "ipaddr", "ip address", "ip-address", "refurl", "referrer url",
        "referrer", "interviewtime", "total time", "completed",
    }
)  # fmt: skip
_LS_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])*(?:#\d)?$")
_LS_CODETEXT = re.compile(r"^id(\. |: | - |\s)", re.I)
ANONYMISED_DATE = "1980-01-01 00:00:00"


def limesurvey_style(headers: list[str]) -> tuple[str, str | None]:
    """Return the heading style and, for ``codetext``, the separator between code and text."""
    h0 = headers[0].strip()
    if h0 == "id" or (h0.lower() == "id" and all(_LS_CODE.match(h) for h in headers if h)):
        return "code", None
    m = _LS_CODETEXT.match(h0)
    if m:
        return "codetext", m.group(1)
    if any(h.endswith("..") for h in headers) and all(len(h) <= 17 for h in headers):
        return "abbreviated", None
    return "full", None


def limesurvey_meta_role(header: str) -> str | None:
    return LS_META_ROLES.get(_norm(header))


def is_limesurvey_fixed(key: str) -> bool:
    k = _norm(key)
    return (
        k in LS_FIXED
        or k.startswith(("grouptime", "group time:", "question time:", "questiontime", "time for "))
        or k.endswith("time")
        and k[:-4].isdigit()
    )


_LS_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?$")
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,8})*$")


def _limesurvey_roles_by_position(data: list[Record], roles: dict[str, int],
                                  warnings: list[str]) -> None:  # fmt: skip
    """Headings in another language (``Antwort ID``, ``回答 ID``…): LimeSurvey's fixed columns
    come first in a known order, so recognise them by their values."""
    sample = [r for _, r in data[:200]]

    def values(i: int) -> list[str]:
        return [v.strip() for r in sample if i < len(r) and (v := r[i]) and v.strip()]

    found = []
    if "id" not in roles and (v0 := values(0)) and all(v.isdigit() for v in v0):
        roles["id"] = 0
        found.append("id")
    if "submitdate" not in roles:
        for i in range(1, 3):
            vs = values(i)
            if vs and all(_LS_DATE.match(v) for v in vs):
                roles["submitdate"] = i
                found.append("submitdate")
                break
    if "language" not in roles:
        for i in range(2, 6):
            vs = values(i)
            if vs and all(_LANG.match(v) for v in vs):
                roles["language"] = i
                found.append("startlanguage")
                break
    if found:
        warnings.append(Notice("limesurvey_by_values", columns=", ".join(found)))


def parse_csv(rows: list[Record], enc: str, sep: str | None, filename: str) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    header = [h or "" for h in rows[0][1]]
    style, ct_sep = limesurvey_style(header)
    codes: list[str | None] = []
    texts: list[str] = []
    for h in header:
        if style == "code":
            codes.append(h)
            texts.append("")
        elif style == "codetext":
            assert ct_sep is not None
            code, found, text = h.partition(ct_sep)
            if found and " " not in code:
                codes.append(code)
                texts.append(clean_text(text))
            else:
                codes.append(None)
                texts.append(clean_text(h))
        else:
            codes.append(None)
            texts.append(clean_text(h))
    keys = unique_keys([h.strip() for h in header])
    cols = [Column(i, k, codes[i], texts[i]) for i, k in enumerate(keys)]
    roles: dict[str, int] = {}
    for i, h in enumerate(header):
        base = codes[i] if style == "codetext" and codes[i] else h
        role = limesurvey_meta_role(base or "") or limesurvey_meta_role(texts[i])
        if role and role not in roles:
            roles[role] = i
    data = rows[1:]
    if not {"id", "submitdate"} <= roles.keys():
        _limesurvey_roles_by_position(data, roles, warnings)
    if "id" not in roles:
        warnings.append(Notice("no_response_id"))
    check_width(data, len(header), warnings)
    out: list[ParsedRow] = []
    anonymised = 0
    for line, r in data:
        sub = cell_at(r, roles.get("submitdate"))
        complete = bool(sub and sub.strip())
        submitted = None
        if complete and sub:
            if sub.strip() == ANONYMISED_DATE:
                anonymised += 1
            else:
                submitted = read_date(sub, bad, line)
        rid = cell_at(r, roles.get("id"))
        meta: dict[str, str] = {}
        lang = cell_at(r, roles.get("language"))
        if lang:
            meta["language"] = lang
        out.append(
            ParsedRow(
                line,
                f"limesurvey:{rid.strip()}" if rid and rid.strip() else None,
                submitted,
                complete,
                False,
                row_values(keys, r),
                meta,
            )
        )
    if anonymised:
        warnings.append(Notice("anonymised_dates", count=anonymised, date=ANONYMISED_DATE))
    flag_bad_dates(out, bad, "submitdate", warnings)
    return ParsedExport("limesurvey", enc, sep, style, cols, out, warnings)


# --------------------------------------------------------------------------- VV export

_VV_ESC = re.compile(r"\{(newline|cr|tab|quote|lbrace)\}")
_VV_MAP = {"newline": "\n", "cr": "\r", "tab": "\t", "quote": '"', "lbrace": "{"}
VV_NOT_SHOWN = "{question_not_shown}"


def vv_unescape(v: str | None) -> str | None:
    if v is None or v == VV_NOT_SHOWN:
        return None
    if "{" not in v:
        return v
    return _VV_ESC.sub(lambda m: _VV_MAP[m.group(1)], v)


def parse_vv(rows: list[Record], enc: str, sep: str | None, filename: str) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    if len(rows) < 2:
        raise ImportFormatError("vv_second_header")
    titles = [t or "" for t in rows[0][1]]
    codes = [c or "" for c in rows[1][1]]
    keys = unique_keys([c.strip() for c in codes])
    cols = [
        Column(i, k, codes[i].strip() or None, clean_text(vv_unescape(cell_at(titles, i)) or ""))
        for i, k in enumerate(keys)
    ]
    idx = {c.strip(): i for i, c in enumerate(codes)}
    data = rows[2:]
    check_width(data, len(codes), warnings)
    out: list[ParsedRow] = []
    for line, r in data:
        vals = {k: vv_unescape(r[i]) if i < len(r) else None for i, k in enumerate(keys)}
        sub = cell_at(r, idx.get("submitdate"))
        sub = vv_unescape(sub)
        complete = bool(sub and sub.strip())
        submitted = None
        if complete and sub and sub.strip() != ANONYMISED_DATE:
            submitted = read_date(sub, bad, line)
        rid = vv_unescape(cell_at(r, idx.get("id")))
        lang = vv_unescape(cell_at(r, idx.get("startlanguage")))
        out.append(
            ParsedRow(
                line,
                f"limesurvey:{rid}" if rid else None,
                submitted,
                complete,
                False,
                vals,
                {"language": lang} if lang else {},
            )
        )
    flag_bad_dates(out, bad, "submitdate", warnings)
    return ParsedExport("limesurvey-vv", enc, sep, "code", cols, out, warnings)


# --------------------------------------------------------------------------- archive .lsa/.lsr

_SGQA = re.compile(r"^(\d+)X(\d+)X(\d+)(.*)$")


def _lss_structure(xml: bytes) -> dict[str, tuple[str, str, str]]:
    """qid -> (title, text, parent_qid) from a LimeSurvey structure file (.lss)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    out: dict[str, tuple[str, str, str]] = {}
    l10n: dict[str, str] = {}
    for sec in ("questions", "subquestions"):
        for row in root.findall(f"./{sec}/rows/row"):
            qid = (row.findtext("qid") or "").strip()
            if not qid or qid in out:
                continue
            out[qid] = (
                (row.findtext("title") or "").strip(),
                clean_text(row.findtext("question") or ""),
                (row.findtext("parent_qid") or "0").strip(),
            )
    for row in root.findall("./question_l10ns/rows/row"):
        qid = (row.findtext("qid") or "").strip()
        if qid and qid not in l10n:
            l10n[qid] = clean_text(row.findtext("question") or "")
    for qid, text in l10n.items():
        if qid in out and not out[qid][1]:
            t, _, p = out[qid]
            out[qid] = (t, text, p)
    return out


def _sgqa_column(name: str, struct: dict[str, tuple[str, str, str]]) -> tuple[str, str]:
    """SGQA database name -> (code-style heading, text)."""
    m = _SGQA.match(name)
    if not m or m.group(3) not in struct:
        return name, ""
    qid, rest = m.group(3), m.group(4)
    title, text, _ = struct[qid]
    if not rest:
        return title, text
    base = rest.split("#")[0]
    subs = {t: tx for t, tx, p in struct.values() if p == qid}
    sub_text = subs.get(base, "")
    if not sub_text and base.endswith("comment"):
        sub_text = subs.get(base[: -len("comment")], "")
    if not sub_text and "_" in base:
        sub_text = " / ".join(subs.get(p, p) for p in base.split("_"))
    return f"{title}[{rest}]", f"{text} [{sub_text or rest}]"


def _parse_lsr(xml: bytes) -> tuple[list[str], list[tuple[int, dict[str, str | None]]]]:
    fields: list[str] = []
    rows: list[tuple[int, dict[str, str | None]]] = []
    stack: list[str] = []
    cur: dict[str, str | None] | None = None
    cur_line = 0
    field: str | None = None
    buf: list[str] = []
    p = expat.ParserCreate()

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal cur, cur_line, field, buf
        parent = stack[-1] if stack else ""
        stack.append(name)
        if name == "row" and parent == "rows":
            cur = {}
            cur_line = p.CurrentLineNumber
        elif cur is not None and parent == "row" or name == "fieldname":
            field, buf = name, []

    def end(name: str) -> None:
        nonlocal cur, field
        stack.pop()
        if field is not None and name == field:
            text = "".join(buf)
            if name == "fieldname" and cur is None:
                fields.append(text.strip())
            elif cur is not None:
                key = name[1:] if name.startswith("_") and name[1:2].isdigit() else name
                cur[key] = text if buf else None
            field = None
        elif name == "row" and cur is not None:
            rows.append((cur_line, cur))
            cur = None

    def chars(data: str) -> None:
        if field is not None:
            buf.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    try:
        p.Parse(xml, True)
    except expat.ExpatError as e:
        raise ImportFormatError(
            "bad_responses_xml", line=e.lineno, detail=expat.ErrorString(e.code)
        ) from None
    except (LookupError, ValueError) as e:
        raise ImportFormatError("bad_responses_xml", detail=str(e)) from None
    return fields, rows


def parse_archive(data: bytes) -> ParsedExport:
    """A .lsa survey archive (ZIP of .lss structure and .lsr responses) or a bare .lsr."""
    warnings: list[str] = []
    bad: dict[int, str] = {}
    struct: dict[str, tuple[str, str, str]] = {}
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
                lsr = [n for n in names if n.lower().endswith(".lsr")]
                lss = [n for n in names if n.lower().endswith(".lss")]
                if not lsr:
                    raise ImportFormatError("archive_without_lsr")
                xml = z.read(lsr[0])
                lss_xml = z.read(lss[0]) if lss else None
        # zipfile raises NotImplementedError for a compression method it cannot read
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
            if isinstance(e, ImportFormatError):
                raise
            raise ImportFormatError("corrupt_archive", detail=str(e)) from None
        if lss_xml is not None:
            try:
                struct = _lss_structure(lss_xml)
            except Exception:  # a damaged structure file: keep SGQA names
                struct = {}
    else:
        xml = data
    if not struct:
        warnings.append(Notice("no_structure"))
    fields, recs = _parse_lsr(xml)
    if not fields:
        seen: dict[str, None] = {}
        for _, r in recs:
            for k in r:
                seen.setdefault(k, None)
        fields = list(seen)
    named = [_sgqa_column(f, struct) for f in fields]
    keys = unique_keys([n for n, _ in named])
    cols = [
        Column(i, keys[i], named[i][0] if struct else fields[i], named[i][1])
        for i in range(len(fields))
    ]
    out: list[ParsedRow] = []
    for line, r in recs:
        vals = {keys[i]: r.get(f) for i, f in enumerate(fields)}
        sub = r.get("submitdate")
        complete = bool(sub and sub.strip())
        submitted = None
        if complete and sub and sub.strip() != ANONYMISED_DATE:
            submitted = read_date(sub, bad, line)
        rid = r.get("id")
        lang = r.get("startlanguage")
        out.append(
            ParsedRow(
                line,
                f"limesurvey:{rid}" if rid else None,
                submitted,
                complete,
                False,
                vals,
                {"language": lang} if lang else {},
            )  # fmt: skip
        )
    flag_bad_dates(out, bad, "submitdate", warnings)
    return ParsedExport("limesurvey-lsa", "utf-8", None, "code", cols, out, warnings)
