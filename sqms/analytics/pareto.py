r"""Pareto analysis: which few causes account for most of the problems.

References
----------
.. [1] Juran, J. M. (1951). *Quality Control Handbook*. McGraw-Hill (the "vital few and
   trivial many").
.. [2] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control*, 8th ed.,
   section 5.4 (Pareto chart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ._validate import FloatArray

__all__ = ["ParetoResult", "pareto"]


@dataclass(frozen=True, slots=True, eq=False)
class ParetoResult:
    """Causes sorted by count with shares and the vital few.

    Attributes
    ----------
    labels : tuple[str, ...]
        Causes, largest count first (ties in label order).
    counts : ndarray
        Count per cause.
    shares : ndarray
        Share of the total per cause (0..1).
    cumulative : ndarray
        Cumulative share (0..1), ending at 1.
    vital_few : tuple[str, ...]
        Leading causes up to and including the first whose cumulative share reaches ``cut``.
    cut : float
        The cut used.
    total : float
        Sum of the counts.
    """

    labels: tuple[str, ...]
    counts: FloatArray
    shares: FloatArray
    cumulative: FloatArray
    vital_few: tuple[str, ...]
    cut: float
    total: float


def pareto(causes: Mapping[str, float] | Sequence[str], cut: float = 0.8) -> ParetoResult:
    r"""Sort causes by frequency and find the vital few at ``cut`` of the total.

    Parameters
    ----------
    causes : mapping of str to count, or sequence of str
        Counts per cause, or one label per occurrence (e.g. the cause of each complaint).
    cut : float
        Cumulative share that defines the vital few, in (0, 1]; default 0.8 (80/20).

    Returns
    -------
    ParetoResult

    Notes
    -----
    With counts sorted :math:`n_{(1)} \ge n_{(2)} \ge \dots`, the cumulative share is
    :math:`F_k = \sum_{i \le k} n_{(i)} / \sum_i n_i`; the vital few are causes
    :math:`1..k^*` with :math:`k^* = \min\{k : F_k \ge \text{cut}\}`.

    Examples
    --------
    >>> r = pareto({"attitude": 42, "waiting": 30, "price": 9, "product": 12, "other": 7})
    >>> r.labels[:2], r.vital_few
    (('attitude', 'waiting'), ('attitude', 'waiting', 'product'))
    >>> [round(float(c), 2) for c in r.cumulative]
    [0.42, 0.72, 0.84, 0.93, 1.0]
    """
    c = float(cut)
    if not 0.0 < c <= 1.0:
        raise ValueError(f"cut must be in (0, 1], got {cut!r}")
    if isinstance(causes, Mapping):
        items = [(str(k), float(v)) for k, v in causes.items()]
    elif isinstance(causes, str):
        raise ValueError("causes must be a mapping of counts or a sequence of labels, not a string")
    else:
        items = [(str(k), float(v)) for k, v in Counter(str(x) for x in causes).items()]
    if not items:
        raise ValueError("causes is empty")
    for label, value in items:
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"count for {label!r} must be a finite number >= 0, got {value!r}")
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    counts = np.array([v for _, v in items])
    total = float(counts.sum())
    if total <= 0:
        raise ValueError("all counts are zero: nothing to analyse")
    shares = counts / total
    cumulative = np.cumsum(counts) / total
    cumulative[-1] = 1.0
    k = int(np.argmax(cumulative >= c - 1e-12)) + 1
    labels = tuple(label for label, _ in items)
    for arr in (counts, shares, cumulative):
        arr.flags.writeable = False
    return ParetoResult(labels, counts, shares, cumulative, labels[:k], c, total)
