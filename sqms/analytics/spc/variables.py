"""Charts for measurements: X̄-R, X̄-S and individuals with moving range (I-MR)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .._validate import (
    BoolArray,
    FloatArray,
    positive,
    vector,
)
from ..constants import Constants, check_constants, factors
from .fitting import _chart, _fit, _known, _nonzero_spread, _subgroups
from .results import IMR, ChartResult, XbarR, XbarS


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
