"""Importance-performance quadrants, key drivers (vs statsmodels OLS) and Pareto analysis."""

import numpy as np
import pytest
import statsmodels.api as sm

from sqms.analytics.ipa import ipa, key_drivers
from sqms.analytics.pareto import pareto


def test_quadrants_follow_martilla_and_james() -> None:
    r = ipa([6, 6, 2, 2], [2, 6, 2, 6], ["a", "b", "c", "d"], crosshair="midpoint", scale=(1, 7))
    assert r.importance_cut == 4 and r.performance_cut == 4
    assert [i.quadrant for i in r.items] == [
        "concentrate here",
        "keep up the good work",
        "low priority",
        "possible overkill",
    ]


def test_mean_crosshair_and_given_crosshair() -> None:
    r = ipa([1, 2, 3], [3, 2, 1])
    assert r.importance_cut == 2 and r.performance_cut == 2 and r.crosshair == "mean"
    assert r.items[1].quadrant == "keep up the good work"  # on the cross-hair counts as high
    g = ipa([1, 2, 3], [3, 2, 1], crosshair=(2.5, 1.5))
    assert g.quadrant("concentrate here") == ("3",)


def test_key_drivers_match_statsmodels_and_relative_weights_sum_to_r2() -> None:
    rng = np.random.default_rng(8)
    n = 400
    common = rng.normal(size=n)
    x = np.column_stack([common + rng.normal(size=n) * s for s in (0.5, 0.8, 1.2, 2.0)])
    y = 0.6 * x[:, 0] + 0.3 * x[:, 1] + 0.1 * x[:, 3] + rng.normal(size=n)
    kd = key_drivers(x, y, ["a", "b", "c", "d"])
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    zy = (y - y.mean()) / y.std(ddof=1)
    ols = sm.OLS(zy, sm.add_constant(z)).fit()
    np.testing.assert_allclose(kd.std_coefficients, ols.params[1:], rtol=1e-8)
    assert kd.r_squared == pytest.approx(ols.rsquared)
    assert kd.relative_weights.sum() == pytest.approx(ols.rsquared)
    assert kd.relative_weights_pct.sum() == pytest.approx(100.0)
    np.testing.assert_allclose(kd.correlations, [np.corrcoef(x[:, j], y)[0, 1] for j in range(4)])


def test_relative_weights_equal_squared_correlations_for_uncorrelated_attributes() -> None:
    # Johnson (2000): with orthogonal predictors each weight is r^2 with the criterion.
    rng = np.random.default_rng(9)
    q, _ = np.linalg.qr(rng.normal(size=(50, 3)))
    x = q - q.mean(0)
    x, _ = np.linalg.qr(x - x.mean(0))
    y = x @ np.array([3.0, 1.0, 0.5]) + 0.2 * rng.normal(size=50)
    kd = key_drivers(x, y)
    np.testing.assert_allclose(kd.relative_weights, kd.correlations**2, atol=1e-2)


def test_key_drivers_drop_incomplete_rows() -> None:
    x = [[1, 2], [2, 1], [3, 4], [4, 3], [5, 6], [np.nan, 1]]
    kd = key_drivers(x, [1, 2, 3, 4, 6, 2])
    assert kd.n == 5


def test_pareto_sorts_and_cuts() -> None:
    r = pareto(["wait"] * 5 + ["rude"] * 3 + ["price"] + ["dirty"])
    assert r.labels == ("wait", "rude", "dirty", "price")  # ties by label
    np.testing.assert_allclose(r.cumulative, [0.5, 0.8, 0.9, 1.0])
    assert r.vital_few == ("wait", "rude")  # 80 % reached exactly at the second cause
    assert pareto({"a": 1, "b": 1}, cut=1.0).vital_few == ("a", "b")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ipa([1, 2], [1]), "one value per attribute"),
        (lambda: ipa([1, 2], [1, 2], crosshair="midpoint"), "scale"),
        (lambda: ipa([1, 2], [1, 9], scale=(1, 7)), "outside the declared scale"),
        (lambda: ipa([1, 2], [1, 2], ["a"]), "labels"),
        (lambda: key_drivers([[1, 2], [1, 3], [1, 4], [1, 5]], [1, 2, 3, 4]), "zero variance"),
        (
            lambda: key_drivers([[1, 2], [2, 4], [3, 6], [4, 8], [5, 10]], [1, 2, 3, 5, 4]),
            "collinear",
        ),
        (lambda: key_drivers([[1, 2], [2, 4], [3, 7]], [1, 2, 3, 4]), "overall has 4"),
        (lambda: pareto({}), "empty"),
        (lambda: pareto({"a": -1}), ">= 0"),
        (lambda: pareto({"a": 0}), "all counts are zero"),
        (lambda: pareto({"a": 1}, cut=0), "cut"),
        (lambda: pareto("abc"), "not a string"),  # type: ignore[arg-type]
    ],
)
def test_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()
