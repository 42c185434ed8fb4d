"""One SERVQUAL missing-data rule: the rollup measures and ``sqms.analytics.servqual`` agree.

Worked by hand (two dimensions, A = items 1-2 and B = items 3-4): respondents 1 and 2 have
gaps (0, 0 | 0, −1) → dimension gaps 0 and −0.5 → SQ gap −0.25; respondent 3 answers only
dimension A with gaps −3, −3 and skips B, so he has no SERVQUAL score. Mean SQ gap: −0.25,
n = 2 (not −1.1667 over n = 3, which averaging only the answered dimensions would give).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sqms.analytics import servqual
from sqms.surveys.measures import MeasurePlan, MeasureQuestion, measures_of

E = [[5, 5, 5, 5], [5, 5, 5, 5], [7, 7, math.nan, math.nan]]
P = [[5, 5, 5, 4], [5, 5, 5, 4], [4, 4, math.nan, math.nan]]
DIMS = {"A": [0, 1], "B": [2, 3]}


def _plan() -> MeasurePlan:
    return MeasurePlan.build(
        MeasureQuestion(f"SQ0{j + 1}", "ratings", "item", dim, ("E", "P"), 7)
        for dim, cols in DIMS.items()
        for j in cols
    )


def test_analytics_function_needs_every_dimension() -> None:
    r = servqual.score(E, P, DIMS)
    assert r.unweighted.n == 2
    assert r.unweighted.mean == pytest.approx(-0.25)
    assert r.dimensions["A"].n == 3
    assert r.dimensions["A"].mean == pytest.approx(-1.0)  # (0 + 0 − 3) / 3
    assert r.dimensions["B"].mean == pytest.approx(-0.5)


def test_rollup_measures_follow_the_same_rule() -> None:
    plan = _plan()
    sq = []
    for e_row, p_row in zip(E, P, strict=True):
        answers = {}
        for j in range(4):
            if not math.isnan(e_row[j]):
                answers[f"SQ0{j + 1}.E"] = int(e_row[j])
                answers[f"SQ0{j + 1}.P"] = int(p_row[j])
        sq.append(measures_of(plan, answers).get("SQ.GAP"))
    assert sq[:2] == [pytest.approx(-0.25), pytest.approx(-0.25)]
    assert sq[2] is None
    unweighted, _ = servqual.respondent_scores(np.array([[0.0, -0.5], [0.0, -0.5], [-3.0, np.nan]]))
    assert unweighted[:2].tolist() == [-0.25, -0.25]
    assert math.isnan(unweighted[2])
