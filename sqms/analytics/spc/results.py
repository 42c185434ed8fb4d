"""What the charts return: per-point arrays and signals, frozen; the run-rule numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .._validate import (
    FloatArray,
    IntArray,
)

ALL_RULES: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)

#: The eight Nelson (1984) tests; 1, 2, 5 and 6 are the Western Electric zone rules.
NELSON_RULES: dict[int, str] = {
    1: "one point beyond 3 sigma",
    2: "nine points in a row on the same side of the centre line",
    3: "six points in a row steadily increasing or decreasing",
    4: "fourteen points in a row alternating up and down",
    5: "two out of three points beyond 2 sigma on the same side",
    6: "four out of five points beyond 1 sigma on the same side",
    7: "fifteen points in a row within 1 sigma of the centre line",
    8: "eight points in a row beyond 1 sigma, on either side",
}


def _frozen(arr: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, slots=True, eq=False)
class ChartResult:
    """One control chart.

    Attributes
    ----------
    chart : str
        Chart type, e.g. ``"xbar"``, ``"R"``, ``"p"``.
    statistic : ndarray
        The plotted value at each point (subgroup mean, range, proportion, count ...).
    center : ndarray
        Centre line at each point.
    lcl, ucl : ndarray
        Lower and upper control limits at each point (they vary with subgroup size for
        p, u and ragged x-bar/s charts). A negative LCL of a non-negative statistic is 0.
    sigma : ndarray
        Standard deviation of the plotted statistic at each point.
    signals : dict[int, ndarray]
        Rule number (1-8, see :data:`NELSON_RULES`) to the 0-based indices of the points
        flagged by that rule. Only the requested rules are present.
    baseline : int
        Number of leading points used to estimate the limits (phase I).
    excluded : tuple[int, ...]
        Baseline points left out of the estimate (``exclude`` or re-estimation).
    """

    chart: str
    statistic: FloatArray
    center: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    sigma: FloatArray
    signals: dict[int, IntArray]
    baseline: int
    excluded: tuple[int, ...] = ()

    @property
    def beyond_limits(self) -> IntArray:
        """Indices of points strictly outside the control limits."""
        return np.flatnonzero((self.statistic > self.ucl) | (self.statistic < self.lcl))

    @property
    def flagged(self) -> IntArray:
        """Sorted indices of points flagged by any requested rule."""
        if not self.signals:
            return np.zeros(0, dtype=np.intp)
        return np.unique(np.concatenate(list(self.signals.values()))).astype(np.intp)


@dataclass(frozen=True, slots=True, eq=False)
class XbarR:
    """X-bar and R charts: ``xbar`` (subgroup means) and ``r`` (subgroup ranges)."""

    xbar: ChartResult
    r: ChartResult


@dataclass(frozen=True, slots=True, eq=False)
class XbarS:
    """X-bar and s charts: ``xbar`` (subgroup means) and ``s`` (subgroup standard deviations)."""

    xbar: ChartResult
    s: ChartResult


@dataclass(frozen=True, slots=True, eq=False)
class IMR:
    """Individuals and moving-range charts.

    ``i`` has one point per observation. ``mr`` has one point fewer: its point ``j`` is
    ``|x[j+1] - x[j]|``, so its indices are shifted by one against the observations.
    """

    i: ChartResult
    mr: ChartResult


@dataclass(frozen=True, slots=True, eq=False)
class EwmaResult(ChartResult):
    """EWMA chart with exact (time-varying) limits.

    Attributes
    ----------
    lam : float
        Smoothing constant lambda.
    L : float
        Width of the limits in sigma units of the EWMA statistic.
    start : float
        Starting value z0 (the target or the baseline mean).
    steady_lcl, steady_ucl : float
        Asymptotic limits, :math:`\\mu_0 \\pm L\\sigma\\sqrt{\\lambda/(2-\\lambda)}`.
    """

    lam: float = 0.2
    L: float = 3.0
    start: float = 0.0
    steady_lcl: float = 0.0
    steady_ucl: float = 0.0


@dataclass(frozen=True, slots=True, eq=False)
class CusumResult:
    """Tabular CUSUM.

    Attributes
    ----------
    values : ndarray
        The observations (or subgroup means) charted.
    upper, lower : ndarray
        One-sided sums :math:`C^+_i` and :math:`C^-_i` (both reported as non-negative).
    target, sigma : float
        Process centre :math:`\\mu_0` and the standard deviation of ``values``.
    k, h : float
        Reference value and decision interval in sigma units.
    K, H : float
        The same in data units (``k * sigma``, ``h * sigma``).
    upper_signals, lower_signals : ndarray
        0-based indices where :math:`C^+` (resp. :math:`C^-`) exceeds ``H``.
    upper_run, lower_run : ndarray
        Number of consecutive non-zero sums ending at each point (N+ and N-), which dates
        the start of a shift.
    baseline : int
        Number of leading points used to estimate the target and sigma.
    """

    values: FloatArray
    upper: FloatArray
    lower: FloatArray
    target: float
    sigma: float
    k: float
    h: float
    K: float
    H: float
    upper_signals: IntArray
    lower_signals: IntArray
    upper_run: IntArray
    lower_run: IntArray
    baseline: int


@dataclass(frozen=True, slots=True)
class AnhoejResult:
    """Anhøj run-chart rules.

    Attributes
    ----------
    center : float
        Centre line (the median unless given).
    n_useful : int
        Points not on the centre line.
    longest_run : int
        Longest run of consecutive useful points on one side of the centre.
    longest_run_limit : int
        ``round(log2(n_useful) + 3)``; a longer run signals a shift.
    crossings : int
        Number of times consecutive useful points cross the centre line.
    crossings_limit : int
        Lower 5 % quantile of Binomial(n_useful - 1, 0.5); fewer crossings signal.
    runs_signal, crossings_signal : bool
        Whether each rule fires.
    """

    center: float
    n_useful: int
    longest_run: int
    longest_run_limit: int
    crossings: int
    crossings_limit: int
    runs_signal: bool
    crossings_signal: bool

    @property
    def signal(self) -> bool:
        """True if either rule fires (non-random variation)."""
        return self.runs_signal or self.crossings_signal
