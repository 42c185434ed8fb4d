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

import numpy as np
from scipy import integrate, special  # type: ignore[import-untyped, unused-ignore]

from ._validate import count

__all__ = ["ChartConstants", "c4", "chart_constants", "d2", "d3"]

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
