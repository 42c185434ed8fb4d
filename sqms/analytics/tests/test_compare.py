"""Comparisons against scipy.stats / statsmodels / pingouin and Newcombe's published intervals.

Published values: Newcombe, R. G. (1998). Interval estimation for the difference between
independent proportions: comparison of eleven methods. Statistics in Medicine 17:873-890,
Table II, method 10 (score interval without continuity correction). Examples (a) 56/70 vs
48/80: 0.0524 to 0.3339; (b) 9/10 vs 3/10: 0.1705 to 0.8090; (d) 5/56 vs 0/29: -0.0381 to
0.1926. Typed from memory; the computed intervals agree to 4 decimals. (Example (c) is left
out: its printed lower limit could not be recalled with confidence.)

Welch from summary statistics: R ``t.test(extra ~ group, data = sleep)`` on Student's sleep
data (``reference_data.SLEEP_GROUP1/2``): t = -1.8608, df = 17.776, p = 0.07939, 95 % CI
-3.3654832 to 0.2054832; from the rounded summary (means 0.75, 2.33, SDs 1.789010, 2.002249,
n 10 and 10) the documentation of R's ``tTestA`` prints the CI -3.3654835 to 0.2054835.

Difference of two estimates: Altman, D. G. & Bland, J. M. (2003). Interaction revisited: the
difference between two estimates. BMJ 326:219. Relative risks of non-vertebral fracture 0.67
(95 % CI 0.46 to 0.98; women under 60) and 0.88 (0.71 to 1.08; older); on the log scale
d = -0.2726, SE(d) = 0.2206, z = -1.24, P = 0.2; ratio of relative risks 0.76 (0.49 to
1.17). The CI of 0.88 and the ratio's interval are from memory; d, SE(d) and 0.67's interval
were checked against the text.
"""

import math

import numpy as np
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats import rates as sm_rates

from sqms.analytics import compare
from sqms.analytics.tests.reference_data import SLEEP_GROUP1, SLEEP_GROUP2


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lo", "hi"),
    [
        (48, 80, 56, 70, 0.0524, 0.3339),
        (3, 10, 9, 10, 0.1705, 0.8090),
        (0, 29, 5, 56, -0.0381, 0.1926),
    ],
)
def test_newcombe_hybrid_score_interval(
    x1: int, n1: int, x2: int, n2: int, lo: float, hi: float
) -> None:
    r = compare.two_proportions(x1, n1, x2, n2)
    assert (round(r.lo, 4), round(r.hi, 4)) == (lo, hi)


def test_welch_matches_scipy_and_pingouin() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(4.0, 1.0, 25), rng.normal(4.6, 2.0, 40)
    r = compare.welch_t(a, b, confidence=0.9)
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.9)
    assert r.statistic == pytest.approx(ref.statistic)
    assert r.pvalue == pytest.approx(ref.pvalue)
    assert r.df == pytest.approx(ref.df)
    assert (r.lo, r.hi) == pytest.approx((ci.low, ci.high))
    assert r.effect_size == pytest.approx(pg.compute_effsize(b, a, eftype="hedges"))


@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_welch_one_sided(alternative: str) -> None:
    a, b = [1.0, 2.0, 3.0, 2.5], [2.0, 3.5, 3.0, 4.0, 3.8]
    r = compare.welch_t(a, b, alternative=alternative)  # type: ignore[arg-type]
    ref = stats.ttest_ind(b, a, equal_var=False, alternative=alternative)
    assert r.pvalue == pytest.approx(ref.pvalue)
    ci = ref.confidence_interval(0.95)
    assert (r.lo, r.hi) == pytest.approx((ci.low, ci.high))


def test_paired_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    before = rng.normal(3.5, 0.5, 30)
    after = before + rng.normal(0.3, 0.4, 30)
    r = compare.paired_t(before, after)
    ref = stats.ttest_rel(after, before)
    ci = ref.confidence_interval(0.95)
    assert r.statistic == pytest.approx(ref.statistic)
    assert r.pvalue == pytest.approx(ref.pvalue)
    assert (r.lo, r.hi) == pytest.approx((ci.low, ci.high))
    d = after - before
    assert r.effect_size == pytest.approx(d.mean() / d.std(ddof=1))
    assert r.verdict == "significant increase"


def test_two_proportion_z_equals_uncorrected_chi_square() -> None:
    r = compare.two_proportions(45, 200, 30, 210)
    chi2, p, _, _ = stats.chi2_contingency([[45, 155], [30, 180]], correction=False)
    assert r.statistic**2 == pytest.approx(chi2)
    assert r.pvalue == pytest.approx(p)
    assert r.effect_size == pytest.approx(
        2 * math.asin(math.sqrt(30 / 210)) - 2 * math.asin(math.sqrt(45 / 200))
    )
    y = compare.two_proportions(45, 200, 30, 210, method="chi2")
    chi2y, py, _, _ = stats.chi2_contingency([[45, 155], [30, 180]], correction=True)
    assert (y.statistic, y.pvalue) == pytest.approx((chi2y, py))


def test_mann_whitney_matches_scipy_and_hodges_lehmann() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.integers(1, 6, 30), rng.integers(2, 7, 35)
    r = compare.mann_whitney(a, b)
    ref = stats.mannwhitneyu(b, a)
    assert r.statistic == ref.statistic and r.pvalue == pytest.approx(ref.pvalue)
    assert r.estimate == np.median(np.subtract.outer(b, a))
    assert r.effect_size == pytest.approx(2 * ref.statistic / (30 * 35) - 1)
    assert r.lo <= r.estimate <= r.hi


def test_rate_ratio_matches_statsmodels_exact_conditional_test() -> None:
    r = compare.rate_ratio(30, 10_000, 12, 8_000)
    ref = sm_rates.test_poisson_2indep(12, 8_000, 30, 10_000, method="exact-cond")
    assert r.estimate == pytest.approx((12 / 8_000) / (30 / 10_000))
    assert r.pvalue == pytest.approx(ref.pvalue, rel=1e-6)
    # The conditional interval: at the limits, the one-sided binomial tails equal 2.5 %.
    total = 42
    for limit, tail in ((r.lo, "greater"), (r.hi, "less")):
        pi = limit * 8_000 / (10_000 + limit * 8_000)
        assert stats.binomtest(12, total, pi, alternative=tail).pvalue == pytest.approx(
            0.025, rel=1e-4
        )


def test_verdict_no_difference() -> None:
    r = compare.welch_t([1.0, 2.0, 3.0], [1.5, 2.5, 2.0])
    assert not r.significant and r.verdict == "no significant difference"


def test_welch_from_stats_r_sleep_data() -> None:
    g1, g2 = np.array(SLEEP_GROUP1), np.array(SLEEP_GROUP2)
    # Reported by R as group 1 minus group 2, so group 2 is "first" here.
    r = compare.welch_t_from_stats(
        g2.mean(), g2.std(ddof=1), g2.size, g1.mean(), g1.std(ddof=1), g1.size
    )
    assert round(r.estimate, 2) == -1.58
    assert round(r.statistic, 4) == -1.8608
    assert round(r.df, 3) == 17.776  # type: ignore[arg-type]
    assert round(r.pvalue, 5) == 0.07939
    assert (round(r.lo, 7), round(r.hi, 7)) == (-3.3654832, 0.2054832)
    assert r.verdict == "no significant difference"
    # The same figures from the rounded summary statistics printed with the example.
    s = compare.welch_t_from_stats(2.33, 2.002249, 10, 0.75, 1.789010, 10)
    assert (round(s.lo, 7), round(s.hi, 7)) == (-3.3654835, 0.2054835)
    assert round(s.statistic, 4) == -1.8608


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_welch_from_stats_matches_scipy_and_raw_data(alternative: str) -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(3.8, 0.7, 23), rng.normal(4.1, 1.3, 31)
    r = compare.welch_t_from_stats(
        a.mean(), a.std(ddof=1), a.size, b.mean(), b.std(ddof=1), b.size,
        alternative=alternative,  # type: ignore[arg-type]
    )  # fmt: skip
    ref = stats.ttest_ind_from_stats(
        b.mean(), b.std(ddof=1), b.size, a.mean(), a.std(ddof=1), a.size,
        equal_var=False, alternative=alternative,
    )  # fmt: skip
    assert r.statistic == pytest.approx(ref.statistic)
    assert r.pvalue == pytest.approx(ref.pvalue)
    raw = compare.welch_t(a, b, alternative=alternative)  # type: ignore[arg-type]
    assert r.df == pytest.approx(raw.df)
    assert (r.lo, r.hi) == pytest.approx((raw.lo, raw.hi))
    assert r.effect_size == pytest.approx(pg.compute_effsize(b, a, eftype="hedges"))


def test_difference_of_estimates_altman_bland_2003() -> None:
    def log_se(lo: float, hi: float) -> float:
        return (math.log(hi) - math.log(lo)) / (2 * 1.96)

    older, younger = math.log(0.88), math.log(0.67)
    r = compare.difference_of_estimates(older, log_se(0.71, 1.08), younger, log_se(0.46, 0.98))
    assert round(r.estimate, 4) == -0.2726
    assert round(r.se, 4) == 0.2206
    assert round(r.statistic, 2) == -1.24
    assert round(r.pvalue, 1) == 0.2
    assert round(math.exp(r.estimate), 2) == 0.76
    assert (round(math.exp(r.lo), 2), round(math.exp(r.hi), 2)) == (0.49, 1.17)
    assert r.verdict == "no significant difference"


def test_difference_of_estimates_one_sided_and_interval_agree() -> None:
    two = compare.difference_of_estimates(20.0, 4.0, 31.0, 3.0, confidence=0.9)
    up = compare.difference_of_estimates(20.0, 4.0, 31.0, 3.0, alternative="greater")
    down = compare.difference_of_estimates(20.0, 4.0, 31.0, 3.0, alternative="less")
    assert up.pvalue + down.pvalue == pytest.approx(1.0)
    assert two.pvalue == pytest.approx(2 * min(up.pvalue, down.pvalue))
    # The one-sided 95 % bound is the matching limit of the two-sided 90 % interval.
    assert up.lo == pytest.approx(two.lo) and up.hi == math.inf
    assert down.hi == pytest.approx(two.hi) and down.lo == -math.inf
    assert up.verdict == "significant increase" and down.verdict == "no significant difference"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: compare.welch_t_from_stats(1.0, 0.5, 1, 2.0, 0.5, 5), "n1 must be at least 2"),
        (lambda: compare.welch_t_from_stats(1.0, 0.5, 5, 2.0, 0.5, 4.5), "n2 must be a whole"),  # type: ignore[arg-type]
        (lambda: compare.welch_t_from_stats(1.0, -0.5, 5, 2.0, 0.5, 5), "must not be negative"),
        (lambda: compare.welch_t_from_stats(1.0, 0.0, 5, 2.0, 0.0, 5), "zero variance"),
        (
            lambda: compare.welch_t_from_stats(np.nan, 0.5, 5, 2.0, 0.5, 5),
            "mean1 must be a finite number",
        ),
        (lambda: compare.difference_of_estimates(1.0, 0.0, 2.0, 0.0), "both standard errors"),
        (lambda: compare.difference_of_estimates(1.0, -1.0, 2.0, 1.0), "must not be negative"),
        (lambda: compare.difference_of_estimates(1.0, 1.0, np.inf, 1.0), "estimate2"),
        (lambda: compare.difference_of_estimates(1.0, 1.0, 2.0, 1.0, alpha=0), "alpha"),
    ],
)
def test_from_summary_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: compare.welch_t([1.0], [1.0, 2.0]), "at least 2"),
        (lambda: compare.welch_t([1.0, 1.0], [2.0, 2.0]), "zero variance"),
        (lambda: compare.paired_t([1.0, 2.0], [1.0, 2.0, 3.0]), "pair up"),
        (lambda: compare.paired_t([1.0, 2.0], [2.0, 3.0]), "zero variance"),
        (lambda: compare.welch_t([1.0, np.nan], [1.0, 2.0]), "NaN"),
        (lambda: compare.welch_t([1.0, 2.0], [1.0, 3.0], alpha=2), "alpha"),
        (lambda: compare.welch_t([1.0, 2.0], [1.0, 3.0], alternative="up"), "alternative"),  # type: ignore[arg-type]
        (lambda: compare.two_proportions(5, 4, 1, 4), "cannot exceed"),
        (lambda: compare.two_proportions(0, 4, 0, 4), "nothing to test"),
        (
            lambda: compare.two_proportions(1, 4, 2, 4, method="chi2", alternative="greater"),
            "two-sided",
        ),
        (lambda: compare.rate_ratio(0, 10, 0, 10), "both counts are zero"),
        (lambda: compare.rate_ratio(1, 0, 2, 10), "exposure1"),
    ],
)
def test_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()
