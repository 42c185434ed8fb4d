"""Cronbach's alpha against psych (R) output published in pingouin's documentation and
against pingouin itself.

Published values: pingouin 0.5/0.7 docstring of ``cronbach_alpha`` on its shipped data set
``cronbach_wide_missing`` (12 respondents x 11 binary items, 4 missing answers), which prints
the R reference ``psych::alpha(data, use="pairwise")`` = 0.732660835214447, CI [0.435, 0.909],
and ``use="complete.obs"`` = 0.8016949152542373. The same docstring prints, on complete data,
0.7380191693290734 with CI [0.447, 0.911] for that data set with each missing answer replaced
by its item's median, and 0.5917188485995826 with CI [0.195, 0.84] for the long-format data
set ``cronbach_alpha`` (15 respondents x 10 items). ``cronbach_alpha_from_sums`` is tested on
the sums computed from those raw tables.
"""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sqms.analytics.reliability import cronbach_alpha, cronbach_alpha_from_sums


@pytest.fixture(scope="module")
def wide_missing() -> pd.DataFrame:
    return pg.read_dataset("cronbach_wide_missing")


def test_psych_pairwise_value(wide_missing: pd.DataFrame) -> None:
    r = cronbach_alpha(wide_missing.to_numpy(float))
    assert r.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert (round(r.lo, 3), round(r.hi, 3)) == (0.435, 0.909)
    assert r.n == 12 and r.k == 11


def test_psych_complete_obs_value(wide_missing: pd.DataFrame) -> None:
    r = cronbach_alpha(wide_missing.to_numpy(float), missing="listwise")
    assert r.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    # Feldt interval with the 9 complete respondents. (pingouin 0.7 keeps n = 12 after
    # dropping rows and prints [0.581, 0.933]; the interval must use the rows analysed.)
    assert r.n == 9


def test_median_imputation_matches_pingouin_on_filled_data(wide_missing: pd.DataFrame) -> None:
    r = cronbach_alpha(wide_missing.to_numpy(float), missing="median")
    alpha, ci = pg.cronbach_alpha(wide_missing.fillna(wide_missing.median()))
    assert r.alpha == pytest.approx(alpha, abs=1e-12)
    assert (round(r.lo, 3), round(r.hi, 3)) == tuple(ci)


def test_item_statistics_against_direct_computation() -> None:
    rng = np.random.default_rng(11)
    trait = rng.normal(size=300)
    x = np.clip(np.round(4 + trait[:, None] + rng.normal(size=(300, 6))), 1, 7)
    r = cronbach_alpha(x)
    total = x.sum(axis=1)
    for j in range(6):
        rest = total - x[:, j]
        assert r.item_rest[j] == pytest.approx(np.corrcoef(x[:, j], rest)[0, 1])
        assert r.item_total[j] == pytest.approx(np.corrcoef(x[:, j], total)[0, 1])
        keep = np.delete(x, j, axis=1)
        assert r.alpha_if_deleted is not None
        assert r.alpha_if_deleted[j] == pytest.approx(pg.cronbach_alpha(pd.DataFrame(keep))[0])
    corr = np.corrcoef(x.T)
    rbar = corr[~np.eye(6, dtype=bool)].mean()
    assert r.average_r == pytest.approx(rbar)
    assert r.standardized_alpha == pytest.approx(6 * rbar / (1 + 5 * rbar))


def test_pairwise_matches_pingouin_with_many_missing() -> None:
    rng = np.random.default_rng(5)
    trait = rng.normal(size=500)
    x = 4 + trait[:, None] + rng.normal(size=(500, 8))
    x[rng.random(x.shape) < 0.15] = np.nan
    r = cronbach_alpha(x)
    assert r.alpha == pytest.approx(pg.cronbach_alpha(pd.DataFrame(x))[0], abs=1e-12)
    # Pairwise correlations as pandas computes them.
    corr = pd.DataFrame(x).corr().to_numpy()
    assert r.average_r == pytest.approx(corr[~np.eye(8, dtype=bool)].mean())


def test_reverse_keyed_items_are_flipped_on_the_scale() -> None:
    rng = np.random.default_rng(2)
    trait = rng.normal(size=200)
    x = np.clip(np.round(4 + trait[:, None] + rng.normal(size=(200, 4))), 1, 7)
    flipped = x.copy()
    flipped[:, 2] = 8 - flipped[:, 2]
    assert cronbach_alpha(flipped, reverse=[2], scale=(1, 7)).alpha == pytest.approx(
        cronbach_alpha(x).alpha
    )
    assert cronbach_alpha(flipped).alpha < cronbach_alpha(x).alpha


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(3, 30), st.integers(2, 6)),
        elements=st.integers(1, 5).map(float),
    )
)
def test_alpha_never_exceeds_one(x: np.ndarray) -> None:
    if (x.std(axis=0) == 0).any():
        with pytest.raises(ValueError, match="zero variance"):
            cronbach_alpha(x)
        return
    try:
        r = cronbach_alpha(x)
    except ValueError as exc:
        # Items that cancel out (total variance 0, or mean correlation -1/(k-1)) are refused.
        assert any(m in str(exc) for m in ("total score", "opposite directions", "no variance"))
        return
    assert r.alpha <= 1.0 + 1e-12
    assert r.lo <= r.alpha <= r.hi


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cronbach_alpha([[1, 2, 3]]), "at least 2 rows"),
        (lambda: cronbach_alpha([[1], [2]]), "at least 2 columns"),
        (lambda: cronbach_alpha([[1, 2], [1, 3], [1, 4]]), "item 0 has zero variance"),
        (lambda: cronbach_alpha([[1, 2], [2, 9]], scale=(1, 7)), "outside the declared scale"),
        (lambda: cronbach_alpha([[1, 2], [2, 3]], reverse=[1]), "scale"),
        (lambda: cronbach_alpha([[1, 2], [2, 3]], reverse=[5], scale=(1, 7)), "out of range"),
        (
            lambda: cronbach_alpha([[1, np.nan], [2, 3], [3, np.nan]], missing="listwise"),
            "fewer than 2",
        ),
        (lambda: cronbach_alpha([[1, 2], [2, 3]], missing="mean"), "missing must be"),  # type: ignore[arg-type]
        (lambda: cronbach_alpha([[1, np.inf], [2, 3]]), "infinite"),
        (lambda: cronbach_alpha([[2, 1], [1, 2]]), "total score"),
        (lambda: cronbach_alpha([[3, 1], [2, 3]]), "opposite directions"),
        (lambda: cronbach_alpha([[1, 1, 3], [2, 2, 2], [3, 3, 1]]), "without item 0"),
    ],
)
def test_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


def _rollups(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, float, float]:
    """Per-item n, sum, sum of squares and the same for the respondents' totals (complete x)."""
    total = x.sum(axis=1)
    n = x.shape[0]
    return (
        np.full(x.shape[1], n),
        x.sum(axis=0),
        (x**2).sum(axis=0),
        n,
        float(total.sum()),
        float((total**2).sum()),
    )


def test_from_sums_psych_complete_obs_value(wide_missing: pd.DataFrame) -> None:
    complete = wide_missing.dropna().to_numpy(float)
    r = cronbach_alpha_from_sums(*_rollups(complete))
    assert r.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert (r.n, r.k) == (9, 11)
    # Feldt interval with the 9 respondents, as cronbach_alpha(listwise) computes it.
    ref = cronbach_alpha(wide_missing.to_numpy(float), missing="listwise")
    assert (r.lo, r.hi) == pytest.approx((ref.lo, ref.hi))


def test_from_sums_pingouin_median_filled_value(wide_missing: pd.DataFrame) -> None:
    filled = wide_missing.fillna(wide_missing.median())
    r = cronbach_alpha_from_sums(*_rollups(filled.to_numpy(float)))
    assert r.alpha == pytest.approx(0.7380191693290734, abs=1e-12)
    assert (round(r.lo, 3), round(r.hi, 3)) == (0.447, 0.911)
    alpha, ci = pg.cronbach_alpha(filled)
    assert r.alpha == pytest.approx(alpha, abs=1e-12)
    assert (round(r.lo, 3), round(r.hi, 3)) == tuple(ci)


def test_from_sums_pingouin_long_format_value() -> None:
    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores").to_numpy(float)
    assert wide.shape == (15, 10) and not np.isnan(wide).any()
    r = cronbach_alpha_from_sums(*_rollups(wide))
    assert r.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (round(r.lo, 3), round(r.hi, 3)) == (0.195, 0.84)
    assert r.total_variance == pytest.approx(wide.sum(axis=1).var(ddof=1))
    assert r.item_variance == pytest.approx(wide.var(axis=0, ddof=1))
    assert not r.item_variance.flags.writeable


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(3, 40), st.integers(2, 6)),
        elements=st.integers(1, 7).map(float),
    )
)
def test_from_sums_equals_pingouin_on_complete_tables(x: np.ndarray) -> None:
    if x.sum(axis=1).var() == 0:
        with pytest.raises(ValueError, match="total score"):
            cronbach_alpha_from_sums(*_rollups(x))
        return
    r = cronbach_alpha_from_sums(*_rollups(x))
    alpha, _ci = pg.cronbach_alpha(pd.DataFrame(x))
    assert r.alpha == pytest.approx(alpha, abs=1e-9)
    assert r.lo <= r.alpha <= r.hi


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([5], [10.0], [30.0], 5, 10.0, 30.0), "at least 2 items"),
        (([5, 5], [10.0, 12.0], [30.0], 5, 22.0, 110.0), "same length"),
        (([5, 5], [10.0, 12.0], [30.0, 34.0], 1, 4.0, 16.0), "total_n must be at least 2"),
        (([5, 1], [10.0, 2.0], [30.0, 4.0], 5, 22.0, 110.0), "at least 2 for a variance"),
        (([3, 3], [6.0, 6.0], [14.0, 14.0], 3, 12.0, 48.0), "total score is not positive"),
        (([3, 3], [6.0, 9.0], [14.0, 20.0], 3, 15.0, 80.0), "inconsistent sums"),
        (([3, 3], [6.0, 8.0], [14.0, 24.0], 3, 14.0, 74.0, 1.5), "confidence"),
    ],
)
def test_from_sums_bad_input(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cronbach_alpha_from_sums(*args)  # type: ignore[arg-type]
