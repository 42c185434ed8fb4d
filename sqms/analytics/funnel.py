r"""Funnel plots: compare sites of different volume against a common target.

A site's indicator (a proportion, a rate or a mean) is plotted against its volume, with
control limits around the target that narrow as volume grows. Sites outside the limits differ
from the group by more than chance at that level; the usual levels are 95 % (about 2 standard
errors) and 99.8 % (about 3).

References
----------
.. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
   *Statistics in Medicine* 24(8):1185-1202.
.. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
   *Quality and Safety in Health Care* 14(5):347-351.

The exact limits follow Spiegelhalter (2005a), Appendix A.1: for a binomial or Poisson count
with p-quantile :math:`r_p` the limit is interpolated as :math:`(r_p - \alpha)/n` with
:math:`\alpha = \frac{F(r_p) - p}{F(r_p) - F(r_p - 1)}`, which makes the limits smooth in
:math:`n`. Over-dispersion uses the multiplicative factor :math:`\hat\phi` from 10 %
winsorised z-scores (Spiegelhalter 2005b). Both were implemented from the papers' formulas;
the papers' own worked figures were not available to check against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from ._validate import FloatArray, IntArray, vector, whole

__all__ = ["FunnelResult", "funnel_means", "funnel_proportions", "funnel_rates"]

Kind = Literal["proportion", "rate", "mean"]


@dataclass(frozen=True, slots=True, eq=False)
class FunnelResult:
    """Funnel-plot limits and flags for a set of sites.

    Attributes
    ----------
    kind : str
        ``"proportion"``, ``"rate"`` or ``"mean"``.
    target : float
        Centre line (the pooled value unless given).
    value : ndarray
        Each site's indicator.
    volume : ndarray
        Each site's denominator (trials, exposure or respondents).
    z : ndarray
        Standardised difference from the target, :math:`(y - \\theta)/\\mathrm{se}(\\theta)`
        (divided by :math:`\\sqrt{\\hat\\phi}` when over-dispersion is applied).
    levels : tuple[float, ...]
        Coverage levels of the limits, e.g. (0.95, 0.998).
    lower, upper : ndarray
        Limits at each site's volume, shape ``(len(levels), n_sites)``.
    high, low : dict[float, ndarray]
        Per level, indices of sites above the upper / below the lower limit.
    phi : float
        Over-dispersion factor used (1.0 when none was applied).
    method : str
        ``"exact"`` or ``"normal"``.
    sd : float or None
        Within-site standard deviation used for means.
    """

    kind: str
    target: float
    value: FloatArray
    volume: FloatArray
    z: FloatArray
    levels: tuple[float, ...]
    lower: FloatArray
    upper: FloatArray
    high: dict[float, IntArray]
    low: dict[float, IntArray]
    phi: float
    method: str
    sd: float | None

    def limits(self, volume: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Lower and upper limits (``len(levels) x len(volume)``) at arbitrary volumes.

        Use it to draw the funnel curves.
        """
        v = vector(volume, "volume")
        if (v <= 0).any():
            raise ValueError("volume must be positive")
        return _limits(self.kind, self.target, v, self.levels, self.method, self.phi, self.sd)


def _levels(levels: Sequence[float]) -> tuple[float, ...]:
    out = tuple(float(x) for x in levels)
    if not out:
        raise ValueError("levels is empty")
    for x in out:
        if not 0.0 < x < 1.0:
            raise ValueError(f"levels must be between 0 and 1, got {x!r}")
    return out


def _exact_quantile(kind: str, p: float, target: float, volume: FloatArray) -> FloatArray:
    """Interpolated p-quantile of the count, divided by volume (Spiegelhalter 2005a, A.1)."""
    if kind == "proportion":
        dist = stats.binom(np.round(volume).astype(np.int64), target)
    else:
        dist = stats.poisson(target * volume)
    r = dist.ppf(p)
    f_r = dist.cdf(r)
    f_r1 = dist.cdf(r - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(f_r > f_r1, (f_r - p) / (f_r - f_r1), 0.0)
    return np.asarray((r - alpha) / volume, dtype=np.float64)


def _limits(
    kind: str,
    target: float,
    volume: FloatArray,
    levels: tuple[float, ...],
    method: str,
    phi: float,
    sd: float | None,
) -> tuple[FloatArray, FloatArray]:
    lower = np.empty((len(levels), volume.size))
    upper = np.empty_like(lower)
    for i, level in enumerate(levels):
        tail = (1.0 - level) / 2.0
        if method == "exact" and phi == 1.0 and kind != "mean":
            # At tiny volumes the interpolation can cross the target (e.g. n = 1 with a
            # small target gives a negative upper quantile); the limits never do.
            lower[i] = np.minimum(_exact_quantile(kind, tail, target, volume), target)
            upper[i] = np.maximum(_exact_quantile(kind, 1.0 - tail, target, volume), target)
        else:
            z = float(stats.norm.ppf(1.0 - tail))
            se = _se(kind, target, volume, sd) * math.sqrt(phi)
            lower[i] = target - z * se
            upper[i] = target + z * se
    if kind == "proportion":
        lower, upper = np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)
    elif kind == "rate":
        lower = np.maximum(lower, 0.0)
    return lower, upper


def _se(kind: str, target: float, volume: FloatArray, sd: float | None) -> FloatArray:
    if kind == "proportion":
        return np.asarray(np.sqrt(target * (1.0 - target) / volume), dtype=np.float64)
    if kind == "rate":
        return np.asarray(np.sqrt(target / volume), dtype=np.float64)
    within = float(sd) if sd is not None else math.nan
    return np.asarray(within / np.sqrt(volume), dtype=np.float64)


def _phi(z: FloatArray) -> float:
    """Spiegelhalter (2005b): mean square of the 10 % winsorised z-scores."""
    lo, hi = np.quantile(z, [0.1, 0.9])
    zw = np.clip(z, lo, hi)
    return float(np.mean(zw**2))


def _finish(
    kind: str,
    target: float,
    value: FloatArray,
    volume: FloatArray,
    levels: tuple[float, ...],
    method: str,
    overdispersion: bool,
    sd: float | None,
) -> FunnelResult:
    se = _se(kind, target, volume, sd)
    if (se <= 0).any():
        raise ValueError("the target gives zero standard error; limits are undefined")
    z = (value - target) / se
    phi = 1.0
    if overdispersion:
        if value.size < 10:
            raise ValueError("over-dispersion needs at least 10 sites to estimate phi")
        est = _phi(z)
        if est > 1.0:
            phi = est
            z = z / math.sqrt(phi)
    lower, upper = _limits(kind, target, volume, levels, method, phi, sd)
    high = {lv: np.flatnonzero(value > upper[i]) for i, lv in enumerate(levels)}
    low = {lv: np.flatnonzero(value < lower[i]) for i, lv in enumerate(levels)}
    for arr in (value, volume, z, lower, upper):
        arr.flags.writeable = False
    return FunnelResult(
        kind, target, value, volume, z, levels, lower, upper, high, low, phi, method, sd
    )


def _method(method: str) -> str:
    if method not in ("exact", "normal"):
        raise ValueError(f"method must be 'exact' or 'normal', got {method!r}")
    return method


def funnel_proportions(
    events: npt.ArrayLike,
    trials: npt.ArrayLike,
    target: float | None = None,
    levels: Sequence[float] = (0.95, 0.998),
    *,
    method: Literal["exact", "normal"] = "exact",
    overdispersion: bool = False,
) -> FunnelResult:
    r"""Funnel limits for proportions (e.g. share of complaints resolved late per site).

    Parameters
    ----------
    events, trials : array_like of int
        Events and denominators per site.
    target : float, optional
        Target proportion :math:`\theta`; default the pooled :math:`\sum y/\sum n`.
    levels : sequence of float
        Coverage levels of the limits (default 95 % and 99.8 %).
    method : {"exact", "normal"}
        Interpolated binomial quantiles or :math:`\theta \pm z\sqrt{\theta(1-\theta)/n}`.
    overdispersion : bool
        Inflate the limits by :math:`\sqrt{\hat\phi}` when the sites vary more than
        binomially (normal limits; at least 10 sites).

    Returns
    -------
    FunnelResult

    Notes
    -----
    Exact limits at level :math:`1-2\gamma`: :math:`(r_p - \alpha_p)/n` for
    :math:`p = \gamma, 1-\gamma`, with :math:`r_p` the p-quantile of
    :math:`\mathrm{Bin}(n, \theta)` and
    :math:`\alpha_p = \frac{F(r_p) - p}{F(r_p) - F(r_p - 1)}` (Spiegelhalter 2005a);
    normal limits :math:`\theta \pm z_{1-\gamma}\sqrt{\phi\,\theta(1-\theta)/n}`.
    :math:`z_i = (y_i/n_i - \theta)/\sqrt{\theta(1-\theta)/n_i}`.

    Examples
    --------
    >>> r = funnel_proportions([12, 30, 9, 70], [100, 200, 150, 400], target=0.15)
    >>> [round(float(u), 4) for u in r.upper[0]]
    [0.2183, 0.1987, 0.206, 0.1846]
    >>> r.high[0.95].tolist(), r.low[0.95].tolist()
    ([], [2])
    """
    y = vector(events, "events")
    n = vector(trials, "trials")
    if y.size != n.size:
        raise ValueError(f"events and trials differ in length: {y.size} and {n.size}")
    whole(y, "events")
    whole(n, "trials")
    if (n <= 0).any():
        raise ValueError("trials must be positive at every site")
    if (y > n).any():
        i = int(np.argmax(y > n))
        raise ValueError(f"events[{i}] exceeds trials[{i}]")
    theta = float(y.sum() / n.sum()) if target is None else float(target)
    if not 0.0 < theta < 1.0:
        raise ValueError(f"target proportion must be strictly between 0 and 1, got {theta:g}")
    return _finish(
        "proportion", theta, y / n, n, _levels(levels), _method(method), overdispersion, None
    )


def funnel_rates(
    events: npt.ArrayLike,
    exposure: npt.ArrayLike,
    target: float | None = None,
    levels: Sequence[float] = (0.95, 0.998),
    *,
    method: Literal["exact", "normal"] = "exact",
    overdispersion: bool = False,
) -> FunnelResult:
    r"""Funnel limits for Poisson rates (e.g. complaints per 1,000 transactions).

    Parameters
    ----------
    events : array_like of int
        Event counts per site.
    exposure : array_like
        Exposure per site (> 0), in the unit of the rate (e.g. thousands of transactions).
    target : float, optional
        Target rate; default the pooled :math:`\sum y/\sum E`.
    levels, method, overdispersion
        As for :func:`funnel_proportions`; normal limits are
        :math:`\theta \pm z\sqrt{\theta/E}`.

    Returns
    -------
    FunnelResult

    Notes
    -----
    As :func:`funnel_proportions` with :math:`\mathrm{Poisson}(\theta E)` counts: exact
    limits :math:`(r_p - \alpha_p)/E`, normal limits :math:`\theta \pm z\sqrt{\phi\theta/E}`.

    Examples
    --------
    >>> r = funnel_rates([4, 20, 9], [2.0, 5.0, 1.5], target=2.0)
    >>> r.high[0.95].tolist(), r.high[0.998].tolist()
    ([1, 2], [])
    """
    y = vector(events, "events")
    e = vector(exposure, "exposure")
    if y.size != e.size:
        raise ValueError(f"events and exposure differ in length: {y.size} and {e.size}")
    whole(y, "events")
    if (e <= 0).any():
        raise ValueError("exposure must be positive at every site")
    theta = float(y.sum() / e.sum()) if target is None else float(target)
    if not theta > 0 or not math.isfinite(theta):
        raise ValueError(f"target rate must be positive, got {theta:g}")
    return _finish("rate", theta, y / e, e, _levels(levels), _method(method), overdispersion, None)


def funnel_means(
    means: npt.ArrayLike,
    ns: npt.ArrayLike,
    sds: npt.ArrayLike | None = None,
    *,
    pooled_sd: float | None = None,
    target: float | None = None,
    levels: Sequence[float] = (0.95, 0.998),
) -> FunnelResult:
    r"""Funnel limits for site means (e.g. mean satisfaction per store).

    Parameters
    ----------
    means : array_like
        Mean per site.
    ns : array_like of int
        Respondents per site (>= 1; >= 2 where ``sds`` are used).
    sds : array_like, optional
        Within-site standard deviations, pooled as
        :math:`s_p = \sqrt{\sum(n_i-1)s_i^2/\sum(n_i-1)}`.
    pooled_sd : float, optional
        A known or separately estimated within-site SD (instead of ``sds``).
    target : float, optional
        Centre line; default the respondent-weighted grand mean :math:`\sum n_i\bar y_i/\sum n_i`.
    levels : sequence of float
        Coverage levels.

    Returns
    -------
    FunnelResult

    Notes
    -----
    Limits :math:`\theta \pm z_{(1+\text{level})/2}\, s_p/\sqrt{n_i}` (normal approximation).

    Examples
    --------
    >>> r = funnel_means([4.1, 3.2, 4.0, 4.6], [40, 25, 60, 10], [0.8, 0.9, 0.7, 1.0])
    >>> round(r.target, 3), round(r.sd, 4), r.low[0.998].tolist()
    (3.926, 0.7927, [1])
    """
    m = vector(means, "means")
    n = vector(ns, "ns")
    if m.size != n.size:
        raise ValueError(f"means and ns differ in length: {m.size} and {n.size}")
    whole(n, "ns")
    if (n < 1).any():
        raise ValueError("ns must be at least 1 at every site")
    if (sds is None) == (pooled_sd is None):
        raise ValueError("give exactly one of sds (per site) or pooled_sd")
    if sds is None:
        sd = float(pooled_sd)  # type: ignore[arg-type]
    else:
        s = vector(sds, "sds")
        if s.size != m.size:
            raise ValueError(f"sds has {s.size} values for {m.size} sites")
        if (s < 0).any():
            raise ValueError("sds must not be negative")
        if (n < 2).any():
            raise ValueError("every site needs at least 2 respondents to pool its SD")
        sd = math.sqrt(float(np.sum((n - 1) * s**2) / np.sum(n - 1)))
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError(f"the within-site SD must be positive, got {sd:g}")
    theta = float(np.sum(n * m) / n.sum()) if target is None else float(target)
    if not math.isfinite(theta):
        raise ValueError("target must be finite")
    return _finish("mean", theta, m, n, _levels(levels), "normal", False, sd)
