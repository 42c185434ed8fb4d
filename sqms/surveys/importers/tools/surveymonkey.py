"""SurveyMonkey CSV/XLSX: two header rows (question, then sub-question or answer choice).

Detection: a first column ``Respondent ID`` or a ``Collector ID`` column.
"""

from __future__ import annotations

import re

from ..model import Column, ImportFormatError, Notice, ParsedExport, ParsedRow, unique_keys
from ..textio import Record, clean_text, infer_dayfirst
from .common import (
    Head,
    cell_at,
    check_width,
    flag_bad_dates,
    read_date,
    strip_trailing_empty_columns,
)


def detect(head: Head) -> str | None:
    low0 = head.low0
    if (
        head.h0.replace(" ", "") == "respondentid"
        or "collector id" in low0
        or "collectorid" in low0
    ):
        return "surveymonkey"
    return None


def is_meta_column(col: Column) -> bool:
    return is_surveymonkey_meta(col.key)


SM_META = frozenset(
    {"respondentid", "collectorid", "startdate", "enddate", "ipaddress", "emailaddress",
     "firstname", "lastname", "customdata", "customdata1", "customdata2", "customdata3"}
)  # fmt: skip
SM_PLAIN_SUB = frozenset({"", "response", "open-ended response", "open-endedresponse"})


def _sm_norm(s: str | None) -> str:
    return re.sub(r"\s+", "", (s or "").lower())


def is_surveymonkey_meta(key: str) -> bool:
    return _sm_norm(key) in SM_META


def parse(rows: list[Record], enc: str, sep: str | None, filename: str) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    if len(rows) < 2:
        raise ImportFormatError("surveymonkey_header")
    rows = strip_trailing_empty_columns(rows, 2)
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
    check_width(data, len(top), warnings)
    dayfirst = infer_dayfirst([r[i_end] or "" for _, r in data[:500] if i_end is not None
                               and i_end < len(r)])  # fmt: skip
    out: list[ParsedRow] = []
    for line, r in data:
        complete = any((cell_at(r, i) or "").strip() for i in last_block)
        rid = (cell_at(r, i_id) or "").strip()
        meta: dict[str, str] = {}
        coll = (cell_at(r, i_coll) or "").strip()
        if coll:
            meta["collector"] = coll
        out.append(
            ParsedRow(
                line,
                f"surveymonkey:{rid}" if rid else None,
                read_date(cell_at(r, i_end), bad, line, dayfirst=dayfirst),
                complete,
                False,
                {k: (r[i] if i < len(r) else None) or "" for i, k in enumerate(keys)},
                meta,
            )
        )
    warnings.append(Notice("surveymonkey_complete"))
    flag_bad_dates(out, bad, "End Date", warnings)
    return ParsedExport("surveymonkey", enc, sep, "expanded" if choice_like else "condensed",
                   cols, out, warnings)  # fmt: skip
