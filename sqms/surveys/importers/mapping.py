"""Column → question mapping: proposal (codes, text similarity, answer labels) and application."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from .messages import render
from .model import Column, ParsedExport, ParsedRow
from .textio import clean_text, norm_label, parse_datetime
from .tools import is_meta_column as is_tool_meta_column

KINDS = ("likert", "scale010", "single", "multi", "text", "number", "dual")
NUMERIC_KINDS = frozenset({"likert", "scale010", "dual", "number"})
META_TARGETS = ("@site", "@service", "@channel", "@language", "@submitted_at", "@external_id")
NATIVE_META = ("response_id", "submitted_at", "site", "service", "channel", "language")


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: str
    alt_texts: tuple[str, ...] = ()
    kind: str = "likert"
    scale_min: int | None = None
    scale_max: int | None = None
    options: tuple[tuple[str, str], ...] = ()

    def targets(self) -> list[str]:
        return [f"{self.code}.E", f"{self.code}.P"] if self.kind == "dual" else [self.code]


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, int | str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"version": 1, "columns": dict(self.columns),
                "labels": {t: dict(m) for t, m in self.labels.items()}}  # fmt: skip

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Mapping:
        cols = d.get("columns", {})
        labels = d.get("labels", {})
        if not isinstance(cols, dict) or not isinstance(labels, dict):
            raise ValueError("a mapping preset needs 'columns' and 'labels' objects")
        out_labels: dict[str, dict[str, int | str]] = {}
        for t, m in labels.items():
            if not isinstance(m, dict):
                raise ValueError(f"labels for {t!r} must be an object")
            out_labels[str(t)] = {str(k): v if isinstance(v, int) else str(v) for k, v in m.items()}
        return cls({str(k): str(v) for k, v in cols.items()}, out_labels)


@dataclass(slots=True)
class MappedRow:
    line: int
    external_id: str | None
    submitted_at: datetime | None
    meta: dict[str, str]
    answers: dict[str, int | float | str | list[str]]


@dataclass(frozen=True)
class CellError:
    line: int
    column: str
    message: str
    code: str = ""
    params: dict[str, object] = field(default_factory=dict, hash=False)

    @classmethod
    def make(cls, code: str, line: int, column: str, **params: object) -> CellError:
        return cls(line, column, render(code, line, column, params), code, params)


# --------------------------------------------------------------------------- answer labels

LIKERT_LABELS: dict[int, list[tuple[str, ...]]] = {
    5: [
        ("非常不同意", "完全不同意", "strongly disagree", "很不满意", "非常不满意", "very dissatisfied",
         "not at all", "none at all", "definitely not", "extremely unlikely", "very poor", "很差"),
        ("不同意", "比较不同意", "disagree", "不满意", "比较不满意", "dissatisfied", "a little",
         "probably not", "somewhat unlikely", "poor", "较差"),
        ("一般", "中立", "不确定", "说不清", "neither agree nor disagree", "neutral",
         "neither satisfied nor dissatisfied", "a moderate amount", "might or might not",
         "neither likely nor unlikely", "fair", "average"),
        ("同意", "比较同意", "agree", "满意", "比较满意", "satisfied", "a lot", "probably yes",
         "somewhat likely", "good", "较好", "好"),
        ("非常同意", "完全同意", "strongly agree", "很满意", "非常满意", "very satisfied",
         "a great deal", "definitely yes", "extremely likely", "excellent", "very good", "很好"),
    ],
    7: [
        ("非常不同意", "完全不同意", "strongly disagree", "很不满意", "非常不满意", "very dissatisfied"),
        ("不同意", "disagree", "不满意", "dissatisfied"),
        ("有点不同意", "比较不同意", "somewhat disagree", "slightly disagree", "比较不满意",
         "有点不满意", "somewhat dissatisfied"),
        ("一般", "中立", "不确定", "说不清", "neither agree nor disagree", "neutral",
         "neither satisfied nor dissatisfied"),
        ("有点同意", "比较同意", "somewhat agree", "slightly agree", "比较满意", "有点满意",
         "somewhat satisfied"),
        ("同意", "agree", "满意", "satisfied"),
        ("非常同意", "完全同意", "strongly agree", "很满意", "非常满意", "very satisfied"),
    ],
}  # fmt: skip
_NUM_LABEL = re.compile(r"^[(（\[]?\s*(-?\d+)\s*[)）\]]?\s*(?:分|[-–=:：、]|\.(?!\d)|\s|$)")
_NUM_TRAIL = re.compile(r"[(（\[]\s*(-?\d+)\s*[)）\]]\s*$|(?<![\d.])(-?\d+)\s*分$")
_INT = re.compile(r"^-?\d+$")
_OTHER_TEXT = re.compile(r"〖.*?〗")


def label_number(s: str) -> int | None:
    """``"7 - 非常同意"`` → 7, ``"4分"`` → 4, ``"非常同意(7)"`` → 7, else None."""
    m = _NUM_LABEL.match(s) or _NUM_TRAIL.search(s)
    if not m:
        return None
    return int(next(g for g in m.groups() if g is not None))


def _scale_label_value(q: QuestionSpec, label: str) -> int | None:
    lo, hi = q.scale_min, q.scale_max
    if lo is None or hi is None:
        return None
    table = LIKERT_LABELS.get(hi - lo + 1)
    if not table:
        return None
    n = norm_label(label)
    for i, names in enumerate(table):
        if n in names:
            return lo + i
    return None


# --------------------------------------------------------------------------- proposal

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
        return col.key in NATIVE_META
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


def propose_labels(export: ParsedExport, mapping: Mapping,
                   questions: list[QuestionSpec]) -> dict[str, dict[str, int | str]]:  # fmt: skip
    qs = _target_questions(questions)
    number_download = export.tool == "wjx" and export.heading_style == "number"
    labels: dict[str, dict[str, int | str]] = {}
    for key, target in mapping.columns.items():
        q = qs.get(target)
        if q is None or q.kind == "text":
            continue
        seen: set[str] = set()
        for r in export.rows[:20000]:
            v = r.values.get(key)
            if v and v.strip():
                s = v.strip()
                if q.kind == "multi" and "┋" in s:
                    seen.update(p.strip() for p in s.split("┋"))
                else:
                    seen.add(s)
        lm = labels.setdefault(target, {})
        for s in sorted(seen):
            val = _label_value(q, s, number_download)
            if val is not None:
                lm[s] = val
        if not lm:
            del labels[target]
    return labels


def _label_value(q: QuestionSpec, s: str, number_download: bool) -> int | str | None:
    if q.kind in NUMERIC_KINDS:
        if _INT.match(s):
            if number_download and q.scale_min is not None and q.kind != "number":
                pos_value = q.scale_min + int(s) - 1  # option position → scale value
                return pos_value if q.scale_max is None or pos_value <= q.scale_max else None
            return None  # plain number: no label needed
        try:
            float(s)
            return None
        except ValueError:
            pass
        for v, lab in q.options:
            if norm_label(lab) == norm_label(s) and _INT.match(v):
                return int(v)
        n = label_number(s)
        if n is not None:
            return n
        return _scale_label_value(q, s)
    if q.kind in ("single", "multi"):
        if number_download and _INT.match(s) and 1 <= int(s) <= len(q.options):
            return q.options[int(s) - 1][0]
        base = _OTHER_TEXT.sub("", s).strip()
        for v, lab in q.options:
            if v == base:
                return None
            if norm_label(lab) == norm_label(base):
                return v
    return None


def _target_questions(questions: list[QuestionSpec]) -> dict[str, QuestionSpec]:
    out: dict[str, QuestionSpec] = {}
    for q in questions:
        for t in q.targets():
            out[t] = q
    return out


# --------------------------------------------------------------------------- application


class _Fail(Exception):
    def __init__(self, code: str, **params: object):
        self.code = code
        self.params = params


_SKIP = object()
_FALSY = frozenset({"", "0", "n", "no", "false", "-2", "-3", "否", "未选中", "未选"})


def _split_multi(s: str, known: set[str]) -> list[str]:
    if s.startswith("["):
        try:
            v = json.loads(s)
            if isinstance(v, list):
                return [str(x) for x in v]
        except ValueError:
            pass
    if s in known:
        return [s]
    for sep in ("┋", ";", "|"):
        if sep in s:
            return [p.strip() for p in s.split(sep) if p.strip()]
    parts = s.split(", ")
    out: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            cand = ", ".join(parts[i:j])
            if cand in known or j == i + 1:
                out.append(cand.strip())
                i = j
                break
    return [p for p in out if p]


Converter = Callable[[str], object]


class MappingPlan:
    """A mapping compiled against the questions: per-column converters, ready for fast use."""

    def __init__(self, mapping: Mapping, questions: list[QuestionSpec], *, tool: str = "",
                 heading_style: str | None = None, required_meta: Iterable[str] = ()):  # fmt: skip
        self.tool = tool
        #: 问卷星 option-number download: scale cells hold 1-based option positions
        self.positions = tool == "wjx" and heading_style == "number"
        self.required_meta = tuple(required_meta)
        qs = _target_questions(questions)
        by_code = {q.code: q for q in questions}
        self.fast: list[tuple[str, str, dict[str, object], Converter]] = []
        self.multi_opts: list[tuple[str, str, str]] = []
        self.meta: list[tuple[str, str]] = []
        self.kinds: dict[str, str] = {}
        for key, target in mapping.columns.items():
            if target.startswith("@"):
                self.meta.append((key, target[1:]))
                continue
            if "=" in target:
                code, _, opt = target.partition("=")
                self.multi_opts.append((key, code, opt))
                continue
            q = qs.get(target) or by_code.get(target)
            if q is None or (q.kind == "dual" and target not in q.targets()):
                raise ValueError(f"mapping target {target!r} is not a question of this instrument"
                                 + (" (use .E / .P)" if q is not None else ""))  # fmt: skip
            lm = mapping.labels.get(target, {})
            self.kinds[target] = q.kind
            self.fast.append((key, target, *self._converter(q, lm)))
        self.lookups = [(k, t, lk) for k, t, lk, _ in self.fast if lk]
        self.others = [(k, t, c) for k, t, lk, c in self.fast if not lk]

    def _converter(self, q: QuestionSpec, lm: dict[str, int | str]
                   ) -> tuple[dict[str, object], Converter]:  # fmt: skip
        lo, hi = q.scale_min, q.scale_max
        nlabels = {norm_label(k): v for k, v in lm.items()}
        tool = self.tool
        if q.kind in NUMERIC_KINDS:
            lookup: dict[str, object] = {}
            shift = 0
            if self.positions and lo is not None and q.kind != "number":
                shift = lo - 1  # position k is the scale value lo + k - 1
            if lo is not None and hi is not None and hi - lo <= 1000:
                lookup = {str(i - shift): i for i in range(lo, hi + 1)}
            lookup.update(
                (k, v)
                for k, v in lm.items()
                if isinstance(v, (int, float)) and (lo is None or hi is None or lo <= v <= hi)
            )  # out-of-range or non-numeric label values go through conv_num and are reported

            def conv_num(v: str) -> object:
                s = v.strip()
                if not s:
                    return _SKIP
                x: object = nlabels.get(norm_label(s))
                if x is None:
                    try:
                        x = int(s) + shift
                    except ValueError:
                        try:
                            x = float(s)
                        except ValueError:
                            x = label_number(s)
                            if x is None:
                                x = _scale_label_value(q, s)
                            if x is None:
                                raise _Fail("not_a_number", value=v) from None
                if q.kind == "number" and isinstance(x, float) and x.is_integer() and "." not in s:
                    x = int(x)
                in_range = lo is None or hi is None or not isinstance(x, (int, float))
                if not in_range and not lo <= x <= hi:  # type: ignore[operator]
                    if tool == "qualtrics" and x < 0 <= lo:  # type: ignore[operator]
                        return _SKIP  # -1 / -99: not applicable, seen but unanswered
                    raise _Fail("out_of_range", value=v, min=lo, max=hi)
                return x

            return lookup, conv_num
        if q.kind == "single":
            values = {v for v, _ in q.options}
            bylabel = {norm_label(lab): v for v, lab in q.options}
            lookup = {v: v for v in values}
            lookup.update(lm)

            def conv_single(v: str) -> object:
                s = _OTHER_TEXT.sub("", v).strip()
                if not s:
                    return _SKIP
                if not values:
                    return s
                x = lm.get(s, nlabels.get(norm_label(s)))
                if x is None:
                    x = s if s in values else bylabel.get(norm_label(s))
                if x is None:
                    raise _Fail("unknown_option", value=v)
                return x

            return lookup, conv_single
        if q.kind == "multi":
            mvalues = {v for v, _ in q.options}
            mbylabel = {norm_label(lab): v for v, lab in q.options}
            known = {lab for _, lab in q.options} | mvalues | set(lm)

            def conv_multi(v: str) -> object:
                out: list[str] = []
                for part in _split_multi(v, known):
                    p = _OTHER_TEXT.sub("", part).strip()
                    if not p:
                        continue
                    x = lm.get(p, nlabels.get(norm_label(p)))
                    if x is None:
                        x = p if (p in mvalues or not mvalues) else mbylabel.get(norm_label(p))
                    if x is None:
                        raise _Fail("unknown_option", value=part)
                    out.append(str(x))
                return out if out else _SKIP

            return {}, conv_multi

        def conv_text(v: str) -> object:
            return v if v.strip() else _SKIP

        return {}, conv_text

    def apply(self, row: ParsedRow, errors: list[CellError]) -> MappedRow | None:
        vals = row.values
        bad: list[CellError] = []
        try:  # fast path: every non-empty cell is a known value/label
            answers: dict[str, int | float | str | list[str]] = {
                t: lk[v]  # type: ignore[misc]
                for k, t, lk in self.lookups
                if (v := vals.get(k))
            }
        except KeyError:
            answers = {}
            for key, target, lookup, conv in self.fast:
                if not lookup:
                    continue
                v = vals.get(key)
                if not v:
                    continue
                x = lookup.get(v)
                if x is None:
                    try:
                        x = conv(v)
                    except _Fail as f:
                        bad.append(CellError.make(f.code, row.line, key, **f.params))
                        continue
                    if x is _SKIP:
                        continue
                answers[target] = x  # type: ignore[assignment]
        for key, target, conv in self.others:
            v = vals.get(key)
            if not v:
                continue
            try:
                x = conv(v)
            except _Fail as f:
                bad.append(CellError.make(f.code, row.line, key, **f.params))
                continue
            if x is not _SKIP:
                answers[target] = x  # type: ignore[assignment]
        for key, code, opt in self.multi_opts:
            v = vals.get(key)
            if v and v.strip().lower() not in _FALSY:
                lst = answers.setdefault(code, [])
                if isinstance(lst, list) and opt not in lst:
                    lst.append(opt)
        meta = dict(row.meta)
        submitted = row.submitted_at
        ext = row.external_id
        raw_date = meta.pop("submitted_at", None)
        if raw_date is not None and submitted is None:
            bad.append(CellError.make("bad_date", row.line, "submitted_at", value=raw_date))
        for key, name in self.meta:
            v = vals.get(key)
            if v is None or not v.strip():
                continue
            if name == "submitted_at":
                try:
                    submitted = parse_datetime(v)
                except ValueError:
                    bad.append(CellError.make("bad_date", row.line, key, value=v))
            elif name == "external_id":
                ext = f"{self.tool or 'import'}:{v.strip()}"
            else:
                meta[name] = v.strip()
        for name in self.required_meta:
            if name == "submitted_at":
                if submitted is None and raw_date is None:
                    bad.append(CellError.make("missing_meta", row.line, "@" + name, field=name))
            elif not meta.get(name):
                bad.append(CellError.make("missing_meta", row.line, "@" + name, field=name))
        if bad:
            errors.extend(bad)
            return None
        return MappedRow(row.line, ext, submitted, meta, answers)


def iter_apply_mapping(rows: Iterable[ParsedRow], plan: MappingPlan, errors: list[CellError], *,
                       include_incomplete: bool = False, include_test: bool = False
                       ) -> Iterator[MappedRow]:  # fmt: skip
    """Stream rows through a compiled plan; invalid rows are left out, their errors appended."""
    apply = plan.apply
    for row in rows:
        if (row.is_test and not include_test) or (not row.complete and not include_incomplete):
            continue
        m = apply(row, errors)
        if m is not None:
            yield m


def apply_mapping(export: ParsedExport, mapping: Mapping, questions: list[QuestionSpec],
                  include_incomplete: bool = False, include_test: bool = False, *,
                  required_meta: Iterable[str] = ()
                  ) -> tuple[list[MappedRow], list[CellError]]:  # fmt: skip
    """Convert every kept row; a row with any error is left out and its errors reported."""
    plan = MappingPlan(mapping, questions, tool=export.tool, heading_style=export.heading_style,
                       required_meta=required_meta)  # fmt: skip
    errors: list[CellError] = []
    out = list(iter_apply_mapping(export.rows, plan, errors,
                                  include_incomplete=include_incomplete,
                                  include_test=include_test))  # fmt: skip
    return out, errors
