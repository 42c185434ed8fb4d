"""问卷星 (Wenjuanxing) downloads: .xls/.xlsx/CSV "按文本" (answer texts) or "按序号" (option
numbers), one header row ``序号, 提交答卷时间, …, 1、question, …``.

Detection: the ``序号`` and ``提交答卷时间`` columns. The option-number download is told from the
file name (``_2.xls``, ``original``), ``第N题(option)`` headings or all-integer answers.
"""

from __future__ import annotations

import re

from ..model import Column, Notice, ParsedExport, ParsedRow, unique_keys
from ..textio import Record, clean_text
from .common import Head, cell_at, check_width, flag_bad_dates, read_date


def detect(head: Head) -> str | None:
    if "序号" in head.r0 and any("提交答卷时间" in c for c in head.r0):
        return "wjx"
    return None


def is_meta_column(col: Column) -> bool:
    return is_wjx_meta(col.key)


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


def parse(rows: list[Record], enc: str, sep: str | None, filename: str) -> ParsedExport:
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
        warnings.append(Notice("wjx_positions"))
    pos = {h: i for i, h in reversed(list(enumerate(header)))}
    i_id, i_time = pos.get("序号"), pos.get("提交答卷时间")
    i_src = pos.get("来源")
    check_width(data, n, warnings)
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
        rid = (cell_at(r, i_id) or "").strip()
        src = (cell_at(r, i_src) or "").strip()
        out.append(
            ParsedRow(
                line,
                f"wjx:{rid}" if rid else None,
                read_date(cell_at(r, i_time), bad, line),
                True,
                False,
                vals,
                {"channel": src} if src else {},
            )
        )
    flag_bad_dates(out, bad, "提交答卷时间", warnings)
    return ParsedExport("wjx", enc, sep, "number" if number else "text", cols, out, warnings)
