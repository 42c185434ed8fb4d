"""Time-weighted charts for small shifts: EWMA and tabular CUSUM."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from scipy import signal as sps  # type: ignore[import-untyped, unused-ignore]

from .._validate import (
    BoolArray,
    FloatArray,
    IntArray,
    positive,
    vector,
)
from ..constants import Constants, check_constants, factors
from .fitting import _baseline_count, _chart, _known, _nonzero_spread, _subgroups
from .results import CusumResult, EwmaResult, _frozen


def _series_and_sigma(
    values_or_subgroups: npt.ArrayLike | Sequence[npt.ArrayLike],
    constants: Constants = "exact",
) -> tuple[FloatArray, int, Callable[[int], float]]:
    """Return (points, subgroup size, sigma estimator over the first m points)."""
    arr: npt.NDArray[np.float64] | None
    try:
        arr = np.asarray(values_or_subgroups, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.ndim == 1:
        x = vector(arr, "values", min_size=2)
        mr = np.abs(np.diff(x))

        def sigma_individuals(m: int) -> float:
            return (
                _nonzero_spread(float(mr[: m - 1].mean()), "the mean moving range")
                / factors(2, constants).d2
            )

        return x, 1, sigma_individuals
    rows = _subgroups(values_or_subgroups, "subgroups")
    size = rows[0].size
    if any(r.size != size for r in rows):
        raise ValueError("subgroups must all have the same size for this chart")
    data = np.vstack(rows)
    sds = data.std(axis=1, ddof=1)
    c4n = factors(size, constants).c4

    def sigma_subgroups(m: int) -> float:
        return _nonzero_spread(float(sds[:m].mean()), "the mean standard deviation") / c4n

    return data.mean(axis=1), size, sigma_subgroups


def ewma(
    values_or_subgroups: npt.ArrayLike | Sequence[npt.ArrayLike],
    lam: float = 0.2,
    L: float = 3.0,
    target: float | None = None,
    sigma: float | None = None,
    *,
    baseline: int | None = None,
    constants: Constants = "exact",
) -> EwmaResult:
    r"""Exponentially weighted moving-average chart with exact time-varying limits.

    Parameters
    ----------
    values_or_subgroups : array_like
        Individual observations (1-D) or equal-size subgroups (2-D; their means are charted).
    lam : float
        Smoothing constant, 0 < lam <= 1.
    L : float
        Width of the limits in sigma units of the EWMA (> 0).
    target : float, optional
        Process centre :math:`\mu_0` (the start value :math:`z_0`); default the baseline mean.
    sigma : float, optional
        Standard deviation of an individual observation; default estimated from the baseline
        (:math:`\overline{MR}/d_2` for individuals, :math:`\bar s/c_4` for subgroups).
    baseline : int, optional
        Leading points that estimate the target and sigma; default all.
    constants : {"exact", "tabulated"}
        d2 and c4 of the sigma estimate, as for :func:`xbar_r`.

    Returns
    -------
    EwmaResult
        ``statistic`` holds :math:`z_1..z_N`; ``lcl``/``ucl`` the exact limits, and
        ``steady_lcl``/``steady_ucl`` the asymptotic ones. ``signals[1]`` lists points
        beyond the exact limits.

    Notes
    -----
    .. math::
        z_i = \lambda \bar x_i + (1-\lambda) z_{i-1}, \qquad
        \mu_0 \pm L\,\frac{\sigma}{\sqrt n}\sqrt{\frac{\lambda}{2-\lambda}
        \left[1-(1-\lambda)^{2i}\right]}

    (Montgomery 2019, section 9.2; NIST e-Handbook 6.3.2.4).

    Examples
    --------
    NIST e-Handbook 6.3.2.4 (target 50, s = 2.0539, lambda = 0.3):

    >>> x = [52.0, 47.0, 53.0, 49.3, 50.1, 47.0, 51.0, 50.1, 51.2, 50.5,
    ...      49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
    >>> ch = ewma(x, lam=0.3, L=3, target=50, sigma=2.0539)
    >>> [round(float(z), 2) for z in ch.statistic[:3]], round(ch.steady_ucl, 4)
    ([50.6, 49.52, 50.56], 52.5884)
    """
    lam_f = float(lam)
    if not 0.0 < lam_f <= 1.0:
        raise ValueError(f"lam must be in (0, 1], got {lam!r}")
    width = positive(L, "L")
    x, size, estimate_sigma = _series_and_sigma(values_or_subgroups, check_constants(constants))
    m = _baseline_count(x.size, baseline)
    mu0 = _known(target, "target")
    s0 = _known(sigma, "sigma")
    center = float(x[:m].mean()) if mu0 is None else mu0
    sig = estimate_sigma(m) if s0 is None else positive(s0, "sigma")
    sig_x = sig / math.sqrt(size)
    z, _ = sps.lfilter([lam_f], [1.0, -(1.0 - lam_f)], x, zi=[(1.0 - lam_f) * center])
    i = np.arange(1, x.size + 1)
    ratio = lam_f / (2.0 - lam_f)
    s_i = sig_x * np.sqrt(ratio * (1.0 - (1.0 - lam_f) ** (2 * i)))
    base = _chart(
        "EWMA",
        np.asarray(z, dtype=np.float64),
        center,
        s_i,
        (1,),
        m,
        np.arange(x.size) < m,
        width=width,
    )
    steady = width * sig_x * math.sqrt(ratio)
    return EwmaResult(
        chart="EWMA",
        statistic=base.statistic,
        center=base.center,
        lcl=base.lcl,
        ucl=base.ucl,
        sigma=base.sigma,
        signals=base.signals,
        baseline=m,
        excluded=(),
        lam=lam_f,
        L=width,
        start=center,
        steady_lcl=center - steady,
        steady_ucl=center + steady,
    )


def _run_lengths(nonzero: BoolArray) -> IntArray:
    """Length of the current run of True values ending at each index."""
    idx = np.arange(nonzero.size)
    last_zero = np.maximum.accumulate(np.where(~nonzero, idx, -1))
    return (idx - last_zero).astype(np.intp)


def cusum(
    values: npt.ArrayLike,
    k: float = 0.5,
    h: float = 5.0,
    target: float | None = None,
    sigma: float | None = None,
    *,
    baseline: int | None = None,
    constants: Constants = "exact",
) -> CusumResult:
    r"""Tabular (two one-sided) CUSUM, with ``k`` and ``h`` in sigma units.

    Parameters
    ----------
    values : array_like
        Observations or subgroup means in time order.
    k : float
        Reference value (allowance) in sigma units, >= 0; 0.5 detects a 1-sigma shift.
    h : float
        Decision interval in sigma units, > 0.
    target : float, optional
        Process centre :math:`\mu_0`; default the baseline mean.
    sigma : float, optional
        Standard deviation of ``values``; default :math:`\overline{MR}/d_2` of the baseline.
    baseline : int, optional
        Leading points that estimate target and sigma; default all.
    constants : {"exact", "tabulated"}
        d2(2) of the sigma estimate, as for :func:`xbar_r`.

    Returns
    -------
    CusumResult

    Notes
    -----
    With :math:`K = k\sigma` and :math:`H = h\sigma`,

    .. math::
        C_i^+ = \max(0,\; x_i - (\mu_0 + K) + C_{i-1}^+), \qquad
        C_i^- = \max(0,\; (\mu_0 - K) - x_i + C_{i-1}^-), \qquad C_0^\pm = 0,

    and a signal where :math:`C^\pm_i > H` (Montgomery 2019, section 9.1.2; NIST
    e-Handbook 6.3.2.3). Each recursion is evaluated in closed form as
    :math:`S_i - \min(0, \min_{j \le i} S_j)` with :math:`S` the cumulative sum of the
    increments.

    Examples
    --------
    Montgomery's Table 9.1 data (target 10, sigma 1): the upper sum first exceeds h = 5 at
    observation 29:

    >>> x = [9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34,
    ...      9.03, 11.47, 10.51, 9.40, 10.08, 9.37, 10.62, 10.31, 8.52, 10.84,
    ...      10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38, 11.62, 11.31, 10.52]
    >>> r = cusum(x, k=0.5, h=5, target=10, sigma=1)
    >>> (r.upper_signals + 1).tolist(), round(float(r.upper[28]), 2)
    ([29, 30], 5.28)
    """
    x = vector(values, "values", min_size=2)
    k_f = float(k)
    if not math.isfinite(k_f) or k_f < 0:
        raise ValueError(f"k must be a non-negative number of sigmas, got {k!r}")
    h_f = positive(h, "h")
    check_constants(constants)
    m = _baseline_count(x.size, baseline)
    mu0, s0 = _known(target, "target"), _known(sigma, "sigma")
    center = float(x[:m].mean()) if mu0 is None else mu0
    if s0 is None:
        mrbar = float(np.abs(np.diff(x[:m])).mean())
        sig = _nonzero_spread(mrbar, "the mean moving range") / factors(2, constants).d2
    else:
        sig = positive(s0, "sigma")
    big_k, big_h = k_f * sig, h_f * sig

    def lindley(increments: FloatArray) -> FloatArray:
        s = np.cumsum(increments)
        return np.asarray(s - np.minimum(np.minimum.accumulate(s), 0.0), dtype=np.float64)

    upper = lindley(x - (center + big_k))
    lower = lindley((center - big_k) - x)
    return CusumResult(
        values=_frozen(x),  # type: ignore[arg-type]
        upper=_frozen(upper),  # type: ignore[arg-type]
        lower=_frozen(lower),  # type: ignore[arg-type]
        target=center,
        sigma=sig,
        k=k_f,
        h=h_f,
        K=big_k,
        H=big_h,
        upper_signals=_frozen(np.flatnonzero(upper > big_h)),  # type: ignore[arg-type]
        lower_signals=_frozen(np.flatnonzero(lower > big_h)),  # type: ignore[arg-type]
        upper_run=_frozen(_run_lengths(upper > 0)),  # type: ignore[arg-type]
        lower_run=_frozen(_run_lengths(lower > 0)),  # type: ignore[arg-type]
        baseline=m,
    )
