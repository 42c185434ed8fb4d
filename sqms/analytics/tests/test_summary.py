"""Means and variances from rollups against scipy and numpy on the raw answers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sqms.analytics.summary import mean_ci, mean_ci_from_sums, variance_from_sums


def test_matches_scipy_t_interval_on_raw_values() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(1, 8, 57).astype(float)
    r = mean_ci_from_sums(x.size, x.sum(), (x**2).sum(), confidence=0.9)
    lo, hi = stats.t.interval(0.9, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert r.mean == pytest.approx(x.mean())
    assert r.sd == pytest.approx(x.std(ddof=1))
    assert (r.lo, r.hi) == pytest.approx((lo, hi))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=2, max_size=200))
def test_sums_and_raw_values_agree(values: list[int]) -> None:
    x = np.array(values, dtype=float)
    a = mean_ci_from_sums(x.size, x.sum(), float((x**2).sum()))
    b = mean_ci(x)
    assert a.n == b.n
    assert a.mean == pytest.approx(b.mean)
    assert a.sd == pytest.approx(b.sd, abs=1e-9)
    assert a.lo <= a.mean <= a.hi


def test_identical_answers_give_a_zero_width_interval() -> None:
    r = mean_ci_from_sums(4, 20.0, 100.0)
    assert r.sd == 0.0 and r.lo == r.hi == 5.0


def test_rounding_noise_is_tolerated_but_inconsistent_sums_are_not() -> None:
    x = np.full(1000, 0.1)
    assert mean_ci_from_sums(1000, x.sum(), (x**2).sum()).sd == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="inconsistent sums"):
        mean_ci_from_sums(3, 9.0, 20.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 5.0, 25.0), "at least 2"),
        ((2.5, 5.0, 25.0), "whole number"),
        ((3, float("nan"), 25.0), "finite"),
        ((3, 6.0, float("inf")), "finite"),
    ],
)
def test_bad_input(args: tuple[float, float, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mean_ci_from_sums(*args)  # type: ignore[arg-type]


def test_bad_confidence() -> None:
    with pytest.raises(ValueError, match="confidence"):
        mean_ci_from_sums(3, 6.0, 14.0, confidence=95)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-6, 6), min_size=2, max_size=50), min_size=1, max_size=6))
def test_variance_from_sums_matches_numpy_on_raw_values(groups: list[list[int]]) -> None:
    xs = [np.array(g, dtype=float) for g in groups]
    v = variance_from_sums(
        [x.size for x in xs], [x.sum() for x in xs], [float((x**2).sum()) for x in xs]
    )
    assert v.shape == (len(xs),)
    assert v == pytest.approx([x.var(ddof=1) for x in xs], abs=1e-9)
    assert (v >= 0).all()


def test_variance_from_sums_scalar_and_consistent_with_mean_ci() -> None:
    # Answers 4, 5, 6, 5, 5: the squared sd of mean_ci_from_sums.
    assert variance_from_sums(5, 25, 127).tolist() == [0.5]
    assert variance_from_sums(5, 25, 127)[0] == pytest.approx(mean_ci_from_sums(5, 25, 127).sd ** 2)
    # Rounding noise of identical answers is a zero variance, not an error.
    x = np.full(1000, 0.1)
    assert variance_from_sums(1000, x.sum(), (x**2).sum())[0] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([3, 1], [6.0, 2.0], [14.0, 4.0]), "at least 2 for a variance, got 1 at index 1"),
        (([3, 2.5], [6.0, 2.0], [14.0, 4.0]), "whole numbers, got 2.5 at index 1"),
        (([3, 3], [6.0, 9.0], [14.0, 20.0]), "inconsistent sums at index 1"),
        (([3, 3], [6.0], [14.0, 20.0]), "same length"),
        (([3], [float("nan")], [14.0]), "sum_x contains NaN"),
        (([3], [6.0], [float("inf")]), "sum_x2 contains an infinite value"),
        (([], [], []), "n is empty"),
    ],
)
def test_variance_from_sums_bad_input(args: tuple[list[float], ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        variance_from_sums(*args)
