"""SERVQUAL gaps against scipy's paired t-test and pandas available-case means."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from sqms.analytics import servqual
from sqms.analytics.servqual import SERVQUAL_22


def _survey(n: int, seed: int, missing: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    e = rng.integers(4, 8, size=(n, 22)).astype(float)
    p = np.clip(e - rng.integers(-1, 3, size=(n, 22)), 1, 7).astype(float)
    if missing:
        e[rng.random((n, 22)) < missing] = np.nan
        p[rng.random((n, 22)) < missing] = np.nan
    return e, p


def test_item_gap_interval_is_the_paired_t_interval() -> None:
    e, p = _survey(80, 1)
    r = servqual.score(e, p)
    for j in (0, 7, 21):
        t = stats.ttest_rel(p[:, j], e[:, j])
        ci = t.confidence_interval(0.95)
        item = r.items[str(j + 1)]
        assert item.mean == pytest.approx(np.mean(p[:, j] - e[:, j]))
        assert (item.lo, item.hi) == pytest.approx((ci.low, ci.high))
        assert item.n == 80


def test_dimension_and_overall_scores_with_complete_data() -> None:
    e, p = _survey(60, 2)
    r = servqual.score(e, p)
    gaps = p - e
    dims = {d: gaps[:, list(cols)].mean(axis=1) for d, cols in SERVQUAL_22.items()}
    for d, g in dims.items():
        ci = stats.ttest_1samp(g, 0.0).confidence_interval(0.95)
        assert r.dimensions[d].mean == pytest.approx(g.mean())
        assert (r.dimensions[d].lo, r.dimensions[d].hi) == pytest.approx((ci.low, ci.high))
    # PZB 1988: the unweighted score is the mean of the five dimension gaps.
    assert r.unweighted.mean == pytest.approx(np.mean([g.mean() for g in dims.values()]))
    assert r.weighted is None


def test_weighted_score_uses_importance_points() -> None:
    e, p = _survey(40, 3)
    w = {"tangibles": 10, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 20}
    r = servqual.score(e, p, weights=w)
    gaps = p - e
    expected = sum(w[d] * gaps[:, list(c)].mean(axis=1) for d, c in SERVQUAL_22.items()) / 100
    assert r.weighted is not None
    assert r.weighted.mean == pytest.approx(expected.mean())
    # Per-respondent weights (each respondent's own 100-point split).
    per = np.tile([10, 30, 20, 20, 20], (40, 1)).astype(float)
    r2 = servqual.score(e, p, weights=per)
    assert r2.weighted is not None and r2.weighted.mean == pytest.approx(expected.mean())


def test_missing_answers_are_handled_per_item_with_n_reported() -> None:
    e, p = _survey(120, 4, missing=0.1)
    r = servqual.score(e, p)
    gaps = pd.DataFrame(p - e)
    for j in range(22):
        assert r.items[str(j + 1)].n == gaps[j].count()
        assert r.items[str(j + 1)].mean == pytest.approx(gaps[j].mean())
        assert r.items[str(j + 1)].sd == pytest.approx(gaps[j].std())
    cols = list(SERVQUAL_22["reliability"])
    per_resp = gaps[cols].mean(axis=1)  # pandas skips NaN: available case
    assert r.dimensions["reliability"].n == per_resp.count()
    assert r.dimensions["reliability"].mean == pytest.approx(per_resp.mean())


def test_custom_dimension_mapping_and_labels() -> None:
    e = [[5, 6, 7], [6, 6, 6], [7, 5, 4]]
    p = [[4, 6, 7], [6, 5, 6], [5, 5, 5]]
    r = servqual.score(e, p, {"all": [0, 1, 2]}, item_labels=["wait", "staff", "room"])
    assert set(r.items) == {"wait", "staff", "room"}
    assert r.items["wait"].mean == pytest.approx(-1.0)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (6, 4), elements=st.integers(1, 7).map(float)),
    arrays(np.float64, (6, 4), elements=st.integers(1, 7).map(float)),
)
def test_gaps_change_sign_when_expectations_and_perceptions_swap(
    e: np.ndarray, p: np.ndarray
) -> None:
    dims = {"a": [0, 1], "b": [2, 3]}
    fwd = servqual.score(e, p, dims)
    back = servqual.score(p, e, dims)
    for key in fwd.items:
        assert fwd.items[key].mean == pytest.approx(-back.items[key].mean)
        assert fwd.items[key].lo == pytest.approx(-back.items[key].hi)
    for key in fwd.dimensions:
        assert fwd.dimensions[key].mean == pytest.approx(-back.dimensions[key].mean)
    assert fwd.unweighted.mean == pytest.approx(-back.unweighted.mean)


def test_servperf_scores_perceptions() -> None:
    _, p = _survey(30, 5)
    r = servqual.servperf(p)
    assert r.measure == "perception"
    assert r.dimensions["empathy"].mean == pytest.approx(p[:, 17:22].mean())


def test_zone_of_tolerance() -> None:
    a = np.array([[5, 5], [4, 6], [5, 5], [6, 4]], dtype=float)
    d = np.array([[8, 8], [7, 9], [8, 8], [9, 7]], dtype=float)
    p = np.array([[6, 4], [6, 5], [7, 4], [9, 5]], dtype=float)
    z = servqual.zone_of_tolerance(a, d, p, {"x": [0], "y": [1]})
    assert z.msa.items["1"].mean == pytest.approx((p - a)[:, 0].mean())
    assert z.mss.items["2"].mean == pytest.approx((p - d)[:, 1].mean())
    assert z.position == {"x": "within zone", "y": "below zone"}
    assert z.inconsistent == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: servqual.score([[1, 2]], [[1, 2]], {"a": [0, 1]}), "at least 2 rows"),
        (
            lambda: servqual.score([[1, 2], [2, 3]], [[1, 2, 3], [1, 2, 3]], {"a": [0]}),
            "same shape",
        ),
        (
            lambda: servqual.score([[1, 8], [2, 3]], [[1, 2], [2, 3]], {"a": [0]}),
            "outside the declared scale",
        ),
        (
            lambda: servqual.score([[1, 2], [2, 3]], [[1, 2], [2, 3]], {"a": [0, 5]}),
            "item column 5",
        ),
        (
            lambda: servqual.score([[1, np.nan], [2, np.nan]], [[1, 2], [2, 3]], {"a": [0]}),
            "item '2' has 0",
        ),
        (lambda: servqual.score([[1, np.inf], [2, 3]], [[1, 2], [2, 3]], {"a": [0]}), "infinite"),
        (
            lambda: servqual.score([[1, 2], [2, 3]], [[1, 2], [2, 3]], {"a": [0]}, {"b": 1}),
            "no value",
        ),
        (
            lambda: servqual.score([[1, 2], [2, 3]], [[1, 2], [2, 3]], {"a": [0]}, {"a": -1}),
            "negative",
        ),
        (lambda: servqual.score([[1, 2], [2, 3]], [[1, 2], [2, 3]], {}), "dimensions is empty"),
    ],
)
def test_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


def test_the_two_overall_conventions_differ_with_unequal_dimensions() -> None:
    """Worked by hand on the 22-item instrument (dimensions of 4, 5, 4, 4 and 5 items): item
    gaps −1 on tangibles, −2 on reliability, 0 on responsiveness and assurance, +1 on empathy.
    Mean of the dimension gaps (Parasuraman, Zeithaml & Berry 1988): (−1 − 2 + 0 + 0 + 1)/5 =
    −0.4. Mean over the 22 items: (4·(−1) + 5·(−2) + 5·1)/22 = −9/22."""
    gaps = np.array([[-1.0] * 4 + [-2.0] * 5 + [0.0] * 8 + [1.0] * 5])
    dims = np.array([[-1.0, -2.0, 0.0, 0.0, 1.0]])
    assert servqual.respondent_scores(dims)[0][0] == pytest.approx(-0.4)
    assert servqual.respondent_item_means(gaps, SERVQUAL_22)[0] == pytest.approx(-9 / 22)
    # the same respondents: one with a dimension left blank has no score in either
    gaps[0, 9:13] = np.nan
    assert np.isnan(servqual.respondent_item_means(gaps, SERVQUAL_22)[0])
    # with equal dimensions the conventions agree
    equal = {"a": (0, 1), "b": (2, 3)}
    x = np.array([[1.0, 3.0, -2.0, 0.0]])
    assert servqual.respondent_item_means(x, equal)[0] == pytest.approx((2.0 + -1.0) / 2)
