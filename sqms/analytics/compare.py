r"""Before/after and group-versus-group comparisons with effect sizes and a verdict.

Every function takes the reference (before, control, site A) first and the comparison (after,
treatment, site B) second, and reports the change from the first to the second: a difference
``second - first`` (or a ratio ``second / first`` for rates), its confidence interval, the
p-value, an effect size and a plain verdict at the chosen ``alpha``. CAPA effectiveness checks
and PDCA projects call these.

References
----------
.. [1] Welch, B. L. (1947). The generalization of "Student's" problem when several different
   population variances are involved. *Biometrika* 34(1/2):28-35.
.. [2] Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
   related estimators. *Journal of Educational Statistics* 6(2):107-128.
.. [3] Newcombe, R. G. (1998). Interval estimation for the difference between independent
   proportions: comparison of eleven methods. *Statistics in Medicine* 17(8):873-890.
.. [4] Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
   (d, h).
.. [5] Mann, H. B. & Whitney, D. R. (1947); Hodges, J. L. & Lehmann, E. L. (1963);
   Kerby, D. S. (2014) for the rank-biserial correlation.
.. [6] Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples
   from Poisson series. *Biometrika* 31:313-323 (conditional test of two Poisson rates).
.. [7] Altman, D. G. & Bland, J. M. (2003). Interaction revisited: the difference between two
   estimates. *BMJ* 326:219 (z-test of two independent estimates).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from ._validate import FloatArray, check_confidence, count, positive, vector
from .metrics import proportion_ci

__all__ = [
    "ComparisonResult",
    "DifferenceResult",
    "difference_of_estimates",
    "mann_whitney",
    "paired_t",
    "rate_ratio",
    "two_proportions",
    "welch_t",
    "welch_t_from_stats",
]

Alternative = Literal["two-sided", "greater", "less"]


@dataclass(frozen=True, slots=True)
class ComparisonResult:
    """Outcome of a two-sample or paired comparison.

    Attributes
    ----------
    test : str
        Name of the test.
    estimate : float
        Change from the first sample to the second: a difference (``second - first``) or,
        for rates, a ratio (``second / first``).
    estimate_name : str
        What ``estimate`` is, e.g. ``"difference in means"``.
    lo, hi : float
        Confidence interval of ``estimate``.
    statistic : float
        Test statistic (t, z, chi-square, U, or the second count for the rate test).
    df : float or None
        Degrees of freedom, where the statistic has them.
    pvalue : float
        p-value for ``alternative``.
    effect_size : float
        Standardised effect size.
    effect_size_name : str
        Which effect size (Hedges' g, Cohen's d_z, Cohen's h, rank-biserial r, log rate ratio).
    n1, n2 : int
        Sizes of the two samples (pairs twice for paired tests; trials or counts for
        proportions and rates).
    alternative : str
        ``"two-sided"``, ``"greater"`` (second > first) or ``"less"``.
    alpha : float
        Significance level of the verdict.
    confidence : float
        Confidence level of ``lo``/``hi``.
    significant : bool
        ``pvalue < alpha``.
    verdict : str
        ``"significant increase"``, ``"significant decrease"`` or
        ``"no significant difference"``.
    """

    test: str
    estimate: float
    estimate_name: str
    lo: float
    hi: float
    statistic: float
    df: float | None
    pvalue: float
    effect_size: float
    effect_size_name: str
    n1: int
    n2: int
    alternative: str
    alpha: float
    confidence: float
    significant: bool
    verdict: str


def _alpha(alpha: float) -> float:
    a = float(alpha)
    if not 0.0 < a < 1.0:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), got {alpha!r}")
    return a


def _alternative(alternative: str) -> str:
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative must be two-sided, greater or less, got {alternative!r}")
    return alternative


def _result(
    test: str,
    estimate: float,
    estimate_name: str,
    ci: tuple[float, float],
    statistic: float,
    df: float | None,
    pvalue: float,
    effect: tuple[float, str],
    ns: tuple[int, int],
    alternative: str,
    alpha: float,
    confidence: float,
    null: float = 0.0,
) -> ComparisonResult:
    significant = bool(pvalue < alpha)
    if not significant:
        verdict = "no significant difference"
    elif estimate > null:
        verdict = "significant increase"
    else:
        verdict = "significant decrease"
    return ComparisonResult(
        test=test,
        estimate=float(estimate),
        estimate_name=estimate_name,
        lo=float(ci[0]),
        hi=float(ci[1]),
        statistic=float(statistic),
        df=None if df is None else float(df),
        pvalue=float(pvalue),
        effect_size=float(effect[0]),
        effect_size_name=effect[1],
        n1=ns[0],
        n2=ns[1],
        alternative=alternative,
        alpha=alpha,
        confidence=confidence,
        significant=significant,
        verdict=verdict,
    )


def _sample(values: npt.ArrayLike, name: str) -> FloatArray:
    return vector(values, name, min_size=2)


def _t_ci(est: float, se: float, df: float, conf: float, alternative: str) -> tuple[float, float]:
    if alternative == "two-sided":
        t = float(stats.t.ppf(0.5 + conf / 2, df))
        return est - t * se, est + t * se
    t = float(stats.t.ppf(conf, df))
    return (est - t * se, math.inf) if alternative == "greater" else (-math.inf, est + t * se)


def welch_t(
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> ComparisonResult:
    r"""Welch's two-sample t-test (unequal variances) for ``mean(second) - mean(first)``.

    Parameters
    ----------
    first, second : array_like
        Independent samples (at least 2 values each, not both constant).
    alpha : float
        Significance level of the verdict.
    confidence : float
        Confidence level of the interval.
    alternative : {"two-sided", "greater", "less"}
        ``greater`` tests mean(second) > mean(first).

    Returns
    -------
    ComparisonResult
        Effect size is Hedges' g (pooled-SD standardised difference, small-sample corrected).

    Notes
    -----
    .. math::
        t = \frac{\bar y - \bar x}{\sqrt{s_x^2/n_x + s_y^2/n_y}}, \quad
        \nu = \frac{(s_x^2/n_x + s_y^2/n_y)^2}{\frac{(s_x^2/n_x)^2}{n_x-1}
        + \frac{(s_y^2/n_y)^2}{n_y-1}}, \quad
        g = \left(1 - \frac{3}{4(n_x+n_y)-9}\right)\frac{\bar y-\bar x}{s_p}

    Examples
    --------
    >>> r = welch_t([3.5, 3.8, 3.2, 3.6, 3.4], [4.5, 4.4, 4.7, 4.2, 4.6])
    >>> round(r.estimate, 2), r.verdict
    (0.98, 'significant increase')
    """
    x, y = _sample(first, "first"), _sample(second, "second")
    a, alt, conf = _alpha(alpha), _alternative(alternative), check_confidence(confidence)
    return _welch(
        float(x.mean()),
        float(x.var(ddof=1)),
        int(x.size),
        float(y.mean()),
        float(y.var(ddof=1)),
        int(y.size),
        a,
        alt,
        conf,
    )


def _welch(
    mx: float, vx: float, nx: int, my: float, vy: float, ny: int, a: float, alt: str, conf: float
) -> ComparisonResult:
    """Welch test of ``my - mx`` from means, variances and sizes (validated by the caller)."""
    se2x, se2y = vx / nx, vy / ny
    se = math.sqrt(se2x + se2y)
    if se == 0:
        raise ValueError("both samples have zero variance; the t statistic is undefined")
    df = (se2x + se2y) ** 2 / (se2x**2 / (nx - 1) + se2y**2 / (ny - 1))
    diff = my - mx
    t = diff / se
    p = _t_pvalue(t, df, alt)
    sp = math.sqrt(((nx - 1) * vx + (ny - 1) * vy) / (nx + ny - 2))
    g = (1.0 - 3.0 / (4.0 * (nx + ny) - 9.0)) * diff / sp
    return _result(
        "Welch t-test",
        diff,
        "difference in means",
        _t_ci(diff, se, df, conf, alt),
        t,
        df,
        p,
        (g, "Hedges' g"),
        (nx, ny),
        alt,
        a,
        conf,
    )


def welch_t_from_stats(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    *,
    alpha: float = 0.05,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> ComparisonResult:
    r"""Welch's t-test for ``mean2 - mean1`` from summary statistics (means, SDs, sizes).

    For rollups (n, sum, sum of squares) take the mean and SD of each group from
    :func:`sqms.analytics.summary.mean_ci_from_sums` first.

    Parameters
    ----------
    mean1, sd1, n1 : float, float, int
        Mean, sample standard deviation (n - 1 denominator) and size of the first group
        (n1 >= 2).
    mean2, sd2, n2 : float, float, int
        The same for the second group.
    alpha, confidence, alternative
        As for :func:`welch_t`.

    Returns
    -------
    ComparisonResult
        Identical to :func:`welch_t` on the raw values (Hedges' g as effect size).

    Raises
    ------
    ValueError
        If a size is not a whole number >= 2, a mean or SD is not finite, an SD is negative,
        or both SDs are 0.

    Notes
    -----
    .. math::
        t = \frac{\bar y - \bar x}{\sqrt{s_x^2/n_x + s_y^2/n_y}}, \quad
        \nu = \frac{(s_x^2/n_x + s_y^2/n_y)^2}{\frac{(s_x^2/n_x)^2}{n_x-1}
        + \frac{(s_y^2/n_y)^2}{n_y-1}}

    (Welch 1947), as R's ``t.test`` and ``scipy.stats.ttest_ind_from_stats`` with
    ``equal_var=False``.

    Examples
    --------
    Student's sleep data (R data set ``sleep``) summarised: means 0.75 and 2.33, SDs 1.789010
    and 2.002249, 10 patients each. R ``t.test(extra ~ group, data = sleep)`` prints
    t = -1.8608, df = 17.776, p = 0.07939 for group 1 minus group 2:

    >>> r = welch_t_from_stats(2.33, 2.002249, 10, 0.75, 1.789010, 10)
    >>> round(r.statistic, 4), round(r.df, 3), round(r.pvalue, 5)
    (-1.8608, 17.776, 0.07939)
    """
    a, alt, conf = _alpha(alpha), _alternative(alternative), check_confidence(confidence)
    nx, ny = count(n1, "n1", minimum=2), count(n2, "n2", minimum=2)
    mx, my = _finite(mean1, "mean1"), _finite(mean2, "mean2")
    sx, sy = _finite(sd1, "sd1"), _finite(sd2, "sd2")
    if sx < 0 or sy < 0:
        raise ValueError(f"standard deviations must not be negative, got {sd1!r} and {sd2!r}")
    return _welch(mx, sx * sx, nx, my, sy * sy, ny, a, alt, conf)


def _finite(value: float, name: str) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


@dataclass(frozen=True, slots=True)
class DifferenceResult:
    r"""Difference of two independent estimates with a normal (z) interval and test.

    Attributes
    ----------
    estimate : float
        ``estimate2 - estimate1``.
    se : float
        Standard error of the difference, :math:`\sqrt{se_1^2 + se_2^2}`.
    lo, hi : float
        Confidence interval of ``estimate``.
    statistic : float
        z = ``estimate / se``.
    pvalue : float
        p-value for ``alternative``.
    alternative : str
        ``"two-sided"``, ``"greater"`` (second > first) or ``"less"``.
    alpha : float
        Significance level of the verdict.
    confidence : float
        Confidence level of ``lo``/``hi``.
    significant : bool
        ``pvalue < alpha``.
    verdict : str
        ``"significant increase"``, ``"significant decrease"`` or
        ``"no significant difference"``.
    """

    estimate: float
    se: float
    lo: float
    hi: float
    statistic: float
    pvalue: float
    alternative: str
    alpha: float
    confidence: float
    significant: bool
    verdict: str


def difference_of_estimates(
    estimate1: float,
    se1: float,
    estimate2: float,
    se2: float,
    *,
    alpha: float = 0.05,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> DifferenceResult:
    r"""z-test and interval for ``estimate2 - estimate1`` of two independent estimates.

    Use it for any two estimates with standard errors from separate samples (two NPS values,
    two log relative risks, two regression slopes); the samples should be large.

    Parameters
    ----------
    estimate1, se1 : float
        First estimate and its standard error (>= 0).
    estimate2, se2 : float
        Second estimate and its standard error (>= 0).
    alpha, confidence, alternative
        As for :func:`welch_t`.

    Returns
    -------
    DifferenceResult

    Raises
    ------
    ValueError
        If a value is not finite, a standard error is negative, or both are 0.

    Notes
    -----
    .. math::
        d = E_2 - E_1, \quad \mathrm{se}(d) = \sqrt{\mathrm{se}_1^2 + \mathrm{se}_2^2},
        \quad z = d/\mathrm{se}(d), \quad d \pm z_{1-\alpha/2}\,\mathrm{se}(d)

    (Altman & Bland 2003).

    Examples
    --------
    Altman & Bland (2003): relative risks 0.88 (log se 0.1070, women over 60) and 0.67
    (log se 0.1929, under 60) compared on the log scale; published d = -0.2726, se 0.2206,
    z = -1.24:

    >>> from math import log
    >>> r = difference_of_estimates(log(0.88), 0.1070, log(0.67), 0.1929)
    >>> round(r.estimate, 4), round(r.se, 4), round(r.statistic, 2)
    (-0.2726, 0.2206, -1.24)
    """
    a, alt, conf = _alpha(alpha), _alternative(alternative), check_confidence(confidence)
    e1, e2 = _finite(estimate1, "estimate1"), _finite(estimate2, "estimate2")
    s1, s2 = _finite(se1, "se1"), _finite(se2, "se2")
    if s1 < 0 or s2 < 0:
        raise ValueError(f"standard errors must not be negative, got {se1!r} and {se2!r}")
    se = math.sqrt(s1 * s1 + s2 * s2)
    if se == 0:
        raise ValueError("both standard errors are 0; the z statistic is undefined")
    diff = e2 - e1
    z = diff / se
    p = _z_pvalue(z, alt)
    if alt == "two-sided":
        zc = float(stats.norm.ppf(0.5 + conf / 2))
        lo, hi = diff - zc * se, diff + zc * se
    else:
        zc = float(stats.norm.ppf(conf))
        lo, hi = (diff - zc * se, math.inf) if alt == "greater" else (-math.inf, diff + zc * se)
    significant = bool(p < a)
    if not significant:
        verdict = "no significant difference"
    elif diff > 0:
        verdict = "significant increase"
    else:
        verdict = "significant decrease"
    return DifferenceResult(diff, se, lo, hi, z, p, alt, a, conf, significant, verdict)


def _t_pvalue(t: float, df: float, alternative: str) -> float:
    if alternative == "two-sided":
        return float(2.0 * stats.t.sf(abs(t), df))
    if alternative == "greater":
        return float(stats.t.sf(t, df))
    return float(stats.t.cdf(t, df))


def _z_pvalue(z: float, alternative: str) -> float:
    if alternative == "two-sided":
        return float(2.0 * stats.norm.sf(abs(z)))
    if alternative == "greater":
        return float(stats.norm.sf(z))
    return float(stats.norm.cdf(z))


def paired_t(
    before: npt.ArrayLike,
    after: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> ComparisonResult:
    r"""Paired t-test of ``after - before`` (same units measured twice).

    Parameters
    ----------
    before, after : array_like
        Paired measurements, same length (at least 2 pairs).
    alpha, confidence, alternative
        As for :func:`welch_t`.

    Returns
    -------
    ComparisonResult
        Effect size is Cohen's :math:`d_z = \bar d / s_d`.

    Notes
    -----
    .. math:: t = \frac{\bar d}{s_d/\sqrt n}, \quad \nu = n - 1, \quad d_i = \text{after}_i -
       \text{before}_i

    Examples
    --------
    Staff service scores before and after training:

    >>> r = paired_t([3.4, 3.6, 3.5, 3.3, 3.7, 3.5], [4.4, 4.6, 4.3, 4.5, 4.6, 4.6])
    >>> round(r.estimate, 2), r.df, r.verdict
    (1.0, 5.0, 'significant increase')
    """
    x, y = _sample(before, "before"), _sample(after, "after")
    if x.size != y.size:
        raise ValueError(f"before and after must pair up: {x.size} and {y.size} values")
    a, alt, conf = _alpha(alpha), _alternative(alternative), check_confidence(confidence)
    d = y - x
    sd = float(d.std(ddof=1))
    if sd == 0:
        raise ValueError("the paired differences have zero variance; the t statistic is undefined")
    n = d.size
    mean = float(d.mean())
    se = sd / math.sqrt(n)
    t = mean / se
    return _result(
        "paired t-test",
        mean,
        "mean difference",
        _t_ci(mean, se, n - 1, conf, alt),
        t,
        n - 1,
        _t_pvalue(t, n - 1, alt),
        (mean / sd, "Cohen's d_z"),
        (int(n), int(n)),
        alt,
        a,
        conf,
    )


def two_proportions(
    successes1: int,
    n1: int,
    successes2: int,
    n2: int,
    *,
    method: Literal["z", "chi2"] = "z",
    alpha: float = 0.05,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> ComparisonResult:
    r"""Compare two independent proportions: ``p2 - p1``.

    Parameters
    ----------
    successes1, n1 : int
        Successes and trials in the first group.
    successes2, n2 : int
        Successes and trials in the second group.
    method : {"z", "chi2"}
        ``z``: pooled two-proportion z-test (equal to the Pearson chi-square without
        continuity correction); ``chi2``: chi-square test with Yates' correction
        (two-sided only).
    alpha, confidence, alternative
        As for :func:`welch_t`.

    Returns
    -------
    ComparisonResult
        The interval is Newcombe's hybrid score interval (his method 10), built from the two
        Wilson intervals; the effect size is Cohen's
        :math:`h = 2\arcsin\sqrt{p_2} - 2\arcsin\sqrt{p_1}`.

    Notes
    -----
    .. math::
        z = \frac{p_2 - p_1}{\sqrt{\bar p(1-\bar p)(1/n_1 + 1/n_2)}}, \qquad
        [\,\hat\delta - \sqrt{(p_2 - l_2)^2 + (u_1 - p_1)^2},\;
        \hat\delta + \sqrt{(u_2 - p_2)^2 + (p_1 - l_1)^2}\,]

    with :math:`(l_i, u_i)` the Wilson limits of :math:`p_i` (Newcombe 1998).

    Examples
    --------
    Newcombe (1998) example (a), 56/70 against 48/80, reversed to read "second - first":

    >>> r = two_proportions(48, 80, 56, 70)
    >>> round(r.estimate, 4), round(r.lo, 4), round(r.hi, 4)
    (0.2, 0.0524, 0.3339)
    """
    x1, t1 = count(successes1, "successes1"), count(n1, "n1", minimum=1)
    x2, t2 = count(successes2, "successes2"), count(n2, "n2", minimum=1)
    if x1 > t1 or x2 > t2:
        raise ValueError("successes cannot exceed the number of trials")
    a, alt, conf = _alpha(alpha), _alternative(alternative), check_confidence(confidence)
    p1, p2 = x1 / t1, x2 / t2
    pooled = (x1 + x2) / (t1 + t2)
    if pooled in (0.0, 1.0):
        raise ValueError("both groups are all successes or all failures: nothing to test")
    diff = p2 - p1
    if method == "z":
        z = diff / math.sqrt(pooled * (1 - pooled) * (1 / t1 + 1 / t2))
        stat, df, p = z, None, _z_pvalue(z, alt)
        name = "two-proportion z-test"
    elif method == "chi2":
        if alt != "two-sided":
            raise ValueError("the chi-square test is two-sided; use method='z' for one side")
        table = np.array([[x1, t1 - x1], [x2, t2 - x2]])
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=True)
        stat, df, name = float(chi2), float(dof), "chi-square test (Yates)"
    else:
        raise ValueError(f"method must be 'z' or 'chi2', got {method!r}")
    level = conf if alt == "two-sided" else 2 * conf - 1
    w1 = proportion_ci(x1, t1, level)
    w2 = proportion_ci(x2, t2, level)
    lo = diff - math.sqrt((p2 - w2.lo) ** 2 + (w1.hi - p1) ** 2)
    hi = diff + math.sqrt((w2.hi - p2) ** 2 + (p1 - w1.lo) ** 2)
    if alt == "greater":
        hi = math.inf
    elif alt == "less":
        lo = -math.inf
    h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
    return _result(
        name,
        diff,
        "difference in proportions",
        (lo, hi),
        stat,
        df,
        float(p),
        (h, "Cohen's h"),
        (t1, t2),
        alt,
        a,
        conf,
    )


def mann_whitney(
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> ComparisonResult:
    r"""Mann-Whitney U test with the Hodges-Lehmann shift of ``second`` against ``first``.

    Parameters
    ----------
    first, second : array_like
        Independent samples (ordinal or continuous; at least 2 values each).
    alpha, confidence, alternative
        As for :func:`welch_t`.

    Returns
    -------
    ComparisonResult
        ``statistic`` is :math:`U` of ``second``; ``estimate`` the Hodges-Lehmann median of
        all differences :math:`y_j - x_i` with its distribution-free interval (normal
        approximation to the rank of the order statistics); effect size the rank-biserial
        correlation :math:`r = 2U/(n_x n_y) - 1`.

    Notes
    -----
    The p-value is scipy's (exact for small samples without ties, otherwise normal with tie
    and continuity correction).

    Examples
    --------
    >>> r = mann_whitney([2, 3, 3, 4, 2, 3], [4, 5, 4, 5, 5, 3])
    >>> r.estimate, round(r.effect_size, 3), r.verdict
    (2.0, 0.806, 'significant increase')
    """
    x, y = _sample(first, "first"), _sample(second, "second")
    a, alt, conf = _alpha(alpha), _alternative(alternative), check_confidence(confidence)
    res = stats.mannwhitneyu(y, x, alternative=alt)
    u = float(res.statistic)
    nx, ny = x.size, y.size
    diffs = np.sort((y[:, None] - x[None, :]).ravel())
    hl = float(np.median(diffs))
    level = conf if alt == "two-sided" else 2 * conf - 1
    z = float(stats.norm.ppf(0.5 + level / 2))
    c = nx * ny / 2 - z * math.sqrt(nx * ny * (nx + ny + 1) / 12)
    k = int(max(math.floor(c), 0))
    lo = float(diffs[min(k, diffs.size - 1)])
    hi = float(diffs[max(diffs.size - 1 - k, 0)])
    if alt == "greater":
        hi = math.inf
    elif alt == "less":
        lo = -math.inf
    return _result(
        "Mann-Whitney U test",
        hl,
        "Hodges-Lehmann shift",
        (lo, hi),
        u,
        None,
        float(res.pvalue),
        (2.0 * u / (nx * ny) - 1.0, "rank-biserial r"),
        (int(nx), int(ny)),
        alt,
        a,
        conf,
    )


def rate_ratio(
    count1: int,
    exposure1: float,
    count2: int,
    exposure2: float,
    *,
    alpha: float = 0.05,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> ComparisonResult:
    r"""Compare two Poisson rates (e.g. complaints per 1,000 transactions): ratio second/first.

    Parameters
    ----------
    count1, count2 : int
        Event counts.
    exposure1, exposure2 : float
        Exposures (transactions, visits, days ...), > 0.
    alpha, confidence, alternative
        As for :func:`welch_t`.

    Returns
    -------
    ComparisonResult
        ``estimate`` is :math:`(c_2/E_2)/(c_1/E_1)`; the effect size is its logarithm.

    Notes
    -----
    Conditional on :math:`N = c_1 + c_2`, :math:`c_2 \sim \mathrm{Bin}(N, \pi)` with
    :math:`\pi = E_2 R/(E_1 + E_2 R)`. The p-value is the exact binomial test of
    :math:`\pi_0 = E_2/(E_1+E_2)`; the Clopper-Pearson limits :math:`(\pi_l, \pi_u)` map to
    :math:`R = \frac{\pi}{1-\pi}\frac{E_1}{E_2}` (Przyborowski & Wilenski 1940).

    Examples
    --------
    >>> r = rate_ratio(30, 10_000, 12, 10_000)
    >>> round(r.estimate, 4), r.verdict
    (0.4, 'significant decrease')
    """
    c1, c2 = count(count1, "count1"), count(count2, "count2")
    e1, e2 = positive(exposure1, "exposure1"), positive(exposure2, "exposure2")
    if c1 + c2 == 0:
        raise ValueError("both counts are zero: the rate ratio is undefined")
    a, alt, conf = _alpha(alpha), _alternative(alternative), check_confidence(confidence)
    total = c1 + c2
    pi0 = e2 / (e1 + e2)
    p = float(stats.binomtest(c2, total, pi0, alternative=alt).pvalue)
    level = conf if alt == "two-sided" else 2 * conf - 1
    ci = proportion_ci(c2, total, level, "clopper-pearson")

    def to_ratio(pi: float) -> float:
        return math.inf if pi >= 1.0 else pi / (1.0 - pi) * e1 / e2

    lo, hi = to_ratio(ci.lo), to_ratio(ci.hi)
    if alt == "greater":
        hi = math.inf
    elif alt == "less":
        lo = 0.0
    ratio = math.inf if c1 == 0 else (c2 / e2) / (c1 / e1)
    log_ratio = math.inf if c1 == 0 else (-math.inf if c2 == 0 else math.log(ratio))
    return _result(
        "exact conditional Poisson rate test",
        ratio,
        "rate ratio",
        (lo, hi),
        c2,
        None,
        p,
        (log_ratio, "log rate ratio"),
        (c1, c2),
        alt,
        a,
        conf,
        null=1.0,
    )
