"""Qualtrics CSV: three header rows (tag, question text, ``{"ImportId": …}``) or the legacy
two (``V1``… tags, then text).

Detection: an ImportId third row, or the ``StartDate``/``EndDate``/``ResponseId`` (or
``ResponseId`` + ``Finished``) tags, or legacy ``V1`` with ``ResponseID`` below it.
"""

from __future__ import annotations

import ast
import json
import re

from ..model import Column, ImportFormatError, ParsedExport, ParsedRow, unique_keys
from ..textio import Record, clean_text
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
    if head.r2 and head.r2[0].startswith(('{"ImportId"', "{'ImportId'")):
        return "qualtrics"
    if {"startdate", "enddate", "responseid"} <= set(low0) or (
        "responseid" in low0 and "finished" in low0
    ):
        return "qualtrics"
    if head.h0 == "v1" and "ResponseID" in head.r1:
        return "qualtrics"
    return None


def is_meta_column(col: Column) -> bool:
    """Qualtrics' own columns, Text iQ sentiment/topics and display-order (``_DO``) columns."""
    key = col.key
    return (
        is_qualtrics_meta(col.code or key)
        or (" - " in key and any(w in key for w in ("Sentiment", "Topics", "Parent Topics")))
        or key.endswith(("_NPS_GROUP", "_DO", "_ADO"))
        or "_DO_" in key
    )


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


def parse(rows: list[Record], enc: str, sep: str | None, filename: str) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    legacy = (rows[0][1][0] or "").strip() == "V1"
    nhead = 2 if legacy else 3
    if len(rows) < nhead:
        raise ImportFormatError("qualtrics_headers", rows=nhead)
    rows = strip_trailing_empty_columns(rows, nhead)
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
    check_width(data, len(tags), warnings)
    out: list[ParsedRow] = []
    for line, r in data:
        status = (cell_at(r, i_status) or "").strip().lower()
        chan = (cell_at(r, i_chan) or "").strip()
        is_test = status in QUALTRICS_TEST_STATUS or chan.lower() in ("preview", "test")
        fin = cell_at(r, i_fin)
        if fin is not None and fin.strip():
            complete = fin.strip().lower() in _TRUE
        else:
            complete = (cell_at(r, i_prog) or "").strip() == "100"
        meta: dict[str, str] = {}
        lang = (cell_at(r, i_lang) or "").strip()
        if lang:
            meta["language"] = lang
        if chan:
            meta["channel"] = chan
        rid = (cell_at(r, i_id) or "").strip()
        out.append(
            ParsedRow(
                line,
                f"qualtrics:{rid}" if rid else None,
                read_date(cell_at(r, i_date), bad, line, tz=date_tz),
                complete,
                is_test,
                {k: (r[i] if i < len(r) else None) or "" for i, k in enumerate(keys)},
                meta,
            )
        )
    flag_bad_dates(out, bad, "RecordedDate", warnings)
    return ParsedExport("qualtrics", enc, sep, style, cols, out, warnings)
