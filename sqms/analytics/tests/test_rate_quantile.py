"""rate_ci (Garwood's exact Poisson interval) and quantile_position (numpy's linear rule)."""

import numpy as np
import pytest
from scipy import stats

from sqms.analytics.metrics import rate_ci
from sqms.analytics.summary import quantile_position


@pytest.mark.parametrize("k,e", [(0, 1.0), (1, 0.5), (10, 2.0), (250, 37.5)])
def test_rate_ci_matches_the_poisson_tails(k: int, e: float) -> None:
    r = rate_ci(k, e)
    assert r.rate == pytest.approx(k / e)
    # the limits are the means at which the observed count is in the 2.5 % tail
    assert stats.poisson.sf(k - 1, r.lo * e) == pytest.approx(0.025) if k else r.lo == 0.0
    assert stats.poisson.cdf(k, r.hi * e) == pytest.approx(0.025)


def test_rate_ci_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        rate_ci(3, 0)
    with pytest.raises(ValueError):
        rate_ci(-1, 2.0)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 101])
@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_quantile_position_matches_numpy(n: int, q: float) -> None:
    values = np.sort(np.random.default_rng(n).exponential(3.0, n))
    i, w = quantile_position(n, q)
    got = values[i] + (w * (values[i + 1] - values[i]) if w else 0.0)
    assert got == pytest.approx(float(np.quantile(values, q)))
