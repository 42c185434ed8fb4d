r"""SERVQUAL gap scores, SERVPERF and the zone of tolerance.

Gap scores are computed per respondent, then summarised with a Student-t interval, which is
the paired-t interval of perception against expectation:

* item gap :math:`G_{ij} = P_{ij} - E_{ij}` (missing if either answer is missing);
* dimension gap of respondent :math:`i`: the mean of his available item gaps in the
  dimension (available case);
* unweighted SERVQUAL score of respondent :math:`i`: the mean of his dimension gaps, given
  only when he has a gap on every dimension (:func:`respondent_scores`, the one rule the
  reports and imports share);
* weighted score: :math:`\sum_d w_d G_{id} / \sum_d w_d` over all dimensions, with
  importance points :math:`w_d` (customers split 100 points over the dimensions), likewise
  only for a respondent with every dimension.

Each summary carries its own ``n`` (respondents with an answer). With complete data the
unweighted score equals the mean of the five dimension gaps, as defined by Parasuraman,
Zeithaml & Berry (1988). A negative gap means the service falls short of expectations.

References
----------
.. [1] Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: a multiple-item
   scale for measuring consumer perceptions of service quality. *Journal of Retailing*
   64(1):12-40.
.. [2] Parasuraman, A., Berry, L. L. & Zeithaml, V. A. (1991). Refinement and reassessment
   of the SERVQUAL scale. *Journal of Retailing* 67(4):420-450 (importance points).
.. [3] Cronin, J. J. & Taylor, S. A. (1992). Measuring service quality: a reexamination and
   extension. *Journal of Marketing* 56(3):55-68 (SERVPERF).
.. [4] Zeithaml, V. A., Berry, L. L. & Parasuraman, A. (1993). The nature and determinants
   of customer expectations of service. *JAMS* 21(1):1-12 (zone of tolerance).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._validate import (
    BoolArray,
    FloatArray,
    check_confidence,
    check_finite,
    check_scale,
    matrix,
)
from .summary import MeanCI, _t_intervals

__all__ = [
    "SERVQUAL_22",
    "ServqualResult",
    "ZoneResult",
    "respondent_item_means",
    "respondent_scores",
    "score",
    "servperf",
    "zone_of_tolerance",
]

#: The five SERVQUAL dimensions and their items as 0-based columns (items 1-22 of PZB 1988/1991).
SERVQUAL_22: dict[str, tuple[int, ...]] = {
    "tangibles": (0, 1, 2, 3),
    "reliability": (4, 5, 6, 7, 8),
    "responsiveness": (9, 10, 11, 12),
    "assurance": (13, 14, 15, 16),
    "empathy": (17, 18, 19, 20, 21),
}


@dataclass(frozen=True, slots=True)
class ServqualResult:
    """Item, dimension and overall scores, each a mean with n and a t-interval.

    Attributes
    ----------
    items : dict[str, MeanCI]
        Per item (keyed by label, default ``"1"``, ``"2"``, ...): gap (or perception for
        SERVPERF) with the number of respondents who answered it.
    dimensions : dict[str, MeanCI]
        Per dimension: mean of the respondents' dimension scores.
    unweighted : MeanCI
        Respondents' mean of their dimension scores.
    weighted : MeanCI or None
        Importance-weighted score, when weights were given.
    measure : str
        ``"gap"`` (P - E), ``"perception"`` (SERVPERF), ``"msa"`` or ``"mss"``.
    """

    items: dict[str, MeanCI]
    dimensions: dict[str, MeanCI]
    unweighted: MeanCI
    weighted: MeanCI | None
    measure: str


@dataclass(frozen=True, slots=True)
class ZoneResult:
    """Zone of tolerance: measures of service adequacy and superiority.

    Attributes
    ----------
    msa : ServqualResult
        Measure of service adequacy, perceived minus adequate (negative = below the zone).
    mss : ServqualResult
        Measure of service superiority, perceived minus desired (positive = above the zone).
    position : dict[str, str]
        Per dimension: ``"below zone"`` (mean MSA < 0), ``"above zone"`` (mean MSS > 0) or
        ``"within zone"``.
    inconsistent : int
        Answer pairs where the adequate level exceeds the desired level (kept, reported).
    """

    msa: ServqualResult
    mss: ServqualResult
    position: dict[str, str]
    inconsistent: int


def _check_dimensions(
    dimensions: Mapping[str, Sequence[int]], k: int
) -> dict[str, npt.NDArray[np.intp]]:
    if not dimensions:
        raise ValueError("dimensions is empty")
    out: dict[str, npt.NDArray[np.intp]] = {}
    for name, cols in dimensions.items():
        idx = np.asarray(list(cols), dtype=np.intp)
        if idx.size == 0:
            raise ValueError(f"dimension {name!r} has no items")
        bad = (idx < 0) | (idx >= k)
        if bad.any():
            raise ValueError(
                f"dimension {name!r} refers to item column {int(idx[bad][0])}, but the data "
                f"have {k} item columns (0-based)"
            )
        out[str(name)] = idx
    return out


def _shifted(
    values: FloatArray, shift: FloatArray | None = None
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Missing mask, values minus a per-column shift with NaN as 0, and the shift.

    The shift (default: median of the first answers of each column) keeps the one-pass sums
    of squares free of cancellation.
    """
    present = ~np.isnan(values)
    if shift is None:
        head = values[: min(values.shape[0], 256)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN head columns
            shift = np.nan_to_num(np.nanmedian(head, axis=0))
    filled = np.where(present, values - shift, 0.0)
    return present, filled, shift


def _column_stats(
    present: BoolArray,
    filled: FloatArray,
    shift: FloatArray,
    labels: Sequence[str],
    what: str,
    confidence: float,
) -> dict[str, MeanCI]:
    """Per-column n, mean and t-interval from the shifted, zero-filled table."""
    n = present.sum(axis=0).astype(np.float64)
    s1 = filled.sum(axis=0)
    s2 = np.einsum("ij,ij->j", filled, filled)
    return _stats_from_sums(n, s1, s2, shift, labels, what, confidence)


def _stats_from_sums(
    n: FloatArray,
    s1: FloatArray,
    s2: FloatArray,
    shift: FloatArray,
    labels: Sequence[str],
    what: str,
    confidence: float,
) -> dict[str, MeanCI]:
    """Mean and t-interval per column from n and the sums of shifted values and squares."""
    for j, label in enumerate(labels):
        if n[j] < 2:
            raise ValueError(f"{what} {label!r} has {int(n[j])} answer(s); at least 2 are needed")
    mean = shift + s1 / n
    var = np.maximum(s2 - s1 * s1 / n, 0.0) / (n - 1)
    sd, se, lo, hi = _t_intervals(n, mean, var, confidence)
    return {
        label: MeanCI(
            int(n[j]),
            float(mean[j]),
            float(sd[j]),
            float(se[j]),
            float(lo[j]),
            float(hi[j]),
            confidence,
        )
        for j, label in enumerate(labels)
    }


def _weights(
    weights: Mapping[str, float] | npt.ArrayLike | None, dims: Sequence[str], n_rows: int
) -> FloatArray | None:
    if weights is None:
        return None
    if isinstance(weights, Mapping):
        missing = [d for d in dims if d not in weights]
        if missing:
            raise ValueError(f"weights has no value for dimension(s) {missing}")
        extra = [w for w in weights if w not in dims]
        if extra:
            raise ValueError(f"weights names unknown dimension(s) {extra}")
        w = np.array([[float(weights[d]) for d in dims]])
    else:
        w = matrix(weights, "weights", allow_nan=False)
        if w.shape != (n_rows, len(dims)):
            raise ValueError(
                f"weights must be one row per respondent and one column per dimension "
                f"({n_rows} x {len(dims)}), got {w.shape[0]} x {w.shape[1]}"
            )
    if not np.isfinite(w).all():
        raise ValueError("weights must be finite")
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    if (w.sum(axis=1) <= 0).any():
        raise ValueError("weights must not all be zero for a respondent")
    return np.broadcast_to(w, (n_rows, len(dims)))


def respondent_scores(
    dimension_scores: FloatArray, weights: FloatArray | None = None
) -> tuple[FloatArray, FloatArray | None]:
    r"""Each respondent's unweighted and weighted SERVQUAL score from his dimension scores.

    The missing-data rule of SQMS, the same in reports, imports and this package: a
    respondent's dimension score is the mean of the items he answered in it (available
    case); his overall score needs a score on **every** dimension — the mean of the five
    dimension gaps as Parasuraman, Zeithaml & Berry (1988) define it — so that respondents
    are compared on the same dimensions; otherwise it is NaN. The weighted score
    :math:`\sum_d w_d G_d / \sum_d w_d` needs every dimension score and weights summing to
    more than 0.

    >>> import numpy as np
    >>> G = np.array([[-1.0, -0.5], [np.nan, -2.0]])
    >>> u, w = respondent_scores(G, np.array([[60.0, 40.0], [50.0, 50.0]]))
    >>> u.tolist()[0], bool(np.isnan(u[1])), round(float(w[0]), 2), bool(np.isnan(w[1]))
    (-0.75, True, -0.8, True)
    """
    complete: BoolArray = np.asarray(~np.isnan(dimension_scores).any(axis=1))
    with np.errstate(invalid="ignore"):
        unweighted = np.where(
            complete, np.where(complete[:, None], dimension_scores, 0.0).mean(axis=1), np.nan
        )
    if weights is None:
        return unweighted, None
    w_sum = weights.sum(axis=1)
    ok = complete & (w_sum > 0)
    filled = np.where(ok[:, None], dimension_scores, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        weighted = np.where(ok, (weights * filled).sum(axis=1) / np.where(ok, w_sum, 1.0), np.nan)
    return unweighted, weighted


def respondent_item_means(
    item_scores: FloatArray, dimensions: Mapping[str, Sequence[int]]
) -> FloatArray:
    r"""Each respondent's overall score in the other convention: the mean over **all** the
    items he answered, instead of the mean of his dimension scores:
    :math:`\bar G^{items}_r = \sum_{i \in A_r} G_{ri} / |A_r|` over his answered items
    :math:`A_r`, where :func:`respondent_scores` takes :math:`\sum_d G_{rd} / D`.

    The two agree when every dimension has as many items; with the 22 items of SERVQUAL
    (4, 5, 4, 4, 5) the five-item dimensions weigh 5/22 instead of 1/5. Parasuraman,
    Zeithaml & Berry (1988) average the dimension scores; studies that sum or average the
    22 item gaps (e.g. Cronin & Taylor 1992 for SERVPERF) use this one. The missing-data rule
    is the one of :func:`respondent_scores`: a score needs an answered item in **every**
    dimension, else NaN, so both conventions count the same respondents.

    >>> import numpy as np
    >>> X = np.array([[-1.0, -1.0, 2.0], [np.nan, -1.0, np.nan]])
    >>> m = respondent_item_means(X, {"a": (0, 1), "b": (2,)})
    >>> float(m[0]), bool(np.isnan(m[1]))
    (0.0, True)
    """
    X = np.asarray(item_scores, dtype=float)
    present = ~np.isnan(X)
    complete = np.ones(X.shape[0], dtype=bool)
    for cols in dimensions.values():
        complete &= present[:, list(cols)].any(axis=1)
    count = present.sum(axis=1)
    total = np.where(present, X, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(complete & (count > 0), total / np.maximum(count, 1), np.nan)


_BLOCK = 32_768  # rows per block: keeps the temporaries in cache for 1,000,000-row surveys


class _Sums:
    """Running n, sum and sum of squares per column, about a fixed per-column shift."""

    def __init__(self, width: int) -> None:
        self.shift: FloatArray | None = None
        self.n = np.zeros(width)
        self.s1 = np.zeros(width)
        self.s2 = np.zeros(width)

    def add(self, values: FloatArray) -> tuple[BoolArray, FloatArray]:
        present, filled, self.shift = _shifted(values, self.shift)
        self.n += np.count_nonzero(present, axis=0)
        self.s1 += filled.sum(axis=0)
        self.s2 += np.einsum("ij,ij->j", filled, filled)
        return present, filled

    def summaries(self, labels: Sequence[str], what: str, conf: float) -> dict[str, MeanCI]:
        shift = self.shift if self.shift is not None else np.zeros_like(self.n)
        return _stats_from_sums(self.n, self.s1, self.s2, shift, labels, what, conf)


def _profile(
    block: Callable[[int, int], FloatArray],
    shape: tuple[int, int],
    dimensions: Mapping[str, Sequence[int]],
    weights: Mapping[str, float] | npt.ArrayLike | None,
    item_labels: Sequence[str] | None,
    confidence: float,
    measure: str,
) -> ServqualResult:
    """Summaries of a respondents x items table delivered in row blocks by ``block(i, j)``.

    One pass over the rows: each block yields the item values, then each respondent's
    dimension means, overall and weighted scores, and every level accumulates its n, sum and
    sum of squares.
    """
    n_rows, k = shape
    dims = _check_dimensions(dimensions, k)
    labels = [str(j + 1) for j in range(k)] if item_labels is None else list(item_labels)
    if len(labels) != k:
        raise ValueError(f"item_labels has {len(labels)} labels for {k} item columns")
    conf = check_confidence(confidence)
    names = list(dims)
    w = _weights(weights, names, n_rows)
    # Columns regrouped so that each dimension is a contiguous run (reduceat sums runs).
    order = np.concatenate([dims[name] for name in names])
    starts = np.cumsum([0] + [dims[name].size for name in names[:-1]])
    item_acc, dim_acc, overall_acc, weighted_acc = _Sums(k), _Sums(len(names)), _Sums(1), _Sums(1)
    for lo in range(0, n_rows, _BLOCK):
        hi = min(lo + _BLOCK, n_rows)
        values = block(lo, hi)
        present, _ = item_acc.add(values)
        answered = present.astype(np.float64)
        counts = np.add.reduceat(answered[:, order], starts, axis=1)
        sums = np.add.reduceat(np.where(present, values, 0.0)[:, order], starts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_dim = np.where(counts > 0, sums / np.maximum(counts, 1.0), np.nan)
        dim_acc.add(per_dim)
        overall, ws = respondent_scores(per_dim, None if w is None else w[lo:hi])
        overall_acc.add(overall[:, None])
        if ws is not None:
            weighted_acc.add(ws[:, None])
    items = item_acc.summaries(labels, "item", conf)
    dimensions_out = dim_acc.summaries(names, "dimension", conf)
    unweighted = overall_acc.summaries(["overall"], "overall score", conf)["overall"]
    weighted = None
    if w is not None:
        weighted = weighted_acc.summaries(["weighted"], "weighted score", conf)["weighted"]
    return ServqualResult(items, dimensions_out, unweighted, weighted, measure)


def _answers(values: npt.ArrayLike, name: str, scale: tuple[float, float]) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a rectangular table of numbers: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be two-dimensional (respondents x items), got {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"{name} needs at least 2 rows (respondents), got {arr.shape[0]}")
    if arr.shape[1] < 1:
        raise ValueError(f"{name} has no item columns")
    # fmin/fmax skip NaN: one cheap pass each instead of masking the whole table.
    low = float(np.fmin.reduce(arr, axis=None))
    high = float(np.fmax.reduce(arr, axis=None))
    if math.isnan(low):
        raise ValueError(f"{name} has no answers (all NaN)")
    if not (math.isfinite(low) and math.isfinite(high)):
        check_finite(arr, name, allow_nan=True)
    if low < scale[0] or high > scale[1]:
        check_scale(np.where(np.isnan(arr), scale[0], arr), name, scale)
    return arr


def _pair(
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    names: tuple[str, str],
    scale: tuple[float, float],
) -> tuple[FloatArray, FloatArray]:
    a = _answers(first, names[0], scale)
    b = _answers(second, names[1], scale)
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape (respondents x items), "
            f"got {a.shape} and {b.shape}"
        )
    return a, b


def score(
    expectations: npt.ArrayLike,
    perceptions: npt.ArrayLike,
    dimensions: Mapping[str, Sequence[int]] = SERVQUAL_22,
    weights: Mapping[str, float] | npt.ArrayLike | None = None,
    *,
    scale: tuple[float, float] = (1, 7),
    item_labels: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> ServqualResult:
    r"""SERVQUAL gap scores (perception minus expectation) with paired-t intervals.

    Parameters
    ----------
    expectations, perceptions : array_like
        Respondents x items answers, the same shape; NaN marks a missing answer.
    dimensions : mapping of str to sequence of int
        Dimension name to its 0-based item columns (default :data:`SERVQUAL_22`). Any
        mapping works, e.g. a shortened or extended instrument.
    weights : mapping or array_like, optional
        Importance points per dimension: one mapping for everybody, or a respondents x
        dimensions array (each respondent's 100-point split), in ``dimensions`` order.
    scale : (low, high)
        Declared answer scale; any answer outside raises ValueError (default 1..7).
    item_labels : sequence of str, optional
        Labels of the item columns (default ``"1"``, ``"2"``, ...).
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    ServqualResult
        ``measure == "gap"``.

    Raises
    ------
    ValueError
        For mismatched shapes, answers outside the scale, infinite values, fewer than 2
        answers for an item or dimension, or bad weights.

    Notes
    -----
    .. math::
        G_{ij} = P_{ij} - E_{ij}, \quad
        G_{id} = \frac{1}{|d_i|}\sum_{j \in d_i} G_{ij}, \quad
        \mathrm{SQ}_i = \frac{1}{|D_i|}\sum_{d \in D_i} G_{id}, \quad
        \mathrm{WSQ}_i = \frac{\sum_{d \in D_i} w_{id} G_{id}}{\sum_{d \in D_i} w_{id}}

    where :math:`d_i` are respondent :math:`i`'s answered items in dimension :math:`d` and
    :math:`D_i` all dimensions: :math:`\mathrm{SQ}_i` and :math:`\mathrm{WSQ}_i` are
    missing unless respondent :math:`i` has a gap on every dimension (:func:`respondent_scores`). Each summary is
    :math:`\bar G \pm t_{1-\alpha/2, n-1}\, s/\sqrt n` (the paired t-interval).
    Parasuraman, Zeithaml & Berry (1988, 1991).

    Examples
    --------
    Three respondents, two dimensions of two items each:

    >>> E = [[6, 7, 6, 7], [5, 6, 6, 6], [7, 7, 6, 5]]
    >>> P = [[5, 6, 6, 5], [5, 5, 4, 6], [6, 5, 5, 5]]
    >>> r = score(E, P, {"tangibles": [0, 1], "reliability": [2, 3]})
    >>> round(r.dimensions["tangibles"].mean, 4), round(r.unweighted.mean, 4)
    (-1.0, -0.9167)
    >>> r.items["3"].n
    3
    """
    e, p = _pair(expectations, perceptions, ("expectations", "perceptions"), scale)
    return _profile(
        lambda i, j: p[i:j] - e[i:j], p.shape, dimensions, weights, item_labels, confidence, "gap"
    )


def servperf(
    perceptions: npt.ArrayLike,
    dimensions: Mapping[str, Sequence[int]] = SERVQUAL_22,
    weights: Mapping[str, float] | npt.ArrayLike | None = None,
    *,
    scale: tuple[float, float] = (1, 7),
    item_labels: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> ServqualResult:
    r"""SERVPERF: performance-only scores (Cronin & Taylor 1992).

    Same aggregation as :func:`score` applied to the perceptions themselves.

    Parameters
    ----------
    perceptions : array_like
        Respondents x items answers; NaN = missing.
    dimensions, weights, scale, item_labels, confidence
        As for :func:`score`.

    Returns
    -------
    ServqualResult
        ``measure == "perception"``.

    Notes
    -----
    .. math::
        P_{id} = \frac{1}{|d_i|}\sum_{j \in d_i} P_{ij}, \qquad
        \mathrm{SP}_i = \frac{1}{|D_i|}\sum_{d \in D_i} P_{id}

    Examples
    --------
    >>> r = servperf([[5, 6, 6, 5], [5, 5, 4, 6], [6, 5, 5, 5]],
    ...              {"tangibles": [0, 1], "reliability": [2, 3]})
    >>> round(r.unweighted.mean, 4)
    5.25
    """
    p = _answers(perceptions, "perceptions", scale)
    return _profile(
        lambda i, j: p[i:j], p.shape, dimensions, weights, item_labels, confidence, "perception"
    )


def zone_of_tolerance(
    adequate: npt.ArrayLike,
    desired: npt.ArrayLike,
    perceived: npt.ArrayLike,
    dimensions: Mapping[str, Sequence[int]] = SERVQUAL_22,
    *,
    scale: tuple[float, float] = (1, 9),
    item_labels: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> ZoneResult:
    r"""Zone of tolerance: MSA = P - adequate, MSS = P - desired (Zeithaml et al. 1993).

    Parameters
    ----------
    adequate, desired, perceived : array_like
        Respondents x items answers of the three-column format; NaN = missing.
    dimensions, item_labels, confidence
        As for :func:`score`.
    scale : (low, high)
        Declared scale (default 1..9 as in the three-column SERVQUAL of PBZ 1994).

    Returns
    -------
    ZoneResult

    Notes
    -----
    Service is within the zone of tolerance when
    :math:`\text{adequate} \le P \le \text{desired}`, i.e. :math:`\mathrm{MSA} \ge 0` and
    :math:`\mathrm{MSS} \le 0`.

    Examples
    --------
    >>> A = [[5, 5], [4, 6], [5, 5]]
    >>> D = [[8, 8], [7, 9], [8, 8]]
    >>> P = [[6, 4], [6, 5], [7, 4]]
    >>> z = zone_of_tolerance(A, D, P, {"first": [0], "second": [1]})
    >>> z.position
    {'first': 'within zone', 'second': 'below zone'}
    """
    a, d = _pair(adequate, desired, ("adequate", "desired"), scale)
    a, p = _pair(a, perceived, ("adequate", "perceived"), scale)
    msa = _profile(
        lambda i, j: p[i:j] - a[i:j], p.shape, dimensions, None, item_labels, confidence, "msa"
    )
    mss = _profile(
        lambda i, j: p[i:j] - d[i:j], p.shape, dimensions, None, item_labels, confidence, "mss"
    )
    position: dict[str, str] = {}
    for name in msa.dimensions:
        if msa.dimensions[name].mean < 0:
            position[name] = "below zone"
        elif mss.dimensions[name].mean > 0:
            position[name] = "above zone"
        else:
            position[name] = "within zone"
    with np.errstate(invalid="ignore"):
        inconsistent = int(np.count_nonzero(a > d))
    return ZoneResult(msa, mss, position, inconsistent)
