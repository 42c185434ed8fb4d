"""Statistics from rollup sums as report pages show them: a mean with its interval, a share,
a difference with its test; suppressed under the minimum n. The maths is in ``sqms.analytics``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

from sqms.analytics import compare
from sqms.analytics.metrics import proportion_ci
from sqms.analytics.summary import mean_ci_from_sums


def min_n() -> int:
    """The minimum n under which a figure is suppressed (``SQMS_SURVEY_MIN_N``, default 5)."""
    return int(getattr(settings, "SQMS_SURVEY_MIN_N", 5))


Sums = tuple[int, float, float]
ZERO: Sums = (0, 0.0, 0.0)


@dataclass(frozen=True)
class Stat:
    """A mean with its 95 % t-interval, or suppressed (n under the minimum)."""

    n: int
    mean: float | None = None
    lo: float | None = None
    hi: float | None = None
    sd: float | None = None
    suppressed: bool = True

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.mean is not None


def shifted(s: Stat, by: float) -> Stat:
    """The same estimate moved by a constant (its interval moves with it)."""
    if s.mean is None:
        return s
    return Stat(
        s.n,
        s.mean + by,
        None if s.lo is None else s.lo + by,
        None if s.hi is None else s.hi + by,
        s.sd,
        s.suppressed,
    )


def stat(sums: Sums, minimum: int | None = None) -> Stat:
    n, s, ss = sums
    n = int(n)
    if n == 0 or n < (minimum if minimum is not None else min_n()):
        return Stat(n)
    if n < 2:
        return Stat(n, s / n, None, None, None, False)
    r = mean_ci_from_sums(n, s, ss)
    return Stat(n, r.mean, r.lo, r.hi, r.sd, False)


@dataclass(frozen=True)
class Share:
    n: int
    k: float
    share: float | None = None
    lo: float | None = None
    hi: float | None = None
    suppressed: bool = True

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.share is not None


def share(n: int, k: float) -> Share:
    if n == 0 or n < min_n():
        return Share(n, k)
    r = proportion_ci(int(round(k)), int(n))
    return Share(n, k, r.proportion, r.lo, r.hi, False)


@dataclass(frozen=True)
class Difference:
    """A change (second − first) with its 95 % interval, test statistic and p value, as the
    report pages show it; NaN fields where the test is undefined (e.g. no variance)."""

    estimate: float
    low: float
    high: float
    z: float
    p_value: float


NAN_DIFFERENCE = Difference(math.nan, math.nan, math.nan, math.nan, math.nan)


def mean_difference(first: Sums, second: Sums) -> Difference:
    """Mean of ``second`` minus mean of ``first`` (independent groups, Welch interval), from
    their rollups; the statistic is Welch's t."""
    if first[0] < 2 or second[0] < 2:
        return NAN_DIFFERENCE
    a, b = mean_ci_from_sums(*first), mean_ci_from_sums(*second)
    try:
        r = compare.welch_t_from_stats(a.mean, a.sd, a.n, b.mean, b.sd, b.n)
    except ValueError:  # both groups without variance: no interval, no test
        est = b.mean - a.mean
        return Difference(est, est, est, math.nan, math.nan)
    return Difference(r.estimate, r.lo, r.hi, r.statistic, r.pvalue)


def estimate_difference(est1: float, se1: float, est2: float, se2: float) -> Difference:
    """``est2 − est1`` of two independent estimates with standard errors (z-test)."""
    try:
        r = compare.difference_of_estimates(est1, se1, est2, se2)
    except ValueError:  # both standard errors 0
        return Difference(est2 - est1, math.nan, math.nan, math.nan, math.nan)
    return Difference(r.estimate, r.lo, r.hi, r.statistic, r.pvalue)
