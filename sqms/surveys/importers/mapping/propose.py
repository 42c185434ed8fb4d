"""Proposing a mapping: column → question by code, then by text similarity, then choice
columns; then the answer-label maps (:mod:`.labels`)."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from ..model import NATIVE_HEADER, Column, ParsedExport
from ..textio import clean_text, norm_label
from ..tools import is_meta_column as is_tool_meta_column
from .labels import propose_labels
from .spec import Mapping, QuestionSpec

_SCALE_HINTS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (re.compile(r"^(.*?)#([01])(\]?)$"), {"0": "E", "1": "P"}),  # Q1[SQ01#0], SQ01#1
    (re.compile(r"^(.*?)\s*\[scale ([12])\]()$", re.I), {"1": "E", "2": "P"}),  # full text
    (re.compile(r"^(.*\])\[([12])\]()$"), {"1": "E", "2": "P"}),  # Q1[SQ01][1]
    (re.compile(r"^(.*?)\[([EP])\]()$"), {"E": "E", "P": "P"}),  # SQ01[E]
    (re.compile(r"^(.*?)[_.]([EP])(\]?)$"), {"E": "E", "P": "P"}),  # SQ01_E, Q1[SQ01.P]
)
_EP12 = {"1": "E", "2": "P"}


def split_scale(code: str) -> tuple[str, str | None]:
    """``Q1[SQ01#0]`` → (``Q1[SQ01]``, ``E``); ``SQ01[P]`` → (``SQ01``, ``P``)."""
    for rx, names in _SCALE_HINTS:
        m = rx.match(code)
        if m:
            return m.group(1) + m.group(3), names[m.group(2)]
    return code, None


def _code_candidates(base: str) -> list[tuple[str, str | None]]:
    """(candidate question code, option code for multi columns)."""
    out: list[tuple[str, str | None]] = [(base, None)]
    m = re.match(r"^([^\[]+)\[([^\]]*)\]$", base)
    if m:
        out += [(m.group(2), None), (m.group(1), m.group(2))]
    if "_" in base:
        head, _, tail = base.rpartition("_")
        out += [(tail, None), (head, tail)]
    return out


_EXPECT = ("期望", "expect", "应该", "理想", "desired", "expectation")
_PERCEIVE = ("感知", "实际", "percept", "perceived", "actual", "experience", "表现")


def _text_scale(text: str) -> str | None:
    m = re.search(r"\[scale ([12])\]\s*$", text, re.I)
    if m:
        return _EP12[m.group(1)]
    low = text.lower()
    e = any(k in low for k in _EXPECT)
    p = any(k in low for k in _PERCEIVE)
    return "E" if e and not p else "P" if p and not e else None


_PUNCT = re.compile(r"[\s\W_]+", re.U)
_WJX_PREFIX = re.compile(r"^\s*(?:第)?\d+(?:题)?[、.．:：]\s*")
_KIND_SUFFIX = re.compile(r"[(（][^()（）]*?(?:题|必答)[^()（）]*[)）]\s*(?=—|$)")


_SECONDARY = re.compile(r"(_TEXT|\[other\]|comment\]|_other)$", re.I)
_QUALTRICS_PARTS = re.compile(r"\s+-\s+(?:Selected Choice|Other - Text|Group)\b", re.I)


def _norm_text(s: str) -> str:
    s = _QUALTRICS_PARTS.sub(" ", clean_text(s))
    s = _WJX_PREFIX.sub("", s)
    s = _KIND_SUFFIX.sub("", s)
    s = re.sub(r"\[scale [12]\]\s*$", "", s, flags=re.I)
    return _PUNCT.sub("", unicodedata.normalize("NFKC", s).lower())


def _text_variants(text: str) -> list[str]:
    t = clean_text(text)
    t = re.sub(r"\s*\[scale [12]\]\s*$", "", t, flags=re.I)
    out = [t]
    m = re.search(r"\[([^\[\]]+)\]\s*$", t)
    if m:
        out.append(m.group(1))
    for sep in ("—", " - "):
        if sep in t:
            out.append(t.rpartition(sep)[2])
    return [v for v in (_norm_text(x) for x in out) if v]


def _sub_label(text: str) -> str:
    t = clean_text(text)
    m = re.search(r"\[([^\[\]]+)\]\s*$", t) or re.search(r"[(（]([^()（）]+)[)）]\s*$", t)
    if m:
        return m.group(1).strip()
    for sep in ("—", " - "):
        if sep in t:
            return t.rpartition(sep)[2].strip()
    return ""


def is_meta_column(export: ParsedExport, col: Column) -> bool:
    if export.tool == "native":
        return col.key in NATIVE_HEADER
    return is_tool_meta_column(export.tool, col)


_META_NAMES: dict[str, tuple[str, ...]] = {
    "@site": ("site", "store", "branch", "site code", "store code", "门店", "网点", "站点",
              "分店", "门店编号", "营业厅", "所在门店", "您所在的门店"),
    "@service": ("service", "服务", "服务项目", "业务", "service code"),
    "@channel": ("channel", "渠道"),
}  # fmt: skip


def propose_mapping(export: ParsedExport, questions: list[QuestionSpec]) -> Mapping:
    """Propose column → target by code, then by text similarity; then answer-label maps."""
    targets: dict[str, QuestionSpec] = {}
    by_code: dict[str, QuestionSpec] = {}
    for q in questions:
        by_code[q.code.lower()] = q
        for t in q.targets():
            targets[t] = q
    cols: dict[str, str] = {}
    used: set[str] = set()
    pending: list[Column] = []
    for col in export.columns:
        if col.key in targets and col.key not in used:  # native export / already-named columns
            cols[col.key] = col.key
            used.add(col.key)
            continue
        if is_meta_column(export, col):
            continue
        nk = norm_label(col.text or col.key)
        meta_t = next((t for t, names in _META_NAMES.items() if nk in names), None)
        if meta_t and meta_t not in used:
            cols[col.key] = meta_t
            used.add(meta_t)
            continue
        code_t = _match_code(col.code, by_code) if col.code else None
        if code_t and (code_t not in used or "=" in code_t):
            cols[col.key] = code_t
            used.add(code_t)
        else:
            pending.append(col)
    _match_texts(pending, questions, cols, used)
    _match_option_columns([c for c in pending if c.key not in cols], questions, cols)
    mapping = Mapping(cols, {})
    mapping.labels = propose_labels(export, mapping, questions)
    return mapping


def _match_option_columns(pending: list[Column], questions: list[QuestionSpec],
                          cols: dict[str, str]) -> None:  # fmt: skip
    """Columns named only by a choice (问卷星 number download ``第3题(存款)``): find the multi
    question whose options match the most labels of the column group."""
    groups: dict[str, list[tuple[Column, str]]] = {}
    for col in pending:
        sub = _sub_label(col.key)
        if sub:
            group = (col.code or "").split(".")[0] or col.key.rpartition(sub)[0]
            groups.setdefault(group, []).append((col, sub))
    multis = [q for q in questions if q.kind == "multi" and q.options]
    for members in groups.values():
        best: tuple[int, QuestionSpec] | None = None
        for q in multis:
            labels = {norm_label(lab) for _, lab in q.options}
            hits = sum(1 for _, sub in members if norm_label(sub) in labels)
            if hits and (best is None or hits > best[0]):
                best = (hits, q)
        if best is None:
            continue
        q = best[1]
        for col, sub in members:
            v = next((v for v, lab in q.options if norm_label(lab) == norm_label(sub)), None)
            if v is not None:
                cols[col.key] = f"{q.code}={v}"


def _match_code(code: str, by_code: dict[str, QuestionSpec]) -> str | None:
    for whole in (code, code.strip()):
        q = by_code.get(whole.lower())
        if q is not None and q.kind != "dual":
            return q.code
    base, scale = split_scale(code.strip())
    for cand, opt in _code_candidates(base):
        q = by_code.get(cand.lower())
        if q is None:
            continue
        if opt is not None:
            if q.kind == "multi" and any(v.lower() == opt.lower() for v, _ in q.options):
                val = next(v for v, _ in q.options if v.lower() == opt.lower())
                return f"{q.code}={val}"
            continue
        if q.kind == "dual":
            if scale:
                return f"{q.code}.{scale}"
            continue
        if scale is None:
            return q.code
    return None


def _match_texts(pending: list[Column], questions: list[QuestionSpec], cols: dict[str, str],
                 used: set[str], threshold: float = 0.72) -> None:  # fmt: skip
    qtexts = [(q, [n for n in (_norm_text(t) for t in (q.text, *q.alt_texts)) if n])
              for q in questions]  # fmt: skip
    cands: list[tuple[float, int, Column, QuestionSpec, str | None]] = []
    for col in pending:
        raw = clean_text(col.text or col.key)
        truncated = raw.endswith("..")  # LimeSurvey "abbreviated" headings: 15 chars + ".."
        variants = _text_variants(raw[:-2] if truncated else raw)
        if not variants:
            continue
        best: tuple[float, QuestionSpec] | None = None
        for q, qts in qtexts:
            score = 0.0
            for v in variants:
                for t0 in qts:
                    t = t0[: len(v)] if truncated else t0
                    if v == t:
                        score = 1.0
                        break
                    sm = SequenceMatcher(None, v, t, autojunk=False)
                    if sm.real_quick_ratio() >= threshold and sm.quick_ratio() >= threshold:
                        score = max(score, sm.ratio())
                if score == 1.0:
                    break
            if q.kind != "text" and _SECONDARY.search(col.code or col.key):
                score *= 0.9  # an "other: please specify" / comment column, not the answer
            if score >= threshold and (best is None or score > best[0]):
                best = (score, q)
        if best:
            cands.append((best[0], col.index, col, best[1], _text_scale(col.text or col.key)))
    cands.sort(key=lambda c: (-c[0], c[1]))
    unhinted: dict[str, list[Column]] = {}
    for _score, _i, col, q, scale in cands:
        if col.key in cols:
            continue
        sub = _sub_label(col.text or col.key)
        opt = (
            next((v for v, lab in q.options if norm_label(lab) == norm_label(sub)), None)
            if q.kind == "multi" and sub
            else None
        )
        if opt is not None:  # one column per choice (SurveyMonkey, wjx number download…)
            cols[col.key] = f"{q.code}={opt}"
            continue
        if q.kind == "dual":
            order = [scale] if scale else ["E", "P"]
            free = next((f"{q.code}.{s}" for s in order if f"{q.code}.{s}" not in used), None)
            if free is None:
                continue
            t = free
            if not scale:
                unhinted.setdefault(q.code, []).append(col)
        else:
            t = q.code
            if t in used:
                continue
        cols[col.key] = t
        used.add(t)
    for code, cs in unhinted.items():  # unhinted E/P pairs: the earlier column is E
        if len(cs) == 2:
            a, b = sorted(cs, key=lambda c: c.index)
            cols[a.key], cols[b.key] = f"{code}.E", f"{code}.P"
