"""Tabulated (printed 3-decimal) control-chart constants against printed examples.

Sources:
- M = Montgomery, Introduction to Statistical Quality Control, 8th ed., Wiley 2019:
  Appendix Table VI (factors), Example 6.1 (x-bar/R, piston rings) and Example 6.3
  (x-bar/s), data of Table 6.3 (`reference_data.MONTGOMERY_TABLE_6_3`).
- NIST = NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.2 (individuals chart,
  d2 = 1.128), https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc322.htm
"""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from sqms.analytics import spc
from sqms.analytics.constants import _TABLE_VI, chart_constants, factors, tabulated_constants
from sqms.analytics.tests.reference_data import (
    MONTGOMERY_TABLE_6_3,
    NIST_FLOWRATE,
    PISTON_RINGS,
)

NAMES = ("A", "A2", "A3", "c4", "B3", "B4", "B5", "B6", "d2", "d3", "D1", "D2", "D3", "D4")


def test_table_covers_2_to_25_and_is_within_rounding_of_the_exact_values() -> None:
    assert sorted(_TABLE_VI) == list(range(2, 26))
    for n in range(2, 26):
        printed, exact = tabulated_constants(n), chart_constants(n)
        for name in NAMES:
            tol = 6e-5 if name == "c4" else 6e-4
            if name in ("D1", "D2", "D3", "D4"):  # printed from the rounded d2, d3
                tol = 2e-3
            assert abs(getattr(printed, name) - getattr(exact, name)) <= tol, (n, name)


def test_printed_entries_of_m_table_vi() -> None:
    k = tabulated_constants(5)
    assert (k.A, k.A2, k.A3, k.c4, k.B4, k.d2, k.d3, k.D2, k.D4) == (
        1.342, 0.577, 1.427, 0.9400, 2.089, 2.326, 0.864, 4.918, 2.114,
    )  # fmt: skip
    assert tabulated_constants(3).D4 == 2.574  # the exact value rounds to 2.575
    assert tabulated_constants(2).d2 == 1.128


def test_exact_d2_and_c4_agree_with_scipy() -> None:
    # d2(n) = E[range of n N(0,1)] = integral of 1 - Phi^n - (1 - Phi)^n, by adaptive quadrature.
    for n in (2, 5, 10, 25):
        val, _ = integrate.quad(
            lambda x, n=n: 1 - stats.norm.cdf(x) ** n - stats.norm.sf(x) ** n, -np.inf, np.inf
        )
        assert chart_constants(n).d2 == pytest.approx(val, abs=1e-8)
        # c4 = E[s]/sigma from the chi distribution with n - 1 degrees of freedom.
        c4 = stats.chi(n - 1).mean() / math.sqrt(n - 1)
        assert chart_constants(n).c4 == pytest.approx(c4, rel=1e-10)


def test_tabulated_beyond_25_and_bad_choice_are_refused() -> None:
    with pytest.raises(ValueError, match="2 to 25"):
        tabulated_constants(26)
    with pytest.raises(ValueError, match="constants must be"):
        factors(5, "rounded")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="constants must be"):
        spc.imr([1.0, 2.0, 3.0], constants="textbook")  # type: ignore[arg-type]
    rows = [[float(i + j) for j in range(30)] for i in range(3)]
    with pytest.raises(ValueError, match="2 to 25"):
        spc.xbar_s(rows, constants="tabulated")


def test_nist_individuals_chart_reproduced_to_the_printed_digits() -> None:
    # NIST 6.3.2.2: MR-bar = 1.8778, UCL = 55.8041, LCL = 45.8159 (sigma = MR-bar / 1.128).
    tab = spc.imr(NIST_FLOWRATE, constants="tabulated")
    assert round(float(tab.i.ucl[0]), 4) == 55.8041
    assert round(float(tab.i.lcl[0]), 4) == 45.8159
    assert round(float(tab.mr.ucl[0]), 3) == round(3.267 * 1.8778, 3)  # D4(2) * MR-bar
    exact = spc.imr(NIST_FLOWRATE)
    assert round(float(exact.i.ucl[0]), 4) == 55.8024
    # The half-width (UCL - centre) differs in the 4th significant digit: 4.994 vs 4.992.
    half_tab = float(tab.i.ucl[0] - tab.i.center[0])
    half_exact = float(exact.i.ucl[0] - exact.i.center[0])
    assert f"{half_tab:.4g}" == "4.994" and f"{half_exact:.4g}" == "4.992"


def test_montgomery_example_6_1_xbar_r_tabulated() -> None:
    # M Example 6.1: sum R = 0.581, R-bar = 0.023, x-double-bar = 74.001; with A2 = 0.577:
    # UCL = 74.001 + 0.577 x 0.023 = 74.014, LCL = 73.988; R chart D4 R-bar = 0.049, LCL 0.
    ch = spc.xbar_r(MONTGOMERY_TABLE_6_3, constants="tabulated")
    rbar, xbb = float(ch.r.center[0]), float(ch.xbar.center[0])
    assert round(rbar * 25, 3) == 0.581 and round(rbar, 3) == 0.023
    assert round(xbb, 3) == 74.001
    # Limits in exactly the printed form: x-double-bar +/- A2 R-bar, D4 R-bar.
    assert float(ch.xbar.ucl[0]) == pytest.approx(xbb + 0.577 * rbar, abs=1e-12)
    assert float(ch.xbar.lcl[0]) == pytest.approx(xbb - 0.577 * rbar, abs=1e-12)
    assert float(ch.r.ucl[0]) == pytest.approx(2.114 * rbar, abs=1e-12)
    assert round(float(ch.r.ucl[0]), 3) == 0.049 and ch.r.lcl[0] == 0.0
    # M works from the rounded intermediates; the same rounding gives the printed limits.
    assert round(74.001 + 0.577 * 0.023, 3) == 74.014
    assert round(74.001 - 0.577 * 0.023, 3) == 73.988
    assert round(float(ch.xbar.lcl[0]), 3) == 73.988
    # Exact constants: A2 = 0.57682 instead of 0.577 (4th significant digit), so the
    # half-width moves by the same ratio (0.013410 vs 0.013405 mm).
    exact = spc.xbar_r(MONTGOMERY_TABLE_6_3)
    w_tab = float(ch.xbar.ucl[0]) - xbb
    w_exact = float(exact.xbar.ucl[0]) - xbb
    assert w_tab / w_exact == pytest.approx(0.577 / chart_constants(5).A2, rel=1e-12)
    assert f"{w_tab:.5f}" == "0.01341" and f"{w_exact:.6f}" == "0.013405"
    assert ch.xbar.signals[1].size == 0 and ch.r.signals[1].size == 0


def test_montgomery_example_6_3_xbar_s_tabulated() -> None:
    # M Example 6.3: s-bar = 0.0094, A3 = 1.427, B4 = 2.089 -> s chart UCL 0.0196, LCL 0;
    # x-bar limits 74.001 +/- 1.427 x 0.0094 = 74.014 / 73.988.
    ch = spc.xbar_s(MONTGOMERY_TABLE_6_3, constants="tabulated")
    sbar, xbb = float(ch.s.center[0]), float(ch.xbar.center[0])
    assert round(sbar, 4) == 0.0094
    assert round(float(ch.s.ucl[0]), 4) == 0.0196 and ch.s.lcl[0] == 0.0
    assert float(ch.s.ucl[0]) == pytest.approx(2.089 * sbar, abs=1e-12)
    assert float(ch.xbar.ucl[0]) == pytest.approx(xbb + 1.427 * sbar, abs=1e-12)
    assert round(74.001 + 1.427 * 0.0094, 3) == 74.014
    assert round(74.001 - 1.427 * 0.0094, 3) == 73.988
    # Known sigma, tabulated: mu +/- A sigma and B5/B6 sigma with the printed factors.
    known = spc.xbar_s(MONTGOMERY_TABLE_6_3, target=74.0, sigma=0.01, constants="tabulated")
    assert float(known.xbar.ucl[0]) == pytest.approx(74.0 + 1.342 * 0.01)
    assert float(known.s.ucl[0]) == pytest.approx(1.964 * 0.01)
    assert float(known.s.center[0]) == pytest.approx(0.9400 * 0.01)


def test_known_sigma_r_chart_uses_d1_d2_when_tabulated() -> None:
    ch = spc.xbar_r(PISTON_RINGS[:25], target=74.0, sigma=0.01, constants="tabulated")
    assert float(ch.xbar.ucl[0]) == pytest.approx(74.0 + 1.342 * 0.01)
    assert float(ch.r.center[0]) == pytest.approx(2.326 * 0.01)
    assert float(ch.r.ucl[0]) == pytest.approx(4.918 * 0.01)
    assert ch.r.lcl[0] == 0.0  # D1(5) = 0
    seven = [row + [row[0]] * 2 for row in PISTON_RINGS[:25]]
    ch7 = spc.xbar_r(seven, target=74.0, sigma=0.01, constants="tabulated")
    assert float(ch7.r.lcl[0]) == pytest.approx(0.204 * 0.01)


def test_ewma_and_cusum_use_the_tabulated_d2() -> None:
    x = NIST_FLOWRATE
    mrbar = float(np.mean(np.abs(np.diff(x))))
    assert spc.cusum(x, constants="tabulated").sigma == pytest.approx(mrbar / 1.128)
    assert spc.cusum(x).sigma == pytest.approx(mrbar / chart_constants(2).d2)
    e = spc.ewma(x, constants="tabulated")
    assert e.steady_ucl - e.start == pytest.approx(3 * mrbar / 1.128 * math.sqrt(0.2 / 1.8))


def test_default_is_unchanged() -> None:
    a, b = spc.xbar_r(PISTON_RINGS), spc.xbar_r(PISTON_RINGS, constants="exact")
    np.testing.assert_array_equal(a.xbar.ucl, b.xbar.ucl)
    np.testing.assert_array_equal(a.r.ucl, b.r.ucl)
