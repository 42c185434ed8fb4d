"""Answer labels → values: agree/satisfaction scales in zh and en, numbers inside labels,
option labels, 问卷星 option positions; and the label maps proposed from an export's values."""

from __future__ import annotations

import re

from ..model import ParsedExport
from ..textio import norm_label
from .spec import NUMERIC_KINDS, Mapping, QuestionSpec

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
INT = re.compile(r"^-?\d+$")
OTHER_TEXT = re.compile(r"〖.*?〗")


def label_number(s: str) -> int | None:
    """``"7 - 非常同意"`` → 7, ``"4分"`` → 4, ``"非常同意(7)"`` → 7, else None."""
    m = _NUM_LABEL.match(s) or _NUM_TRAIL.search(s)
    if not m:
        return None
    return int(next(g for g in m.groups() if g is not None))


def scale_label_value(q: QuestionSpec, label: str) -> int | None:
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


def propose_labels(export: ParsedExport, mapping: Mapping,
                   questions: list[QuestionSpec]) -> dict[str, dict[str, int | str]]:  # fmt: skip
    qs = target_questions(questions)
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
        if INT.match(s):
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
            if norm_label(lab) == norm_label(s) and INT.match(v):
                return int(v)
        n = label_number(s)
        if n is not None:
            return n
        return scale_label_value(q, s)
    if q.kind in ("single", "multi"):
        if number_download and INT.match(s) and 1 <= int(s) <= len(q.options):
            return q.options[int(s) - 1][0]
        base = OTHER_TEXT.sub("", s).strip()
        for v, lab in q.options:
            if v == base:
                return None
            if norm_label(lab) == norm_label(base):
                return v
    return None


def target_questions(questions: list[QuestionSpec]) -> dict[str, QuestionSpec]:
    out: dict[str, QuestionSpec] = {}
    for q in questions:
        for t in q.targets():
            out[t] = q
    return out
