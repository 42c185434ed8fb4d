"""Simple linear regression against the NIST StRD "Norris" certified values, and against
scipy.stats.linregress and a hand computation; binned means by hand.

Data and certified values: NIST Statistical Reference Datasets, Linear Least Squares
Regression, Norris (lower difficulty; 36 observations, y = B0 + B1 x):
B0 = -0.262323073774029 (sd 0.232818234301152), B1 = 1.00211681802045
(sd 0.429796848199937E-03), residual SD 0.884796396144373, R² 0.999993745883712.
"""

import numpy as np
import pytest
from scipy import stats

from sqms.analytics.regression import binned_means, linear_fit

NORRIS_X = [
    0.2, 337.4, 118.2, 884.6, 10.1, 226.5, 666.3, 996.3, 448.6, 777.0, 558.2, 0.4, 0.6, 775.5,
    666.9, 338.0, 447.5, 11.6, 556.0, 228.1, 995.8, 887.6, 120.2, 0.3, 0.3, 556.8, 339.1, 887.2,
    999.0, 779.0, 11.1, 118.3, 229.2, 669.1, 448.9, 0.5,
]  # fmt: skip
NORRIS_Y = [
    0.1, 338.8, 118.1, 888.0, 9.2, 228.1, 668.5, 998.5, 449.1, 778.9, 559.2, 0.3, 0.1, 778.1,
    668.8, 339.3, 448.9, 10.8, 557.7, 228.3, 998.0, 888.8, 119.6, 0.3, 0.6, 557.6, 339.3, 888.0,
    998.5, 778.9, 10.2, 117.6, 228.9, 668.4, 449.2, 0.2,
]  # fmt: skip


def test_nist_norris_certified_values() -> None:
    f = linear_fit(NORRIS_X, NORRIS_Y)
    assert f.n == 36
    assert f.intercept == pytest.approx(-0.262323073774029, rel=1e-10)
    assert f.slope == pytest.approx(1.00211681802045, rel=1e-12)
    assert f.intercept_se == pytest.approx(0.232818234301152, rel=1e-10)
    assert f.slope_se == pytest.approx(0.429796848199937e-03, rel=1e-10)
    assert f.residual_sd == pytest.approx(0.884796396144373, rel=1e-10)
    assert f.r2 == pytest.approx(0.999993745883712, rel=1e-12)


def test_against_scipy_linregress_and_t_intervals() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 30, 80) + 1e6  # a large offset: centring keeps the precision
    y = 4.5 - 0.08 * (x - 1e6) + rng.normal(0, 0.6, 80)
    f = linear_fit(x, y, confidence=0.9)
    ref = stats.linregress(x, y)
    assert f.slope == pytest.approx(ref.slope, rel=1e-9)
    assert f.intercept == pytest.approx(ref.intercept, rel=1e-9)
    assert f.slope_se == pytest.approx(ref.stderr, rel=1e-9)
    assert f.r2 == pytest.approx(ref.rvalue**2, rel=1e-9)
    assert f.p_value == pytest.approx(ref.pvalue, rel=1e-6)
    q = stats.t.ppf(0.95, 78)
    assert f.slope_ci == pytest.approx((ref.slope - q * ref.stderr, ref.slope + q * ref.stderr))


def test_perfect_line_and_bad_input() -> None:
    f = linear_fit([0, 1, 2], [1, 3, 5])
    assert (f.slope, f.intercept, f.r2, f.slope_se, f.p_value) == (2.0, 1.0, 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="constant"):
        linear_fit([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="same length"):
        linear_fit([1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="at least 3"):
        linear_fit([1, 2], [1, 2])


def test_binned_means_by_hand() -> None:
    b = binned_means([0, 1, 2, 9, 10], [10, 20, 30, 40, 50], bins=2)  # bins [0, 5), [5, 10]
    assert b.x_mean.tolist() == [1.0, 9.5]
    assert b.y_mean.tolist() == [20.0, 45.0]
    assert b.count.tolist() == [3, 2]
    assert binned_means([3, 3], [1, 2], bins=4).count.tolist() == [2]
