"""Which measures one response contributes to the rollups.

Keys (``measure`` in :class:`~sqms.surveys.models.Rollup`):

=====================  ===========================================================
``CODE`` / ``CODE.X``  a rating as answered (``SQ01.E``, ``SQ01.P``, ``SQ01.A``, ``SQ01.D``,
                       ``SQ01.M`` management view, ``SQ01.S`` delivery vs standard)
``CODE.GAP``           P − E of one respondent (both answered)
``CODE.MSA/.MSS``      P − A and P − D (zone of tolerance)
``DIM.d.X``            a respondent's mean over the answered items of dimension *d*, part X
``DIM.d.GAP`` …        the same for the per-item gaps (``GAP``, ``MSA``, ``MSS``)
``DIMSUM.d.X``         sum of the items of *d* when all are answered (for Cronbach's α from
                       sums: the item variances come from ``CODE.X``)
``SQ.GAP``             unweighted SERVQUAL score of a respondent: mean of the dimension gaps
``SQ.IGAP``            the other convention: mean over all his item gaps (same respondents)
``SQ.WGAP``            weighted by the respondent's importance points (``IMP.d``, sum 100)
``SQ.PERF``            SERVPERF score: mean of the dimension perceptions
``IMP.d``              importance points given to dimension *d*
``OVERALL``            overall satisfaction rating
``CSAT`` / ``CSAT.TOP``  the CSAT rating, and 1 if it is in the top two boxes else 0
``NPS`` / ``NPS.PRO`` / ``NPS.DET``  0–10 answer; 1/0 promoter (9–10); 1/0 detractor (0–6)
``CODE=v``             1 for a chosen option *v* of a single or multiple choice question
``RESP``               1 per response (counts responses per cell)
=====================  ===========================================================

The rules have no Django import, so the importer, the public form, the API and the demo
generator all produce the same measures; the respondent's SERVQUAL scores (``SQ.*``) come from
:func:`sqms.analytics.servqual.respondent_scores`, the one place the missing-data rule lives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sqms.analytics.servqual import respondent_item_means, respondent_scores

GAP_PAIRS = {"GAP": ("P", "E"), "MSA": ("P", "A"), "MSS": ("P", "D")}


@dataclass(frozen=True)
class MeasureQuestion:
    code: str
    kind: str
    role: str
    dimension: str = ""
    ratings: tuple[str, ...] = ()
    scale_max: int | None = None


@dataclass(frozen=True)
class MeasurePlan:
    """The questions of one instrument, arranged for :func:`measures_of`."""

    questions: tuple[MeasureQuestion, ...]
    dimensions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # dim -> item codes
    parts: tuple[str, ...] = ()  # rating parts used by items (E, P, A, D, M, S)
    importance: dict[str, str] = field(default_factory=dict)  # answer key -> dimension

    @classmethod
    def build(cls, questions: Iterable[MeasureQuestion]) -> MeasurePlan:
        qs = tuple(questions)
        dims: dict[str, list[str]] = {}
        parts: list[str] = []
        importance: dict[str, str] = {}
        for q in qs:
            if q.role == "item" and q.dimension:
                dims.setdefault(q.dimension, []).append(q.code)
                for part in q.ratings or ("",):
                    if part not in parts:
                        parts.append(part)
            if q.role == "importance" and q.dimension:
                importance[q.code] = q.dimension
        return cls(qs, {d: tuple(c) for d, c in dims.items()}, tuple(parts), importance)


def _key(code: str, part: str) -> str:
    return f"{code}.{part}" if part else code


def _num(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def measures_of(plan: MeasurePlan, answers: Mapping[str, Any]) -> dict[str, float]:
    """All measures one response contributes, with their values."""
    out: dict[str, float] = {"RESP": 1.0}
    for q in plan.questions:
        if q.kind in ("single", "multi"):
            value = answers.get(q.code)
            chosen = (
                value if isinstance(value, list) else [value] if value not in (None, "") else []
            )
            for v in chosen:
                out[f"{q.code}={v}"] = 1.0
            continue
        if q.kind == "text":
            continue
        for part in q.ratings or ("",):
            x = _num(answers.get(_key(q.code, part)))
            if x is not None:
                out[_key(q.code, part)] = x
        if q.ratings:
            for name, (hi, lo) in GAP_PAIRS.items():
                a, b = out.get(f"{q.code}.{hi}"), out.get(f"{q.code}.{lo}")
                if a is not None and b is not None:
                    out[f"{q.code}.{name}"] = a - b
        x = out.get(q.code)
        if x is None:
            continue
        if q.role == "overall":
            out["OVERALL"] = x
        elif q.role == "csat":
            out["CSAT"] = x
            top = (q.scale_max or 5) - 1
            out["CSAT.TOP"] = 1.0 if x >= top else 0.0
        elif q.role == "nps":
            out["NPS"] = x
            out["NPS.PRO"] = 1.0 if x >= 9 else 0.0
            out["NPS.DET"] = 1.0 if x <= 6 else 0.0
        elif q.role == "importance" and q.code in plan.importance:
            out[f"IMP.{plan.importance[q.code]}"] = x
    _dimension_measures(plan, out)
    return out


def _dimension_measures(plan: MeasurePlan, out: dict[str, float]) -> None:
    gaps = [g for g, (hi, lo) in GAP_PAIRS.items() if hi in plan.parts and lo in plan.parts]
    suffixes = [*plan.parts, *gaps]
    dim_gap: dict[str, float] = {}
    dim_perf: dict[str, float] = {}
    for dim, codes in plan.dimensions.items():
        for suffix in suffixes:
            values = [out[k] for k in (_key(c, suffix) for c in codes) if k in out]
            if not values:
                continue
            mean = sum(values) / len(values)
            out[_key(f"DIM.{dim}", suffix)] = mean
            if len(values) == len(codes) and suffix in plan.parts:
                out[_key(f"DIMSUM.{dim}", suffix)] = float(sum(values))
            if suffix == "GAP":
                dim_gap[dim] = mean
            if suffix in ("P", ""):
                dim_perf[dim] = mean
    dims = list(plan.dimensions)
    if dims and len(dim_gap) == len(dims):  # the one rule: servqual.respondent_scores
        gap_matrix = np.array([[dim_gap[d] for d in dims]])
        weights = np.array([[out.get(f"IMP.{d}", math.nan) for d in dims]])
        unweighted, weighted = respondent_scores(gap_matrix, weights)
        _put(out, "SQ.GAP", unweighted)
        _put(out, "SQ.WGAP", weighted)
        _put(out, "SQ.IGAP", respondent_item_means(*_item_matrix(plan, out, "GAP")))
    if dims and len(dim_perf) == len(dims):
        _put(out, "SQ.PERF", respondent_scores(np.array([[dim_perf[d] for d in dims]]))[0])


def _item_matrix(
    plan: MeasurePlan, out: Mapping[str, float], suffix: str
) -> tuple[Any, dict[str, tuple[int, ...]]]:
    """One respondent's item values of ``suffix`` as a one-row matrix (NaN where unanswered),
    and each dimension's columns in it."""
    row: list[float] = []
    columns: dict[str, tuple[int, ...]] = {}
    for dim, codes in plan.dimensions.items():
        columns[dim] = tuple(range(len(row), len(row) + len(codes)))
        row += [out.get(_key(c, suffix), math.nan) for c in codes]
    return np.array([row]), columns


def _put(out: dict[str, float], key: str, column: Any) -> None:
    """Store a one-row score unless it is NaN (the rule found no score)."""
    if column is not None and not math.isnan(column[0]):
        out[key] = float(column[0])
