r"""Statistical process control charts and run rules.

Shewhart charts for variables (:func:`xbar_r`, :func:`xbar_s`, :func:`imr`) and attributes
(:func:`p_chart`, :func:`np_chart`, :func:`c_chart`, :func:`u_chart`), time-weighted charts
for small shifts (:func:`ewma`, :func:`cusum`), the Western Electric / Nelson run rules
(:func:`run_rules`) and the Anhøj rules for run charts (:func:`anhoej`).

Phase I and phase II
    Every chart takes ``baseline``: the first ``baseline`` points estimate the centre line and
    sigma (phase I); every point, later ones included, is judged against those limits
    (phase II). The default uses all points. ``exclude`` leaves baseline points with a known
    assignable cause out of the estimate; ``reestimate=True`` drops baseline points beyond the
    limits and estimates again until no baseline point is beyond them. Where the centre and
    sigma are known (a standard), pass ``target=`` and/or ``sigma=`` instead.

Every chart result holds per-point arrays ``statistic``, ``center``, ``lcl``, ``ucl`` and
``sigma`` (the standard deviation of the plotted statistic at that point), and ``signals``, a
dict from rule number to the 0-based indices of the points that break it. A negative lower
limit of a non-negative statistic is reported as 0.

References
----------
.. [1] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control*, 8th ed.
   Wiley. Chapters 6 (variables), 7 (attributes) and 9 (CUSUM and EWMA).
.. [2] NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3,
   https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc3.htm
.. [3] Nelson, L. S. (1984). The Shewhart control chart - tests for special causes.
   *Journal of Quality Technology* 16(4):237-239.
.. [4] Western Electric Company (1956). *Statistical Quality Control Handbook*.
.. [5] Anhøj, J. & Olesen, A. V. (2014). Run charts revisited: a simulation study of run
   chart rules for detection of non-random variation in health care processes.
   *PLoS ONE* 9(11): e113825.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import signal as sps  # type: ignore[import-untyped, unused-ignore]
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from ._validate import (
    BoolArray,
    FloatArray,
    IntArray,
    check_finite,
    count,
    positive,
    vector,
    whole,
)
from .constants import Constants, check_constants, factors

__all__ = [
    "ALL_RULES",
    "NELSON_RULES",
    "AnhoejResult",
    "ChartResult",
    "CusumResult",
    "EwmaResult",
    "IMR",
    "XbarR",
    "XbarS",
    "anhoej",
    "c_chart",
    "cusum",
    "ewma",
    "imr",
    "np_chart",
    "p_chart",
    "run_rules",
    "u_chart",
    "xbar_r",
    "xbar_s",
]

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


# ----------------------------------------------------------------------------- run rules


def _window_count(flags: BoolArray, width: int) -> IntArray:
    """Number of True values among the last ``width`` points ending at each index."""
    cs = np.concatenate(([0], np.cumsum(flags, dtype=np.intp)))
    ends = np.arange(1, flags.size + 1)
    starts = np.maximum(ends - width, 0)
    return (cs[ends] - cs[starts]).astype(np.intp)


def _check_rules(rules: Sequence[int]) -> tuple[int, ...]:
    out = tuple(int(r) for r in rules)
    for r in out:
        if r not in NELSON_RULES:
            raise ValueError(f"rules must be numbers 1 to 8, got {r}")
    return out


def _rule_flags(
    x: FloatArray, z: FloatArray, rules: Sequence[int], beyond: BoolArray | None = None
) -> dict[int, IntArray]:
    """Points breaking each rule; ``z`` is the standardized statistic, ``x`` the raw one."""
    n = x.size
    out: dict[int, IntArray] = {}
    d = np.diff(x)
    for rule in rules:
        flag: BoolArray
        if rule == 1:
            flag = beyond if beyond is not None else np.abs(z) > 3.0
        elif rule == 2:
            flag = (_window_count(z > 0, 9) == 9) | (_window_count(z < 0, 9) == 9)
        elif rule == 3:
            flag = np.zeros(n, dtype=bool)
            if n >= 6:
                flag[1:] = (_window_count(d > 0, 5) == 5) | (_window_count(d < 0, 5) == 5)
        elif rule == 4:
            flag = np.zeros(n, dtype=bool)
            if n >= 14:
                alternate = d[1:] * d[:-1] < 0
                flag[2:] = _window_count(alternate, 12) == 12
        elif rule == 5:
            hi, lo = z > 2.0, z < -2.0
            flag = (hi & (_window_count(hi, 3) >= 2)) | (lo & (_window_count(lo, 3) >= 2))
        elif rule == 6:
            hi, lo = z > 1.0, z < -1.0
            flag = (hi & (_window_count(hi, 5) >= 4)) | (lo & (_window_count(lo, 5) >= 4))
        elif rule == 7:
            flag = _window_count(np.abs(z) < 1.0, 15) == 15
        else:  # rule 8
            flag = _window_count(np.abs(z) > 1.0, 8) == 8
        out[rule] = _frozen(np.flatnonzero(flag))  # type: ignore[assignment]
    return out


def run_rules(
    values: npt.ArrayLike,
    center: float | npt.ArrayLike,
    sigma: float | npt.ArrayLike,
    rules: Sequence[int] = ALL_RULES,
) -> dict[int, IntArray]:
    r"""Points that break the Western Electric / Nelson run rules.

    Each point is flagged where it completes the pattern (the last point of the window), so
    a long run flags every point from the one that first completes it.

    Parameters
    ----------
    values : array_like
        The plotted statistic, in time order.
    center : float or array_like
        Centre line (scalar or one per point).
    sigma : float or array_like
        Standard deviation of the plotted statistic (scalar or one per point), > 0.
    rules : sequence of int
        Rule numbers from :data:`NELSON_RULES` (default all eight).

    Returns
    -------
    dict[int, ndarray]
        Rule number to 0-based indices of flagged points.

    Notes
    -----
    With :math:`z_i = (x_i - \text{centre}_i)/\sigma_i`: (1) :math:`|z_i| > 3`; (2) nine
    :math:`z` in a row of one sign; (3) six :math:`x` strictly increasing or decreasing;
    (4) fourteen :math:`x` alternating; (5) :math:`z_i` beyond 2 and at least two of the last
    three beyond 2 on the same side; (6) :math:`z_i` beyond 1 and at least four of the last
    five beyond 1 on the same side; (7) fifteen :math:`|z| < 1`; (8) eight :math:`|z| > 1`.
    Rules 1, 2, 5 and 6 are the Western Electric (1956) zone rules; all eight are
    Nelson (1984).

    Examples
    --------
    >>> x = [0.5, 0.2, 0.4, 0.3, 0.6, 0.1, 0.3, 0.2, 0.4, 3.5]
    >>> {r: idx.tolist() for r, idx in run_rules(x, 0.0, 1.0, rules=(1, 2)).items()}
    {1: [9], 2: [8, 9]}
    """
    x = vector(values, "values")
    c = np.broadcast_to(np.asarray(center, dtype=np.float64), x.shape)
    s = np.broadcast_to(np.asarray(sigma, dtype=np.float64), x.shape)
    check_finite(c, "center")
    check_finite(s, "sigma")
    if (s <= 0).any():
        raise ValueError("sigma must be positive at every point")
    return _rule_flags(x, (x - c) / s, _check_rules(rules))


def anhoej(values: npt.ArrayLike, center: float | None = None) -> AnhoejResult:
    r"""Anhøj rules for run charts: unusually long runs or too few crossings.

    Parameters
    ----------
    values : array_like
        Observations in time order (at least 2 off the centre line).
    center : float, optional
        Centre line; default the median of ``values``.

    Returns
    -------
    AnhoejResult

    Notes
    -----
    Points on the centre line are ignored. With :math:`n` useful points the longest run
    signals when it exceeds :math:`\mathrm{round}(\log_2 n + 3)` and the number of crossings
    signals when it is below the 5 % quantile of :math:`\mathrm{Bin}(n-1, 1/2)`
    (Anhøj & Olesen 2014).

    Examples
    --------
    >>> r = anhoej([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    >>> r.longest_run, r.longest_run_limit, r.crossings, r.crossings_limit, r.signal
    (6, 7, 1, 3, True)
    """
    x = vector(values, "values")
    c = float(np.median(x)) if center is None else float(center)
    if not math.isfinite(c):
        raise ValueError(f"center must be finite, got {center!r}")
    side = np.sign(x - c)
    side = side[side != 0]
    n = int(side.size)
    if n < 2:
        raise ValueError("anhoej needs at least 2 points off the centre line")
    change = side[1:] != side[:-1]
    crossings = int(change.sum())
    bounds = np.concatenate(([0], np.flatnonzero(change) + 1, [n]))
    longest = int(np.diff(bounds).max())
    run_limit = round(math.log2(n) + 3)
    cross_limit = int(stats.binom.ppf(0.05, n - 1, 0.5))
    return AnhoejResult(
        center=c,
        n_useful=n,
        longest_run=longest,
        longest_run_limit=run_limit,
        crossings=crossings,
        crossings_limit=cross_limit,
        runs_signal=longest > run_limit,
        crossings_signal=crossings < cross_limit,
    )


# ----------------------------------------------------------------------------- helpers


def _baseline_count(n: int, baseline: int | None) -> int:
    if baseline is None:
        return n
    m = count(baseline, "baseline", minimum=2)
    if m > n:
        raise ValueError(f"baseline is {m} but there are only {n} points")
    return m


def _use_mask(n: int, m: int, exclude: Sequence[int]) -> BoolArray:
    use = np.zeros(n, dtype=bool)
    use[:m] = True
    for i in exclude:
        j = count(i, "exclude index")
        if j >= m:
            raise ValueError(f"exclude index {j} is not a baseline point (baseline has {m})")
        use[j] = False
    if use.sum() < 2:
        raise ValueError("fewer than 2 baseline points are left to estimate the limits")
    return use


def _chart(
    name: str,
    stat: FloatArray,
    center: FloatArray | float,
    sigma: FloatArray | float,
    rules: Sequence[int],
    m: int,
    use: BoolArray,
    *,
    width: float = 3.0,
    floor: float | None = None,
    cap: FloatArray | float | None = None,
    lower: FloatArray | float | None = None,
) -> ChartResult:
    n = stat.size
    c = np.broadcast_to(np.asarray(center, dtype=np.float64), (n,)).copy()
    s = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (n,)).copy()
    if lower is None:
        lcl = c - width * s
    else:  # a printed factor (D3, B3, D1, B5) rather than centre - 3 sigma
        lcl = np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)).copy()
    ucl = c + width * s
    if floor is not None:
        lcl = np.maximum(lcl, floor)
    if cap is not None:
        ucl = np.minimum(ucl, cap)
    beyond = (stat > ucl) | (stat < lcl)
    z = (stat - c) / s
    signals = _rule_flags(stat, z, rules, beyond)
    excluded = tuple(int(i) for i in np.flatnonzero(~use[:m]))
    return ChartResult(
        chart=name,
        statistic=_frozen(stat.copy()),  # type: ignore[arg-type]
        center=_frozen(c),  # type: ignore[arg-type]
        lcl=_frozen(lcl),  # type: ignore[arg-type]
        ucl=_frozen(ucl),  # type: ignore[arg-type]
        sigma=_frozen(s),  # type: ignore[arg-type]
        signals=signals,
        baseline=m,
        excluded=excluded,
    )


def _fit(
    n: int,
    baseline: int | None,
    exclude: Sequence[int],
    reestimate: bool,
    build: Callable[[BoolArray, int], list[ChartResult]],
) -> list[ChartResult]:
    """Estimate, then optionally drop baseline points beyond the limits and estimate again."""
    m = _baseline_count(n, baseline)
    use = _use_mask(n, m, exclude)
    while True:
        charts = build(use, m)
        if not reestimate:
            return charts
        out = np.zeros(n, dtype=bool)
        for ch in charts:
            k = ch.statistic.size
            beyond = (ch.statistic > ch.ucl) | (ch.statistic < ch.lcl)
            if k == n:
                out |= beyond
            else:  # moving-range chart: point j spans observations j and j+1
                out[1:] |= beyond
        newly = out & use
        if not newly.any():
            return charts
        use = use & ~newly
        if use.sum() < 2:
            raise ValueError("re-estimation removed all but one baseline point")


def _subgroups(subgroups: npt.ArrayLike | Sequence[npt.ArrayLike], name: str) -> list[FloatArray]:
    if isinstance(subgroups, np.ndarray) and subgroups.ndim == 2:
        rows = [np.asarray(r, dtype=np.float64) for r in subgroups]
    else:
        try:
            rows = [np.asarray(r, dtype=np.float64) for r in subgroups]  # type: ignore[union-attr]
        except TypeError:
            raise ValueError(f"{name} must be a sequence of subgroups") from None
    if not rows:
        raise ValueError(f"{name} is empty")
    for i, r in enumerate(rows):
        if r.ndim != 1:
            raise ValueError(f"{name}[{i}] must be a one-dimensional subgroup")
        if r.size < 2:
            raise ValueError(f"{name}[{i}] has {r.size} value(s); subgroups need at least 2")
        check_finite(r, f"{name}[{i}]")
    if len(rows) < 2:
        raise ValueError(f"{name} needs at least 2 subgroups")
    return rows


def _nonzero_spread(value: float, what: str) -> float:
    if not value > 0:
        raise ValueError(f"{what} is zero: the data have no spread, so limits are undefined")
    return value


def _known(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


# ----------------------------------------------------------------------------- variables


def xbar_r(
    subgroups: npt.ArrayLike | Sequence[npt.ArrayLike],
    *,
    baseline: int | None = None,
    target: float | None = None,
    sigma: float | None = None,
    exclude: Sequence[int] = (),
    reestimate: bool = False,
    rules: Sequence[int] = (1,),
    constants: Constants = "exact",
) -> XbarR:
    r"""X-bar and R control charts for subgroups of equal size.

    Parameters
    ----------
    subgroups : array_like
        ``m x n`` measurements, one row per subgroup (n >= 2, all the same size; use
        :func:`xbar_s` for unequal sizes).
    baseline : int, optional
        Leading subgroups that estimate the limits (phase I); default all.
    target, sigma : float, optional
        Known process mean and standard deviation (a standard) instead of estimates.
    exclude : sequence of int
        Baseline subgroups to leave out of the estimate (assignable causes found).
    reestimate : bool
        Drop baseline subgroups beyond either chart's limits and re-estimate until stable.
    rules : sequence of int
        Run rules to evaluate on both charts (default rule 1 only).
    constants : {"exact", "tabulated"}
        ``"exact"`` (default) computes d2, d3 ... from their definitions; ``"tabulated"``
        uses the printed 3-decimal factors of Montgomery's Appendix Table VI (n <= 25) the
        way a textbook does (``x̿ ± A2·R̄``, ``D3·R̄``, ``D4·R̄``), to reproduce a printed
        example or a qcc / Minitab printout; the limits then differ from the exact ones in
        the 4th significant digit of their distance from the centre line.

    Returns
    -------
    XbarR
        ``.xbar`` and ``.r`` chart results.

    Notes
    -----
    .. math::
        \bar{\bar x} \pm A_2 \bar R, \qquad D_3 \bar R,\; \bar R,\; D_4 \bar R,
        \qquad \hat\sigma = \bar R / d_2

    (Montgomery 2019, section 6.2). With a known sigma the limits are
    :math:`\mu \pm 3\sigma/\sqrt n` and :math:`D_1\sigma, d_2\sigma, D_2\sigma`.

    Examples
    --------
    Piston-ring inside diameters, first 3 of Montgomery's 25 subgroups:

    >>> rings = [[74.030, 74.002, 74.019, 73.992, 74.008],
    ...          [73.995, 73.992, 74.001, 74.011, 74.004],
    ...          [73.988, 74.024, 74.021, 74.005, 74.002]]
    >>> ch = xbar_r(rings)
    >>> round(float(ch.xbar.center[0]), 4), round(float(ch.r.center[0]), 4)
    (74.0063, 0.031)
    """
    rows = _subgroups(subgroups, "subgroups")
    size = rows[0].size
    for i, row in enumerate(rows):
        if row.size != size:
            raise ValueError(
                f"subgroups[{i}] has {row.size} values but subgroups[0] has {size}; "
                "x-bar/R needs equal sizes, use xbar_s for unequal subgroups"
            )
    data = np.vstack(rows)
    means = data.mean(axis=1)
    ranges = np.ptp(data, axis=1)
    mu0, s0 = _known(target, "target"), _known(sigma, "sigma")
    if s0 is not None:
        positive(s0, "sigma")
    k = factors(size, check_constants(constants))
    dd2, dd3 = k.d2, k.d3
    printed = constants == "tabulated"

    def build(use: BoolArray, m: int) -> list[ChartResult]:
        center = float(means[use].mean()) if mu0 is None else mu0
        if printed:  # the textbook's factors: A2, D3, D4 (or A, D1, D2 with a known sigma)
            if s0 is None:
                rbar = _nonzero_spread(float(ranges[use].mean()), "the mean range")
                x_sig, r_center = k.A2 * rbar / 3.0, rbar
                r_sig, r_low = (k.D4 - 1.0) * rbar / 3.0, k.D3 * rbar
            else:
                x_sig, r_center = k.A * s0 / 3.0, dd2 * s0
                r_sig, r_low = (k.D2 - dd2) * s0 / 3.0, k.D1 * s0
            xbar = _chart("xbar", means, center, x_sig, rules, m, use)
            r = _chart("R", ranges, r_center, r_sig, rules, m, use, floor=0.0, lower=r_low)
            return [xbar, r]
        if s0 is None:
            rbar = _nonzero_spread(float(ranges[use].mean()), "the mean range")
            sig = rbar / dd2
            r_center = rbar
        else:
            sig = s0
            r_center = dd2 * s0
        xbar = _chart("xbar", means, center, sig / math.sqrt(size), rules, m, use)
        r = _chart("R", ranges, r_center, dd3 * sig, rules, m, use, floor=0.0)
        return [xbar, r]

    xbar, r = _fit(len(rows), baseline, exclude, reestimate, build)
    return XbarR(xbar=xbar, r=r)


def xbar_s(
    subgroups: npt.ArrayLike | Sequence[npt.ArrayLike],
    *,
    baseline: int | None = None,
    target: float | None = None,
    sigma: float | None = None,
    exclude: Sequence[int] = (),
    reestimate: bool = False,
    rules: Sequence[int] = (1,),
    constants: Constants = "exact",
) -> XbarS:
    r"""X-bar and s control charts; subgroups may differ in size.

    Parameters
    ----------
    subgroups : array_like or sequence of array_like
        One sequence of measurements per subgroup (each at least 2 values).
    baseline, target, sigma, exclude, reestimate, rules, constants
        As for :func:`xbar_r`; ``"tabulated"`` uses the printed A3, B3, B4 (A, B5, B6 and
        c4 with a known sigma) of each subgroup's size.

    Returns
    -------
    XbarS
        ``.xbar`` and ``.s`` chart results; limits vary with subgroup size.

    Notes
    -----
    Equal sizes: :math:`\bar s = \frac1m\sum s_i`. Unequal sizes (Montgomery 2019, eq. 6.31):
    :math:`\bar{\bar x} = \sum n_i\bar x_i / \sum n_i` and
    :math:`\bar s = [\sum (n_i-1)s_i^2 / \sum(n_i - 1)]^{1/2}`. Limits per subgroup:

    .. math:: \bar{\bar x} \pm A_3(n_i)\,\bar s, \qquad B_3(n_i)\,\bar s,\; \bar s,\; B_4(n_i)\,\bar s

    With a known sigma: :math:`\mu \pm 3\sigma/\sqrt{n_i}` and :math:`c_4\sigma \pm
    3\sigma\sqrt{1-c_4^2}`.

    Examples
    --------
    >>> ch = xbar_s([[1.0, 2.0, 3.0], [2.0, 3.0], [1.5, 2.5, 3.5, 2.5]])
    >>> [round(float(v), 4) for v in ch.xbar.center[:1]], round(float(ch.s.center[0]), 4)
    ([2.3333], 0.866)
    """
    rows = _subgroups(subgroups, "subgroups")
    sizes = np.array([r.size for r in rows], dtype=np.intp)
    means = np.array([r.mean() for r in rows])
    sds = np.array([r.std(ddof=1) for r in rows])
    ks = [factors(int(k), check_constants(constants)) for k in sizes]
    c4s = np.array([k.c4 for k in ks])
    mu0, s0 = _known(target, "target"), _known(sigma, "sigma")
    if s0 is not None:
        positive(s0, "sigma")

    def printed(center: float, sbar: float | None, m: int, use: BoolArray) -> list[ChartResult]:
        def col(name: str) -> FloatArray:
            return np.array([getattr(k, name) for k in ks])

        if sbar is not None:  # x̿ ± A3 s̄; B3 s̄, s̄, B4 s̄
            x_sig, s_center = col("A3") * sbar / 3.0, np.full(sizes.size, sbar)
            s_sig, s_low = (col("B4") - 1.0) * sbar / 3.0, col("B3") * sbar
        else:  # μ ± A σ; B5 σ, c4 σ, B6 σ
            assert s0 is not None
            x_sig, s_center = col("A") * s0 / 3.0, c4s * s0
            s_sig, s_low = (col("B6") - c4s) * s0 / 3.0, col("B5") * s0
        xbar = _chart("xbar", means, center, x_sig, rules, m, use)
        s = _chart("s", sds, s_center, s_sig, rules, m, use, floor=0.0, lower=s_low)
        return [xbar, s]

    def build(use: BoolArray, m: int) -> list[ChartResult]:
        nu = sizes[use]
        center = float(np.sum(nu * means[use]) / nu.sum()) if mu0 is None else mu0
        sbar: float | None = None
        if s0 is None:
            if np.all(nu == nu[0]):
                sbar = float(sds[use].mean())
            else:
                sbar = math.sqrt(float(np.sum((nu - 1) * sds[use] ** 2) / np.sum(nu - 1)))
            _nonzero_spread(sbar, "the mean standard deviation")
        if constants == "tabulated":
            return printed(center, sbar, m, use)
        if sbar is not None:
            x_sigma = sbar / (c4s * np.sqrt(sizes))
            s_center: FloatArray | float = sbar
            s_sigma = sbar * np.sqrt(1.0 - c4s**2) / c4s
        else:
            assert s0 is not None
            x_sigma = s0 / np.sqrt(sizes)
            s_center = c4s * s0
            s_sigma = s0 * np.sqrt(1.0 - c4s**2)
        xbar = _chart("xbar", means, center, x_sigma, rules, m, use)
        s = _chart("s", sds, s_center, s_sigma, rules, m, use, floor=0.0)
        return [xbar, s]

    xbar, s = _fit(len(rows), baseline, exclude, reestimate, build)
    return XbarS(xbar=xbar, s=s)


def imr(
    values: npt.ArrayLike,
    *,
    baseline: int | None = None,
    target: float | None = None,
    sigma: float | None = None,
    exclude: Sequence[int] = (),
    reestimate: bool = False,
    rules: Sequence[int] = (1,),
    constants: Constants = "exact",
) -> IMR:
    r"""Individuals (I) and moving-range (MR) charts.

    Parameters
    ----------
    values : array_like
        Individual observations in time order (at least 2).
    baseline, target, sigma, exclude, reestimate, rules, constants
        As for :func:`xbar_r`; ``"tabulated"`` uses d2(2) = 1.128 and D4(2) = 3.267 as
        printed (NIST e-Handbook 6.3.2.2, Montgomery Table VI).

    Returns
    -------
    IMR
        ``.i`` (one point per observation) and ``.mr`` (one point fewer; ``mr`` point
        ``j`` is ``|x[j+1] - x[j]|``).

    Notes
    -----
    .. math::
        \hat\sigma = \overline{MR}/d_2(2), \qquad \bar x \pm 3\,\overline{MR}/d_2(2),
        \qquad 0,\; \overline{MR},\; D_4(2)\,\overline{MR}

    Only moving ranges whose two observations are both used in the baseline enter
    :math:`\overline{MR}`. NIST e-Handbook section 6.3.2.2; Montgomery 2019, section 6.4.

    Examples
    --------
    NIST e-Handbook 6.3.2.2 flow-rate example (NIST prints UCL 55.8041 using d2 = 1.128):

    >>> ch = imr([49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1])
    >>> round(float(ch.i.center[0]), 2), round(float(ch.mr.center[0]), 4)
    (50.81, 1.8778)
    >>> round(float(ch.i.ucl[0]), 3), round(float(ch.i.lcl[0]), 3)
    (55.802, 45.818)
    """
    x = vector(values, "values", min_size=2)
    mr = np.abs(np.diff(x))
    mu0, s0 = _known(target, "target"), _known(sigma, "sigma")
    if s0 is not None:
        positive(s0, "sigma")
    k2 = factors(2, check_constants(constants))
    dd2, dd3 = k2.d2, k2.d3
    if constants == "tabulated":  # MR chart UCL = D4(2)·MR̄ with the printed D4
        dd3 = (k2.D4 - 1.0) * dd2 / 3.0

    def build(use: BoolArray, m: int) -> list[ChartResult]:
        center = float(x[use].mean()) if mu0 is None else mu0
        if s0 is None:
            pair = use[1:] & use[:-1]
            pair[m - 1 :] = False
            if not pair.any():
                raise ValueError("no moving range has both observations in the baseline")
            mrbar = _nonzero_spread(float(mr[pair].mean()), "the mean moving range")
            sig = mrbar / dd2
        else:
            sig = s0
        i_chart = _chart("I", x, center, sig, rules, m, use)
        mr_use = use[1:] & use[:-1]
        mr_chart = _chart("MR", mr, dd2 * sig, dd3 * sig, rules, m - 1, mr_use, floor=0.0)
        return [i_chart, mr_chart]

    i_chart, mr_chart = _fit(x.size, baseline, exclude, reestimate, build)
    return IMR(i=i_chart, mr=mr_chart)


# ----------------------------------------------------------------------------- attributes


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


# ----------------------------------------------------------------------------- EWMA, CUSUM


def _series_and_sigma(
    values_or_subgroups: npt.ArrayLike | Sequence[npt.ArrayLike],
    constants: Constants = "exact",
) -> tuple[FloatArray, int, Callable[[int], float]]:
    """Return (points, subgroup size, sigma estimator over the first m points)."""
    arr: npt.NDArray[np.float64] | None
    try:
        arr = np.asarray(values_or_subgroups, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.ndim == 1:
        x = vector(arr, "values", min_size=2)
        mr = np.abs(np.diff(x))

        def sigma_individuals(m: int) -> float:
            return (
                _nonzero_spread(float(mr[: m - 1].mean()), "the mean moving range")
                / factors(2, constants).d2
            )

        return x, 1, sigma_individuals
    rows = _subgroups(values_or_subgroups, "subgroups")
    size = rows[0].size
    if any(r.size != size for r in rows):
        raise ValueError("subgroups must all have the same size for this chart")
    data = np.vstack(rows)
    sds = data.std(axis=1, ddof=1)
    c4n = factors(size, constants).c4

    def sigma_subgroups(m: int) -> float:
        return _nonzero_spread(float(sds[:m].mean()), "the mean standard deviation") / c4n

    return data.mean(axis=1), size, sigma_subgroups


def ewma(
    values_or_subgroups: npt.ArrayLike | Sequence[npt.ArrayLike],
    lam: float = 0.2,
    L: float = 3.0,
    target: float | None = None,
    sigma: float | None = None,
    *,
    baseline: int | None = None,
    constants: Constants = "exact",
) -> EwmaResult:
    r"""Exponentially weighted moving-average chart with exact time-varying limits.

    Parameters
    ----------
    values_or_subgroups : array_like
        Individual observations (1-D) or equal-size subgroups (2-D; their means are charted).
    lam : float
        Smoothing constant, 0 < lam <= 1.
    L : float
        Width of the limits in sigma units of the EWMA (> 0).
    target : float, optional
        Process centre :math:`\mu_0` (the start value :math:`z_0`); default the baseline mean.
    sigma : float, optional
        Standard deviation of an individual observation; default estimated from the baseline
        (:math:`\overline{MR}/d_2` for individuals, :math:`\bar s/c_4` for subgroups).
    baseline : int, optional
        Leading points that estimate the target and sigma; default all.
    constants : {"exact", "tabulated"}
        d2 and c4 of the sigma estimate, as for :func:`xbar_r`.

    Returns
    -------
    EwmaResult
        ``statistic`` holds :math:`z_1..z_N`; ``lcl``/``ucl`` the exact limits, and
        ``steady_lcl``/``steady_ucl`` the asymptotic ones. ``signals[1]`` lists points
        beyond the exact limits.

    Notes
    -----
    .. math::
        z_i = \lambda \bar x_i + (1-\lambda) z_{i-1}, \qquad
        \mu_0 \pm L\,\frac{\sigma}{\sqrt n}\sqrt{\frac{\lambda}{2-\lambda}
        \left[1-(1-\lambda)^{2i}\right]}

    (Montgomery 2019, section 9.2; NIST e-Handbook 6.3.2.4).

    Examples
    --------
    NIST e-Handbook 6.3.2.4 (target 50, s = 2.0539, lambda = 0.3):

    >>> x = [52.0, 47.0, 53.0, 49.3, 50.1, 47.0, 51.0, 50.1, 51.2, 50.5,
    ...      49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
    >>> ch = ewma(x, lam=0.3, L=3, target=50, sigma=2.0539)
    >>> [round(float(z), 2) for z in ch.statistic[:3]], round(ch.steady_ucl, 4)
    ([50.6, 49.52, 50.56], 52.5884)
    """
    lam_f = float(lam)
    if not 0.0 < lam_f <= 1.0:
        raise ValueError(f"lam must be in (0, 1], got {lam!r}")
    width = positive(L, "L")
    x, size, estimate_sigma = _series_and_sigma(values_or_subgroups, check_constants(constants))
    m = _baseline_count(x.size, baseline)
    mu0 = _known(target, "target")
    s0 = _known(sigma, "sigma")
    center = float(x[:m].mean()) if mu0 is None else mu0
    sig = estimate_sigma(m) if s0 is None else positive(s0, "sigma")
    sig_x = sig / math.sqrt(size)
    z, _ = sps.lfilter([lam_f], [1.0, -(1.0 - lam_f)], x, zi=[(1.0 - lam_f) * center])
    i = np.arange(1, x.size + 1)
    ratio = lam_f / (2.0 - lam_f)
    s_i = sig_x * np.sqrt(ratio * (1.0 - (1.0 - lam_f) ** (2 * i)))
    base = _chart(
        "EWMA",
        np.asarray(z, dtype=np.float64),
        center,
        s_i,
        (1,),
        m,
        np.arange(x.size) < m,
        width=width,
    )
    steady = width * sig_x * math.sqrt(ratio)
    return EwmaResult(
        chart="EWMA",
        statistic=base.statistic,
        center=base.center,
        lcl=base.lcl,
        ucl=base.ucl,
        sigma=base.sigma,
        signals=base.signals,
        baseline=m,
        excluded=(),
        lam=lam_f,
        L=width,
        start=center,
        steady_lcl=center - steady,
        steady_ucl=center + steady,
    )


def _run_lengths(nonzero: BoolArray) -> IntArray:
    """Length of the current run of True values ending at each index."""
    idx = np.arange(nonzero.size)
    last_zero = np.maximum.accumulate(np.where(~nonzero, idx, -1))
    return (idx - last_zero).astype(np.intp)


def cusum(
    values: npt.ArrayLike,
    k: float = 0.5,
    h: float = 5.0,
    target: float | None = None,
    sigma: float | None = None,
    *,
    baseline: int | None = None,
    constants: Constants = "exact",
) -> CusumResult:
    r"""Tabular (two one-sided) CUSUM, with ``k`` and ``h`` in sigma units.

    Parameters
    ----------
    values : array_like
        Observations or subgroup means in time order.
    k : float
        Reference value (allowance) in sigma units, >= 0; 0.5 detects a 1-sigma shift.
    h : float
        Decision interval in sigma units, > 0.
    target : float, optional
        Process centre :math:`\mu_0`; default the baseline mean.
    sigma : float, optional
        Standard deviation of ``values``; default :math:`\overline{MR}/d_2` of the baseline.
    baseline : int, optional
        Leading points that estimate target and sigma; default all.
    constants : {"exact", "tabulated"}
        d2(2) of the sigma estimate, as for :func:`xbar_r`.

    Returns
    -------
    CusumResult

    Notes
    -----
    With :math:`K = k\sigma` and :math:`H = h\sigma`,

    .. math::
        C_i^+ = \max(0,\; x_i - (\mu_0 + K) + C_{i-1}^+), \qquad
        C_i^- = \max(0,\; (\mu_0 - K) - x_i + C_{i-1}^-), \qquad C_0^\pm = 0,

    and a signal where :math:`C^\pm_i > H` (Montgomery 2019, section 9.1.2; NIST
    e-Handbook 6.3.2.3). Each recursion is evaluated in closed form as
    :math:`S_i - \min(0, \min_{j \le i} S_j)` with :math:`S` the cumulative sum of the
    increments.

    Examples
    --------
    Montgomery's Table 9.1 data (target 10, sigma 1): the upper sum first exceeds h = 5 at
    observation 29:

    >>> x = [9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34,
    ...      9.03, 11.47, 10.51, 9.40, 10.08, 9.37, 10.62, 10.31, 8.52, 10.84,
    ...      10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38, 11.62, 11.31, 10.52]
    >>> r = cusum(x, k=0.5, h=5, target=10, sigma=1)
    >>> (r.upper_signals + 1).tolist(), round(float(r.upper[28]), 2)
    ([29, 30], 5.28)
    """
    x = vector(values, "values", min_size=2)
    k_f = float(k)
    if not math.isfinite(k_f) or k_f < 0:
        raise ValueError(f"k must be a non-negative number of sigmas, got {k!r}")
    h_f = positive(h, "h")
    check_constants(constants)
    m = _baseline_count(x.size, baseline)
    mu0, s0 = _known(target, "target"), _known(sigma, "sigma")
    center = float(x[:m].mean()) if mu0 is None else mu0
    if s0 is None:
        mrbar = float(np.abs(np.diff(x[:m])).mean())
        sig = _nonzero_spread(mrbar, "the mean moving range") / factors(2, constants).d2
    else:
        sig = positive(s0, "sigma")
    big_k, big_h = k_f * sig, h_f * sig

    def lindley(increments: FloatArray) -> FloatArray:
        s = np.cumsum(increments)
        return np.asarray(s - np.minimum(np.minimum.accumulate(s), 0.0), dtype=np.float64)

    upper = lindley(x - (center + big_k))
    lower = lindley((center - big_k) - x)
    return CusumResult(
        values=_frozen(x),  # type: ignore[arg-type]
        upper=_frozen(upper),  # type: ignore[arg-type]
        lower=_frozen(lower),  # type: ignore[arg-type]
        target=center,
        sigma=sig,
        k=k_f,
        h=h_f,
        K=big_k,
        H=big_h,
        upper_signals=_frozen(np.flatnonzero(upper > big_h)),  # type: ignore[arg-type]
        lower_signals=_frozen(np.flatnonzero(lower > big_h)),  # type: ignore[arg-type]
        upper_run=_frozen(_run_lengths(upper > 0)),  # type: ignore[arg-type]
        lower_run=_frozen(_run_lengths(lower > 0)),  # type: ignore[arg-type]
        baseline=m,
    )
