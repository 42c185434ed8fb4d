r"""Customer metrics: NPS, CSAT, top-box shares and proportion confidence intervals.

Every result carries its sample size, a confidence interval and a ``suppressed`` flag that is
set when ``n`` is below ``min_n`` (the figures are still computed, so a report can show
"n too small" instead of a number).

References
----------
.. [1] Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*
   81(12):46-54 (Net Promoter Score).
.. [2] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
   inference. *JASA* 22(158):209-212.
.. [3] Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
   comparison of seven methods. *Statistics in Medicine* 17(8):857-872.
.. [4] Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits
   illustrated in the case of the binomial. *Biometrika* 26(4):404-413.
.. [5] Agresti, A. & Coull, B. A. (1998). Approximate is better than "exact" for interval
   estimation of binomial proportions. *The American Statistician* 52(2):119-126.
.. [6] Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika*
   28(3/4):437-442 (exact interval of a rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from ._validate import FloatArray, check_confidence, check_scale, count, vector

__all__ = [
    "NpsResult",
    "ProportionCI",
    "ShareResult",
    "csat",
    "nps",
    "nps_from_counts",
    "proportion_ci",
    "rate_ci",
    "RateCI",
    "top_box",
]

Method = Literal["wilson", "wald", "clopper-pearson", "agresti-coull", "jeffreys"]
DEFAULT_MIN_N = 30


@dataclass(frozen=True, slots=True)
class ProportionCI:
    """A binomial proportion with a confidence interval.

    Attributes
    ----------
    successes, n : int
        Count of successes and of trials.
    proportion : float
        ``successes / n``.
    lo, hi : float
        Confidence limits, within [0, 1].
    method : str
        Interval method.
    confidence : float
        Confidence level.
    """

    successes: int
    n: int
    proportion: float
    lo: float
    hi: float
    method: str
    confidence: float


@dataclass(frozen=True, slots=True)
class ShareResult:
    """Share of answers in the chosen boxes (CSAT, top box).

    Attributes
    ----------
    n : int
        Number of answers.
    count : int
        Answers in the chosen boxes.
    share : float
        ``count / n`` (0..1).
    lo, hi : float
        Wilson confidence limits of the share.
    boxes : tuple[int, ...]
        The answer values counted.
    min_n : int
        Suppression threshold.
    suppressed : bool
        True when ``n < min_n``: show "too few answers" instead of the share.
    confidence : float
        Confidence level.
    """

    n: int
    count: int
    share: float
    lo: float
    hi: float
    boxes: tuple[int, ...]
    min_n: int
    suppressed: bool
    confidence: float


@dataclass(frozen=True, slots=True)
class NpsResult:
    """Net Promoter Score with a confidence interval.

    Attributes
    ----------
    n : int
        Number of answers (0-10).
    promoters, passives, detractors : int
        Counts of 9-10, 7-8 and 0-6.
    nps : float
        ``100 * (promoters - detractors) / n``, in -100..100.
    se : float
        Standard error of ``nps`` (points).
    lo, hi : float
        Confidence limits (points), clipped to -100..100.
    min_n : int
        Suppression threshold.
    suppressed : bool
        True when ``n < min_n``.
    confidence : float
        Confidence level.
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float
    se: float
    lo: float
    hi: float
    min_n: int
    suppressed: bool
    confidence: float


def proportion_ci(
    successes: int, n: int, confidence: float = 0.95, method: Method = "wilson"
) -> ProportionCI:
    r"""Confidence interval for a binomial proportion.

    Parameters
    ----------
    successes : int
        Number of successes, ``0 <= successes <= n``.
    n : int
        Number of trials, at least 1.
    confidence : float
        Confidence level (default 0.95).
    method : {"wilson", "wald", "clopper-pearson", "agresti-coull", "jeffreys"}
        Interval method; Wilson's score interval by default.

    Returns
    -------
    ProportionCI

    Notes
    -----
    With :math:`\hat p = x/n` and :math:`z = \Phi^{-1}(1-\alpha/2)`, Wilson's interval is

    .. math::
        \frac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n}
        + \frac{z^2}{4n^2}}}{1 + z^2/n}

    Clopper-Pearson uses beta quantiles :math:`B(\alpha/2; x, n-x+1)` and
    :math:`B(1-\alpha/2; x+1, n-x)`; Jeffreys :math:`B(\cdot; x+1/2, n-x+1/2)`;
    Agresti-Coull the Wald interval around :math:`\tilde p = (x + z^2/2)/(n + z^2)`.
    Limits are clipped to [0, 1], and set to exactly 0 at :math:`x = 0` and 1 at
    :math:`x = n`.

    Examples
    --------
    Newcombe (1998), Table I, 81 of 263:

    >>> r = proportion_ci(81, 263)
    >>> round(r.lo, 4), round(r.hi, 4)
    (0.2553, 0.3662)
    """
    x = count(successes, "successes")
    total = count(n, "n", minimum=1)
    if x > total:
        raise ValueError(f"successes ({x}) cannot exceed n ({total})")
    conf = check_confidence(confidence)
    alpha = 1.0 - conf
    z = float(stats.norm.ppf(1.0 - alpha / 2.0))
    p = x / total
    if method == "wilson":
        denom = 1.0 + z * z / total
        centre = (p + z * z / (2 * total)) / denom
        half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
        lo, hi = centre - half, centre + half
    elif method == "wald":
        half = z * math.sqrt(p * (1 - p) / total)
        lo, hi = p - half, p + half
    elif method == "clopper-pearson":
        lo = float(stats.beta.ppf(alpha / 2, x, total - x + 1)) if x > 0 else 0.0
        hi = float(stats.beta.ppf(1 - alpha / 2, x + 1, total - x)) if x < total else 1.0
    elif method == "agresti-coull":
        n_t = total + z * z
        p_t = (x + z * z / 2) / n_t
        half = z * math.sqrt(p_t * (1 - p_t) / n_t)
        lo, hi = p_t - half, p_t + half
    elif method == "jeffreys":
        lo = float(stats.beta.ppf(alpha / 2, x + 0.5, total - x + 0.5)) if x > 0 else 0.0
        hi = float(stats.beta.ppf(1 - alpha / 2, x + 0.5, total - x + 0.5)) if x < total else 1.0
    else:
        raise ValueError(
            "method must be one of wilson, wald, clopper-pearson, agresti-coull, jeffreys; "
            f"got {method!r}"
        )
    # At x = 0 (x = n) the lower (upper) limit is exactly 0 (1) for every method; this also
    # removes rounding residue and keeps p inside the Agresti-Coull interval.
    lo = 0.0 if x == 0 else max(0.0, lo)
    hi = 1.0 if x == total else min(1.0, hi)
    return ProportionCI(x, total, p, lo, hi, method, conf)


def _scores(scores: npt.ArrayLike, low: int, high: int, name: str = "scores") -> FloatArray:
    x = vector(scores, name)
    check_scale(x, name, (low, high))
    frac = x != np.round(x)
    if frac.any():
        i = int(np.argmax(frac))
        raise ValueError(f"{name} must be whole scale points, got {x[i]:g} at index {i}")
    return x


def _min_n(min_n: int) -> int:
    return count(min_n, "min_n")


def top_box(
    scores: npt.ArrayLike,
    scale: int = 5,
    boxes: int = 1,
    *,
    low: int = 1,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> ShareResult:
    r"""Share of answers in the top ``boxes`` points of a ``low..scale`` rating scale.

    Parameters
    ----------
    scores : array_like of int
        Answers on the scale (no NaN: drop unanswered questions first).
    scale : int
        Highest point of the scale (e.g. 5 or 7).
    boxes : int
        How many top points count (1 = top box, 2 = top-two box).
    low : int
        Lowest point of the scale (default 1).
    min_n : int
        Below this many answers the result is flagged ``suppressed``.
    confidence : float
        Confidence level of the Wilson interval.

    Returns
    -------
    ShareResult

    Notes
    -----
    .. math:: \text{share} = \#\{x \ge \text{scale} - \text{boxes} + 1\} / n

    with Wilson's interval (see :func:`proportion_ci`).

    Examples
    --------
    >>> r = top_box([5, 4, 5, 3, 2, 5, 4, 5, 1, 5], scale=5, boxes=1, min_n=5)
    >>> r.share, r.count, r.suppressed
    (0.5, 5, False)
    """
    hi = count(scale, "scale", minimum=low + 1)
    k = count(boxes, "boxes", minimum=1)
    if k > hi - low + 1:
        raise ValueError(f"boxes ({k}) exceeds the number of scale points ({hi - low + 1})")
    x = _scores(scores, low, hi)
    chosen = tuple(range(hi - k + 1, hi + 1))
    c = int(np.count_nonzero(x >= chosen[0]))
    ci = proportion_ci(c, x.size, confidence, "wilson")
    m = _min_n(min_n)
    return ShareResult(x.size, c, ci.proportion, ci.lo, ci.hi, chosen, m, x.size < m, ci.confidence)


def csat(
    scores: npt.ArrayLike,
    scale: int = 5,
    *,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> ShareResult:
    r"""Customer satisfaction score: share of the top two answers (4-5 on a 5-point scale).

    Parameters
    ----------
    scores : array_like of int
        Answers 1..``scale``.
    scale : int
        Number of scale points (default 5).
    min_n, confidence
        As for :func:`top_box`.

    Returns
    -------
    ShareResult

    Notes
    -----
    :math:`\mathrm{CSAT} = \#\{x \ge \text{scale} - 1\}/n`, reported with Wilson's interval.

    Examples
    --------
    >>> r = csat([5, 4, 4, 3, 5, 2, 4, 5], min_n=30)
    >>> r.share, r.suppressed
    (0.75, True)
    """
    return top_box(scores, scale, 2, min_n=min_n, confidence=confidence)


def nps(
    scores: npt.ArrayLike, *, min_n: int = DEFAULT_MIN_N, confidence: float = 0.95
) -> NpsResult:
    r"""Net Promoter Score from 0-10 likelihood-to-recommend answers.

    Parameters
    ----------
    scores : array_like of int
        Answers 0..10.
    min_n : int
        Below this many answers the result is flagged ``suppressed``.
    confidence : float
        Confidence level.

    Returns
    -------
    NpsResult

    Notes
    -----
    Promoters answer 9-10, detractors 0-6 (Reichheld 2003). With shares
    :math:`p_P, p_D`:

    .. math::
        \mathrm{NPS} = 100(p_P - p_D), \qquad
        \mathrm{se} = 100\sqrt{\frac{p_P + p_D - (p_P - p_D)^2}{n}}

    (the standard error of the mean of per-respondent scores +1/0/-1), and the interval is
    :math:`\mathrm{NPS} \pm z\,\mathrm{se}` clipped to [-100, 100].

    Examples
    --------
    >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5], min_n=10)
    >>> r.promoters, r.detractors, r.nps
    (5, 3, 20.0)
    """
    x = _scores(scores, 0, 10)
    prom = int(np.count_nonzero(x >= 9))
    det = int(np.count_nonzero(x <= 6))
    return _nps(prom, int(x.size) - prom - det, det, min_n, confidence)


def nps_from_counts(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> NpsResult:
    r"""Net Promoter Score from the counts of promoters, passives and detractors.

    For rollups and published tables that keep the three counts instead of the 0-10 answers;
    the result is the same as :func:`nps` on the answers.

    Parameters
    ----------
    promoters, passives, detractors : int
        Counts of answers 9-10, 7-8 and 0-6 (whole numbers >= 0, total >= 1).
    min_n : int
        Below this many answers the result is flagged ``suppressed``.
    confidence : float
        Confidence level.

    Returns
    -------
    NpsResult

    Raises
    ------
    ValueError
        If a count is negative or not whole, or all three are 0.

    Notes
    -----
    With :math:`n = P + N + D`, :math:`p_P = P/n` and :math:`p_D = D/n`:

    .. math::
        \mathrm{NPS} = 100(p_P - p_D), \qquad
        \mathrm{se} = 100\sqrt{\frac{p_P + p_D - (p_P - p_D)^2}{n}}

    and the interval :math:`\mathrm{NPS} \pm z\,\mathrm{se}` clipped to [-100, 100].

    Examples
    --------
    Cross Validated question 18603 (whuber's answer): half promoters, a third passives, a
    sixth detractors among 324 answers give an NPS of about 33 with a standard error of
    about 4.1 points:

    >>> r = nps_from_counts(162, 108, 54)
    >>> round(r.nps, 1), round(r.se, 2), round(r.lo, 1), round(r.hi, 1)
    (33.3, 4.14, 25.2, 41.4)
    """
    prom = count(promoters, "promoters")
    pas = count(passives, "passives")
    det = count(detractors, "detractors")
    if prom + pas + det == 0:
        raise ValueError("there are no answers: promoters, passives and detractors are all 0")
    return _nps(prom, pas, det, min_n, confidence)


def _nps(prom: int, pas: int, det: int, min_n: int, confidence: float) -> NpsResult:
    n = prom + pas + det
    pp, pd_ = prom / n, det / n
    score = 100.0 * (pp - pd_)
    se = 100.0 * math.sqrt(max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n)
    conf = check_confidence(confidence)
    z = float(stats.norm.ppf(0.5 + conf / 2.0))
    m = _min_n(min_n)
    return NpsResult(
        n=n,
        promoters=prom,
        passives=pas,
        detractors=det,
        nps=score,
        se=se,
        lo=max(-100.0, score - z * se),
        hi=min(100.0, score + z * se),
        min_n=m,
        suppressed=n < m,
        confidence=conf,
    )


@dataclass(frozen=True, slots=True)
class RateCI:
    """An event rate per unit of exposure with an exact (Garwood) confidence interval.

    Attributes
    ----------
    events : int
        Count of events.
    exposure : float
        Exposure in the rate's unit (e.g. thousands of transactions).
    rate, lo, hi : float
        ``events / exposure`` and its confidence limits.
    confidence : float
        Confidence level.
    """

    events: int
    exposure: float
    rate: float
    lo: float
    hi: float
    confidence: float


def rate_ci(events: int, exposure: float, confidence: float = 0.95) -> RateCI:
    r"""Exact confidence interval of a Poisson rate (e.g. complaints per 1,000 transactions).

    Parameters
    ----------
    events : int
        Events counted, at least 0.
    exposure : float
        Exposure (> 0) in the unit of the rate: pass transactions / 1000 for a rate per 1,000.
    confidence : float
        Confidence level (default 0.95).

    Returns
    -------
    RateCI

    Notes
    -----
    Garwood's interval from chi-square quantiles, with :math:`k` events, exposure :math:`E`
    and :math:`\alpha = 1 - \text{confidence}`:

    .. math::
        \left[\frac{\chi^2_{\alpha/2}(2k)}{2E},\ \frac{\chi^2_{1-\alpha/2}(2k+2)}{2E}\right]

    with the lower limit 0 at :math:`k = 0`.

    Examples
    --------
    >>> r = rate_ci(10, 2.0)
    >>> round(r.rate, 2), round(r.lo, 4), round(r.hi, 4)
    (5.0, 2.3977, 9.1952)
    """
    k = count(events, "events")
    e = float(exposure)
    if not (math.isfinite(e) and e > 0):
        raise ValueError(f"exposure must be a positive number, got {exposure!r}")
    conf = check_confidence(confidence)
    alpha = 1.0 - conf
    lo = float(stats.chi2.ppf(alpha / 2, 2 * k)) / 2 if k > 0 else 0.0
    hi = float(stats.chi2.ppf(1 - alpha / 2, 2 * k + 2)) / 2
    return RateCI(k, e, k / e, lo / e, hi / e, conf)
