"""The Check's test statistic and p-value against scipy and the hand formula, for each KPI
nature, and the proposed verdict."""

from __future__ import annotations

import math
from typing import Any

import pytest
from scipy import stats

from sqms.improvement.pdca_check import EFFECTIVE, IMPROVED, NO_DATA, NOT_EFFECTIVE, measure
from sqms.improvement.tests.pdca_data import enter, error_kpi
from sqms.kpis.tests.conftest import make_kpi, month

pytestmark = pytest.mark.django_db

B, A = (month(1), month(2)), (month(4), month(5))


def test_proportion_pooled_z_matches_scipy_and_hand_formula(world: Any) -> None:
    kpi = error_kpi(world)
    r = measure(kpi, f"site:{world.site_a.pk}", B, A, 0.12)
    assert (r["before"]["events"], r["before"]["n"]) == (40, 200)
    assert (r["after"]["events"], r["after"]["n"]) == (20, 200)
    pooled = 60 / 400
    z = (0.1 - 0.2) / math.sqrt(pooled * (1 - pooled) * (1 / 200 + 1 / 200))
    p = 2 * stats.norm.sf(abs(z))
    t = r["test"]
    assert t["test"] == "two-proportion z-test"
    assert t["statistic"] == pytest.approx(z, rel=1e-12)
    assert t["statistic"] == pytest.approx(-2.8005601680560, rel=1e-9)
    assert t["pvalue"] == pytest.approx(p, rel=1e-9)
    chi2, p_chi, _dof, _e = stats.chi2_contingency([[40, 160], [20, 180]], correction=False)
    assert t["statistic"] ** 2 == pytest.approx(chi2, rel=1e-9)
    assert t["pvalue"] == pytest.approx(p_chi, rel=1e-9)
    assert t["estimate"] == pytest.approx(-0.1)
    assert r["target_met"] is True
    assert r["verdict"] == EFFECTIVE


def test_proportion_verdicts(world: Any) -> None:
    kpi = error_kpi(world)
    key = f"site:{world.site_a.pk}"
    assert measure(kpi, key, B, A, 0.05)["verdict"] == IMPROVED  # significant, target missed
    assert measure(kpi, key, A, B, 0.5)["verdict"] == NOT_EFFECTIVE  # worse
    assert measure(kpi, key, (month(7), month(8)), A, 0.1)["verdict"] == NO_DATA


def test_measurement_welch_matches_scipy(world: Any) -> None:
    kpi = make_kpi("WAIT", nature="measurement", direction="lower")
    before, after = [12.0, 14.0, 13.5], [9.0, 10.5, 8.0]
    rows = [(i + 1, v, None) for i, v in enumerate(before)]
    rows += [(i + 5, v, None) for i, v in enumerate(after)]
    enter(kpi, world.site_a, rows)
    r = measure(kpi, f"site:{world.site_a.pk}", (month(1), month(3)), (month(5), month(7)), 10.0)
    ref = stats.ttest_ind(after, before, equal_var=False)
    assert r["test"]["test"] == "Welch t-test"
    assert r["test"]["statistic"] == pytest.approx(ref.statistic, rel=1e-9)
    assert r["test"]["pvalue"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert r["after"]["value"] == pytest.approx(9.166666666)
    assert r["verdict"] == EFFECTIVE


def test_count_exact_poisson_matches_binomial_test(world: Any) -> None:
    kpi = make_kpi("CNT", nature="count", direction="lower")
    enter(kpi, world.site_a, [(1, 30, None), (2, 28, None), (4, 12, None), (5, 10, None)])
    r = measure(kpi, f"site:{world.site_a.pk}", B, A, 15)
    # equal exposures (2 periods each): c2 ~ Bin(58 + 22, 1/2)
    ref = stats.binomtest(22, 80, 0.5)
    assert r["test"]["test"] == "exact conditional Poisson rate test"
    assert r["test"]["pvalue"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert r["test"]["estimate"] == pytest.approx(22 / 58)
    assert r["verdict"] == EFFECTIVE


def test_measurement_needs_two_periods(world: Any) -> None:
    kpi = make_kpi("ONE", nature="measurement")
    enter(kpi, world.site_a, [(1, 5.0, None), (4, 6.0, None), (5, 7.0, None)])
    r = measure(kpi, f"site:{world.site_a.pk}", B, A, 6.0)
    assert r["verdict"] == NO_DATA and "two periods" in r["note"]
