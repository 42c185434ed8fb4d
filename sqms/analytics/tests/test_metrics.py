"""Proportion intervals, NPS and CSAT.

Published values: Newcombe, R. G. (1998). Two-sided confidence intervals for the single
proportion: comparison of seven methods. Statistics in Medicine 17:857-872, Table I
(examples 81/263, 15/148, 0/20, 1/29). Typed from memory of the table; every figure agrees
with the computed interval to 4 decimals, which would not happen by accident.

NPS from counts, worked examples with their margin of error: Cross Validated question 18603
("How can I calculate margin of error in a NPS result?", whuber's answer): 1/2 promoters,
1/3 passives, 1/6 detractors, n = 324 -> NPS about 33 %, standard error about 4.1 %.
Talk Stats thread 58500 ("Net Promoter Score - calculating confidence intervals and margin
of error"): 291 promoters, 476 passives, 395 detractors of 1162 -> NPS -9, margin 4.4.
Engelhardt, A. (2016), "Net Promoter Score confidence intervals 2: maths and stats"
(CYBAEA): with p = d = 1/3 the 95 % interval is about 320/sqrt(n) wide.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from sqms.analytics import metrics

NEWCOMBE_TABLE_I = {
    # (x, n): {method: (lower, upper)}
    (81, 263): {"wilson": (0.2553, 0.3662), "clopper-pearson": (0.2527, 0.3676), "wald": (0.2522, 0.3638)},
    (15, 148): {"wilson": (0.0624, 0.1605), "clopper-pearson": (0.0578, 0.1617), "wald": (0.0527, 0.1500)},
    (0, 20): {"wilson": (0.0000, 0.1611), "clopper-pearson": (0.0000, 0.1684)},
    (1, 29): {"wilson": (0.0061, 0.1718), "clopper-pearson": (0.0009, 0.1776)},
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(NEWCOMBE_TABLE_I))
def test_newcombe_1998_table_one(case: tuple[int, int]) -> None:
    x, n = case
    for method, (lo, hi) in NEWCOMBE_TABLE_I[case].items():
        r = metrics.proportion_ci(x, n, method=method)  # type: ignore[arg-type]
        assert (round(r.lo, 4), round(r.hi, 4)) == (lo, hi), method


STATSMODELS_NAME = {
    "wilson": "wilson",
    "wald": "normal",
    "clopper-pearson": "beta",
    "agresti-coull": "agresti_coull",
    "jeffreys": "jeffreys",
}


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_all_methods_agree_with_statsmodels(case: tuple[int, int]) -> None:
    x, n = case
    for ours, theirs in STATSMODELS_NAME.items():
        r = metrics.proportion_ci(x, n, confidence=0.9, method=ours)  # type: ignore[arg-type]
        lo, hi = proportion_confint(x, n, alpha=0.1, method=theirs)
        assert 0.0 <= r.lo <= r.proportion <= r.hi <= 1.0
        # At x = 0 and x = n our limits are closed at exactly 0 / 1 (see the docstring).
        if x != 0:
            assert r.lo == pytest.approx(max(0.0, lo), abs=1e-9), ours
        if x != n:
            assert r.hi == pytest.approx(min(1.0, hi), abs=1e-9), ours


def test_nps_counts_and_standard_error() -> None:
    scores = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5, 0, 10, 8, 9, 7]
    r = metrics.nps(scores, min_n=10)
    assert (r.promoters, r.passives, r.detractors) == (7, 4, 4)
    assert r.nps == pytest.approx(100 * (7 - 4) / 15)
    # The NPS is the mean of per-respondent scores +100/0/-100; its standard error is the
    # population sd of those scores over sqrt(n).
    per = np.where(np.array(scores) >= 9, 100.0, np.where(np.array(scores) <= 6, -100.0, 0.0))
    assert r.se == pytest.approx(per.std(ddof=0) / np.sqrt(per.size))
    assert r.lo == pytest.approx(r.nps - 1.959963984540054 * r.se)
    assert not r.suppressed


def test_nps_from_counts_cross_validated_18603() -> None:
    r = metrics.nps_from_counts(162, 108, 54)
    assert round(r.nps) == 33 and round(r.se, 1) == 4.1
    assert (r.n, r.promoters, r.passives, r.detractors) == (324, 162, 108, 54)


def test_nps_from_counts_talkstats_margin() -> None:
    r = metrics.nps_from_counts(291, 476, 395)
    assert round(r.nps) == -9
    assert round((r.hi - r.lo) / 2, 1) == 4.4


@pytest.mark.parametrize("n", [300, 900, 2700])
def test_nps_from_counts_cybaea_rule_of_thumb(n: int) -> None:
    r = metrics.nps_from_counts(n // 3, n // 3, n // 3)
    assert r.nps == pytest.approx(0.0, abs=1e-12)
    assert r.hi - r.lo == pytest.approx(320 / np.sqrt(n), rel=1e-3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_nps_from_counts_equals_nps_on_the_answers(scores: list[int]) -> None:
    x = np.array(scores)
    prom, det = int((x >= 9).sum()), int((x <= 6).sum())
    assert metrics.nps_from_counts(prom, x.size - prom - det, det, min_n=50) == metrics.nps(
        scores, min_n=50
    )


def test_nps_interval_is_clipped_and_small_samples_are_flagged() -> None:
    r = metrics.nps([10, 10, 10, 9])
    assert r.nps == 100.0 and r.hi == 100.0 and r.suppressed


def test_csat_is_the_top_two_share_with_wilson_interval() -> None:
    scores = [5, 4, 4, 3, 5, 2, 4, 5, 1, 4] * 4
    r = metrics.csat(scores)
    assert r.count == 28 and r.n == 40 and r.share == 0.7
    ref = metrics.proportion_ci(28, 40)
    assert (r.lo, r.hi) == (ref.lo, ref.hi)
    assert r.boxes == (4, 5) and not r.suppressed


def test_top_box_on_a_seven_point_scale() -> None:
    r = metrics.top_box([7, 6, 7, 5, 1, 7], scale=7, boxes=1, min_n=5)
    assert r.count == 3 and r.boxes == (7,)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: metrics.nps([]), "empty"),
        (lambda: metrics.nps([11, 5]), "outside the declared scale"),
        (lambda: metrics.nps([7.5, 5]), "whole scale points"),
        (lambda: metrics.nps([float("nan"), 5]), "NaN"),
        (lambda: metrics.csat([6, 5]), "outside the declared scale"),
        (lambda: metrics.top_box([1, 2], scale=5, boxes=6), "boxes"),
        (lambda: metrics.proportion_ci(5, 4), "cannot exceed"),
        (lambda: metrics.proportion_ci(1, 0), "n must be at least 1"),
        (lambda: metrics.proportion_ci(-1, 4), "successes"),
        (lambda: metrics.proportion_ci(1, 4, method="bogus"), "method"),  # type: ignore[arg-type]
        (lambda: metrics.proportion_ci(1, 4, confidence=1.0), "confidence"),
        (lambda: metrics.nps([5, 6], min_n=-1), "min_n"),
        (lambda: metrics.nps_from_counts(0, 0, 0), "no answers"),
        (lambda: metrics.nps_from_counts(-1, 3, 2), "promoters must be at least 0"),
        (lambda: metrics.nps_from_counts(1, 2.5, 2), "passives must be a whole number"),  # type: ignore[arg-type]
        (lambda: metrics.nps_from_counts(1, 2, 2, confidence=0), "confidence"),
    ],
)
def test_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()
