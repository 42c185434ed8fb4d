r"""Means and t-intervals from rollups (count, sum, sum of squares).

The survey app keeps, per measure and slice, only :math:`n`, :math:`\sum x` and
:math:`\sum x^2`. :func:`mean_ci_from_sums` turns those into a mean with a Student-t
confidence interval without touching the responses, and :func:`variance_from_sums` gives the
sample variances of many such rollups at once (for Cronbach's alpha and Welch tests from
rollups). Gap scores (perception minus
expectation) are rolled up as per-respondent differences, so the same function gives the
paired-t interval of a gap.

References
----------
.. [1] Welford, B. P. (1962). Note on a method for calculating corrected sums of squares
   and products. *Technometrics* 4(3):419-420 (why the textbook one-pass formula loses
   precision, and the rounding guard used here).
.. [2] Student (1908). The probable error of a mean. *Biometrika* 6(1):1-25.
.. [3] Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. *The
   American Statistician* 50(4):361-365 (definition 7, numpy's default "linear" method).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special  # type: ignore[import-untyped, unused-ignore]

from ._validate import FloatArray, check_confidence, vector

__all__ = ["MeanCI", "mean_ci", "mean_ci_from_sums", "quantile_position", "variance_from_sums"]


@dataclass(frozen=True, slots=True)
class MeanCI:
    """A mean with its Student-t confidence interval.

    Attributes
    ----------
    n : int
        Number of observations.
    mean : float
        Sample mean.
    sd : float
        Sample standard deviation (n - 1 denominator).
    se : float
        Standard error of the mean, ``sd / sqrt(n)``.
    lo, hi : float
        Confidence limits, ``mean -/+ t(1 - (1 - confidence)/2, n - 1) * se``.
    confidence : float
        Confidence level of ``lo``/``hi``.
    """

    n: int
    mean: float
    sd: float
    se: float
    lo: float
    hi: float
    confidence: float = 0.95


def _t_intervals(
    n: FloatArray, mean: FloatArray, var: FloatArray, confidence: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Vectorised sd, se, lo, hi for arrays of n, mean and variance (n >= 2)."""
    sd = np.sqrt(np.maximum(var, 0.0))
    se = sd / np.sqrt(n)
    # the Student t quantile through its ufunc: the same value as stats.t.ppf, without the
    # distribution machinery's ~50 µs per call (report pages take hundreds of intervals)
    t = special.stdtrit(n - 1.0, 0.5 + confidence / 2.0)
    return sd, se, mean - t * se, mean + t * se


def mean_ci_from_sums(n: int, sum_x: float, sum_x2: float, confidence: float = 0.95) -> MeanCI:
    r"""Mean, standard deviation and t-interval from ``n``, :math:`\sum x`, :math:`\sum x^2`.

    Parameters
    ----------
    n : int
        Number of observations (at least 2).
    sum_x : float
        Sum of the observations.
    sum_x2 : float
        Sum of their squares.
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    MeanCI

    Raises
    ------
    ValueError
        If ``n < 2``, a sum is not finite, or the sums are inconsistent (a clearly
        negative sum of squared deviations).

    Notes
    -----
    .. math::
        \bar x = \frac{\sum x}{n}, \quad
        s^2 = \frac{\sum x^2 - (\sum x)^2/n}{n-1}, \quad
        \bar x \pm t_{1-\alpha/2,\,n-1}\, \frac{s}{\sqrt n}

    A sum of squared deviations that is negative only by floating-point rounding
    (within :math:`10^{-12}\sum x^2`) is taken as 0.

    Examples
    --------
    Answers 4, 5, 6, 5, 5 (n = 5, sum 25, sum of squares 127):

    >>> r = mean_ci_from_sums(5, 25, 127)
    >>> r.mean, round(r.sd, 4), round(r.lo, 4), round(r.hi, 4)
    (5.0, 0.7071, 4.122, 5.878)
    """
    if isinstance(n, bool) or float(n) != int(n):
        raise ValueError(f"n must be a whole number, got {n!r}")
    count = int(n)
    if count < 2:
        raise ValueError(f"n must be at least 2 for a confidence interval, got {n}")
    conf = check_confidence(confidence)
    sx, sxx = float(sum_x), float(sum_x2)
    if not (math.isfinite(sx) and math.isfinite(sxx)):
        raise ValueError("sum_x and sum_x2 must be finite")
    ss = sxx - sx * sx / count
    if ss < 0:
        if ss < -1e-12 * max(abs(sxx), 1.0):
            raise ValueError(
                f"inconsistent sums: sum_x2 = {sxx:g} is smaller than sum_x**2/n = "
                f"{sx * sx / count:g}"
            )
        ss = 0.0
    mean = sx / count
    sd, se, lo, hi = _t_intervals(
        np.array([count], dtype=np.float64),
        np.array([mean]),
        np.array([ss / (count - 1)]),
        conf,
    )
    return MeanCI(count, mean, float(sd[0]), float(se[0]), float(lo[0]), float(hi[0]), conf)


def mean_ci(values: npt.ArrayLike, confidence: float = 0.95) -> MeanCI:
    r"""Mean and t-interval of raw values (NaN = missing, dropped).

    Parameters
    ----------
    values : array_like
        Observations; NaN marks a missing value.
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    MeanCI

    Notes
    -----
    .. math:: \bar x \pm t_{1-\alpha/2,\,n-1}\, s/\sqrt n

    Examples
    --------
    >>> r = mean_ci([4, 5, 6, 5, 5])
    >>> round(r.lo, 4), round(r.hi, 4)
    (4.122, 5.878)
    """
    x = vector(values, "values", allow_nan=True)
    x = x[~np.isnan(x)]
    if x.size < 2:
        raise ValueError(f"values need at least 2 non-missing observations, got {x.size}")
    conf = check_confidence(confidence)
    sd, se, lo, hi = _t_intervals(
        np.array([float(x.size)]), np.array([x.mean()]), np.array([x.var(ddof=1)]), conf
    )
    return MeanCI(
        int(x.size), float(x.mean()), float(sd[0]), float(se[0]), float(lo[0]), float(hi[0]), conf
    )


def variance_from_sums(n: npt.ArrayLike, sum_x: npt.ArrayLike, sum_x2: npt.ArrayLike) -> FloatArray:
    r"""Sample variances (n - 1 denominator) of rollups ``n``, :math:`\sum x`, :math:`\sum x^2`.

    Parameters
    ----------
    n : array_like of int
        Number of observations of each rollup (each at least 2).
    sum_x : array_like
        Sum of the observations of each rollup.
    sum_x2 : array_like
        Sum of their squares.

    Returns
    -------
    ndarray
        One variance per rollup (a 1-element array for scalar input).

    Raises
    ------
    ValueError
        If the three inputs differ in length, an ``n`` is not a whole number or is under 2, a
        sum is not finite, or a rollup's sums are inconsistent (a clearly negative sum of
        squared deviations).

    Notes
    -----
    .. math:: s^2 = \frac{\sum x^2 - (\sum x)^2/n}{n-1}

    A sum of squared deviations that is negative only by floating-point rounding (within
    :math:`10^{-12}\sum x^2`) is taken as 0, as in :func:`mean_ci_from_sums`.

    Examples
    --------
    Answers 1, 2, 3 (n 3, sum 6, sum of squares 14) and 4, 5, 6, 5, 5 (5, 25, 127):

    >>> variance_from_sums([3, 5], [6, 25], [14, 127]).tolist()
    [1.0, 0.5]
    """
    counts = vector(n, "n")
    sx = vector(sum_x, "sum_x")
    sxx = vector(sum_x2, "sum_x2")
    if not counts.size == sx.size == sxx.size:
        raise ValueError(
            f"n, sum_x and sum_x2 must have the same length, got {counts.size}, {sx.size} and "
            f"{sxx.size}"
        )
    frac = counts != np.floor(counts)
    if frac.any():
        i = int(np.argmax(frac))
        raise ValueError(f"n must be whole numbers, got {counts[i]:g} at index {i}")
    small = counts < 2
    if small.any():
        i = int(np.argmax(small))
        raise ValueError(f"n must be at least 2 for a variance, got {counts[i]:g} at index {i}")
    ss = sxx - sx * sx / counts
    bad = ss < -1e-12 * np.maximum(np.abs(sxx), 1.0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"inconsistent sums at index {i}: sum_x2 = {sxx[i]:g} is smaller than "
            f"sum_x**2/n = {sx[i] * sx[i] / counts[i]:g}"
        )
    return np.maximum(ss, 0.0) / (counts - 1)


def quantile_position(n: int, q: float) -> tuple[int, float]:
    r"""Where the ``q`` quantile of ``n`` sorted values lies: index and interpolation weight.

    A database can sort values and return the two at an offset without sending all of them;
    this says which offset, so a report's median or 90th percentile matches
    ``numpy.quantile(values, q)`` (Hyndman & Fan definition 7).

    Parameters
    ----------
    n : int
        Number of values, at least 1.
    q : float
        Quantile in [0, 1].

    Returns
    -------
    (int, float)
        ``(i, w)``: the quantile is :math:`x_{(i)} + w\,(x_{(i+1)} - x_{(i)})` with 0-based
        order statistics (:math:`x_{(i+1)}` is not needed when ``w`` is 0).

    Notes
    -----
    :math:`h = (n - 1)\,q`, :math:`i = \lfloor h \rfloor`, :math:`w = h - i`.

    Examples
    --------
    >>> quantile_position(5, 0.5)
    (2, 0.0)
    >>> i, w = quantile_position(10, 0.9)
    >>> i, round(w, 6)
    (8, 0.1)
    """
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    qq = float(q)
    if not 0.0 <= qq <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q!r}")
    h = (int(n) - 1) * qq
    i = min(int(math.floor(h + 1e-12)), int(n) - 1)
    w = max(0.0, h - i)
    return i, (0.0 if w < 1e-12 else w)
