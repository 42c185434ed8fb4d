"""Google Forms CSV: one header row of question texts after the timestamp column.

Detection: the first heading is "Timestamp" in one of the form's languages. Rows carry no id,
so each is identified by a hash of its content.
"""

from __future__ import annotations

import re

from ..model import Column, Notice, ParsedExport, ParsedRow, unique_keys
from ..textio import Record, clean_text, infer_dayfirst, norm_label
from .common import Head, check_width, content_id, flag_bad_dates, read_date


def detect(head: Head) -> str | None:
    return "google-forms" if head.h0 in GF_TIMESTAMP else None


def is_meta_column(col: Column) -> bool:
    return col.index == 0 or norm_label(col.key) in ("email address", "电子邮件地址")


GF_TIMESTAMP = frozenset(
    {"timestamp", "时间戳记", "时间戳", "時間戳記", "marca temporal", "horodateur", "zeitstempel",
     "carimbo de data/hora", "informazioni cronologiche", "tijdstempel", "タイムスタンプ",
     "타임스탬프", "отметка времени", "dấu thời gian"}
)  # fmt: skip


def parse(rows: list[Record], enc: str, sep: str | None, filename: str) -> ParsedExport:
    warnings: list[str] = []
    bad: dict[int, str] = {}
    header = [h or "" for h in rows[0][1]]
    keys = unique_keys([h.strip() for h in header])
    cols = [Column(i, k, None, clean_text(header[i])) for i, k in enumerate(keys)]
    data = rows[1:]
    check_width(data, len(header), warnings)
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
                content_id("google-forms", r, seen),
                read_date(ts, bad, line, dayfirst=dayfirst),
                True,
                False,
                {k: (r[i] if i < len(r) else None) or "" for i, k in enumerate(keys)},
                {},
            )
        )
    if tz_dropped:
        warnings.append(Notice("timezone_dropped", count=tz_dropped))
    warnings.append(Notice("google_no_id"))
    flag_bad_dates(out, bad, header[0], warnings)
    return ParsedExport("google-forms", enc, sep, None, cols, out, warnings)
