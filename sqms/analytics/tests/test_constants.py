"""Control-chart constants computed by integration against the printed table.

Published values: Montgomery, Introduction to Statistical Quality Control, 8th ed. (2019),
Appendix VI "Factors for constructing variables control charts" (same figures in ASTM
Manual on Presentation of Data and Control Chart Analysis, and in NIST e-Handbook 6.3.2).
Typed from the printed table as remembered and cross-checked against one another; every
figure below is a standard, widely reprinted table entry.
"""

import math

import pytest

from sqms.analytics.constants import c4, chart_constants, d2, d3

# n: (d2, d3, c4, A2, A3, B3, B4, D3, D4)
APPENDIX_VI = {
    2: (1.128, 0.853, 0.7979, 1.880, 2.659, 0.000, 3.267, 0.000, 3.267),
    3: (1.693, 0.888, 0.8862, 1.023, 1.954, 0.000, 2.568, 0.000, 2.574),
    4: (2.059, 0.880, 0.9213, 0.729, 1.628, 0.000, 2.266, 0.000, 2.282),
    5: (2.326, 0.864, 0.9400, 0.577, 1.427, 0.000, 2.089, 0.000, 2.114),
    6: (2.534, 0.848, 0.9515, 0.483, 1.287, 0.030, 1.970, 0.000, 2.004),
    7: (2.704, 0.833, 0.9594, 0.419, 1.182, 0.118, 1.882, 0.076, 1.924),
    10: (3.078, 0.797, 0.9727, 0.308, 0.975, 0.284, 1.716, 0.223, 1.777),
    15: (3.472, 0.756, 0.9823, 0.223, 0.789, 0.428, 1.572, 0.347, 1.653),
    20: (3.735, 0.729, 0.9869, 0.180, 0.680, 0.510, 1.490, 0.415, 1.585),
    25: (3.931, 0.708, 0.9896, 0.153, 0.606, 0.565, 1.435, 0.459, 1.541),
}


@pytest.mark.parametrize("n", sorted(APPENDIX_VI))
def test_constants_match_montgomery_appendix_vi(n: int) -> None:
    k = chart_constants(n)
    d2_, d3_, c4_, a2, a3, b3, b4, dd3, dd4 = APPENDIX_VI[n]
    assert abs(k.d2 - d2_) <= 6e-4
    assert abs(k.d3 - d3_) <= 6e-4
    assert abs(k.c4 - c4_) <= 6e-5
    assert abs(k.A2 - a2) <= 6e-4
    assert abs(k.A3 - a3) <= 6e-4
    assert abs(k.B3 - b3) <= 6e-4
    assert abs(k.B4 - b4) <= 6e-4
    # D3, D4 in the printed table are rounded from rounded d2, d3; allow 2 units.
    assert abs(k.D3 - dd3) <= 2e-3
    assert abs(k.D4 - dd4) <= 2e-3


def test_closed_forms_for_n_equals_2() -> None:
    # The range of two N(0,1) values is |X1 - X2| with X1 - X2 ~ N(0, 2):
    # E|X1 - X2| = 2/sqrt(pi), Var = 2 - 4/pi, and c4(2) = sqrt(2/pi).
    assert d2(2) == pytest.approx(2 / math.sqrt(math.pi), rel=1e-10)
    assert d3(2) == pytest.approx(math.sqrt(2 - 4 / math.pi), rel=1e-8)
    assert c4(2) == pytest.approx(math.sqrt(2 / math.pi), rel=1e-12)


def test_d2_for_three_matches_tippetts_closed_form() -> None:
    # For n = 3, E[range] = 3/sqrt(pi) exactly (Tippett 1925).
    assert d2(3) == pytest.approx(3 / math.sqrt(math.pi), rel=1e-9)


def test_c4_large_n_is_stable() -> None:
    # c4(n) ~ 1 - 1/(4n) - 7/(32 n^2): no overflow of the gamma function at n = 1000.
    n = 1000
    assert c4(n) == pytest.approx(1 - 1 / (4 * n) - 7 / (32 * n**2), abs=1e-8)


@pytest.mark.parametrize("bad", [1, 0, -3, 2.5, 1001, float("nan")])
def test_bad_subgroup_size_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="subgroup size"):
        chart_constants(bad)  # type: ignore[arg-type]
