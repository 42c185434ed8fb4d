r"""Internal-consistency reliability: Cronbach's alpha with item analysis.

:func:`cronbach_alpha` works on a respondents x items table; :func:`cronbach_alpha_from_sums`
gives alpha from rollups (n, sum, sum of squares of each item and of the respondents' totals)
when no per-respondent table is kept.

References
----------
.. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
   *Psychometrika* 16(3):297-334.
.. [2] Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987). Statistical inference for
   coefficient alpha. *Applied Psychological Measurement* 11(1):93-103.
.. [3] Revelle, W. R package *psych*, function ``alpha`` (pairwise covariances,
   standardized alpha, ``r.drop`` item-rest correlations).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from ._validate import FloatArray, check_confidence, check_scale, count, matrix
from .summary import variance_from_sums

__all__ = ["AlphaFromSums", "AlphaResult", "cronbach_alpha", "cronbach_alpha_from_sums"]

Missing = Literal["pairwise", "listwise", "median"]


@dataclass(frozen=True, slots=True, eq=False)
class AlphaResult:
    """Cronbach's alpha and item analysis.

    Attributes
    ----------
    alpha : float
        Raw coefficient alpha (from covariances).
    standardized_alpha : float
        Alpha from the correlation matrix, :math:`k\\bar r/(1 + (k-1)\\bar r)`.
    average_r : float
        Mean inter-item correlation :math:`\\bar r` (off-diagonal).
    lo, hi : float
        Feldt confidence limits of ``alpha``.
    confidence : float
        Confidence level of ``lo``/``hi``.
    item_rest : ndarray
        Corrected item-total correlation: each item with the sum of the other items.
    item_total : ndarray
        Raw item-total correlation: each item with the total including itself.
    alpha_if_deleted : ndarray or None
        Alpha of the remaining items when each item is dropped (None when k = 2).
    n : int
        Respondents used (all rows for pairwise/median, complete rows for listwise).
    k : int
        Number of items.
    missing : str
        Missing-data policy used.
    """

    alpha: float
    standardized_alpha: float
    average_r: float
    lo: float
    hi: float
    confidence: float
    item_rest: FloatArray
    item_total: FloatArray
    alpha_if_deleted: FloatArray | None
    n: int
    k: int
    missing: str


@dataclass(frozen=True, slots=True, eq=False)
class AlphaFromSums:
    """Cronbach's alpha computed from rollups.

    Attributes
    ----------
    alpha : float
        Raw coefficient alpha.
    lo, hi : float
        Feldt confidence limits of ``alpha`` (with ``n`` respondents and ``k`` items).
    confidence : float
        Confidence level of ``lo``/``hi``.
    item_variance : ndarray
        Sample variance of each item (read-only).
    total_variance : float
        Sample variance of the respondents' total scores.
    n : int
        Respondents behind the total score.
    k : int
        Number of items.
    """

    alpha: float
    lo: float
    hi: float
    confidence: float
    item_variance: FloatArray
    total_variance: float
    n: int
    k: int


def _feldt(alpha: float, n: int, k: int, conf: float) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) confidence limits of alpha."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    gamma = 1.0 - conf
    lo = 1.0 - (1.0 - alpha) * float(stats.f.isf(gamma / 2, df1, df2))
    hi = 1.0 - (1.0 - alpha) * float(stats.f.isf(1.0 - gamma / 2, df1, df2))
    return lo, hi


_BLOCK = 65_536  # rows per block of the one-pass cross-product


def _pairwise(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Pairwise-complete covariance matrix, pairwise variances and pair counts.

    Returns ``(cov, pvar, n)`` where ``pvar[i, j]`` is the variance of item ``i`` over the
    rows where both ``i`` and ``j`` are answered (for pairwise correlations) and ``n[i, j]``
    the number of those rows. One blocked pass accumulates the cross-products of
    ``[answered, y, y**2]`` with ``y`` the answers shifted by a per-column constant (which
    leaves covariances unchanged and avoids cancellation).
    """
    n_rows, k = x.shape
    head = x[: min(n_rows, 256)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN head columns
        shift = np.nan_to_num(np.nanmedian(head, axis=0))
    # Complete rows need only the cross-product of y; rows with a missing answer also need
    # the pair counts and the pairwise sums (about 4x the work), so they are kept apart.
    n = np.zeros((k, k))
    s = np.zeros((k, k))  # s[i, j] = sum of y_i over rows where i and j are answered
    q = np.zeros((k, k))
    r = np.zeros((k, k))  # r[i, j] = sum of y_i**2 over rows where i and j are answered
    n_full = 0.0
    s_full = np.zeros(k)
    r_full = np.zeros(k)
    for lo in range(0, n_rows, _BLOCK):
        xb = x[lo : lo + _BLOCK]
        present = ~np.isnan(xb)
        complete = present.all(axis=1)
        y = xb[complete] - shift
        n_full += y.shape[0]
        s_full += y.sum(axis=0)
        r_full += np.einsum("ij,ij->j", y, y)
        q += y.T @ y
        if not complete.all():
            mask = present[~complete]
            m = mask.astype(np.float64)
            y0 = np.where(mask, xb[~complete] - shift, 0.0)
            n += m.T @ m
            s += y0.T @ m
            q += y0.T @ y0
            r += (y0 * y0).T @ m
    n += n_full
    s += s_full[:, None]
    r += r_full[:, None]
    answered = np.diag(n)
    if (answered < 2).any():
        j = int(np.argmax(answered < 2))
        raise ValueError(f"item {j} has {int(answered[j])} answer(s); at least 2 are needed")
    if (n < 2).any():
        i, j = np.argwhere(n < 2)[0]
        raise ValueError(f"items {i} and {j} are answered together by fewer than 2 respondents")
    cov = (q - s * s.T / n) / (n - 1)
    pvar = (r - s * s / n) / (n - 1)
    return cov, pvar, n


def cronbach_alpha(
    items: npt.ArrayLike,
    reverse: Sequence[int] = (),
    scale: tuple[float, float] | None = None,
    missing: Missing = "pairwise",
    confidence: float = 0.95,
) -> AlphaResult:
    r"""Cronbach's alpha of a respondents x items table, with item analysis.

    Parameters
    ----------
    items : array_like
        Respondents x items scores (at least 2 x 2); NaN marks a missing answer.
    reverse : sequence of int
        0-based columns of reverse-keyed items, flipped as ``low + high - x``.
    scale : (low, high), optional
        Declared answer scale; required with ``reverse``. Answers outside raise ValueError.
    missing : {"pairwise", "listwise", "median"}
        ``pairwise`` uses each pair's complete observations for the covariances (as psych
        ``use="pairwise"`` and pingouin); ``listwise`` drops incomplete respondents;
        ``median`` fills each missing answer with the item's median.
    confidence : float
        Confidence level of the Feldt interval.

    Returns
    -------
    AlphaResult

    Raises
    ------
    ValueError
        On an empty or one-column table, infinite values, answers outside ``scale``, an
        item with no variance, or too few (complete) respondents.

    Notes
    -----
    With item covariance matrix :math:`C` (:math:`k \times k`):

    .. math::
        \alpha = \frac{k}{k-1}\left(1 - \frac{\operatorname{tr} C}{\mathbf 1^\top C\,\mathbf 1}
        \right), \qquad
        \alpha_{\mathrm{std}} = \frac{k\bar r}{1 + (k-1)\bar r}

    Feldt's interval (:math:`n` respondents, :math:`F` quantiles with :math:`n-1` and
    :math:`(n-1)(k-1)` degrees of freedom):

    .. math::
        \left[1 - (1-\alpha) F_{1-\gamma/2},\; 1 - (1-\alpha) F_{\gamma/2}\right]

    Item-total statistics are derived from :math:`C` (so they honour the missing-data
    policy): :math:`\operatorname{cov}(x_j, T) = \sum_l C_{jl}` and
    :math:`\operatorname{var}(T - x_j) = \mathbf 1^\top C \mathbf 1 - 2\sum_l C_{jl} + C_{jj}`.

    Examples
    --------
    >>> data = [[3, 4, 3], [5, 5, 4], [2, 3, 2], [4, 4, 5], [1, 2, 2]]
    >>> r = cronbach_alpha(data)
    >>> round(r.alpha, 4), r.n, r.k
    (0.9388, 5, 3)
    """
    x = matrix(items, "items", min_rows=2, min_cols=2, allow_nan=True)
    conf = check_confidence(confidence)
    if scale is not None:
        check_scale(x[~np.isnan(x)], "items", scale)
    if reverse:
        if scale is None:
            raise ValueError("reverse-keyed items need the answer scale: pass scale=(low, high)")
        cols = [count(c, "reverse column") for c in reverse]
        for c in cols:
            if c >= x.shape[1]:
                raise ValueError(f"reverse column {c} is out of range for {x.shape[1]} items")
        x = x.copy()
        x[:, cols] = scale[0] + scale[1] - x[:, cols]
    if missing == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
        if x.shape[0] < 2:
            raise ValueError("fewer than 2 respondents answered every item (listwise)")
    elif missing == "median":
        med = np.nanmedian(np.where(np.isnan(x).all(axis=0), 0.0, x), axis=0)
        x = np.where(np.isnan(x), med, x)
    elif missing != "pairwise":
        raise ValueError(f"missing must be 'pairwise', 'listwise' or 'median', got {missing!r}")
    n, k = x.shape
    cov, pvar, _ = _pairwise(x)
    var = np.diag(cov)
    if (var <= 0).any():
        j = int(np.argmax(var <= 0))
        raise ValueError(f"item {j} has zero variance; alpha and correlations are undefined")
    total_var = float(cov.sum())
    if total_var <= 0:
        raise ValueError("the variance of the total score is not positive")
    alpha = k / (k - 1) * (1.0 - float(np.trace(cov)) / total_var)
    corr = cov / np.sqrt(pvar * pvar.T)
    off = ~np.eye(k, dtype=bool)
    r_bar = float(corr[off].mean())
    if 1.0 + (k - 1) * r_bar <= 1e-12:
        raise ValueError(
            f"the average inter-item correlation is {r_bar:.3g} (at most -1/(k-1)): the items "
            "pull in opposite directions and standardized alpha is undefined; flip "
            "reverse-keyed items with reverse= and scale="
        )
    std_alpha = k * r_bar / (1.0 + (k - 1) * r_bar)
    lo, hi = _feldt(alpha, n, k, conf)
    row = cov.sum(axis=1)
    item_total = row / np.sqrt(var * total_var)
    rest_var = total_var - 2.0 * row + var
    if (rest_var <= 1e-12 * total_var).any():
        j = int(np.argmax(rest_var <= 1e-12 * total_var))
        raise ValueError(
            f"without item {j} the other items' total has no variance; item-rest "
            "correlations are undefined"
        )
    item_rest = (row - var) / np.sqrt(var * rest_var)
    if_deleted: FloatArray | None = None
    if k > 2:
        if_deleted = (k - 1) / (k - 2) * (1.0 - (np.trace(cov) - var) / rest_var)
    for arr in (item_rest, item_total, if_deleted):
        if arr is not None:
            arr.flags.writeable = False
    return AlphaResult(
        alpha=alpha,
        standardized_alpha=std_alpha,
        average_r=r_bar,
        lo=lo,
        hi=hi,
        confidence=conf,
        item_rest=item_rest,
        item_total=item_total,
        alpha_if_deleted=if_deleted,
        n=int(n),
        k=int(k),
        missing=missing,
    )


def cronbach_alpha_from_sums(
    item_n: npt.ArrayLike,
    item_sum: npt.ArrayLike,
    item_sum2: npt.ArrayLike,
    total_n: int,
    total_sum: float,
    total_sum2: float,
    confidence: float = 0.95,
) -> AlphaFromSums:
    r"""Cronbach's alpha from rollups of the k items and of the respondents' total score.

    Parameters
    ----------
    item_n, item_sum, item_sum2 : array_like
        For each of the k items (k >= 2): number of answers, their sum and their sum of
        squares.
    total_n, total_sum, total_sum2 : float
        For the total score (sum of the k items) of each respondent who answered every item:
        number of respondents, sum of the totals and sum of the squared totals.
    confidence : float
        Confidence level of the Feldt interval.

    Returns
    -------
    AlphaFromSums

    Raises
    ------
    ValueError
        On fewer than 2 items, item arrays of different lengths, an ``n`` under 2,
        inconsistent sums, or a total score without variance.

    Notes
    -----
    With item variances :math:`s_i^2` and total-score variance :math:`s_T^2`, each from
    :math:`s^2 = (\sum x^2 - (\sum x)^2/n)/(n-1)` (Cronbach 1951):

    .. math:: \alpha = \frac{k}{k-1}\left(1 - \frac{\sum_i s_i^2}{s_T^2}\right)

    With complete answers (every item's rollup covers the same respondents as the total) this
    is exactly the alpha of :func:`cronbach_alpha` with ``missing="listwise"``. When some
    respondents skipped items, the item variances also include those partial respondents
    while the total variance does not; the result is then an approximation, close to the
    pairwise alpha when answers are missing at random. The Feldt interval uses ``total_n``.

    Examples
    --------
    Three respondents answering two items (1, 2, 3) and (2, 2, 4); totals 3, 4, 7:

    >>> r = cronbach_alpha_from_sums([3, 3], [6, 8], [14, 24], 3, 14, 74)
    >>> round(r.alpha, 4), r.k, r.n
    (0.9231, 2, 3)
    """
    item_var = variance_from_sums(item_n, item_sum, item_sum2)
    k = int(item_var.size)
    if k < 2:
        raise ValueError(f"alpha needs at least 2 items, got {k}")
    n = count(total_n, "total_n", minimum=2)
    total_var = float(variance_from_sums(n, total_sum, total_sum2)[0])
    if total_var <= 0:
        raise ValueError("the variance of the total score is not positive")
    conf = check_confidence(confidence)
    alpha = k / (k - 1) * (1.0 - float(item_var.sum()) / total_var)
    lo, hi = _feldt(alpha, n, k, conf)
    item_var.flags.writeable = False
    return AlphaFromSums(alpha, lo, hi, conf, item_var, total_var, n, k)
