"""Pareto, repeat complaints, site league table and keyword clusters against hand-computed
figures (``report_data``), their scoping and bounded query counts."""

from __future__ import annotations

import pytest
from django.test import override_settings

from sqms.analytics.funnel import funnel_rates
from sqms.analytics.metrics import proportion_ci, rate_ci
from sqms.complaints.models import customer_key
from sqms.complaints.reports.clusters import clusters_report
from sqms.complaints.reports.league import league_report
from sqms.complaints.reports.pareto import category_pareto, root_cause_pareto
from sqms.complaints.reports.repeats import repeats_report
from sqms.complaints.reports.selection import ComplaintFilters
from sqms.complaints.tests.report_data import P1, P2, build

ALL = ComplaintFilters()


@pytest.fixture
def data(world):  # type: ignore[no-untyped-def]
    return build(world)


def test_category_pareto_with_vital_few(world, data):  # type: ignore[no-untyped-def]
    t = category_pareto(world.qm, ALL)
    got = [(r.label, r.count, round(r.cumulative, 4), r.vital) for r in t.rows]
    assert got == [
        ("Cat X", 4, round(4 / 7, 4), True),
        ("Cat Y", 2, round(6 / 7, 4), True),
        ("Cat Z", 1, 1.0, False),
    ]
    assert t.rows[0].key == str(data["X"].pk) and t.total == 7 and t.missing == 0


def test_root_cause_pareto_leaves_unrecorded_out(world, data):  # type: ignore[no-untyped-def]
    t = root_cause_pareto(world.qm, ALL)
    assert [(r.key, r.count) for r in t.rows] == [("people", 2), ("material", 1), ("method", 1)]
    assert [round(r.share, 2) for r in t.rows] == [0.5, 0.25, 0.25]
    assert t.missing == 3
    # site A's manager does not see site B's "material"
    t = root_cause_pareto(world.alpha_manager, ALL)
    assert [(r.key, r.count) for r in t.rows] == [("people", 2), ("method", 1)]


def test_repeat_customers_by_key_never_the_contact(world, data):  # type: ignore[no-untyped-def]
    r = repeats_report(world.qm, ALL)
    assert (r.customers, r.repeat_customers) == (2, 2)
    assert (r.complaints_with_contact, r.complaints_of_repeaters) == (5, 5)
    rows = {c.key: c for c in r.rows}
    p1 = rows[customer_key(P1)]
    assert (p1.complaints, p1.sites) == (3, ["ALPHA", "BRAVO"])
    assert p1.first.date().isoformat() == "2026-03-10"
    assert rows[customer_key(P2)].complaints == 2
    assert P1 not in p1.label and r.rate.suppressed  # 2 customers < min n


@override_settings(SQMS_SURVEY_MIN_N=1)
def test_repeat_rate_in_period_and_scope(world, data):  # type: ignore[no-untyped-def]
    march = ComplaintFilters.from_params({"from": "2026-03", "to": "2026-03"})
    r = repeats_report(world.qm, march)  # P1: c1, c2, c5; P2: c3 only
    assert (r.customers, r.repeat_customers) == (2, 1)
    assert r.rate.share == pytest.approx(0.5)
    assert r.rate.lo == pytest.approx(proportion_ci(1, 2).lo)
    mine = repeats_report(world.alpha_manager, ALL)
    assert {c.key: c.sites for c in mine.rows}[customer_key(P1)] == ["ALPHA"]
    assert mine.rows[0].complaints == 2


def test_league_table_rates_ranks_and_funnel(world, data):  # type: ignore[no-untyped-def]
    r = league_report(world.qm, ALL)
    assert r.unmatched == 3  # site A's April has no volume
    assert [(row.code, row.rank, row.complaints, row.transactions) for row in r.rows] == [
        ("BRAVO", 1, 1, 1500),
        ("ALPHA", 2, 3, 2000),
    ]
    bravo, alpha = r.rows
    assert alpha.ci.rate == pytest.approx(1.5)
    expected = rate_ci(3, 2.0)
    assert (alpha.ci.lo, alpha.ci.hi) == pytest.approx((expected.lo, expected.hi))
    assert r.target == pytest.approx(4 / 3.5)
    funnel = funnel_rates([1, 3], [1.5, 2.0], levels=(0.95, 0.998))
    assert bravo.upper[0] == pytest.approx(float(funnel.upper[0][0]))
    assert alpha.flag == "" and bravo.flag == ""
    # site A's manager sees only site A
    mine = league_report(world.alpha_manager, ALL)
    assert [row.code for row in mine.rows] == ["ALPHA"]


def test_league_flags_a_site_outside_the_limits(world, data):  # type: ignore[no-untyped-def]
    from sqms.complaints.models import TransactionVolume

    # site A: 3 complaints in 100,000 transactions; site B: 1 in 1,500 → B is far above
    TransactionVolume.objects.filter(site=world.site_a).update(transactions=100_000)
    r = league_report(world.qm, ALL)
    rows = {row.code: row for row in r.rows}
    funnel = funnel_rates([3, 1], [100.0, 1.5], levels=(0.95, 0.998))
    assert funnel.high[0.95].tolist() == [1]
    assert rows["BRAVO"].flag == ("high998" if funnel.high[0.998].tolist() == [1] else "high95")
    assert rows["ALPHA"].flag == "" and rows["ALPHA"].rank == 1


def test_keyword_clusters_zh_and_en(world, data):  # type: ignore[no-untyped-def]
    r = clusters_report(world.qm, ALL)
    assert r.sample == 7
    clusters = {c.terms: c for c in r.clusters}
    coffee = clusters[("coffee", "cold")]
    assert sorted(coffee.complaint_ids) == sorted(data[k].pk for k in ("c1", "c2", "c5", "c6"))
    assert coffee.site_codes == ["ALPHA", "BRAVO"] and coffee.cross_site
    queue = clusters[("排队", "时间")]
    assert sorted(queue.complaint_ids) == sorted([data["c3"].pk, data["c7"].pk])
    assert dict(r.top_terms)["coffee"] == 4
    mine = clusters_report(world.alpha_manager, ALL)
    assert {c.terms: c for c in mine.clusters}[("coffee", "cold")].site_codes == ["ALPHA"]


@pytest.mark.parametrize(
    "report,limit",
    [(category_pareto, 2), (root_cause_pareto, 2), (repeats_report, 5), (league_report, 3)],
)
def test_query_counts(world, data, report, limit, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    report(world.alpha_manager, ALL)  # warm the scope cache
    with django_assert_max_num_queries(limit):
        report(world.alpha_manager, ALL)
