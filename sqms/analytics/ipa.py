r"""Importance-performance analysis and key-driver (derived importance) analysis.

:func:`ipa` places attributes in the four Martilla & James (1977) quadrants. Importance can be
stated (asked directly) or derived from the data by :func:`key_drivers`: correlations, or
standardized regression coefficients and Johnson's (2000) relative weights of each
attribute's performance rating against overall satisfaction.

References
----------
.. [1] Martilla, J. A. & James, J. C. (1977). Importance-performance analysis.
   *Journal of Marketing* 41(1):77-79.
.. [2] Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
   predictor variables in multiple regression. *Multivariate Behavioral Research*
   35(1):1-19.
.. [3] Tonidandel, S. & LeBreton, J. M. (2011). Relative importance analysis: a useful
   supplement to regression analysis. *Journal of Business and Psychology* 26(1):1-9.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ._validate import FloatArray, check_scale, matrix, vector

__all__ = ["QUADRANTS", "IpaItem", "IpaResult", "KeyDriverResult", "ipa", "key_drivers"]

#: Quadrant names of Martilla & James (1977), keyed by (high importance, high performance).
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}


@dataclass(frozen=True, slots=True)
class IpaItem:
    """One attribute on the importance-performance grid.

    Attributes
    ----------
    label : str
        Attribute name.
    importance, performance : float
        Its coordinates.
    quadrant : str
        One of :data:`QUADRANTS` (a value on a cross-hair counts as high).
    """

    label: str
    importance: float
    performance: float
    quadrant: str


@dataclass(frozen=True, slots=True)
class IpaResult:
    """Importance-performance grid.

    Attributes
    ----------
    items : tuple[IpaItem, ...]
        Attributes in input order.
    importance_cut, performance_cut : float
        Cross-hair positions.
    crosshair : str
        ``"mean"``, ``"midpoint"`` or ``"given"``.
    """

    items: tuple[IpaItem, ...]
    importance_cut: float
    performance_cut: float
    crosshair: str

    def quadrant(self, name: str) -> tuple[str, ...]:
        """Labels of the attributes in quadrant ``name``."""
        return tuple(i.label for i in self.items if i.quadrant == name)


def ipa(
    importance: npt.ArrayLike,
    performance: npt.ArrayLike,
    labels: Sequence[str] | None = None,
    crosshair: Literal["mean", "midpoint"] | tuple[float, float] = "mean",
    *,
    scale: tuple[float, float] | None = None,
    importance_scale: tuple[float, float] | None = None,
) -> IpaResult:
    r"""Importance-performance quadrants (Martilla & James 1977).

    Parameters
    ----------
    importance, performance : array_like
        One value per attribute (mean stated importance or derived importance, and mean
        performance).
    labels : sequence of str, optional
        Attribute names (default ``"1"``, ``"2"``, ...).
    crosshair : {"mean", "midpoint"} or (importance_cut, performance_cut)
        Cross-hairs at the means of the attributes (data-centred), at the scale midpoints,
        or at given values.
    scale : (low, high), optional
        Performance scale; required for ``"midpoint"``, and checked when given.
    importance_scale : (low, high), optional
        Importance scale for ``"midpoint"`` (default ``scale``).

    Returns
    -------
    IpaResult

    Notes
    -----
    With cross-hairs :math:`(c_I, c_P)` (means :math:`\bar I = \frac1k\sum I_j`,
    :math:`\bar P = \frac1k\sum P_j`, or the scale midpoints), attribute :math:`j` is in

    .. math::
        \begin{cases}
        \text{concentrate here} & I_j \ge c_I,\ P_j < c_P \\
        \text{keep up the good work} & I_j \ge c_I,\ P_j \ge c_P \\
        \text{low priority} & I_j < c_I,\ P_j < c_P \\
        \text{possible overkill} & I_j < c_I,\ P_j \ge c_P
        \end{cases}

    Examples
    --------
    >>> r = ipa([6.5, 6.1, 4.2, 4.8], [4.9, 6.2, 4.0, 6.0],
    ...         ["waiting time", "courtesy", "parking", "decor"])
    >>> r.quadrant("concentrate here"), r.quadrant("possible overkill")
    (('waiting time',), ('decor',))
    """
    imp = vector(importance, "importance")
    perf = vector(performance, "performance")
    if imp.size != perf.size:
        raise ValueError(
            f"importance and performance must have one value per attribute, got {imp.size} "
            f"and {perf.size}"
        )
    names = [str(i + 1) for i in range(imp.size)] if labels is None else [str(x) for x in labels]
    if len(names) != imp.size:
        raise ValueError(f"labels has {len(names)} names for {imp.size} attributes")
    if scale is not None:
        check_scale(perf, "performance", scale)
    iscale = importance_scale if importance_scale is not None else scale
    if importance_scale is not None:
        check_scale(imp, "importance", importance_scale)
    if crosshair == "mean":
        icut, pcut, kind = float(imp.mean()), float(perf.mean()), "mean"
    elif crosshair == "midpoint":
        if scale is None or iscale is None:
            raise ValueError("crosshair='midpoint' needs scale=(low, high)")
        icut, pcut, kind = (iscale[0] + iscale[1]) / 2, (scale[0] + scale[1]) / 2, "midpoint"
    elif isinstance(crosshair, tuple) and len(crosshair) == 2:
        icut, pcut, kind = float(crosshair[0]), float(crosshair[1]), "given"
        if not (np.isfinite(icut) and np.isfinite(pcut)):
            raise ValueError("crosshair values must be finite")
    else:
        raise ValueError(f"crosshair must be 'mean', 'midpoint' or a pair, got {crosshair!r}")
    items = tuple(
        IpaItem(name, float(i), float(p), QUADRANTS[(bool(i >= icut), bool(p >= pcut))])
        for name, i, p in zip(names, imp, perf, strict=True)
    )
    return IpaResult(items, icut, pcut, kind)


@dataclass(frozen=True, slots=True, eq=False)
class KeyDriverResult:
    """Derived importance of attributes for overall satisfaction.

    Attributes
    ----------
    labels : tuple[str, ...]
        Attribute names.
    correlations : ndarray
        Pearson correlation of each attribute with the overall rating.
    std_coefficients : ndarray
        Standardized multiple-regression coefficients (beta weights).
    relative_weights : ndarray
        Johnson's relative weights; they sum to ``r_squared``.
    relative_weights_pct : ndarray
        Relative weights as percent of ``r_squared`` (sum to 100).
    r_squared : float
        Multiple R-squared of the regression.
    n : int
        Respondents used (complete cases).
    """

    labels: tuple[str, ...]
    correlations: FloatArray
    std_coefficients: FloatArray
    relative_weights: FloatArray
    relative_weights_pct: FloatArray
    r_squared: float
    n: int


def key_drivers(
    attributes: npt.ArrayLike, overall: npt.ArrayLike, labels: Sequence[str] | None = None
) -> KeyDriverResult:
    r"""Key-driver analysis: derived importance of each attribute for overall satisfaction.

    Parameters
    ----------
    attributes : array_like
        Respondents x attributes performance ratings; rows with a NaN are dropped.
    overall : array_like
        Overall satisfaction per respondent (NaN rows dropped).
    labels : sequence of str, optional
        Attribute names.

    Returns
    -------
    KeyDriverResult

    Notes
    -----
    With :math:`R_{xx}` the attribute correlation matrix and :math:`r_{xy}` the correlations
    with the overall rating: :math:`\beta = R_{xx}^{-1} r_{xy}`, :math:`R^2 = \beta^\top
    r_{xy}`. Relative weights (Johnson 2000): with :math:`R_{xx} = Q\Lambda Q^\top` and
    :math:`\Lambda^* = Q\Lambda^{1/2}Q^\top`,

    .. math::
        \beta^* = (\Lambda^*)^{-1} r_{xy}, \qquad
        \varepsilon_j = \sum_k (\Lambda^*_{jk})^2 (\beta^*_k)^2, \qquad
        \sum_j \varepsilon_j = R^2.

    Relative weights stay meaningful when attributes are correlated, where beta weights can
    change sign.

    Examples
    --------
    >>> x = [[5, 4, 3], [6, 5, 5], [4, 4, 2], [7, 6, 6], [5, 3, 4], [6, 6, 5], [3, 2, 2]]
    >>> y = [5, 6, 4, 7, 4, 6, 2]
    >>> kd = key_drivers(x, y, ["staff", "speed", "decor"])
    >>> round(kd.r_squared, 3), round(float(kd.relative_weights.sum()), 3)
    (0.994, 0.994)
    """
    x = matrix(attributes, "attributes", min_rows=3, min_cols=1, allow_nan=True)
    y = vector(overall, "overall", allow_nan=True)
    if y.size != x.shape[0]:
        raise ValueError(f"overall has {y.size} values but attributes has {x.shape[0]} respondents")
    keep = ~(np.isnan(x).any(axis=1) | np.isnan(y))
    x, y = x[keep], y[keep]
    n, k = x.shape
    if n < k + 2:
        raise ValueError(f"need at least {k + 2} complete respondents for {k} attributes, got {n}")
    names = tuple(str(i + 1) for i in range(k)) if labels is None else tuple(map(str, labels))
    if len(names) != k:
        raise ValueError(f"labels has {len(names)} names for {k} attributes")
    sx = x.std(axis=0, ddof=1)
    if (sx == 0).any():
        j = int(np.argmax(sx == 0))
        raise ValueError(f"attribute {names[j]!r} has zero variance")
    if y.std(ddof=1) == 0:
        raise ValueError("overall has zero variance")
    z = (x - x.mean(axis=0)) / sx
    zy = (y - y.mean()) / y.std(ddof=1)
    rxx = z.T @ z / (n - 1)
    rxy = z.T @ zy / (n - 1)
    eigval, eigvec = np.linalg.eigh(rxx)
    if eigval.min() <= 1e-10 * max(eigval.max(), 1.0):
        raise ValueError("attributes are perfectly collinear; drop a redundant attribute")
    beta = np.linalg.solve(rxx, rxy)
    r2 = float(beta @ rxy)
    lam_half = eigvec @ np.diag(np.sqrt(eigval)) @ eigvec.T
    beta_star = np.linalg.solve(lam_half, rxy)
    eps = (lam_half**2) @ (beta_star**2)
    pct = 100.0 * eps / eps.sum()
    for arr in (rxy, beta, eps, pct):
        arr.flags.writeable = False
    return KeyDriverResult(names, rxy, beta, eps, pct, r2, int(n))
