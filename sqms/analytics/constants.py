r"""Control-chart constants computed from their definitions.

Nothing here is typed in from a table. For subgroups of size :math:`n` drawn from a
normal distribution with standard deviation :math:`\sigma`:

* :math:`d_2(n) = E[W]/\sigma`, the mean of the relative range :math:`W = (X_{(n)} - X_{(1)})/\sigma`,

  .. math:: d_2(n) = \int_{-\infty}^{\infty} \left[1 - \Phi(x)^n - (1 - \Phi(x))^n\right] dx

* :math:`d_3(n) = \mathrm{sd}(W)`, with the distribution function of the range

  .. math:: F_W(w) = n \int_{-\infty}^{\infty} \phi(x) \left[\Phi(x + w) - \Phi(x)\right]^{n-1} dx,
     \qquad E[W^2] = \int_0^\infty 2 w \,(1 - F_W(w))\, dw

* :math:`c_4(n) = E[s]/\sigma = \sqrt{2/(n-1)}\;\Gamma(n/2)/\Gamma((n-1)/2)`.

The limit factors follow (Montgomery, *Introduction to Statistical Quality Control*,
Appendix VI): :math:`A_2 = 3/(d_2\sqrt n)`, :math:`A_3 = 3/(c_4\sqrt n)`,
:math:`B_{3,4} = 1 \mp 3\sqrt{1-c_4^2}/c_4` (B3 floored at 0),
:math:`D_{3,4} = 1 \mp 3 d_3/d_2` (D3 floored at 0).

References
----------
.. [1] Tippett, L. H. C. (1925). On the extreme individuals and the range of samples
   taken from a normal population. *Biometrika* 17(3/4):364-387.
.. [2] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control*, 8th ed.,
   Wiley. Appendix VI, "Factors for constructing variables control charts".

Examples
--------
>>> from sqms.analytics.constants import chart_constants
>>> k = chart_constants(5)
>>> round(k.d2, 3), round(k.d3, 3), round(k.c4, 4), round(k.A2, 3), round(k.D4, 3)
(2.326, 0.864, 0.94, 0.577, 2.114)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from scipy import integrate, special  # type: ignore[import-untyped, unused-ignore]

from ._validate import count

__all__ = [
    "CONSTANTS_CHOICES",
    "TABULATED_SOURCE",
    "ChartConstants",
    "Constants",
    "c4",
    "chart_constants",
    "d2",
    "d3",
    "factors",
    "tabulated_constants",
]

_MAX_N = 1000


def _size(n: int) -> int:
    size = count(n, "subgroup size n", minimum=2)
    if size > _MAX_N:
        raise ValueError(f"subgroup size n must be at most {_MAX_N}, got {n}")
    return size


# Integration grids: the integrands are smooth and negligible beyond |x| = 9 and w = 14,
# so composite Simpson on a 0.01 grid is accurate to far better than 1e-9.
_X = np.linspace(-9.0, 9.0, 1801)
_W = np.linspace(0.0, 14.0, 1401)


@cache
def d2(n: int) -> float:
    r"""Mean of the relative range of ``n`` normal observations, :math:`E[R]/\sigma`.

    Computed by numeric integration of
    :math:`\int [1 - \Phi(x)^n - (1-\Phi(x))^n]\,dx` (Tippett 1925).

    Examples
    --------
    >>> round(d2(2), 4)  # exactly 2/sqrt(pi)
    1.1284
    """
    size = _size(n)
    integrand = 1.0 - special.ndtr(_X) ** size - special.ndtr(-_X) ** size
    return float(integrate.simpson(integrand, x=_X))


@cache
def d3(n: int) -> float:
    r"""Standard deviation of the relative range of ``n`` normal observations.

    :math:`d_3 = \sqrt{E[W^2] - d_2^2}` with :math:`E[W^2] = \int_0^\infty 2w(1-F_W(w))dw`
    and :math:`F_W(w) = n\int \phi(x)[\Phi(x+w)-\Phi(x)]^{n-1}dx`, both integrals
    evaluated numerically.

    Examples
    --------
    >>> round(d3(2), 3)
    0.853
    """
    size = _size(n)
    phi = np.exp(-0.5 * _X**2) / math.sqrt(2.0 * math.pi)
    cdf_x = special.ndtr(_X)
    cdf_w = np.empty_like(_W)
    for start in range(0, _W.size, 400):  # blocks keep the temporary array small
        w = _W[start : start + 400, None]
        inner = size * phi * (special.ndtr(_X + w) - cdf_x) ** (size - 1)
        cdf_w[start : start + 400] = integrate.simpson(inner, x=_X, axis=1)
    second = float(integrate.simpson(2.0 * _W * (1.0 - np.minimum(cdf_w, 1.0)), x=_W))
    return math.sqrt(max(second - d2(size) ** 2, 0.0))


@cache
def c4(n: int) -> float:
    r"""Bias factor of the sample standard deviation, :math:`E[s]/\sigma`.

    :math:`c_4 = \sqrt{2/(n-1)}\,\Gamma(n/2)/\Gamma((n-1)/2)`, evaluated with log-gamma.

    Examples
    --------
    >>> round(c4(2), 4), round(c4(25), 4)
    (0.7979, 0.9896)
    """
    size = _size(n)
    log_ratio = special.gammaln(size / 2.0) - special.gammaln((size - 1) / 2.0)
    return float(math.sqrt(2.0 / (size - 1)) * math.exp(log_ratio))


@dataclass(frozen=True, slots=True)
class ChartConstants:
    """Factors for variables control charts at subgroup size ``n`` (3-sigma limits).

    Attributes
    ----------
    n : int
        Subgroup size.
    d2, d3 : float
        Mean and standard deviation of the relative range.
    c4 : float
        Mean of the sample standard deviation divided by sigma.
    A : float
        X-bar limits from a known sigma: centre +/- A * sigma (A = 3/sqrt(n)).
    A2 : float
        X-bar limits from the mean range: centre +/- A2 * Rbar.
    A3 : float
        X-bar limits from the mean standard deviation: centre +/- A3 * sbar.
    B3, B4 : float
        s-chart limits as multiples of sbar.
    B5, B6 : float
        s-chart limits as multiples of a known sigma.
    D1, D2 : float
        R-chart limits as multiples of a known sigma.
    D3, D4 : float
        R-chart limits as multiples of Rbar.
    """

    n: int
    A: float
    d2: float
    d3: float
    c4: float
    A2: float
    A3: float
    B3: float
    B4: float
    B5: float
    B6: float
    D1: float
    D2: float
    D3: float
    D4: float


@cache
def chart_constants(n: int) -> ChartConstants:
    """All control-chart factors for subgroup size ``n`` (2 <= n <= 1000).

    Parameters
    ----------
    n : int
        Subgroup size.

    Returns
    -------
    ChartConstants

    Raises
    ------
    ValueError
        If ``n`` is not a whole number between 2 and 1000.

    Examples
    --------
    >>> k = chart_constants(10)
    >>> round(k.B3, 3), round(k.B4, 3), round(k.D3, 3), round(k.A3, 3)
    (0.284, 1.716, 0.223, 0.975)
    """
    size = _size(n)
    dd2, dd3, cc4 = d2(size), d3(size), c4(size)
    root = math.sqrt(size)
    s_spread = 3.0 * math.sqrt(1.0 - cc4**2)
    return ChartConstants(
        n=size,
        A=3.0 / root,
        d2=dd2,
        d3=dd3,
        c4=cc4,
        A2=3.0 / (dd2 * root),
        A3=3.0 / (cc4 * root),
        B3=max(0.0, 1.0 - s_spread / cc4),
        B4=1.0 + s_spread / cc4,
        B5=max(0.0, cc4 - s_spread),
        B6=cc4 + s_spread,
        D1=max(0.0, dd2 - 3.0 * dd3),
        D2=dd2 + 3.0 * dd3,
        D3=max(0.0, 1.0 - 3.0 * dd3 / dd2),
        D4=1.0 + 3.0 * dd3 / dd2,
    )


# ----------------------------------------------------------------------------- tabulated

#: ``"exact"``: computed from the definitions above; ``"tabulated"``: the 3-decimal printed
#: table (4 decimals for c4), so limits match a textbook, NIST or an R qcc / Minitab printout.
Constants = Literal["exact", "tabulated"]
CONSTANTS_CHOICES: tuple[str, ...] = ("exact", "tabulated")

TABULATED_SOURCE = "Montgomery, Introduction to Statistical Quality Control, Appendix Table VI"

# Montgomery, D. C. (2019), *Introduction to Statistical Quality Control*, 8th ed., Wiley,
# Appendix Table VI "Factors for constructing variables control charts" (the same figures as
# the ASTM Manual on Presentation of Data and Control Chart Analysis, and for A2, d2, D3, D4
# as NIST/SEMATECH e-Handbook of Statistical Methods 6.3.2). Typed in by us from the printed
# table, n = 2..25; every entry is within 2 units of its last decimal of the exact value
# (sqms/analytics/tests/test_constants_tabulated.py). D1, D2, D3 and D4 are printed from the
# rounded d2 and d3, so a few differ from the exact value rounded (e.g. D4(3) = 2.574).
# Columns: A, A2, A3, c4, B3, B4, B5, B6, d2, d3, D1, D2, D3, D4.
_TABLE_VI: dict[int, tuple[float, ...]] = {
    2: (2.121, 1.880, 2.659, 0.7979, 0, 3.267, 0, 2.606, 1.128, 0.853, 0, 3.686, 0, 3.267),
    3: (1.732, 1.023, 1.954, 0.8862, 0, 2.568, 0, 2.276, 1.693, 0.888, 0, 4.358, 0, 2.574),
    4: (1.500, 0.729, 1.628, 0.9213, 0, 2.266, 0, 2.088, 2.059, 0.880, 0, 4.698, 0, 2.282),
    5: (1.342, 0.577, 1.427, 0.9400, 0, 2.089, 0, 1.964, 2.326, 0.864, 0, 4.918, 0, 2.114),
    6: (1.225, 0.483, 1.287, 0.9515, 0.030, 1.970, 0.029, 1.874, 2.534, 0.848, 0, 5.078, 0, 2.004),
    7: (1.134, 0.419, 1.182, 0.9594, 0.118, 1.882, 0.113, 1.806, 2.704, 0.833, 0.204, 5.204, 0.076, 1.924),
    8: (1.061, 0.373, 1.099, 0.9650, 0.185, 1.815, 0.179, 1.751, 2.847, 0.820, 0.388, 5.306, 0.136, 1.864),
    9: (1.000, 0.337, 1.032, 0.9693, 0.239, 1.761, 0.232, 1.707, 2.970, 0.808, 0.547, 5.393, 0.184, 1.816),
    10: (0.949, 0.308, 0.975, 0.9727, 0.284, 1.716, 0.276, 1.669, 3.078, 0.797, 0.687, 5.469, 0.223, 1.777),
    11: (0.905, 0.285, 0.927, 0.9754, 0.321, 1.679, 0.313, 1.637, 3.173, 0.787, 0.811, 5.535, 0.256, 1.744),
    12: (0.866, 0.266, 0.886, 0.9776, 0.354, 1.646, 0.346, 1.610, 3.258, 0.778, 0.922, 5.594, 0.283, 1.717),
    13: (0.832, 0.249, 0.850, 0.9794, 0.382, 1.618, 0.374, 1.585, 3.336, 0.770, 1.025, 5.647, 0.307, 1.693),
    14: (0.802, 0.235, 0.817, 0.9810, 0.406, 1.594, 0.399, 1.563, 3.407, 0.763, 1.118, 5.696, 0.328, 1.672),
    15: (0.775, 0.223, 0.789, 0.9823, 0.428, 1.572, 0.421, 1.544, 3.472, 0.756, 1.203, 5.741, 0.347, 1.653),
    16: (0.750, 0.212, 0.763, 0.9835, 0.448, 1.552, 0.440, 1.526, 3.532, 0.750, 1.282, 5.782, 0.363, 1.637),
    17: (0.728, 0.203, 0.739, 0.9845, 0.466, 1.534, 0.458, 1.511, 3.588, 0.744, 1.356, 5.820, 0.378, 1.622),
    18: (0.707, 0.194, 0.718, 0.9854, 0.482, 1.518, 0.475, 1.496, 3.640, 0.739, 1.424, 5.856, 0.391, 1.608),
    19: (0.688, 0.187, 0.698, 0.9862, 0.497, 1.503, 0.490, 1.483, 3.689, 0.734, 1.487, 5.891, 0.403, 1.597),
    20: (0.671, 0.180, 0.680, 0.9869, 0.510, 1.490, 0.504, 1.470, 3.735, 0.729, 1.549, 5.921, 0.415, 1.585),
    21: (0.655, 0.173, 0.663, 0.9876, 0.523, 1.477, 0.516, 1.459, 3.778, 0.724, 1.605, 5.951, 0.425, 1.575),
    22: (0.640, 0.167, 0.647, 0.9882, 0.534, 1.466, 0.528, 1.448, 3.819, 0.720, 1.659, 5.979, 0.434, 1.566),
    23: (0.626, 0.162, 0.633, 0.9887, 0.545, 1.455, 0.539, 1.438, 3.858, 0.716, 1.710, 6.006, 0.443, 1.557),
    24: (0.612, 0.157, 0.619, 0.9892, 0.555, 1.445, 0.549, 1.429, 3.895, 0.712, 1.759, 6.031, 0.451, 1.548),
    25: (0.600, 0.153, 0.606, 0.9896, 0.565, 1.435, 0.559, 1.420, 3.931, 0.708, 1.806, 6.056, 0.459, 1.541),
}  # fmt: skip


def tabulated_constants(n: int) -> ChartConstants:
    """The printed 3-decimal factors for subgroup size ``n`` (2 <= n <= 25).

    Source: Montgomery (2019), Appendix Table VI (see ``_TABLE_VI``). The printed limits
    are then :math:`\bar{\bar x} \\pm A_2\bar R`, :math:`D_3\bar R, D_4\bar R`,
    :math:`\bar{\bar x} \\pm A_3\bar s`, :math:`B_3\bar s, B_4\bar s` with these factors.

    Raises
    ------
    ValueError
        If ``n`` is not a whole number between 2 and 25 (the table stops at 25).

    Examples
    --------
    >>> k = tabulated_constants(5)
    >>> k.A2, k.d2, k.D4, k.c4
    (0.577, 2.326, 2.114, 0.94)
    """
    size = _size(n)
    if size not in _TABLE_VI:
        raise ValueError(
            f"subgroup size n = {size}: tabulated constants cover n = 2 to 25 "
            "(Montgomery Table VI); use constants='exact' for larger subgroups"
        )
    a, a2, a3, cc4, b3, b4, b5, b6, dd2, dd3, d1, d2_, d3_, d4 = (float(v) for v in _TABLE_VI[size])
    return ChartConstants(
        n=size, A=a, d2=dd2, d3=dd3, c4=cc4, A2=a2, A3=a3, B3=b3, B4=b4, B5=b5, B6=b6,
        D1=d1, D2=d2_, D3=d3_, D4=d4,
    )  # fmt: skip


def check_constants(constants: str) -> Constants:
    """``constants`` validated: ``"exact"`` or ``"tabulated"`` (a ``ValueError`` otherwise).

    Examples
    --------
    >>> check_constants("tabulated")
    'tabulated'
    """
    if constants not in CONSTANTS_CHOICES:
        raise ValueError(f"constants must be 'exact' or 'tabulated', got {constants!r}")
    return constants  # type: ignore[return-value]


def factors(n: int, constants: Constants = "exact") -> ChartConstants:
    r"""Control-chart factors for ``n``: computed (``"exact"``) or printed (``"tabulated"``).

    ``"exact"`` is :func:`chart_constants` (e.g. :math:`A_2 = 3/(d_2\sqrt n)` with the
    integrated :math:`d_2`); ``"tabulated"`` is :func:`tabulated_constants`.

    Examples
    --------
    >>> round(factors(5).A2, 5), factors(5, "tabulated").A2
    (0.57682, 0.577)
    """
    if check_constants(constants) == "tabulated":
        return tabulated_constants(n)
    return chart_constants(n)
