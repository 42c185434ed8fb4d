"""A KPI's control chart: which ``sqms.analytics.spc`` chart its nature calls for, the
phase-I estimate over a baseline, and every point judged against frozen limits. The maths is
``sqms.analytics.spc``'s; this module only maps KPI values onto its inputs (no database).

- proportion → p chart with varying n (defectives = numerator, sizes = n);
- count → c chart (the value is the count);
- rate per N → u chart (counts = numerator, sizes = n / N, so the plotted u is the rate);
- measurement → individuals chart (I-MR), or EWMA when the KPI asks for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sqms.analytics import spc
from sqms.analytics.constants import Constants
from sqms.kpis.choices import ChartKind

DEFAULT_RULES = (1, 2, 5, 6)


class ChartError(ValueError):
    """The points cannot make this chart (too few, no spread, missing n)."""


@dataclass(frozen=True)
class Point:
    period: dt.date
    value: float
    n: float | None = None
    numerator: float | None = None


@dataclass(frozen=True)
class Judged:
    """The points with their statistic, centre, limits and flags."""

    chart: str
    points: list[Point]
    statistic: list[float]
    center: list[float]
    lcl: list[float]
    ucl: list[float]
    signals: dict[int, list[int]] = field(default_factory=dict)

    def rules_at(self, i: int) -> list[int]:
        return sorted(r for r, idx in self.signals.items() if i in idx)


def _need(points: Sequence[Point], what: str) -> None:
    if len(points) < 2:
        raise ChartError(f"a chart needs at least 2 points, there are {len(points)}")
    if what == "n" and any(p.n is None or p.numerator is None for p in points):
        bad = next(p for p in points if p.n is None or p.numerator is None)
        raise ChartError(f"the value of {bad.period} has no n / numerator")


def _run(
    kind: str,
    points: Sequence[Point],
    rate_base: int,
    *,
    center: float | None,
    sigma: float | None,
    rules: Sequence[int],
    constants: Constants = "exact",
) -> spc.ChartResult:
    values = [p.value for p in points]
    try:
        if kind == ChartKind.P:
            _need(points, "n")
            d = [round(p.numerator or 0.0) for p in points]
            n = [round(p.n or 0.0) for p in points]
            return spc.p_chart(d, n, target=center, rules=rules)
        if kind == ChartKind.C:
            _need(points, "")
            return spc.c_chart([round(v) for v in values], target=center, rules=rules)
        if kind == ChartKind.U:
            _need(points, "n")
            c = [round(p.numerator or 0.0) for p in points]
            sizes = [(p.n or 0.0) / rate_base for p in points]
            return spc.u_chart(c, sizes, target=center, rules=rules)
        _need(points, "")
        if kind == ChartKind.EWMA:
            return spc.ewma(values, target=center, sigma=sigma)
        return spc.imr(values, target=center, sigma=sigma, rules=rules, constants=constants).i
    except ChartError:
        raise
    except ValueError as exc:
        raise ChartError(str(exc)) from None


def estimate(
    kind: str, baseline: Sequence[Point], rate_base: int, constants: Constants = "exact"
) -> tuple[float, float | None]:
    """Phase I: the centre (and, for individuals and EWMA, sigma of an individual value, MR̄/d2
    with d2 exact or tabulated) estimated from the baseline points."""
    fit = _run(
        ChartKind.IMR if kind == ChartKind.EWMA else kind,
        baseline,
        rate_base,
        center=None,
        sigma=None,
        rules=(1,),
        constants=constants,
    )
    center = float(fit.center[0])
    sigma = float(fit.sigma[0]) if kind in (ChartKind.IMR, ChartKind.EWMA) else None
    return center, sigma


def judge(
    kind: str,
    points: Sequence[Point],
    rate_base: int,
    *,
    center: float,
    sigma: float | None,
    rules: Sequence[int],
) -> Judged:
    """Every point against frozen limits (``center``/``sigma`` as :func:`estimate` gave)."""
    ch = _run(kind, points, rate_base, center=center, sigma=sigma, rules=rules)

    def out(arr: npt.NDArray[np.float64]) -> list[float]:
        return [float(x) for x in arr]

    return Judged(
        chart=ch.chart,
        points=list(points),
        statistic=out(ch.statistic),
        center=out(ch.center),
        lcl=out(ch.lcl),
        ucl=out(ch.ucl),
        signals={int(r): [int(i) for i in idx] for r, idx in ch.signals.items()},
    )
