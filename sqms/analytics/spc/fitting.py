"""What every Shewhart chart shares: the baseline (phase I), exclusions, re-estimation and
the judging of every point against the frozen limits."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from .._validate import (
    BoolArray,
    FloatArray,
    check_finite,
    count,
)
from .results import ChartResult, _frozen
from .rules import _rule_flags


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
