"""Parsers for the foreign tools' layouts, each from already tokenized records."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from xml.parsers import expat

from .model import Column, ImportFormatError, ParsedExport, ParsedRow, unique_keys
from .textio import Record, clean_text, infer_dayfirst, parse_datetime, zone

# --------------------------------------------------------------------------- helpers


def _norm(s: str | None) -> str:
    return clean_text(s or "").lower()


def _cell(row: Sequence[str | None], i: int | None) -> str | None:
    if i is None or i >= len(row):
        return None
    return row[i]


def _strip_trailing_empty_columns(rows: list[Record], header_rows: int) -> list[Record]:
    """Drop columns on the right whose headers are all empty (a trailing comma on each line)."""
    width = max((len(r) for _, r in rows[:header_rows]), default=0)
    while width and all(not _cell(r, width - 1) for _, r in rows[:header_rows]):
        width -= 1
    return [(ln, r[:width]) for ln, r in rows]


def _date(
    value: str | None,
    bad: dict[int, str],
    line: int,
    col: str,
    *,
    dayfirst: bool | None = None,
    tz: str | None = None,
) -> datetime | None:
    """Parse a submission time; an unreadable one is kept in ``bad`` (line -> raw text)."""
    if not value or not value.strip():
        return None
    try:
        d = parse_datetime(value, dayfirst=dayfirst)
    except ValueError:
        bad[line] = value
        return None
    if tz and d.tzinfo is None:
        z = zone(tz)
        if z is not None:
            d = d.replace(tzinfo=z)
    return d


def _flag_bad_dates(rows: list[ParsedRow], bad: dict[int, str], col: str,
                    warnings: list[str]) -> None:  # fmt: skip
    """Unreadable dates: ``meta["submitted_at"]`` keeps the raw text, so that apply_mapping
    reports a ``bad_date`` error for the row."""
    if not bad:
        return
    for r in rows:
        if r.line in bad:
            r.meta["submitted_at"] = bad[r.line]
    lines = sorted(bad)
    warnings.append(
        f"{len(bad)} unreadable date(s) in column {col!r} (lines "
        f"{', '.join(map(str, lines[:5]))}{'…' if len(lines) > 5 else ''})"
    )


def _check_width(rows: list[Record], width: int, warnings: list[str]) -> None:
    bad = [ln for ln, r in rows if len(r) != width]
    if bad:
        head = ", ".join(str(x) for x in bad[:5])
        warnings.append(
            f"{len(bad)} record(s) do not have {width} fields (lines {head}"
            f"{'…' if len(bad) > 5 else ''}); missing fields read as empty"
        )


def _values(keys: list[str], row: list[str | None]) -> dict[str, str | None]:
    n = len(row)
    return {k: (row[i] if i < n else None) for i, k in enumerate(keys)}


def _content_id(tool: str, row: list[str | None], seen: dict[str, int]) -> str:
    h = hashlib.sha1("\x1f".join(c or "" for c in row).encode("utf-8")).hexdigest()[:16]
    k = seen.get(h, 0) + 1
    seen[h] = k
    return f"{tool}:{h}" if k == 1 else f"{tool}:{h}-{k}"


def _export(tool: str, enc: str, sep: str | None, style: str | None, cols: list[Column],
            rows: list[ParsedRow], warnings: list[str]) -> ParsedExport:  # fmt: skip
    return ParsedExport(tool, enc, sep, style, cols, rows, warnings)


# --------------------------------------------------------------------------- LimeSurvey CSV

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
        warnings.append(
            "fixed LimeSurvey columns recognised by their values, not their headings: "
            + ", ".join(found)
        )


def parse_limesurvey(rows: list[Record], enc: str, sep: str | None) -> ParsedExport:
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
        warnings.append("no response id column: re-importing this file would duplicate it")
    _check_width(data, len(header), warnings)
    out: list[ParsedRow] = []
    anonymised = 0
    for line, r in data:
        sub = _cell(r, roles.get("submitdate"))
        complete = bool(sub and sub.strip())
        submitted = None
        if complete and sub:
            if sub.strip() == ANONYMISED_DATE:
                anonymised += 1
            else:
                submitted = _date(sub, bad, line, "submitdate")
        rid = _cell(r, roles.get("id"))
        meta: dict[str, str] = {}
        lang = _cell(r, roles.get("language"))
        if lang:
            meta["language"] = lang
        out.append(
            ParsedRow(
                line,
                f"limesurvey:{rid.strip()}" if rid and rid.strip() else None,
                submitted,
                complete,
                False,
                _values(keys, r),
                meta,
            )
        )
    if anonymised:
        warnings.append(
            f"{anonymised} response(s) dated {ANONYMISED_DATE}: anonymised survey without date "
            "stamps, submission time unknown"
        )
    _flag_bad_dates(out, bad, "submitdate", warnings)
    return _export("limesurvey", enc, sep, style, cols, out, warnings)


# --------------------------------------------------------------------------- LimeSurvey VV

_VV_ESC = re.compile(r"\{(newline|cr|tab|quote|lbrace)\}")
_VV_MAP = {"newline": "\n", "cr": "\r", "tab": "\t", "quote": '"', "lbrace": "{"}
VV_NOT_SHOWN = "{question_not_shown}"


def vv_unescape(v: str | None) -> str | None:
    if v is None or v == VV_NOT_SHOWN:
        return None
    if "{" not in v:
        return v
    return _VV_ESC.sub(lambda m: _VV_MAP[m.group(1)], v)


def parse_limesurvey_vv(rows: list[Record], enc: str, sep: str | None) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    if len(rows) < 2:
        raise ImportFormatError("VV export without its second header line (column codes)")
    titles = [t or "" for t in rows[0][1]]
    codes = [c or "" for c in rows[1][1]]
    keys = unique_keys([c.strip() for c in codes])
    cols = [
        Column(i, k, codes[i].strip() or None, clean_text(vv_unescape(_cell(titles, i)) or ""))
        for i, k in enumerate(keys)
    ]
    idx = {c.strip(): i for i, c in enumerate(codes)}
    data = rows[2:]
    _check_width(data, len(codes), warnings)
    out: list[ParsedRow] = []
    for line, r in data:
        vals = {k: vv_unescape(r[i]) if i < len(r) else None for i, k in enumerate(keys)}
        sub = _cell(r, idx.get("submitdate"))
        sub = vv_unescape(sub)
        complete = bool(sub and sub.strip())
        submitted = None
        if complete and sub and sub.strip() != ANONYMISED_DATE:
            submitted = _date(sub, bad, line, "submitdate")
        rid = vv_unescape(_cell(r, idx.get("id")))
        lang = vv_unescape(_cell(r, idx.get("startlanguage")))
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
    _flag_bad_dates(out, bad, "submitdate", warnings)
    return _export("limesurvey-vv", enc, sep, "code", cols, out, warnings)


# --------------------------------------------------------------------------- LimeSurvey .lsa/.lsr

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
        raise ImportFormatError(f"invalid responses XML: {expat.ErrorString(e.code)}",
                                line=e.lineno) from None  # fmt: skip
    except (LookupError, ValueError) as e:
        raise ImportFormatError(f"invalid responses XML: {e}") from None
    return fields, rows


def parse_limesurvey_archive(data: bytes, filename: str) -> ParsedExport:
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
                    raise ImportFormatError("this survey archive holds no responses (.lsr) file")
                xml = z.read(lsr[0])
                lss_xml = z.read(lss[0]) if lss else None
        # zipfile raises NotImplementedError for a compression method it cannot read
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
            if isinstance(e, ImportFormatError):
                raise
            raise ImportFormatError(f"corrupt survey archive: {e}") from None
        if lss_xml is not None:
            try:
                struct = _lss_structure(lss_xml)
            except Exception:  # a damaged structure file: keep SGQA names
                struct = {}
    else:
        xml = data
    if not struct:
        warnings.append("no survey structure (.lss) found: columns keep their SGQA database names")
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
            submitted = _date(sub, bad, line, "submitdate")
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
    _flag_bad_dates(out, bad, "submitdate", warnings)
    return _export("limesurvey-lsa", "utf-8", None, "code", cols, out, warnings)


# --------------------------------------------------------------------------- Qualtrics

QUALTRICS_TEST_STATUS = frozenset(
    {"survey preview", "survey test", "spam", "preview spam", "imported spam", "test",
     "preview", "offline preview", "1", "2", "8", "9", "12", "17"}
)  # fmt: skip
QUALTRICS_META = frozenset(
    {"startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)",
     "finished", "recordeddate", "responseid", "recipientlastname", "recipientfirstname",
     "recipientemail", "externalreference", "externaldatareference", "locationlatitude",
     "locationlongitude", "distributionchannel", "userlanguage", "responseset", "name",
     "emailaddress", "solutionrevision", "q_recaptchascore", "q_relevantidduplicate"}
)  # fmt: skip
_TRUE = frozenset({"true", "1", "yes"})


def _import_id(cell: str) -> dict[str, str]:
    s = cell.strip()
    if not s.startswith("{"):
        return {}
    try:
        d = json.loads(s)
    except ValueError:
        try:
            d = ast.literal_eval(s)
        except (ValueError, SyntaxError):
            return {}
    return {str(k): str(v) for k, v in d.items()} if isinstance(d, dict) else {}


def is_qualtrics_meta(key: str) -> bool:
    k = key.strip().lower()
    return k in QUALTRICS_META or k.startswith("recipient") or bool(re.fullmatch(r"v\d+", k))


def parse_qualtrics(rows: list[Record], enc: str, sep: str | None) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    legacy = (rows[0][1][0] or "").strip() == "V1"
    nhead = 2 if legacy else 3
    if len(rows) < nhead:
        raise ImportFormatError(f"Qualtrics export with fewer than {nhead} header rows")
    rows = _strip_trailing_empty_columns(rows, nhead)
    tags = [(t or "").strip() for t in rows[0][1]]
    labels = [(t or "") for t in rows[1][1]] + [""] * len(tags)
    if legacy:
        names = [labels[i].strip() if re.fullmatch(r"V\d+", t) else t for i, t in enumerate(tags)]
        ids: list[dict[str, str]] = [{} for _ in tags]
        style = "legacy-2-row"
    else:
        names = tags
        third = list(rows[2][1]) + [""] * len(tags)
        ids = [_import_id(third[i] or "") for i in range(len(tags))]
        style = "3-row"
    keys = unique_keys(names)
    cols = [Column(i, k, names[i] or None, clean_text(labels[i])) for i, k in enumerate(keys)]
    low = {n.lower(): i for i, n in reversed(list(enumerate(names)))}

    def tzof(name: str) -> str | None:
        i = low.get(name)
        return ids[i].get("timeZone") if i is not None else None

    i_id = low.get("responseid")
    i_date = low.get("recordeddate", low.get("enddate"))
    date_tz = tzof("recordeddate") if "recordeddate" in low else tzof("enddate")
    i_status, i_fin, i_prog = low.get("status"), low.get("finished"), low.get("progress")
    i_lang, i_chan = low.get("userlanguage"), low.get("distributionchannel")
    data = rows[nhead:]
    _check_width(data, len(tags), warnings)
    out: list[ParsedRow] = []
    for line, r in data:
        status = (_cell(r, i_status) or "").strip().lower()
        chan = (_cell(r, i_chan) or "").strip()
        is_test = status in QUALTRICS_TEST_STATUS or chan.lower() in ("preview", "test")
        fin = _cell(r, i_fin)
        if fin is not None and fin.strip():
            complete = fin.strip().lower() in _TRUE
        else:
            complete = (_cell(r, i_prog) or "").strip() == "100"
        meta: dict[str, str] = {}
        lang = (_cell(r, i_lang) or "").strip()
        if lang:
            meta["language"] = lang
        if chan:
            meta["channel"] = chan
        rid = (_cell(r, i_id) or "").strip()
        out.append(
            ParsedRow(
                line,
                f"qualtrics:{rid}" if rid else None,
                _date(_cell(r, i_date), bad, line, "RecordedDate", tz=date_tz),
                complete,
                is_test,
                {k: (r[i] if i < len(r) else None) or "" for i, k in enumerate(keys)},
                meta,
            )
        )
    _flag_bad_dates(out, bad, "RecordedDate", warnings)
    return _export("qualtrics", enc, sep, style, cols, out, warnings)


# --------------------------------------------------------------------------- SurveyMonkey

SM_META = frozenset(
    {"respondentid", "collectorid", "startdate", "enddate", "ipaddress", "emailaddress",
     "firstname", "lastname", "customdata", "customdata1", "customdata2", "customdata3"}
)  # fmt: skip
SM_PLAIN_SUB = frozenset({"", "response", "open-ended response", "open-endedresponse"})


def _sm_norm(s: str | None) -> str:
    return re.sub(r"\s+", "", (s or "").lower())


def is_surveymonkey_meta(key: str) -> bool:
    return _sm_norm(key) in SM_META


def parse_surveymonkey(rows: list[Record], enc: str, sep: str | None) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    if len(rows) < 2:
        raise ImportFormatError("SurveyMonkey export without its second header row")
    rows = _strip_trailing_empty_columns(rows, 2)
    top = [t or "" for t in rows[0][1]]
    sub = [s or "" for s in rows[1][1]] + [""] * len(top)
    names: list[str] = []
    texts: list[str] = []
    block: list[int] = []  # question block number per column (-1 for metadata)
    current, bno = "", -1
    choice_like = False
    for i, t in enumerate(top):
        if _sm_norm(t) in SM_META:
            names.append(clean_text(t))
            texts.append(clean_text(t))
            block.append(-1)
            continue
        if t.strip():
            current = clean_text(t)
            bno += 1
        s = clean_text(sub[i])
        block.append(bno)
        if s.lower() in SM_PLAIN_SUB:
            names.append(current)
            texts.append(current)
        else:
            choice_like = True
            names.append(f"{current} - {s}")
            texts.append(f"{current} - {s}")
    keys = unique_keys(names)
    cols = [Column(i, k, None, texts[i]) for i, k in enumerate(keys)]
    norm = [_sm_norm(t) for t in top]
    i_id = norm.index("respondentid") if "respondentid" in norm else None
    i_end = norm.index("enddate") if "enddate" in norm else None
    i_coll = norm.index("collectorid") if "collectorid" in norm else None
    last_block = [i for i, b in enumerate(block) if b == bno and bno >= 0]
    data = rows[2:]
    _check_width(data, len(top), warnings)
    dayfirst = infer_dayfirst([r[i_end] or "" for _, r in data[:500] if i_end is not None
                               and i_end < len(r)])  # fmt: skip
    out: list[ParsedRow] = []
    for line, r in data:
        complete = any((_cell(r, i) or "").strip() for i in last_block)
        rid = (_cell(r, i_id) or "").strip()
        meta: dict[str, str] = {}
        coll = (_cell(r, i_coll) or "").strip()
        if coll:
            meta["collector"] = coll
        out.append(
            ParsedRow(
                line,
                f"surveymonkey:{rid}" if rid else None,
                _date(_cell(r, i_end), bad, line, "End Date", dayfirst=dayfirst),
                complete,
                False,
                {k: (r[i] if i < len(r) else None) or "" for i, k in enumerate(keys)},
                meta,
            )
        )
    warnings.append(
        "SurveyMonkey files carry no completion flag: a response counts as complete when it "
        "answers the last question"
    )
    _flag_bad_dates(out, bad, "End Date", warnings)
    return _export("surveymonkey", enc, sep, "expanded" if choice_like else "condensed",
                   cols, out, warnings)  # fmt: skip


# --------------------------------------------------------------------------- Google Forms

GF_TIMESTAMP = frozenset(
    {"timestamp", "时间戳记", "时间戳", "時間戳記", "marca temporal", "horodateur", "zeitstempel",
     "carimbo de data/hora", "informazioni cronologiche", "tijdstempel", "タイムスタンプ",
     "타임스탬프", "отметка времени", "dấu thời gian"}
)  # fmt: skip


def parse_google_forms(rows: list[Record], enc: str, sep: str | None) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    header = [h or "" for h in rows[0][1]]
    keys = unique_keys([h.strip() for h in header])
    cols = [Column(i, k, None, clean_text(header[i])) for i, k in enumerate(keys)]
    data = rows[1:]
    _check_width(data, len(header), warnings)
    dayfirst = infer_dayfirst([r[0] or "" for _, r in data[:1000] if r])
    tz_dropped = 0
    seen: dict[str, int] = {}
    out: list[ParsedRow] = []
    for line, r in data:
        ts = r[0] if r else None
        if ts and re.search(r"\s(?!(?:AM|PM)$)[A-Z]{2,5}$", ts.strip()):
            tz_dropped += 1
        out.append(
            ParsedRow(
                line,
                _content_id("google-forms", r, seen),
                _date(ts, bad, line, header[0], dayfirst=dayfirst),
                True,
                False,
                {k: (r[i] if i < len(r) else None) or "" for i, k in enumerate(keys)},
                {},
            )
        )
    if tz_dropped:
        warnings.append(f"{tz_dropped} timestamp(s) had a time-zone abbreviation, read as local")
    warnings.append("Google Forms gives no response id: rows are identified by their content")
    _flag_bad_dates(out, bad, header[0], warnings)
    return _export("google-forms", enc, sep, None, cols, out, warnings)


# --------------------------------------------------------------------------- 问卷星 Wenjuanxing

WJX_META = frozenset(
    {"序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自ip", "总分", "答题序号", "用户id",
     "来自IP", "ip", "来源渠道", "填写设备"}
)  # fmt: skip
WJX_SKIPPED = frozenset({"(跳过)", "（跳过）", "(空)", "（空）"})
_WJX_Q = re.compile(r"^\s*(\d+)[、.．]\s*(.*)$", re.S)
_WJX_OPT = re.compile(r"^\s*(?:第)?(\d+)(?:题)?\s*[(（](.*)[)）]\s*$", re.S)
_WJX_KIND = re.compile(r"\s*[(（][^()（）]*?(?:题|必答)[^()（）]*[)）]\s*(?=—|$)")


def is_wjx_meta(key: str) -> bool:
    return key.strip() in WJX_META or key.strip().lower() in WJX_META


def parse_wjx(rows: list[Record], enc: str, sep: str | None, filename: str) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    header = [(h or "").strip() for h in rows[0][1]]
    n = len(header)
    codes: list[str | None] = [None] * n
    texts: list[str] = [""] * n
    groups: list[tuple[str, str, list[int], list[str]]] = []  # number, text, cols, sublabels
    number_headers = False
    for i, h in enumerate(header):
        if is_wjx_meta(h):
            texts[i] = h
            continue
        mo = _WJX_OPT.match(h)
        mq = _WJX_Q.match(h)
        if mo and h.startswith("第"):
            number_headers = True
            num, opt = mo.group(1), mo.group(2)
            if groups and groups[-1][0] == num:
                groups[-1][2].append(i)
                groups[-1][3].append(opt)
            else:
                groups.append((num, "", [i], [opt]))
        elif mq:
            groups.append((mq.group(1), _WJX_KIND.sub("", mq.group(2)).strip(), [i], [""]))
        elif groups:
            groups[-1][2].append(i)
            groups[-1][3].append(h.lstrip("—-").strip())
        else:
            texts[i] = h
    for num, text, idx, subs in groups:
        if len(idx) == 1:
            codes[idx[0]] = num
            texts[idx[0]] = clean_text(text or subs[0])
            continue
        if subs[0] == "" and "—" in text:  # matrix: first header is "question—first row"
            text, _, first = text.rpartition("—")
            subs[0] = first
        for k, (i, s) in enumerate(zip(idx, subs, strict=True), start=1):
            codes[i] = f"{num}.{k}"
            texts[i] = clean_text(f"{text}—{s}" if text else s)
    keys = unique_keys(header)
    cols = [Column(i, keys[i], codes[i], texts[i]) for i in range(n)]
    data = rows[1:]
    qcols = [i for i in range(n) if codes[i] is not None]
    low = filename.lower()
    if number_headers or re.search(r"_2\.(xlsx?|csv)$", low) or "original" in low:
        number = True
    elif re.search(r"_0\.(xlsx?|csv)$", low) or "readable" in low:
        number = False
    else:
        sample = [r[i] or "" for _, r in data[:200] for i in qcols if i < len(r) and r[i]]
        number = bool(sample) and all(re.fullmatch(r"-?\d+", v.strip()) for v in sample)
    if number:
        warnings.append(
            "问卷星 option-number download: single-choice cells hold the 1-based option "
            "position, not the scale value (-2 = not ranked, -3 = skipped)"
        )
    pos = {h: i for i, h in reversed(list(enumerate(header)))}
    i_id, i_time = pos.get("序号"), pos.get("提交答卷时间")
    i_src = pos.get("来源")
    _check_width(data, n, warnings)
    out: list[ParsedRow] = []
    qset = set(qcols)
    for line, r in data:
        vals: dict[str, str | None] = {}
        for i, key in enumerate(keys):
            cell = r[i] if i < len(r) else None
            if i in qset and cell is not None:
                st = cell.strip()
                if st in WJX_SKIPPED or (number and st in ("-3", "-2")):
                    cell = None
            vals[key] = cell
        rid = (_cell(r, i_id) or "").strip()
        src = (_cell(r, i_src) or "").strip()
        out.append(
            ParsedRow(
                line,
                f"wjx:{rid}" if rid else None,
                _date(_cell(r, i_time), bad, line, "提交答卷时间"),
                True,
                False,
                vals,
                {"channel": src} if src else {},
            )
        )
    _flag_bad_dates(out, bad, "提交答卷时间", warnings)
    return _export("wjx", enc, sep, "number" if number else "text", cols, out, warnings)
