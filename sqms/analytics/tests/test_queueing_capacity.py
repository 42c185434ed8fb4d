"""P0 of M/M/c and the inverse of Erlang C (most traffic per number of agents).

Published worked example: Hillier & Lieberman, *Introduction to Operations Research*
(McGraw-Hill, 7th ed. 2001 and later editions, chapter "Queueing Theory", the County
Hospital emergency-room example): λ = 2 patients per hour, μ = 3 per hour; with one doctor
P0 = 1/3, Lq = 4/3, Wq = 2/3 h; with two doctors P0 = 1/2, P(Wq > 0) = 1/6, Lq = 1/12,
Wq = 1/24 h. Typed from memory of the book's table; the exact rational formula below
agrees. Other checks: P0 by its defining sum in exact rational arithmetic (Gross et al.
2008, eq. 2.29), the M/M/1 closed form P0 = 1 - ρ, the inverse of the M/M/1 and M/M/2
closed forms of Erlang C (C = ρ and C = A²/(2 + A)), a direct-sum Erlang C solved by bisection
in exact arithmetic, and the staffing search of ``staff_for`` on either side of the root.
"""

from fractions import Fraction
from math import factorial, sqrt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqms.analytics import queueing


def _exact_p0(a: Fraction, c: int) -> Fraction:
    rho = a / c
    return 1 / (sum(a**k / factorial(k) for k in range(c)) + a**c / factorial(c) / (1 - rho))


def _direct_erlang_c(a: float, c: int) -> float:
    """Erlang C by its defining sums (floats, small c), written out independently."""
    top = a**c / factorial(c) * c / (c - a)
    return top / (sum(a**k / factorial(k) for k in range(c)) + top)


def test_hillier_lieberman_county_hospital() -> None:
    one = queueing.mmc(2.0, 3.0, 1)
    two = queueing.mmc(2.0, 3.0, 2)
    assert one.p0 == pytest.approx(1 / 3, rel=1e-12)
    assert one.lq == pytest.approx(4 / 3, rel=1e-12)
    assert one.wq == pytest.approx(2 / 3, rel=1e-12)
    assert two.p0 == pytest.approx(1 / 2, rel=1e-12)
    assert two.p_wait == pytest.approx(1 / 6, rel=1e-12)
    assert two.lq == pytest.approx(1 / 12, rel=1e-12)
    assert two.wq == pytest.approx(1 / 24, rel=1e-12)
    assert queueing.p_empty(2 / 3, 2) == pytest.approx(0.5, rel=1e-12)
    # ... and, inverted: two doctors keep P(wait) at 1/6 up to exactly 2 patients per hour.
    assert queueing.max_traffic_c(2, max_wait_probability=1 / 6) == pytest.approx(2 / 3, abs=1e-9)


@pytest.mark.parametrize(
    ("a", "c"),
    [(Fraction(1, 2), 1), (Fraction(9, 4), 3), (Fraction(10), 13), (Fraction(37), 40)],
)
def test_p0_against_exact_rational_arithmetic(a: Fraction, c: int) -> None:
    assert queueing.p_empty(float(a), c) == pytest.approx(float(_exact_p0(a, c)), rel=1e-11)


def test_p0_closed_forms_and_edges() -> None:
    for rho in (0.1, 0.5, 0.95):
        assert queueing.p_empty(rho, 1) == pytest.approx(1 - rho, rel=1e-12)
    assert queueing.p_empty(0.0, 5) == 1.0
    # Many servers: the log form stays finite; compare with the exact value at c = 150.
    exact = float(_exact_p0(Fraction(140), 150))
    assert queueing.p_empty(140.0, 150) == pytest.approx(exact, rel=1e-9)
    with pytest.raises(ValueError, match="below the number of servers"):
        queueing.p_empty(3.0, 3)


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5, 0.9])
def test_inverse_erlang_c_against_closed_forms(p: float) -> None:
    # M/M/1: C = rho, so A* = p.  M/M/2: C = A^2/(2 + A), so A* = (p + sqrt(p^2 + 8p)) / 2.
    assert queueing.max_traffic_c(1, max_wait_probability=p) == pytest.approx(p, abs=1e-9)
    a2 = (p + sqrt(p * p + 8 * p)) / 2
    assert queueing.max_traffic_c(2, max_wait_probability=p) == pytest.approx(a2, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    c=st.integers(min_value=1, max_value=60),
    level=st.floats(min_value=0.3, max_value=0.95),
    within=st.floats(min_value=0.0, max_value=120.0),
)
def test_inverse_service_level_by_direct_bisection(c: int, level: float, within: float) -> None:
    h = 180.0

    def sl(a: float) -> float:
        return 1 - _direct_erlang_c(a, c) * pow(2.718281828459045, -(c - a) * within / h)

    lo, hi = 0.0, c * (1 - 1e-12)
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sl(mid) >= level else (lo, mid)
    got = queueing.max_traffic_c(c, target_level=level, within=within, service_time=h)
    assert got == pytest.approx(lo, abs=1e-8)
    assert sl(got) >= level - 1e-12  # rounded to the side that meets the target


@pytest.mark.parametrize("agents", [5, 14, 40, 120])
def test_inverse_agrees_with_the_staffing_search(agents: int) -> None:
    # 80 % within 20 s, 180 s handling: just below A* the search needs at most `agents`,
    # just above it more.
    a = queueing.max_traffic_c(agents, target_level=0.8, within=20, service_time=180)
    below = queueing.staff_for((a - 1e-6) / 180, 1 / 180, target_level=0.8, within=20)
    above = queueing.staff_for((a + 1e-6) / 180, 1 / 180, target_level=0.8, within=20)
    assert below.servers <= agents < above.servers


def test_two_targets_the_tighter_binds() -> None:
    sl_only = queueing.max_traffic_c(14, target_level=0.8, within=20, service_time=180)
    wait_only = queueing.max_traffic_c(14, max_wait_probability=0.2)
    both = queueing.max_traffic_c(
        14, target_level=0.8, within=20, service_time=180, max_wait_probability=0.2
    )
    assert both == pytest.approx(min(sl_only, wait_only), abs=1e-9)
    assert _direct_erlang_c(wait_only, 14) == pytest.approx(0.2, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give max_wait_probability"),
        ({"max_wait_probability": 1.0}, "between 0 and 1"),
        ({"target_level": 0.8, "within": 20}, "go together"),
        ({"target_level": 1.2, "within": 20, "service_time": 180}, "between 0 and 1"),
        ({"target_level": 0.8, "within": -1, "service_time": 180}, "within"),
    ],
)
def test_inverse_bad_input(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        queueing.max_traffic_c(10, **kwargs)  # type: ignore[arg-type]
