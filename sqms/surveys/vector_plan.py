"""Answer checks and measures over columns with numpy, for the column-wise writer
(:mod:`sqms.surveys.column_writer`): :class:`VectorPlan` holds an instrument's bounds and
measure plan; :func:`prepare_answers` checks a column-wise chunk without the database (the
import's parser process runs it too). The rules are those of
:func:`~sqms.surveys.answers.check_answers` and :func:`~sqms.surveys.measures.measures_of`;
a test checks both paths give equal rollups.
"""

from __future__ import annotations

import operator
from json.encoder import encode_basestring_ascii as json_str  # what json.dumps writes
from typing import Any

from sqms.analytics.servqual import respondent_item_means, respondent_scores
from sqms.surveys.answers import NUMERIC_KINDS, TEXT_MAX, AnswerPlan
from sqms.surveys.choices import QuestionKind, QuestionRole

_INT_ONLY = {int}
_INT_STR = {int, str}


class VectorPlan:
    """An instrument's answer rules as arrays: bounds, required and points-sum columns
    (:meth:`invalid`), a per-row screen (:meth:`quick_ok`) and the measures of a score matrix
    (:meth:`measures`).

    Only for instruments without show-if conditions and choice questions; rows that fail any
    check are re-checked with :func:`check_answers` to get the messages.
    """

    def __init__(self, plan: AnswerPlan) -> None:
        import numpy as np

        self.np = np
        self.ok = (
            bool(plan.checks)
            and not plan.conditional
            and any(c.kind != QuestionKind.TEXT for c in plan.checks)
            and all(c.kind not in (QuestionKind.SINGLE, QuestionKind.MULTI) for c in plan.checks)
        )
        self.text_keys = [k for c in plan.checks if c.kind == QuestionKind.TEXT for k in c.keys]
        num = [(k, c) for c in plan.checks if c.kind != QuestionKind.TEXT for k in c.keys]
        self.keys = [k for k, _c in num]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.defaults = dict.fromkeys(self.keys, float("nan"))
        self.pick = (
            operator.itemgetter(*self.keys)
            if len(self.keys) > 1
            else (lambda d: (d[self.keys[0]],))
        )
        self.keyset = frozenset(self.keys) | frozenset(self.text_keys)
        inf = float("inf")
        self.lo = np.array([c.lo if c.lo is not None else -inf for _k, c in num], dtype=float)
        self.hi = np.array([c.hi if c.hi is not None else inf for _k, c in num], dtype=float)
        self.integer = np.array([c.kind in NUMERIC_KINDS for _k, c in num], dtype=bool)
        self.required = np.array([c.required for _k, c in num], dtype=bool)
        self.text_required = [
            k for c in plan.checks if c.kind == QuestionKind.TEXT and c.required for k in c.keys
        ]
        self.points = [self.index[k] for k in plan.points_keys]
        self.comment_keys = plan.comment_keys
        self.mplan = plan.measure_plan

    def quick_ok(self, answers: Any) -> bool:
        """Cheap per-row screen: known keys, plain ints (or text for text questions)."""
        if type(answers) is not dict or not self.keyset.issuperset(answers):
            return False
        types = set(map(type, answers.values()))
        if types == _INT_ONLY:
            return not any(k in answers for k in self.text_keys)
        if not types <= _INT_STR:
            return False
        texts = 0
        for k in self.text_keys:
            v = answers.get(k)
            if v is not None:
                if type(v) is not str or v != v.strip() or not v or len(v) > TEXT_MAX:
                    return False
                texts += 1
        return sum(1 for v in answers.values() if type(v) is str) == texts

    def measures(self, X: Any) -> dict[str, Any]:
        """Vector form of ``measures_of``: measure name -> column (NaN = not contributed)."""
        from sqms.surveys.measures import GAP_PAIRS

        np = self.np
        n = X.shape[0]
        nan = np.full(n, np.nan)
        out: dict[str, Any] = {"RESP": np.ones(n)}
        plan = self.mplan
        for q in plan.questions:
            if q.kind in ("single", "multi", "text"):
                continue
            for part in q.ratings or ("",):
                key = f"{q.code}.{part}" if part else q.code
                i = self.index.get(key)
                out[key] = X[:, i] if i is not None else nan
            if q.ratings:
                for name, (hi, lo) in GAP_PAIRS.items():
                    if hi in q.ratings and lo in q.ratings:
                        out[f"{q.code}.{name}"] = out[f"{q.code}.{hi}"] - out[f"{q.code}.{lo}"]
                continue
            x = out[q.code]
            if q.role == QuestionRole.OVERALL:
                out["OVERALL"] = x
            elif q.role == QuestionRole.CSAT:
                out["CSAT"] = x
                top = (q.scale_max or 5) - 1
                out["CSAT.TOP"] = np.where(np.isnan(x), np.nan, (x >= top).astype(float))
            elif q.role == QuestionRole.NPS:
                out["NPS"] = x
                out["NPS.PRO"] = np.where(np.isnan(x), np.nan, (x >= 9).astype(float))
                out["NPS.DET"] = np.where(np.isnan(x), np.nan, (x <= 6).astype(float))
            elif q.role == QuestionRole.IMPORTANCE and q.code in plan.importance:
                out[f"IMP.{plan.importance[q.code]}"] = x
        parts = list(plan.parts)
        suffixes = parts + [g for g, (hi, lo) in GAP_PAIRS.items() if hi in parts and lo in parts]
        dim_gap: dict[str, Any] = {}
        dim_perf: dict[str, Any] = {}
        for dim, codes in plan.dimensions.items():
            for suffix in suffixes:
                cols = [out.get(f"{c}.{suffix}" if suffix else c, nan) for c in codes]
                M = np.column_stack(cols)
                present = ~np.isnan(M)
                count = present.sum(axis=1)
                total = np.where(present, M, 0.0).sum(axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = np.where(count > 0, total / count, np.nan)
                out[f"DIM.{dim}.{suffix}" if suffix else f"DIM.{dim}"] = mean
                if suffix in plan.parts:
                    out[f"DIMSUM.{dim}.{suffix}" if suffix else f"DIMSUM.{dim}"] = np.where(
                        count == len(codes), total, np.nan
                    )
                if suffix == "GAP":
                    dim_gap[dim] = mean
                if suffix in ("P", ""):
                    dim_perf[dim] = mean
        dims = list(plan.dimensions)
        if dims and len(dim_gap) == len(dims):  # the one rule: sqms.analytics.servqual
            G = np.column_stack([dim_gap[d] for d in dims])
            W = np.column_stack([out.get(f"IMP.{d}", nan) for d in dims])
            out["SQ.GAP"], out["SQ.WGAP"] = respondent_scores(G, W)
            columns: dict[str, tuple[int, ...]] = {}
            gaps: list[Any] = []
            for dim, codes in plan.dimensions.items():
                columns[dim] = tuple(range(len(gaps), len(gaps) + len(codes)))
                gaps += [out.get(f"{c}.GAP", nan) for c in codes]
            out["SQ.IGAP"] = respondent_item_means(np.column_stack(gaps), columns)
        if dims and len(dim_perf) == len(dims):
            out["SQ.PERF"] = respondent_scores(np.column_stack([dim_perf[d] for d in dims]))[0]
        return out

    def invalid(self, X: Any) -> Any:
        """Rows of the score matrix ``X`` that break a range, required or points-sum rule."""
        np = self.np
        present = ~np.isnan(X)
        bad = ((present & ((self.lo > X) | (self.hi < X))).any(axis=1)) | (
            (~present & self.required).any(axis=1)
        )
        if self.points:
            P = X[:, self.points]
            given = ~np.isnan(P)
            bad |= given.any(axis=1) & (np.where(given, P, 0).sum(axis=1) != 100)
        return bad


_FRAGMENTS: dict[str, dict[Any, str]] = {}


def prepare_answers(v: VectorPlan, answers: dict[str, list[Any]], n: int) -> Any:
    """The answers of a column-wise chunk checked as :func:`check_answers` does, without the
    messages: ``(X, jsons, ts)`` — the score matrix (NaN = no answer, columns ``v.keys``), each
    row's answers as ``json.dumps`` writes them (keys in column order) and ``ts`` left None —
    or False when any value is not the simple case (the caller then goes row by row).

    Pure (no database): the import's parser process runs it too.
    """
    np = v.np
    if not v.keyset.issuperset(answers):
        return False
    text_keys = v.text_keys
    X = np.full((n, len(v.keys)), np.nan)
    frag_cols: list[list[str]] = []
    for key, col in answers.items():
        values = set(col)
        head = ", " + json_str(key) + ": "
        if key in text_keys:
            for t in values:
                if t is None:
                    continue
                if type(t) is not str or not t or t != t.strip() or len(t) > TEXT_MAX:
                    return False
            frag_cols.append([head + json_str(t) if t is not None else "" for t in col])
            continue
        for x in values:
            if type(x) is not int and x is not None:
                return False
        X[:, v.index[key]] = np.array(col, dtype=float)
        frag = _FRAGMENTS.setdefault(key, {None: ""})
        for x in values:
            if x not in frag:
                frag[x] = head + str(x)
        frag_cols.append(list(map(frag.__getitem__, col)))
    for key in v.text_required:
        tcol = answers.get(key)
        if tcol is None or None in tcol:
            return False
    if v.invalid(X).any():
        return False
    if frag_cols:
        jsons = ["{" + s[2:] + "}" for s in map("".join, zip(*frag_cols, strict=True))]
    else:
        jsons = ["{}"] * n
    return X, jsons, None
