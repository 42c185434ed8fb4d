"""Erlang B/C and M/M/c against table values, exact rational arithmetic, closed forms for
c = 1 and c = 2, and a ciw discrete-event simulation.

Published values: Erlang B table (any traffic-engineering handbook, e.g. the ITU-T
"Teletraffic Engineering Handbook" (Iversen, 2005) Erlang B table): at 1 % blocking,
1 line carries 0.0101 E, 10 lines 4.461 E, 20 lines 12.03 E, 50 lines 37.90 E, 100 lines
84.06 E. Typed from memory of the standard table; all agree with the inverse computed here.
No published call-centre staffing example could be checked against its source, so Erlang C is
verified against exact arithmetic, closed forms and simulation instead.
"""

from fractions import Fraction
from math import factorial

import ciw
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqms.analytics import queueing


def _exact_erlang_c(a: Fraction, c: int) -> Fraction:
    """Erlang C from its definition, in exact rational arithmetic."""
    top = a**c / factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a**k / factorial(k) for k in range(c)) + top)


def _exact_erlang_b(a: Fraction, c: int) -> Fraction:
    top = a**c / factorial(c)
    return top / sum(a**k / factorial(k) for k in range(c + 1))


@pytest.mark.parametrize(
    ("servers", "traffic"),
    [(1, 0.0101), (10, 4.461), (20, 12.03), (50, 37.90), (100, 84.06)],
)
def test_erlang_b_table_at_one_percent(servers: int, traffic: float) -> None:
    assert queueing.max_traffic(servers, 0.01) == pytest.approx(
        traffic, abs=6e-3 if servers > 10 else 6e-4
    )
    assert queueing.erlang_b(traffic, servers) == pytest.approx(
        0.01, rel=2e-3 if servers > 1 else 2e-2
    )


@pytest.mark.parametrize(
    ("a", "c"),
    [
        (Fraction(1, 2), 1),
        (Fraction(10), 13),
        (Fraction(48), 55),
        (Fraction(97, 2), 60),
        (Fraction(150), 170),
    ],
)
def test_erlang_b_and_c_against_exact_rational_arithmetic(a: Fraction, c: int) -> None:
    assert queueing.erlang_b(float(a), c) == pytest.approx(float(_exact_erlang_b(a, c)), rel=1e-12)
    assert queueing.erlang_c(float(a), c) == pytest.approx(float(_exact_erlang_c(a, c)), rel=1e-12)


def test_erlang_c_is_stable_for_thousands_of_servers_near_capacity() -> None:
    # Exact value for A = 995, c = 1000 by the exact rational recursion of Erlang B.
    a, c = Fraction(995), 1000
    b = Fraction(1)
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    exact = c * b / (c - a * (1 - b))
    assert queueing.erlang_c(995.0, 1000) == pytest.approx(float(exact), rel=1e-10)
    assert 0.0 < queueing.erlang_c(4999.0, 5000) <= 1.0


def test_mm1_closed_form() -> None:
    # M/M/1: P(wait) = rho, Wq = rho / (mu - lambda), Lq = rho^2 / (1 - rho).
    q = queueing.mmc(0.75, 1.0, 1)
    assert q.p_wait == pytest.approx(0.75)
    assert q.wq == pytest.approx(0.75 / 0.25)
    assert q.lq == pytest.approx(0.75**2 / 0.25)
    assert q.l == pytest.approx(0.75 / 0.25)


def test_mm2_closed_form() -> None:
    # M/M/2: P(wait) = 2 rho^2 / (1 + rho), Lq = 2 rho^3 / (1 - rho^2) (Gross et al. 2008, 2.3).
    lam, mu = 1.5, 1.0
    rho = lam / (2 * mu)
    q = queueing.mmc(lam, mu, 2)
    assert q.p_wait == pytest.approx(2 * rho**2 / (1 + rho))
    assert q.lq == pytest.approx(2 * rho**3 / (1 - rho**2))
    assert q.w == pytest.approx(q.wq + 1 / mu)


def test_mmc_against_ciw_simulation() -> None:
    # M/M/3 at 70 % occupancy, 8,000 time units after a 500-unit warm-up (about 16,000
    # customers). Batch means give the simulation standard error.
    lam, mu, c = 2.1, 1.0, 3
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=lam)],
        service_distributions=[ciw.dists.Exponential(rate=mu)],
        number_of_servers=[c],
    )
    ciw.seed(2026)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(8_500)
    recs = sorted(
        (r for r in sim.get_all_records() if r.arrival_date > 500), key=lambda r: r.arrival_date
    )
    waits = np.array([r.waiting_time for r in recs])
    batches = np.array_split(waits, 20)
    theory = queueing.mmc(lam, mu, c)
    for stat, expected in [
        (lambda w: w.mean(), theory.wq),
        (lambda w: (w > 1e-12).mean(), theory.p_wait),
        (lambda w: (w <= 0.5).mean(), theory.service_level(0.5)),
    ]:
        means = np.array([stat(b) for b in batches])
        se = means.std(ddof=1) / np.sqrt(means.size)
        assert abs(means.mean() - expected) < 4 * se + 1e-3


@settings(max_examples=80, deadline=None)
@given(st.floats(0.01, 400.0), st.integers(0, 40))
def test_erlang_c_is_a_probability_and_decreases_with_servers(traffic: float, extra: int) -> None:
    c = int(np.floor(traffic)) + 1 + extra
    now, more = queueing.erlang_c(traffic, c), queueing.erlang_c(traffic, c + 1)
    assert 0.0 <= more <= now <= 1.0
    assert queueing.erlang_b(traffic, c) <= now  # waiting is likelier than blocking


@settings(max_examples=40, deadline=None)
@given(st.floats(1.0, 300.0), st.floats(0.5, 0.95), st.floats(5.0, 60.0))
def test_staff_for_finds_the_fewest_servers(load: float, level: float, within: float) -> None:
    aht = 180.0
    lam = load / aht
    r = queueing.staff_for(lam, 1 / aht, target_level=level, within=within)
    assert r.service_level is not None and r.service_level >= level
    if r.servers - 1 > load:
        fewer = queueing.mmc(lam, 1 / aht, r.servers - 1).service_level(within)
        assert fewer < level


def test_staff_for_combines_targets_and_shrinkage() -> None:
    base = queueing.staff_for(100 / 1800, 1 / 180, target_level=0.8, within=20)
    both = queueing.staff_for(100 / 1800, 1 / 180, target_level=0.8, within=20, max_occupancy=0.6)
    assert both.servers == 17 and both.servers >= base.servers  # 10 E / 0.6 -> 17
    assert queueing.staff_for(100 / 1800, 1 / 180, max_wait_probability=0.1).p_wait <= 0.1
    assert (
        queueing.staff_for(100 / 1800, 1 / 180, target_level=0.8, within=20, shrinkage=0.3).rostered
        == 20
    )


def test_staffing_profile_matches_staff_for_interval_by_interval() -> None:
    rng = np.random.default_rng(4)
    arrivals = np.concatenate([[0.0], rng.uniform(1, 5000, 60)])  # loads up to 1,000 Erlangs
    p = queueing.staffing_profile(
        arrivals, 900, 180, target_level=0.8, within=20, max_occupancy=0.97, shrinkage=0.25
    )
    assert p.servers[0] == 0 and p.rostered[0] == 0
    for i in range(1, arrivals.size):
        one = queueing.staff_for(
            arrivals[i] / 900, 1 / 180, 0.8, 20, max_occupancy=0.97, shrinkage=0.25
        )
        assert p.servers[i] == one.servers
        assert p.rostered[i] == one.rostered
        assert p.p_wait[i] == pytest.approx(one.p_wait, rel=1e-8)


def test_max_traffic_inverts_erlang_b() -> None:
    a = queueing.max_traffic(37, 0.05)
    assert queueing.erlang_b(a, 37) == pytest.approx(0.05, rel=1e-10)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: queueing.erlang_c(10.0, 10), "below the number of servers"),
        (lambda: queueing.erlang_c(12.0, 10), "below the number of servers"),
        (lambda: queueing.erlang_c(-1.0, 10), "traffic"),
        (lambda: queueing.erlang_b(float("nan"), 3), "traffic"),
        (lambda: queueing.erlang_b(1.0, 2.5), "whole number"),  # type: ignore[arg-type]
        (lambda: queueing.mmc(0.0, 1.0, 2), "arrival_rate"),
        (lambda: queueing.mmc(3.0, 1.0, 2), "below the number of servers"),
        (lambda: queueing.mmc(1.0, 1.0, 2).service_level(-1), "t must be"),
        (lambda: queueing.staff_for(1.0, 1.0, target_level=0.8), "go together"),
        (lambda: queueing.staff_for(1.0, 1.0, target_level=1.2, within=3), "target_level"),
        (lambda: queueing.staff_for(1.0, 1.0, shrinkage=1.0), "shrinkage"),
        (lambda: queueing.max_traffic(10, 1.5), "blocking"),
        (lambda: queueing.staffing_profile([1.0, -2.0], 900, 180), "negative"),
        (lambda: queueing.staffing_profile([], 900, 180), "empty"),
    ],
)
def test_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()
