"""Funnel-plot limits.

Spiegelhalter (2005) Statistics in Medicine 24:1185-1202 was not available to check its
printed example figures; the limits are verified against their definitions computed
independently (binomial/Poisson quantiles from scipy, normal formulae) and by hand.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sqms.analytics import funnel


def test_exact_binomial_limits_interpolate_between_integer_quantiles() -> None:
    n = np.array([20, 57, 100, 400, 1500])
    r = funnel.funnel_proportions(np.round(0.1 * n), n, target=0.1, levels=(0.95,))
    upper_count = r.upper[0] * n
    q = stats.binom.ppf(0.975, n, 0.1)
    # The interpolated count lies in (q - 1, q] and the binomial cdf brackets 0.975 there.
    assert np.all(upper_count <= q + 1e-9) and np.all(upper_count > q - 1)
    lower_count = r.lower[0] * n
    q_lo = stats.binom.ppf(0.025, n, 0.1)
    assert np.all(lower_count <= q_lo + 1e-9) and np.all(lower_count > q_lo - 1)


def test_exact_limits_approach_the_normal_approximation_at_high_volume() -> None:
    n = np.array([20_000.0])
    ex = funnel.funnel_proportions([2000], n, target=0.1)
    normal = 0.1 + stats.norm.ppf(0.999) * np.sqrt(0.1 * 0.9 / n)
    assert ex.upper[1, 0] == pytest.approx(normal[0], abs=2e-4)


def test_normal_method_and_flags() -> None:
    r = funnel.funnel_proportions([5, 40, 60], [100, 200, 300], target=0.2, method="normal")
    se = np.sqrt(0.2 * 0.8 / np.array([100, 200, 300]))
    np.testing.assert_allclose(r.upper[0], 0.2 + stats.norm.ppf(0.975) * se)
    np.testing.assert_allclose(r.z, (np.array([0.05, 0.2, 0.2]) - 0.2) / se)
    assert r.low[0.95].tolist() == [0] and r.low[0.998].tolist() == [0]
    assert r.high[0.95].size == 0


def test_pooled_target_by_default() -> None:
    r = funnel.funnel_rates([4, 20, 9], [2.0, 5.0, 1.5])
    assert r.target == pytest.approx(33 / 8.5)


def test_poisson_exact_limits_bracket_the_quantile() -> None:
    e = np.array([0.5, 3.0, 12.0, 80.0])
    r = funnel.funnel_rates(np.zeros(4), e, target=2.0, levels=(0.998,))
    q = stats.poisson.ppf(0.999, 2.0 * e)
    counts = r.upper[0] * e
    assert np.all(counts <= q + 1e-9) and np.all(counts > q - 1)
    assert np.all(r.lower >= 0)


def test_means_by_hand() -> None:
    # Two sites of 4 with SDs 1 and sqrt(1/3): pooled SD = sqrt((3*1 + 3/3)/6) = sqrt(4/6).
    r = funnel.funnel_means([3.0, 5.0], [4, 4], [1.0, np.sqrt(1 / 3)], levels=(0.95,))
    sd = np.sqrt(4 / 6)
    assert r.sd == pytest.approx(sd)
    assert r.target == 4.0
    half = stats.norm.ppf(0.975) * sd / 2
    np.testing.assert_allclose(r.upper[0], [4 + half, 4 + half])
    assert r.low[0.95].tolist() == [0] and r.high[0.95].tolist() == [1]
    lo, hi = r.limits([16])
    assert hi[0, 0] == pytest.approx(4 + stats.norm.ppf(0.975) * sd / 4)


def test_overdispersion_widens_the_limits() -> None:
    rng = np.random.default_rng(1)
    n = rng.integers(100, 2000, 40)
    p = np.clip(rng.normal(0.1, 0.03, 40), 0.01, 0.5)
    y = rng.binomial(n, p)
    plain = funnel.funnel_proportions(y, n, method="normal")
    od = funnel.funnel_proportions(y, n, method="normal", overdispersion=True)
    assert od.phi > 1.5
    np.testing.assert_allclose(od.upper - od.target, (plain.upper - plain.target) * np.sqrt(od.phi))
    assert od.high[0.998].size <= plain.high[0.998].size


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 3000), min_size=1, max_size=20), st.floats(0.01, 0.99))
def test_proportion_limits_stay_in_unit_interval_and_contain_the_target(
    ns: list[int], theta: float
) -> None:
    n = np.array(ns)
    r = funnel.funnel_proportions(np.zeros_like(n), n, target=theta)
    assert np.all((r.lower >= 0) & (r.upper <= 1))
    assert np.all(r.lower <= theta + 1e-12) and np.all(r.upper >= theta - 1e-12)
    assert np.all(r.lower[1] <= r.lower[0] + 1e-12) and np.all(r.upper[1] >= r.upper[0] - 1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: funnel.funnel_proportions([1, 2], [10]), "differ in length"),
        (lambda: funnel.funnel_proportions([11], [10]), "exceeds"),
        (lambda: funnel.funnel_proportions([0, 0], [10, 10]), "strictly between"),
        (lambda: funnel.funnel_proportions([1], [0]), "trials must be positive"),
        (lambda: funnel.funnel_proportions([1], [10], levels=(1.2,)), "levels"),
        (lambda: funnel.funnel_proportions([1], [10], method="poisson"), "method"),  # type: ignore[arg-type]
        (lambda: funnel.funnel_proportions([1], [10], overdispersion=True), "at least 10 sites"),
        (lambda: funnel.funnel_rates([1], [0.0]), "exposure"),
        (lambda: funnel.funnel_means([1.0], [5]), "exactly one"),
        (lambda: funnel.funnel_means([1.0], [1], [0.5]), "at least 2 respondents"),
        (lambda: funnel.funnel_means([1.0, 2.0], [5, 5], pooled_sd=0.0), "SD must be positive"),
    ],
)
def test_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()
