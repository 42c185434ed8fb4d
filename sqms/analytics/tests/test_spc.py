"""Control charts against published examples, run rules against a plain reference loop.

Sources (cited next to each figure):
- M = Montgomery, Introduction to Statistical Quality Control, 8th ed., Wiley 2019.
  (Example numbers are the same in the 6th and 7th editions.) Printed limits use
  constants rounded to 3 decimals, hence the tolerances of one unit in the last place.
- NIST = NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3,
  https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc3.htm
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqms.analytics import spc
from sqms.analytics.tests.reference_data import (
    CIRCUIT_BOARDS,
    MONTGOMERY_TABLE_9_1,
    NIST_CUSUM_DATA,
    NIST_CUSUM_SHI,
    NIST_CUSUM_SLO,
    NIST_EWMA_DATA,
    NIST_EWMA_PRINTED,
    NIST_FLOWRATE,
    ORANGE_JUICE,
    ORANGE_JUICE_PHASE2,
    PC_MANUFACTURING,
    PISTON_RINGS,
)

# --------------------------------------------------------------------------- x-bar / R / s


def test_piston_rings_xbar_r_phase_one() -> None:
    # M Example 6.1: x-double-bar = 74.001, R-bar = 0.023; x-bar chart UCL 74.014,
    # LCL 73.988; R chart LCL 0, UCL 0.049 (= D4 x 0.023 with R-bar rounded first).
    ch = spc.xbar_r(PISTON_RINGS[:25])
    assert ch.xbar.center[0] == pytest.approx(74.001, abs=5e-4)
    assert ch.r.center[0] == pytest.approx(0.023, abs=5e-4)
    assert ch.xbar.ucl[0] == pytest.approx(74.014, abs=5e-4)
    assert ch.xbar.lcl[0] == pytest.approx(73.988, abs=5e-4)
    assert ch.r.lcl[0] == 0.0
    assert ch.r.ucl[0] == pytest.approx(0.049, abs=1.5e-3)
    # M: "both charts exhibit control" for the 25 preliminary samples.
    assert ch.xbar.signals[1].size == 0 and ch.r.signals[1].size == 0


def test_piston_rings_phase_two_flags_the_shift() -> None:
    # M Example 6.1, phase II (samples 26-40 against the phase-I limits): the x-bar chart
    # shows samples 37, 38 and 39 above the UCL (from memory of the printed figure; the
    # data are qcc's pistonrings).
    ch = spc.xbar_r(PISTON_RINGS, baseline=25)
    assert (ch.xbar.signals[1] + 1).tolist() == [37, 38, 39]
    assert ch.xbar.ucl[39] == pytest.approx(74.014, abs=5e-4)
    assert ch.r.signals[1].size == 0


def test_piston_rings_xbar_s() -> None:
    # M Example 6.3: x-bar limits 74.014 / 73.988 from s-bar with A3 = 1.427; the s chart
    # has LCL 0 (B3 = 0). M prints s-bar = 0.0094 and UCL = 0.0196; those two figures are
    # from memory and could not be verified: the qcc data give s-bar = 0.00924, so they are
    # checked only to 3e-4.
    ch = spc.xbar_s(PISTON_RINGS, baseline=25)
    assert ch.xbar.ucl[0] == pytest.approx(74.014, abs=5e-4)
    assert ch.xbar.lcl[0] == pytest.approx(73.988, abs=5e-4)
    assert ch.s.center[0] == pytest.approx(0.0094, abs=3e-4)
    assert ch.s.ucl[0] == pytest.approx(0.0196, abs=5e-4)
    assert ch.s.lcl[0] == 0.0
    assert (ch.xbar.signals[1] + 1).tolist() == [37, 38, 39]


def test_xbar_s_ragged_uses_pooled_sd_and_per_subgroup_limits() -> None:
    groups = [[1.0, 2.0, 3.0, 4.0], [2.0, 2.5], [1.0, 3.0, 2.0], [2.2, 2.8, 2.4, 2.6, 2.0]]
    ch = spc.xbar_s(groups)
    sizes = np.array([len(g) for g in groups])
    sds = np.array([np.std(g, ddof=1) for g in groups])
    pooled = np.sqrt(np.sum((sizes - 1) * sds**2) / np.sum(sizes - 1))  # M eq. 6.31
    assert ch.s.center[0] == pytest.approx(pooled)
    grand = sum(sum(g) for g in groups) / sizes.sum()
    assert ch.xbar.center[0] == pytest.approx(grand)
    # Larger subgroups get narrower x-bar limits.
    widths = ch.xbar.ucl - ch.xbar.lcl
    assert widths[1] > widths[0] > widths[3]


def test_xbar_r_with_known_standard() -> None:
    ch = spc.xbar_r(PISTON_RINGS[:25], target=74.0, sigma=0.01)
    assert ch.xbar.ucl[0] == pytest.approx(74.0 + 3 * 0.01 / np.sqrt(5))
    # R chart with known sigma: centre d2*sigma, UCL D2*sigma (M Appendix VI, n=5: 2.326, 4.918)
    assert ch.r.center[0] == pytest.approx(0.02326, abs=1e-5)
    assert ch.r.ucl[0] == pytest.approx(0.04918, abs=1e-5)


def test_xbar_r_refuses_unequal_subgroups() -> None:
    with pytest.raises(ValueError, match="xbar_s"):
        spc.xbar_r([[1.0, 2.0, 3.0], [1.0, 2.0]])


# --------------------------------------------------------------------------- I-MR


def test_nist_individuals_chart() -> None:
    # NIST 6.3.2.2: x-bar = 50.81, MR-bar = 1.8778, UCL = 55.8041, LCL = 45.8159; in control.
    # NIST divides by d2 = 1.128 (rounded); with the exact d2 the limits move by 0.0016.
    ch = spc.imr(NIST_FLOWRATE)
    assert ch.i.center[0] == pytest.approx(50.81, abs=1e-9)
    assert ch.mr.center[0] == pytest.approx(1.8778, abs=5e-5)
    assert ch.i.ucl[0] == pytest.approx(55.8041, abs=2e-3)
    assert ch.i.lcl[0] == pytest.approx(45.8159, abs=2e-3)
    assert ch.i.signals[1].size == 0
    # NIST printed moving ranges.
    np.testing.assert_allclose(ch.mr.statistic, [2.0, 2.3, 1.4, 3.5, 3.4, 1.4, 0.2, 1.2, 1.5])
    # MR chart UCL = D4(2) * MR-bar = 3.267 * 1.8778 (NIST 6.3.2.2)
    assert ch.mr.ucl[0] == pytest.approx(3.267 * 1.8778, abs=2e-3)


# --------------------------------------------------------------------------- attributes


def test_orange_juice_p_chart_trial_limits() -> None:
    # M Example 7.1: p-bar = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are
    # above the UCL.
    ch = spc.p_chart(ORANGE_JUICE, 50)
    assert ch.center[0] == pytest.approx(0.2313, abs=5e-5)
    assert ch.ucl[0] == pytest.approx(0.4102, abs=5e-5)
    assert ch.lcl[0] == pytest.approx(0.0524, abs=5e-5)
    assert (ch.signals[1] + 1).tolist() == [15, 23]


def test_orange_juice_revised_limits_after_assignable_causes() -> None:
    # M Example 7.1 (revised): excluding samples 15 and 23, p-bar = 0.2150,
    # UCL = 0.3893, LCL = 0.0407; sample 21 now plots above the revised UCL.
    ch = spc.p_chart(ORANGE_JUICE, 50, exclude=(14, 22))
    assert ch.excluded == (14, 22)
    assert ch.center[0] == pytest.approx(0.2150, abs=5e-5)
    assert ch.ucl[0] == pytest.approx(0.3893, abs=5e-5)
    assert ch.lcl[0] == pytest.approx(0.0407, abs=5e-5)
    assert 20 in ch.signals[1].tolist()


def test_orange_juice_phase_two_runs_below_the_centre() -> None:
    # M Example 7.1 continued: after the machine adjustment the 24 new samples fall below
    # the old centre line; rule 2 (a run of 9 below) fires.
    data = ORANGE_JUICE + ORANGE_JUICE_PHASE2
    ch = spc.p_chart(data, 50, baseline=30, exclude=(14, 22), rules=(1, 2))
    assert ch.signals[2].size > 0 and ch.signals[2].min() >= 30


def test_reestimate_iterates_until_stable() -> None:
    ch = spc.p_chart(ORANGE_JUICE, 50, reestimate=True)
    # After dropping 15 and 23, sample 21 is out; dropping it too leaves none out.
    assert ch.excluded == (14, 20, 22)
    inside = np.setdiff1d(np.arange(30), ch.excluded)
    assert np.all(
        (ch.statistic[inside] <= ch.ucl[inside]) & (ch.statistic[inside] >= ch.lcl[inside])
    )
    assert ch.center[0] == pytest.approx((347 - 22 - 24 - 20) / (27 * 50))


def test_np_chart_matches_p_chart_scaled() -> None:
    p = spc.p_chart(ORANGE_JUICE, 50)
    npc = spc.np_chart(ORANGE_JUICE, 50)
    np.testing.assert_allclose(npc.ucl, 50 * p.ucl)
    np.testing.assert_allclose(npc.center, 50 * p.center)


def test_circuit_boards_c_chart() -> None:
    # M Example 7.3: c-bar = 19.85, UCL = 33.22, LCL = 6.48; samples 6 and 20 out.
    # M computes the limits from c-bar rounded to 19.85 (33.216); unrounded gives 33.211.
    ch = spc.c_chart(CIRCUIT_BOARDS)
    assert ch.center[0] == pytest.approx(19.85, abs=5e-3)
    assert ch.ucl[0] == pytest.approx(33.22, abs=1e-2)
    assert ch.lcl[0] == pytest.approx(6.48, abs=5e-3)
    assert (ch.signals[1] + 1).tolist() == [6, 20]
    # Revised (samples 6 and 20 removed): c-bar = 19.67, UCL = 32.97, LCL = 6.36.
    rev = spc.c_chart(CIRCUIT_BOARDS, exclude=(5, 19))
    assert rev.center[0] == pytest.approx(19.67, abs=5e-3)
    assert rev.ucl[0] == pytest.approx(32.97, abs=5e-3)
    assert rev.lcl[0] == pytest.approx(6.36, abs=5e-3)


def test_pc_manufacturing_u_chart() -> None:
    # M section 7.3.1, personal-computer example (example number from memory):
    # u-bar = 1.93, UCL = 3.79, LCL = 0.07; in control.
    ch = spc.u_chart(PC_MANUFACTURING, 5)
    assert ch.center[0] == pytest.approx(1.93, abs=5e-3)
    assert ch.ucl[0] == pytest.approx(3.79, abs=5e-3)
    assert ch.lcl[0] == pytest.approx(0.07, abs=5e-3)
    assert ch.signals[1].size == 0


def test_u_chart_limits_vary_with_size_and_floor_at_zero() -> None:
    ch = spc.u_chart([2, 1, 0, 3], [1.0, 0.5, 2.0, 4.0])
    ubar = 6 / 7.5
    np.testing.assert_allclose(ch.ucl, ubar + 3 * np.sqrt(ubar / np.array([1.0, 0.5, 2.0, 4.0])))
    assert np.all(ch.lcl == 0.0)


# --------------------------------------------------------------------------- EWMA, CUSUM


def test_nist_ewma_series_and_limits() -> None:
    # NIST 6.3.2.4: EWMA series (printed to 2 dp), UCL = 52.5884, LCL = 47.4115
    # (NIST rounds sqrt(lambda/(2-lambda)) to 0.4201, so the LCL differs in the 4th dp).
    ch = spc.ewma(NIST_EWMA_DATA, lam=0.3, L=3, target=50, sigma=2.0539)
    np.testing.assert_allclose(ch.statistic, NIST_EWMA_PRINTED, atol=5e-3)
    assert ch.steady_ucl == pytest.approx(52.5884, abs=1e-4)
    assert ch.steady_lcl == pytest.approx(47.4115, abs=1.5e-4)
    assert ch.signals[1].size == 0  # NIST: "the process is in control"


def test_montgomery_ewma_time_varying_limits() -> None:
    # M Example 9.2 (lambda = 0.1, L = 2.7, mu0 = 10, sigma = 1): UCL 10.27 at period 1,
    # 10.36 at period 2, steady-state 10.62 (printed in M's table of EWMA limits; from
    # memory, consistent with the formula).
    ch = spc.ewma(MONTGOMERY_TABLE_9_1, lam=0.1, L=2.7, target=10, sigma=1)
    assert ch.ucl[0] == pytest.approx(10.27, abs=5e-3)
    assert ch.lcl[0] == pytest.approx(9.73, abs=5e-3)
    assert ch.ucl[1] == pytest.approx(10.36, abs=5e-3)
    assert ch.steady_ucl == pytest.approx(10.62, abs=5e-3)
    assert ch.ucl[-1] < ch.steady_ucl
    # The exact limits approach the steady ones.
    assert np.all(np.diff(ch.ucl) > 0)


def test_nist_tabular_cusum() -> None:
    # NIST 6.3.2.3: S_hi, S_lo printed to 2 dp (ties printed either way: allow half a unit),
    # S_hi first exceeds h = 4.1959 at group 14 and stays above through group 20.
    r = spc.cusum(NIST_CUSUM_DATA, k=0.5, h=4.1959 / 0.635, target=325, sigma=0.635)
    assert abs(r.K - 0.3175) < 1e-12
    assert abs(r.H - 4.1959) < 1e-12
    np.testing.assert_allclose(r.upper, NIST_CUSUM_SHI, atol=5.1e-3)
    np.testing.assert_allclose(r.lower, NIST_CUSUM_SLO, atol=5.1e-3)
    assert (r.upper_signals + 1).tolist() == list(range(14, 21))
    assert r.lower_signals.size == 0


def test_montgomery_tabular_cusum() -> None:
    # M Example 9.1 (Table 9.2): C+ first exceeds H = 5 at sample 29 with C+ = 5.28 and
    # N+ = 7, dating the shift after sample 22; C+30 = 5.30 (from memory of Table 9.2).
    r = spc.cusum(MONTGOMERY_TABLE_9_1, k=0.5, h=5, target=10, sigma=1)
    assert r.upper[28] == pytest.approx(5.28, abs=5e-3)
    assert r.upper[29] == pytest.approx(5.30, abs=5e-3)
    assert r.upper_run[28] == 7
    assert (r.upper_signals + 1).tolist() == [29, 30]
    assert r.lower_signals.size == 0


def test_cusum_matches_the_plain_recursion() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(0.3, 1.0, 300)
    r = spc.cusum(x, k=0.5, h=4, target=0.0, sigma=1.0)
    hi = lo = 0.0
    for i, v in enumerate(x):
        hi = max(0.0, v - 0.5 + hi)
        lo = max(0.0, -0.5 - v + lo)
        assert r.upper[i] == pytest.approx(hi, abs=1e-9)
        assert r.lower[i] == pytest.approx(lo, abs=1e-9)


# --------------------------------------------------------------------------- run rules


def _naive_rules(x: list[float], center: float, sigma: float) -> dict[int, list[int]]:
    """Point-by-point statement of the Nelson rules, written independently of spc."""
    z = [(v - center) / sigma for v in x]
    out: dict[int, list[int]] = {r: [] for r in range(1, 9)}
    for i in range(len(x)):
        if abs(z[i]) > 3:
            out[1].append(i)
        if i >= 8 and (
            all(v > 0 for v in z[i - 8 : i + 1]) or all(v < 0 for v in z[i - 8 : i + 1])
        ):
            out[2].append(i)
        if i >= 5:
            seg = x[i - 5 : i + 1]
            if all(seg[j] < seg[j + 1] for j in range(5)) or all(
                seg[j] > seg[j + 1] for j in range(5)
            ):
                out[3].append(i)
        if i >= 13:
            seg = x[i - 13 : i + 1]
            d = [seg[j + 1] - seg[j] for j in range(13)]
            if all(d[j] * d[j + 1] < 0 for j in range(12)):
                out[4].append(i)
        w3 = z[max(0, i - 2) : i + 1]
        if (z[i] > 2 and sum(v > 2 for v in w3) >= 2) or (
            z[i] < -2 and sum(v < -2 for v in w3) >= 2
        ):
            out[5].append(i)
        w5 = z[max(0, i - 4) : i + 1]
        if (z[i] > 1 and sum(v > 1 for v in w5) >= 4) or (
            z[i] < -1 and sum(v < -1 for v in w5) >= 4
        ):
            out[6].append(i)
        if i >= 14 and all(abs(v) < 1 for v in z[i - 14 : i + 1]):
            out[7].append(i)
        if i >= 7 and all(abs(v) > 1 for v in z[i - 7 : i + 1]):
            out[8].append(i)
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-4.5, 4.5, allow_nan=False),
            st.sampled_from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_run_rules_agree_with_a_plain_loop(x: list[float]) -> None:
    got = spc.run_rules(x, 0.0, 1.0)
    want = _naive_rules(x, 0.0, 1.0)
    assert {r: v.tolist() for r, v in got.items()} == want


@pytest.mark.parametrize(
    ("rule", "series", "first"),
    [
        (1, [0.0] * 5 + [3.2], 5),
        (2, [0.5] * 9, 8),
        (3, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], 5),
        (4, [0.5, -0.5] * 7, 13),
        (5, [0.0, 2.5, 0.0, 2.2], 3),
        (6, [1.5, 1.2, 0.0, 1.1, 1.3], 4),
        (7, [0.1, -0.1] * 8, 14),
        (8, [1.5, -1.5] * 4, 7),
    ],
)
def test_each_rule_fires_where_its_pattern_completes(
    rule: int, series: list[float], first: int
) -> None:
    flagged = spc.run_rules(series, 0.0, 1.0, rules=(rule,))[rule]
    assert flagged.size > 0 and int(flagged[0]) == first


def test_chart_rules_on_varying_limits_use_standardized_values() -> None:
    # A p chart with unequal sizes: rule 2 counts points above the centre line.
    d = [5] * 9
    n = [40, 50, 60, 40, 50, 60, 40, 50, 60]
    ch = spc.p_chart(d, n, target=0.05, rules=(1, 2))
    assert ch.signals[2].tolist() == [8]


def test_anhoej_limits_match_the_published_table() -> None:
    # Anhoej & Olesen 2014 (PLoS ONE 9:e113825), table of critical values: 10 useful points
    # -> longest run > 6 or crossings < 2; 20 points -> > 7 or < 6; 30 -> > 8 or < 10
    # (from memory of the table; each follows from round(log2 n + 3) and qbinom(0.05, n-1, .5)).
    for n, run, cross in [(10, 6, 2), (20, 7, 6), (30, 8, 10)]:
        r = spc.anhoej(np.resize([1.0, -1.0], n), center=0.0)
        assert (r.longest_run_limit, r.crossings_limit) == (run, cross)
        assert r.crossings == n - 1 and not r.signal


def test_anhoej_ignores_points_on_the_median() -> None:
    r = spc.anhoej([1, 2, 3, 3, 3, 4, 5], center=3)
    assert r.n_useful == 4 and r.crossings == 1 and r.longest_run == 2


# --------------------------------------------------------------------------- properties


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 500), min_size=2, max_size=40).flatmap(
        lambda sizes: st.tuples(
            st.just(sizes),
            st.tuples(*[st.integers(0, s) for s in sizes]),
        )
    )
)
def test_p_chart_limits_stay_within_zero_and_one(data: tuple[list[int], tuple[int, ...]]) -> None:
    sizes, defectives = data
    if sum(defectives) in (0, sum(sizes)):
        with pytest.raises(ValueError, match="no spread"):
            spc.p_chart(list(defectives), sizes)
        return
    ch = spc.p_chart(list(defectives), sizes)
    assert np.all(ch.lcl >= 0) and np.all(ch.ucl <= 1) and np.all(ch.lcl <= ch.center)
    assert np.all(ch.center <= ch.ucl)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: spc.p_chart([], []), "empty"),
        (lambda: spc.p_chart([1], [10]), "at least 2"),
        (lambda: spc.p_chart([1, 2], [10]), "sizes has 1 values"),
        (lambda: spc.p_chart([1, 12], [10, 10]), "exceeds its subgroup size"),
        (lambda: spc.p_chart([1, float("nan")], [10, 10]), "NaN"),
        (lambda: spc.p_chart([1, -1], [10, 10]), "negative"),
        (lambda: spc.p_chart([0, 0], [10, 10]), "no spread"),
        (lambda: spc.c_chart([1.5, 2]), "whole numbers"),
        (lambda: spc.c_chart([0, 0, 0]), "no spread"),
        (lambda: spc.imr([3.0, 3.0, 3.0]), "no spread"),
        (lambda: spc.imr([1.0, 2.0, 3.0], sigma=-1), "sigma"),
        (lambda: spc.xbar_r([[1.0, 2.0]]), "at least 2 subgroups"),
        (lambda: spc.xbar_r([[1.0], [2.0]]), "at least 2"),
        (lambda: spc.p_chart([1, 2, 3], 10, baseline=5), "baseline"),
        (lambda: spc.p_chart([1, 2, 3], 10, baseline=2, exclude=(2,)), "not a baseline point"),
        (lambda: spc.ewma([1.0, 2.0, 3.0], lam=0), "lam"),
        (lambda: spc.cusum([1.0, 2.0, 3.0], h=0), "h must be"),
        (lambda: spc.cusum([1.0, float("inf")]), "infinite"),
        (lambda: spc.run_rules([1.0, 2.0], 0.0, 0.0), "sigma must be positive"),
        (lambda: spc.run_rules([1.0, 2.0], 0.0, 1.0, rules=(9,)), "rules"),
        (lambda: spc.anhoej([1.0, 1.0, 1.0]), "at least 2 points"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


def test_results_are_read_only() -> None:
    ch = spc.c_chart(CIRCUIT_BOARDS)
    with pytest.raises(ValueError):
        ch.ucl[0] = 1.0
    with pytest.raises(AttributeError):
        ch.chart = "x"  # type: ignore[misc]
