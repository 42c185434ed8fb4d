"""Charts for counts and proportions: p, np, c and u."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .._validate import (
    BoolArray,
    FloatArray,
    count,
    positive,
    vector,
    whole,
)
from .fitting import _chart, _fit, _known, _nonzero_spread
from .results import ChartResult


def _sizes(sizes: float | npt.ArrayLike, n: int, name: str) -> FloatArray:
    arr = np.asarray(sizes, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    arr = vector(arr, name)
    if arr.size != n:
        raise ValueError(f"{name} has {arr.size} values but there are {n} counts")
    if (arr <= 0).any():
        i = int(np.argmax(arr <= 0))
        raise ValueError(f"{name} must be positive, got {arr[i]:g} at index {i}")
    return arr


def _proportion_inputs(
    defectives: npt.ArrayLike, sizes: float | npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    d = vector(defectives, "defectives", min_size=2)
    whole(d, "defectives")
    n = _sizes(sizes, d.size, "sizes")
    whole(n, "sizes")
    over = d > n
    if over.any():
        i = int(np.argmax(over))
        raise ValueError(f"defectives[{i}] = {d[i]:g} exceeds its subgroup size {n[i]:g}")
    return d, n


def _proportion(target: float | None, name: str) -> float | None:
    if target is None:
        return None
    p = float(target)
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name} must be a proportion strictly between 0 and 1, got {target!r}")
    return p


def _pbar(d: FloatArray, n: FloatArray, use: BoolArray) -> float:
    p = float(d[use].sum() / n[use].sum())
    if p <= 0.0 or p >= 1.0:
        raise ValueError(
            f"the baseline proportion is {p:g}: with no (or only) defectives the chart has "
            "no spread, so limits are undefined"
        )
    return p


def p_chart(
    defectives: npt.ArrayLike,
    sizes: float | npt.ArrayLike,
    *,
    baseline: int | None = None,
    target: float | None = None,
    exclude: Sequence[int] = (),
    reestimate: bool = False,
    rules: Sequence[int] = (1,),
) -> ChartResult:
    r"""Control chart for the fraction nonconforming (p chart).

    Parameters
    ----------
    defectives : array_like of int
        Nonconforming units per subgroup.
    sizes : int or array_like of int
        Subgroup sizes (one value for all, or one per subgroup).
    baseline, exclude, reestimate, rules
        As for :func:`xbar_r`.
    target : float, optional
        Known (standard) fraction nonconforming.

    Returns
    -------
    ChartResult
        ``statistic`` is :math:`\hat p_i = D_i/n_i`; limits vary with :math:`n_i` and lie
        in [0, 1].

    Notes
    -----
    .. math:: \bar p = \sum D_i / \sum n_i, \qquad
        \bar p \pm 3\sqrt{\bar p(1-\bar p)/n_i}

    (Montgomery 2019, section 7.2; NIST e-Handbook 6.3.3.2).

    Examples
    --------
    >>> ch = p_chart([12, 15, 8, 10, 4, 7, 16, 9, 14, 10], 50)
    >>> round(float(ch.center[0]), 3), round(float(ch.ucl[0]), 4), round(float(ch.lcl[0]), 4)
    (0.21, 0.3828, 0.0372)
    """
    d, n = _proportion_inputs(defectives, sizes)
    p0 = _proportion(target, "target")

    def build(use: BoolArray, m: int) -> list[ChartResult]:
        p = _pbar(d, n, use) if p0 is None else p0
        sig = np.sqrt(p * (1.0 - p) / n)
        return [_chart("p", d / n, p, sig, rules, m, use, floor=0.0, cap=1.0)]

    return _fit(d.size, baseline, exclude, reestimate, build)[0]


def np_chart(
    defectives: npt.ArrayLike,
    size: int,
    *,
    baseline: int | None = None,
    target: float | None = None,
    exclude: Sequence[int] = (),
    reestimate: bool = False,
    rules: Sequence[int] = (1,),
) -> ChartResult:
    r"""Control chart for the number nonconforming (np chart), constant subgroup size.

    Parameters
    ----------
    defectives : array_like of int
        Nonconforming units per subgroup.
    size : int
        The common subgroup size.
    baseline, target, exclude, reestimate, rules
        As for :func:`p_chart`.

    Returns
    -------
    ChartResult

    Notes
    -----
    .. math:: n\bar p \pm 3\sqrt{n\bar p(1-\bar p)}

    (Montgomery 2019, section 7.2.3).

    Examples
    --------
    >>> ch = np_chart([12, 15, 8, 10, 4, 7, 16, 9, 14, 10], 50)
    >>> round(float(ch.center[0]), 2), round(float(ch.ucl[0]), 3)
    (10.5, 19.14)
    """
    k = count(size, "size", minimum=1)
    d, n = _proportion_inputs(defectives, k)
    p0 = _proportion(target, "target")

    def build(use: BoolArray, m: int) -> list[ChartResult]:
        p = _pbar(d, n, use) if p0 is None else p0
        sig = math.sqrt(k * p * (1.0 - p))
        return [_chart("np", d, k * p, sig, rules, m, use, floor=0.0, cap=float(k))]

    return _fit(d.size, baseline, exclude, reestimate, build)[0]


def c_chart(
    counts: npt.ArrayLike,
    *,
    baseline: int | None = None,
    target: float | None = None,
    exclude: Sequence[int] = (),
    reestimate: bool = False,
    rules: Sequence[int] = (1,),
) -> ChartResult:
    r"""Control chart for nonconformities per inspection unit (c chart).

    Parameters
    ----------
    counts : array_like of int
        Nonconformities (defects, complaints ...) per equal-size unit.
    baseline, exclude, reestimate, rules
        As for :func:`xbar_r`.
    target : float, optional
        Known mean count.

    Returns
    -------
    ChartResult

    Notes
    -----
    .. math:: \bar c \pm 3\sqrt{\bar c}

    (Montgomery 2019, section 7.3.1).

    Examples
    --------
    >>> ch = c_chart([21, 24, 16, 12, 15, 5, 28, 20, 31, 25])
    >>> round(float(ch.center[0]), 1), round(float(ch.ucl[0]), 3), ch.signals[1].tolist()
    (19.7, 33.015, [5])
    """
    c = vector(counts, "counts", min_size=2)
    whole(c, "counts")
    c0 = _known(target, "target")
    if c0 is not None:
        positive(c0, "target")

    def build(use: BoolArray, m: int) -> list[ChartResult]:
        cbar = _nonzero_spread(float(c[use].mean()), "the mean count") if c0 is None else c0
        return [_chart("c", c, cbar, math.sqrt(cbar), rules, m, use, floor=0.0)]

    return _fit(c.size, baseline, exclude, reestimate, build)[0]


def u_chart(
    counts: npt.ArrayLike,
    sizes: float | npt.ArrayLike,
    *,
    baseline: int | None = None,
    target: float | None = None,
    exclude: Sequence[int] = (),
    reestimate: bool = False,
    rules: Sequence[int] = (1,),
) -> ChartResult:
    r"""Control chart for nonconformities per unit (u chart), sizes may vary.

    Parameters
    ----------
    counts : array_like of int
        Nonconformities per subgroup.
    sizes : float or array_like
        Inspection units (or exposure, e.g. thousands of transactions) per subgroup, > 0.
    baseline, exclude, reestimate, rules
        As for :func:`xbar_r`.
    target : float, optional
        Known mean rate per unit.

    Returns
    -------
    ChartResult
        ``statistic`` is :math:`u_i = c_i/n_i`.

    Notes
    -----
    .. math:: \bar u = \sum c_i/\sum n_i, \qquad \bar u \pm 3\sqrt{\bar u/n_i}

    (Montgomery 2019, section 7.3.1).

    Examples
    --------
    >>> ch = u_chart([10, 12, 8, 14, 10], 5)
    >>> round(float(ch.center[0]), 2), round(float(ch.ucl[0]), 3)
    (2.16, 4.132)
    """
    c = vector(counts, "counts", min_size=2)
    whole(c, "counts")
    n = _sizes(sizes, c.size, "sizes")
    u0 = _known(target, "target")
    if u0 is not None:
        positive(u0, "target")

    def build(use: BoolArray, m: int) -> list[ChartResult]:
        if u0 is None:
            ubar = _nonzero_spread(float(c[use].sum() / n[use].sum()), "the mean rate")
        else:
            ubar = u0
        return [_chart("u", c / n, ubar, np.sqrt(ubar / n), rules, m, use, floor=0.0)]

    return _fit(c.size, baseline, exclude, reestimate, build)[0]
