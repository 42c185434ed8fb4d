"""The Western Electric / Nelson run rules and the Anhøj rules for run charts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from .._validate import (
    BoolArray,
    FloatArray,
    IntArray,
    check_finite,
    vector,
)
from .results import ALL_RULES, NELSON_RULES, AnhoejResult, _frozen


def _window_count(flags: BoolArray, width: int) -> IntArray:
    """Number of True values among the last ``width`` points ending at each index."""
    cs = np.concatenate(([0], np.cumsum(flags, dtype=np.intp)))
    ends = np.arange(1, flags.size + 1)
    starts = np.maximum(ends - width, 0)
    return (cs[ends] - cs[starts]).astype(np.intp)


def _check_rules(rules: Sequence[int]) -> tuple[int, ...]:
    out = tuple(int(r) for r in rules)
    for r in out:
        if r not in NELSON_RULES:
            raise ValueError(f"rules must be numbers 1 to 8, got {r}")
    return out


def _rule_flags(
    x: FloatArray, z: FloatArray, rules: Sequence[int], beyond: BoolArray | None = None
) -> dict[int, IntArray]:
    """Points breaking each rule; ``z`` is the standardized statistic, ``x`` the raw one."""
    n = x.size
    out: dict[int, IntArray] = {}
    d = np.diff(x)
    for rule in rules:
        flag: BoolArray
        if rule == 1:
            flag = beyond if beyond is not None else np.abs(z) > 3.0
        elif rule == 2:
            flag = (_window_count(z > 0, 9) == 9) | (_window_count(z < 0, 9) == 9)
        elif rule == 3:
            flag = np.zeros(n, dtype=bool)
            if n >= 6:
                flag[1:] = (_window_count(d > 0, 5) == 5) | (_window_count(d < 0, 5) == 5)
        elif rule == 4:
            flag = np.zeros(n, dtype=bool)
            if n >= 14:
                alternate = d[1:] * d[:-1] < 0
                flag[2:] = _window_count(alternate, 12) == 12
        elif rule == 5:
            hi, lo = z > 2.0, z < -2.0
            flag = (hi & (_window_count(hi, 3) >= 2)) | (lo & (_window_count(lo, 3) >= 2))
        elif rule == 6:
            hi, lo = z > 1.0, z < -1.0
            flag = (hi & (_window_count(hi, 5) >= 4)) | (lo & (_window_count(lo, 5) >= 4))
        elif rule == 7:
            flag = _window_count(np.abs(z) < 1.0, 15) == 15
        else:  # rule 8
            flag = _window_count(np.abs(z) > 1.0, 8) == 8
        out[rule] = _frozen(np.flatnonzero(flag))  # type: ignore[assignment]
    return out


def run_rules(
    values: npt.ArrayLike,
    center: float | npt.ArrayLike,
    sigma: float | npt.ArrayLike,
    rules: Sequence[int] = ALL_RULES,
) -> dict[int, IntArray]:
    r"""Points that break the Western Electric / Nelson run rules.

    Each point is flagged where it completes the pattern (the last point of the window), so
    a long run flags every point from the one that first completes it.

    Parameters
    ----------
    values : array_like
        The plotted statistic, in time order.
    center : float or array_like
        Centre line (scalar or one per point).
    sigma : float or array_like
        Standard deviation of the plotted statistic (scalar or one per point), > 0.
    rules : sequence of int
        Rule numbers from :data:`NELSON_RULES` (default all eight).

    Returns
    -------
    dict[int, ndarray]
        Rule number to 0-based indices of flagged points.

    Notes
    -----
    With :math:`z_i = (x_i - \text{centre}_i)/\sigma_i`: (1) :math:`|z_i| > 3`; (2) nine
    :math:`z` in a row of one sign; (3) six :math:`x` strictly increasing or decreasing;
    (4) fourteen :math:`x` alternating; (5) :math:`z_i` beyond 2 and at least two of the last
    three beyond 2 on the same side; (6) :math:`z_i` beyond 1 and at least four of the last
    five beyond 1 on the same side; (7) fifteen :math:`|z| < 1`; (8) eight :math:`|z| > 1`.
    Rules 1, 2, 5 and 6 are the Western Electric (1956) zone rules; all eight are
    Nelson (1984).

    Examples
    --------
    >>> x = [0.5, 0.2, 0.4, 0.3, 0.6, 0.1, 0.3, 0.2, 0.4, 3.5]
    >>> {r: idx.tolist() for r, idx in run_rules(x, 0.0, 1.0, rules=(1, 2)).items()}
    {1: [9], 2: [8, 9]}
    """
    x = vector(values, "values")
    c = np.broadcast_to(np.asarray(center, dtype=np.float64), x.shape)
    s = np.broadcast_to(np.asarray(sigma, dtype=np.float64), x.shape)
    check_finite(c, "center")
    check_finite(s, "sigma")
    if (s <= 0).any():
        raise ValueError("sigma must be positive at every point")
    return _rule_flags(x, (x - c) / s, _check_rules(rules))


def anhoej(values: npt.ArrayLike, center: float | None = None) -> AnhoejResult:
    r"""Anhøj rules for run charts: unusually long runs or too few crossings.

    Parameters
    ----------
    values : array_like
        Observations in time order (at least 2 off the centre line).
    center : float, optional
        Centre line; default the median of ``values``.

    Returns
    -------
    AnhoejResult

    Notes
    -----
    Points on the centre line are ignored. With :math:`n` useful points the longest run
    signals when it exceeds :math:`\mathrm{round}(\log_2 n + 3)` and the number of crossings
    signals when it is below the 5 % quantile of :math:`\mathrm{Bin}(n-1, 1/2)`
    (Anhøj & Olesen 2014).

    Examples
    --------
    >>> r = anhoej([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    >>> r.longest_run, r.longest_run_limit, r.crossings, r.crossings_limit, r.signal
    (6, 7, 1, 3, True)
    """
    x = vector(values, "values")
    c = float(np.median(x)) if center is None else float(center)
    if not math.isfinite(c):
        raise ValueError(f"center must be finite, got {center!r}")
    side = np.sign(x - c)
    side = side[side != 0]
    n = int(side.size)
    if n < 2:
        raise ValueError("anhoej needs at least 2 points off the centre line")
    change = side[1:] != side[:-1]
    crossings = int(change.sum())
    bounds = np.concatenate(([0], np.flatnonzero(change) + 1, [n]))
    longest = int(np.diff(bounds).max())
    run_limit = round(math.log2(n) + 3)
    cross_limit = int(stats.binom.ppf(0.05, n - 1, 0.5))
    return AnhoejResult(
        center=c,
        n_useful=n,
        longest_run=longest,
        longest_run_limit=run_limit,
        crossings=crossings,
        crossings_limit=cross_limit,
        runs_signal=longest > run_limit,
        crossings_signal=crossings < cross_limit,
    )
