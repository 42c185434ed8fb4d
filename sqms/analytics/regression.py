r"""Simple linear regression (one predictor) by least squares, and binned means for scatter
plots with many points.

:func:`linear_fit` fits :math:`y = b_0 + b_1 x` on centred data (so large offsets in
:math:`x` lose no precision), with the standard errors, t-intervals of both coefficients,
:math:`r^2` and the p-value of the slope.

References
----------
.. [1] NIST Statistical Reference Datasets, linear regression, "Norris" (certified values).
.. [2] Draper, N. R. & Smith, H. (1998). *Applied Regression Analysis*, 3rd ed., Wiley, ch. 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from ._validate import FloatArray, vector

__all__ = ["BinnedMeans", "LinearFit", "binned_means", "linear_fit"]


@dataclass(frozen=True, slots=True)
class LinearFit:
    """Least-squares line :math:`y = b_0 + b_1 x`.

    Attributes
    ----------
    n : int
        Number of points.
    slope, intercept : float
        :math:`b_1`, :math:`b_0`.
    slope_se, intercept_se : float
        Their standard errors.
    slope_ci, intercept_ci : tuple of float
        Two-sided t-intervals at ``confidence`` on :math:`n - 2` degrees of freedom.
    r2 : float
        Coefficient of determination.
    residual_sd : float
        :math:`\\sqrt{SSE/(n-2)}`.
    p_value : float
        Two-sided p-value of :math:`H_0: b_1 = 0`.
    confidence : float
    """

    n: int
    slope: float
    intercept: float
    slope_se: float
    intercept_se: float
    slope_ci: tuple[float, float]
    intercept_ci: tuple[float, float]
    r2: float
    residual_sd: float
    p_value: float
    confidence: float


def linear_fit(x: npt.ArrayLike, y: npt.ArrayLike, confidence: float = 0.95) -> LinearFit:
    r"""Fit :math:`y = b_0 + b_1 x` by least squares.

    Parameters
    ----------
    x, y : array_like
        Paired observations (same length, at least 3, finite); ``x`` not all equal.
    confidence : float
        Level of the coefficient intervals, in (0, 1).

    Returns
    -------
    LinearFit

    Notes
    -----
    .. math::
        b_1 = \frac{\sum (x_i - \bar x)(y_i - \bar y)}{\sum (x_i - \bar x)^2}, \quad
        b_0 = \bar y - b_1 \bar x, \quad
        \mathrm{se}(b_1) = \frac{s}{\sqrt{S_{xx}}}, \quad
        \mathrm{se}(b_0) = s\sqrt{\frac1n + \frac{\bar x^2}{S_{xx}}}

    with :math:`s^2 = SSE/(n-2)`.

    Examples
    --------
    >>> f = linear_fit([1, 2, 3, 4], [2.0, 4.1, 5.9, 8.0])
    >>> round(f.slope, 3), round(f.intercept, 3), round(f.r2, 4)
    (1.98, 0.05, 0.9991)
    """
    xs = vector(x, "x", min_size=3)
    ys = vector(y, "y", min_size=3)
    if xs.size != ys.size:
        raise ValueError(f"x and y must have the same length, got {xs.size} and {ys.size}")
    conf = float(confidence)
    if not 0.0 < conf < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    n = int(xs.size)
    mx, my = float(xs.mean()), float(ys.mean())
    dx, dy = xs - mx, ys - my
    sxx = float(dx @ dx)
    if sxx == 0.0:
        raise ValueError("x must not be constant: the slope is undefined")
    sxy, syy = float(dx @ dy), float(dy @ dy)
    b1 = sxy / sxx
    b0 = my - b1 * mx
    resid = dy - b1 * dx
    sse = float(resid @ resid)
    df = n - 2
    s = math.sqrt(sse / df)
    se1 = s / math.sqrt(sxx)
    se0 = s * math.sqrt(1.0 / n + mx * mx / sxx)
    q = float(stats.t.ppf(0.5 + conf / 2.0, df))
    exact = 0.0 if b1 != 0 else 1.0  # a perfect fit: no residual error
    p = float(2.0 * stats.t.sf(abs(b1 / se1), df)) if se1 > 0 else exact
    r2 = 1.0 - sse / syy if syy > 0 else 1.0
    return LinearFit(
        n=n,
        slope=b1,
        intercept=b0,
        slope_se=se1,
        intercept_se=se0,
        slope_ci=(b1 - q * se1, b1 + q * se1),
        intercept_ci=(b0 - q * se0, b0 + q * se0),
        r2=r2,
        residual_sd=s,
        p_value=p,
        confidence=conf,
    )


@dataclass(frozen=True, slots=True, eq=False)
class BinnedMeans:
    """Mean of ``y`` in bins of ``x`` (bins with no point left out)."""

    x_mean: FloatArray
    y_mean: FloatArray
    count: npt.NDArray[np.intp]


def binned_means(x: npt.ArrayLike, y: npt.ArrayLike, bins: int = 20) -> BinnedMeans:
    """Means of ``x`` and ``y`` within ``bins`` equal-width bins of ``x``.

    Examples
    --------
    >>> b = binned_means([0, 1, 2, 3], [1, 3, 5, 7], bins=2)
    >>> b.x_mean.tolist(), b.y_mean.tolist(), b.count.tolist()
    ([0.5, 2.5], [2.0, 6.0], [2, 2])
    """
    xs = vector(x, "x")
    ys = vector(y, "y")
    if xs.size != ys.size:
        raise ValueError(f"x and y must have the same length, got {xs.size} and {ys.size}")
    k = int(bins)
    if k < 1:
        raise ValueError(f"bins must be >= 1, got {bins!r}")
    lo, hi = float(xs.min()), float(xs.max())
    if hi == lo:
        idx = np.zeros(xs.size, dtype=np.intp)
    else:
        idx = np.minimum(((xs - lo) / (hi - lo) * k).astype(np.intp), k - 1)
    counts = np.bincount(idx, minlength=k)
    sx = np.bincount(idx, weights=xs, minlength=k)
    sy = np.bincount(idx, weights=ys, minlength=k)
    keep = counts > 0
    return BinnedMeans(
        x_mean=sx[keep] / counts[keep],
        y_mean=sy[keep] / counts[keep],
        count=counts[keep].astype(np.intp),
    )
