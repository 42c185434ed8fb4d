"""Each computed source on a small hand-made dataset: the value and n per site, and the
region / organization values pooled from the sites' parts (not a mean of the site values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sqms.complaints.tests import report_data as complaints_data
from sqms.core.choices import Channel
from sqms.inspections.tests import results_data
from sqms.inspections.tests.factories import make_checklist
from sqms.kpis import actions
from sqms.kpis.models import KpiValue
from sqms.kpis.tests.conftest import make_kpi
from sqms.surveys.tests import report_data as survey_data

MARCH, APRIL, FEB = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 2, 1)
NOW = dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC)


def compute(kpi: Any) -> None:
    actions.do_compute_kpis(kpi, periods_back=2, now=NOW, acting_user=None, channel=Channel.CLI)


def value(kpi: Any, key: str, period: dt.date) -> KpiValue | None:
    return KpiValue.objects.filter(kpi=kpi, unit_key=key, period=period).first()


def keys(world: Any) -> dict[str, str]:
    return {
        "A": f"site:{world.site_a.pk}",
        "B": f"site:{world.site_b.pk}",
        "RA": f"region:{world.region_a.pk}",
        "RB": f"region:{world.region_b.pk}",
        "ORG": "org",
    }


@pytest.fixture
def complaints(world: Any) -> dict[str, Any]:
    return complaints_data.build(world)


def test_complaint_count(world: Any, complaints: Any) -> None:
    k = keys(world)
    kpi = make_kpi("CC", "complaints.count", nature="count")
    compute(kpi)
    assert value(kpi, k["A"], MARCH).value == 3  # c1, c2, c3
    assert value(kpi, k["B"], MARCH).value == 1  # c5
    assert value(kpi, k["A"], APRIL).value == 3  # c4 (07:00 in Shanghai on the 20th), c6, c7
    assert value(kpi, k["ORG"], MARCH).value == 4
    assert value(kpi, k["RA"], MARCH).value == 3


def test_complaint_rate_is_pooled(world: Any, complaints: Any) -> None:
    k = keys(world)
    kpi = make_kpi("CR", "complaints.rate", nature="rate", rate_base=1000)
    compute(kpi)
    a, b, org = value(kpi, k["A"], MARCH), value(kpi, k["B"], MARCH), value(kpi, k["ORG"], MARCH)
    assert (a.value, a.n, a.numerator) == (pytest.approx(1.5), 2000, 3)  # 3 per 2,000
    assert (b.value, b.n, b.numerator) == (pytest.approx(2.0), 500, 1)  # 1 per 500
    # pooled: 4 complaints per 2,500 transactions = 1.6 (the mean of the sites' rates is 1.75)
    assert (org.value, org.n, org.numerator) == (pytest.approx(1.6), 2500, 4)
    assert value(kpi, k["B"], FEB).value == 0  # a volume and no complaint
    assert value(kpi, k["A"], APRIL) is None  # no volume, no rate


def test_sla_compliance(world: Any, complaints: Any) -> None:
    k = keys(world)
    kpi = make_kpi("SLA", "complaints.sla", nature="proportion")
    compute(kpi)
    a = value(kpi, k["A"], MARCH)
    assert (a.value, a.n, a.numerator) == (0.5, 2, 1)  # c1 met, c2 breached
    assert value(kpi, k["B"], MARCH).value == 1.0  # c5
    org = value(kpi, k["ORG"], MARCH)
    assert (org.value, org.n, org.numerator) == (pytest.approx(2 / 3), 3, 2)
    assert value(kpi, k["A"], APRIL).value == 1.0  # c6


def test_median_resolution_hours_pools_durations(world: Any, complaints: Any) -> None:
    k = keys(world)
    kpi = make_kpi("RES", "complaints.median_resolution", nature="measurement")
    compute(kpi)
    a = value(kpi, k["A"], MARCH)
    assert (a.value, a.n) == (pytest.approx(20.0), 2)  # median of 10 h and 30 h
    assert value(kpi, k["B"], MARCH).value == pytest.approx(5.0)
    # the median of all three (5, 10, 30) is 10 h; the mean of the site medians would be 12.5
    assert value(kpi, k["ORG"], MARCH).value == pytest.approx(10.0)


def test_inspection_score_and_critical_rate(world: Any) -> None:
    k = keys(world)
    checklist = make_checklist()
    when = results_data.at(2026, 3)
    results_data.inspect(world.site_a, checklist, results_data.ALL_PASS, when)
    results_data.inspect(world.site_a, checklist, results_data.A2_FAIL, when)
    results_data.inspect(world.site_b, checklist, results_data.A1_FAIL, when)
    score = make_kpi("SCORE", "inspections.score", nature="measurement")
    crit = make_kpi("CRIT", "inspections.critical_rate", nature="proportion")
    compute(score)
    compute(crit)
    a = value(score, k["A"], MARCH)
    assert (a.value, a.n) == (pytest.approx((100 + 66.67) / 2), 2)
    assert value(score, k["B"], MARCH).value == pytest.approx(83.33)
    assert value(score, k["ORG"], MARCH).value == pytest.approx((100 + 66.67 + 83.33) / 3)
    # two critical items (A2, B2) per inspection: site A failed 1 of 4, site B 0 of 2
    ca = value(crit, k["A"], MARCH)
    assert (ca.value, ca.n, ca.numerator) == (0.25, 4, 1)
    assert value(crit, k["B"], MARCH).value == 0
    assert value(crit, k["ORG"], MARCH).value == pytest.approx(1 / 6)


def test_csat_and_nps_from_rollups(world: Any) -> None:
    k = keys(world)
    inst = survey_data.make_instrument()
    campaign = survey_data.make_campaign(inst, [world.site_a, world.site_b])
    at = survey_data.when(2026, 3)
    survey_data.write(
        campaign,
        world.site_a,
        [{"CSAT": 5, "NPS": 10}, {"CSAT": 4, "NPS": 9}, {"CSAT": 3, "NPS": 6}, {"NPS": 3}],
        at=at,
    )
    survey_data.write(
        campaign, world.site_b, [{"CSAT": 5, "NPS": 10}, {"CSAT": 5, "NPS": 8}], at=at
    )
    mean = make_kpi("CSAT", "surveys.csat_mean", nature="measurement")
    top = make_kpi("TOP", "surveys.csat_top", nature="proportion")
    nps = make_kpi("NPS", "surveys.nps", nature="measurement")
    for kpi in (mean, top, nps):
        compute(kpi)
    assert (value(mean, k["A"], MARCH).value, value(mean, k["A"], MARCH).n) == (4.0, 3)
    assert value(mean, k["B"], MARCH).value == 5.0
    assert value(mean, k["ORG"], MARCH).value == pytest.approx(22 / 5)  # not (4 + 5) / 2
    t = value(top, k["A"], MARCH)
    assert (t.value, t.n, t.numerator) == (pytest.approx(2 / 3), 3, 2)
    # NPS: A 2 promoters, 2 detractors of 4 → 0; B 1 of 2 promoters → 50; pooled 3 − 2 of 6
    assert value(nps, k["A"], MARCH).value == pytest.approx(0.0)
    assert value(nps, k["B"], MARCH).value == pytest.approx(50.0)
    org = value(nps, k["ORG"], MARCH)
    assert (org.value, org.n) == (pytest.approx(100 / 6), 6)


def test_recompute_picks_up_late_data_and_is_idempotent(world: Any, complaints: Any) -> None:
    k = keys(world)
    kpi = make_kpi("CC", "complaints.count", nature="count")
    compute(kpi)
    assert value(kpi, k["B"], MARCH).value == 1
    from sqms.complaints import actions as complaint_actions
    from sqms.complaints.choices import Source

    late = dt.datetime(2026, 3, 20, 4, 0, tzinfo=dt.UTC)
    complaint_actions.do_create_complaint(
        {
            "site": world.site_b,
            "channel": "phone",
            "description": "late report",
            "received_at": late,
        },
        source=Source.STAFF,
        acting_user=None,
        channel=Channel.CLI,
        now=NOW,
    )
    report = actions.do_compute_kpis(
        kpi, periods_back=2, now=NOW, acting_user=None, channel=Channel.CLI
    )
    assert value(kpi, k["B"], MARCH).value == 2
    assert value(kpi, k["ORG"], MARCH).value == 5
    assert report.changed == 3  # B, region B and the organization in March
    again = actions.do_compute_kpis(
        kpi, periods_back=2, now=NOW, acting_user=None, channel=Channel.CLI
    )
    assert (again.added, again.changed, again.deleted) == (0, 0, 0)
    assert KpiValue.objects.filter(kpi=kpi, period=MARCH).count() == 5
