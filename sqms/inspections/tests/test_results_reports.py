"""Each report's numbers on a small hand-computed dataset (see ``results_data``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from scipy import stats as sps

from sqms.inspections.choices import InspectionKind
from sqms.inspections.report_filters import ResultFilters
from sqms.inspections.reports.league import league_report
from sqms.inspections.reports.overview import overview_report
from sqms.inspections.reports.pareto import pareto_report
from sqms.inspections.reports.sections import section_scores
from sqms.inspections.reports.selfcheck import self_report
from sqms.inspections.reports.trend import trend_report
from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.results_data import (
    A1_FAIL,
    A2_FAIL,
    ALL_PASS,
    B1_THREE,
    B2_A1_FAIL,
    at,
    inspect,
)
from sqms.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world: World) -> dict:
    store = make_checklist()
    a, b = world.site_a, world.site_b
    return {
        "store": store,
        "a": [
            inspect(a, store, ALL_PASS, at(2026, 1)),
            inspect(a, store, A1_FAIL, at(2026, 1, 20)),
            inspect(a, store, A2_FAIL, at(2026, 2)),
        ],
        "b": [inspect(b, store, B1_THREE, at(2026, 2))],
    }


def test_scores_of_the_dataset(data: dict) -> None:
    assert [i.score for i in data["a"]] == [Decimal("100.00"), Decimal("83.33"), Decimal("66.67")]
    assert data["b"][0].score == Decimal("86.67")


def test_overview_mean_ci_pass_rate_and_critical(world: World, data: dict) -> None:
    r = overview_report(world.qm, ResultFilters())
    scores = [100.0, 83.33, 66.67, 86.67]
    assert r.total.n == 4
    assert r.total.score.mean == pytest.approx(sum(scores) / 4)
    lo, hi = sps.t.interval(0.95, 3, loc=sum(scores) / 4, scale=sps.sem(scores))
    assert r.total.score.lo == pytest.approx(lo, abs=1e-6)
    assert hi > 100  # the t-interval is clipped to the possible scores
    assert r.total.score.hi == pytest.approx(100.0)
    assert r.total.passed == 3
    wilson = sps.binomtest(3, 4).proportion_ci(method="wilson")
    assert r.total.pass_rate is not None
    assert r.total.pass_rate.proportion == pytest.approx(0.75)
    assert r.total.pass_rate.lo == pytest.approx(wilson.low, abs=1e-9)
    assert r.total.pass_rate.hi == pytest.approx(wilson.high, abs=1e-9)
    assert r.total.critical == 1
    assert [k.kind for k in r.kinds] == [InspectionKind.SUPERVISOR]


def test_filters_narrow_the_overview(world: World, data: dict) -> None:
    assert overview_report(world.qm, ResultFilters(site=world.site_b.pk)).total.n == 1
    assert overview_report(world.qm, ResultFilters(region=world.region_a.pk)).total.n == 3
    feb = ResultFilters.from_params({"from": "2026-02", "to": "2026-02"})
    assert overview_report(world.qm, feb).total.n == 2
    assert overview_report(world.qm, ResultFilters(kind=InspectionKind.SELF)).total.n == 0
    other = make_checklist("OTHER")
    inspect(world.site_a, other, ALL_PASS, at(2026, 2))
    only = ResultFilters(template=other.template_id)
    assert overview_report(world.qm, only).total.n == 1
    assert overview_report(world.qm, only).total.score.mean == pytest.approx(100.0)


def test_bravo_manager_never_sees_alpha(world: World, data: dict) -> None:
    user = world.bravo_manager
    assert overview_report(user, ResultFilters()).total.n == 1
    assert overview_report(user, ResultFilters(site=world.site_a.pk)).total.n == 0
    assert [s.code for s in trend_report(user, ResultFilters()).sites] == ["BRAVO"]
    assert [r.code for r in league_report(user, ResultFilters()).rows] == ["BRAVO"]
    assert [r.code for r in pareto_report(user, ResultFilters()).rows] == []
    assert [s.code for s in self_report(user, ResultFilters()).sites] == ["BRAVO"]


def test_trend_monthly_means_per_site(world: World, data: dict) -> None:
    r = trend_report(world.qm, ResultFilters())
    assert [m.isoformat() for m in r.months] == ["2026-01-01", "2026-02-01"]
    alpha = next(s for s in r.sites if s.code == "ALPHA")
    jan, feb = r.months
    assert alpha.points[jan].n == 2
    assert alpha.points[jan].mean == pytest.approx((100 + 83.33) / 2)
    assert alpha.points[feb].mean == pytest.approx(66.67)
    bravo = next(s for s in r.sites if s.code == "BRAVO")
    assert jan not in bravo.points
    one = trend_report(world.qm, ResultFilters(site=world.site_b.pk))
    assert [s.code for s in one.sites] == ["BRAVO"]


def test_league_rank_and_movement(world: World, data: dict) -> None:
    # March–April: alpha 90 (one), bravo 100 (one) — January–February: alpha 83.33, bravo 86.67
    store = data["store"]
    inspect(world.site_a, store, {**ALL_PASS, "B1": ("", 4)}, at(2026, 3))
    inspect(world.site_b, store, ALL_PASS, at(2026, 4))
    r = league_report(world.qm, ResultFilters.from_params({"from": "2026-03", "to": "2026-04"}))
    assert (r.previous_first.isoformat(), r.previous_last.isoformat()) == (
        "2026-01-01",
        "2026-02-01",
    )
    rows = {row.code: row for row in r.rows}
    assert rows["BRAVO"].rank == 1 and rows["ALPHA"].rank == 2
    assert rows["ALPHA"].score.mean == pytest.approx(93.33)
    # previous period: alpha (100 + 83.33 + 66.67) / 3 = 83.33 < bravo 86.67
    assert rows["ALPHA"].previous_rank == 2 and rows["BRAVO"].previous_rank == 1
    assert rows["ALPHA"].movement == 0
    # a single-month window: February alpha 66.67 (rank 2), March alpha 93.33 (rank 1)
    mar = league_report(world.qm, ResultFilters.from_params({"from": "2026-03", "to": "2026-03"}))
    assert [(row.code, row.rank, row.previous_rank, row.movement) for row in mar.rows] == [
        ("ALPHA", 1, 2, 1)
    ]
    # no period: the three months up to the latest inspection (April)
    default = league_report(world.qm, ResultFilters())
    assert (default.first.isoformat(), default.last.isoformat()) == ("2026-02-01", "2026-04-01")


def test_pareto_order_cumulative_and_versions(world: World, data: dict) -> None:
    store = data["store"]
    inspect(world.site_b, store, B2_A1_FAIL, at(2026, 2, 11))
    # a second version of the same template: A1 keeps its code and text, so it is one item
    from sqms.inspections.models import Item, Section, TemplateVersion

    v2 = TemplateVersion.objects.create(template=store.template, number=2, status="published")
    for section in store.sections.all():
        copy = Section.objects.create(version=v2, position=section.position, title=section.title)
        for item in section.items.all():
            item.pk = None
            item.section = copy
            item.save()
    assert Item.objects.filter(version=v2).count() == 4
    inspect(world.site_a, v2, A1_FAIL, at(2026, 3))
    r = pareto_report(world.qm, ResultFilters())
    # failures: A1 three (v1 twice, v2 once), A2 one, B2 one
    assert [(row.code, row.failures) for row in r.rows] == [("A1", 3), ("A2", 1), ("B2", 1)]
    assert r.total == 5
    assert [round(row.cumulative, 4) for row in r.rows] == [0.6, 0.8, 1.0]
    assert [round(row.share, 4) for row in r.rows] == [0.6, 0.2, 0.2]
    assert r.rows[0].checked == 6  # A1 answered in six inspections
    assert [row.vital for row in r.rows] == [True, True, False]
    only_b = pareto_report(world.qm, ResultFilters(site=world.site_b.pk))
    assert [(row.code, row.failures) for row in only_b.rows] == [("A1", 1), ("B2", 1)]


def test_section_scores(data: dict) -> None:
    rows = section_scores(data["a"][1])  # A1 failed
    assert [(s.points, s.max_points, s.percent, s.failed) for s in rows] == [
        (Decimal("2.00"), Decimal("3.00"), Decimal("66.67"), 1),
        (Decimal("3.00"), Decimal("3.00"), Decimal("100.00"), 0),
    ]
    assert rows[0].title.startswith("门店环境")


def _self_vs_supervisor(world: World, self_scores: list, visit_scores: list) -> None:
    sup = make_checklist("SUP")
    own = make_checklist("SELF", kind=InspectionKind.SELF)
    for month, (own_answers, visit_answers) in enumerate(
        zip(self_scores, visit_scores, strict=True), start=1
    ):
        for day in (3, 17):
            inspect(world.site_a, own, own_answers, at(2026, month, day))
        inspect(world.site_a, sup, visit_answers, at(2026, month, 12))


def test_self_rates_itself_higher_is_flagged(world: World) -> None:
    # self 100 every time; visits 83.33, 66.67, 86.67, 83.33 (four months)
    _self_vs_supervisor(world, [ALL_PASS] * 4, [A1_FAIL, A2_FAIL, B1_THREE, A1_FAIL])
    r = self_report(world.qm, ResultFilters())
    site = r.sites[0]
    visits = [83.33, 66.67, 86.67, 83.33]
    assert site.self_sums[0] == 8 and site.other_sums[0] == 4
    assert site.difference == pytest.approx(100 - sum(visits) / 4)
    assert site.higher_in_last == 4
    assert site.paired_months == 4
    paired = sps.ttest_rel([100.0] * 4, visits)
    assert site.paired_p == pytest.approx(paired.pvalue, rel=1e-6)
    welch = sps.ttest_ind([100.0] * 8, visits, equal_var=False)
    assert site.welch is not None
    assert site.welch.p_value == pytest.approx(welch.pvalue, rel=1e-6)
    assert welch.pvalue < 0.05
    assert site.flagged


def test_self_not_flagged_when_not_consistently_higher(world: World) -> None:
    # self 100, 66.67, 66.67, 100 against visits 83.33 each: higher in 2 of 4
    _self_vs_supervisor(world, [ALL_PASS, A2_FAIL, A2_FAIL, ALL_PASS], [A1_FAIL] * 4)
    site = self_report(world.qm, ResultFilters()).sites[0]
    assert site.higher_in_last == 2
    assert not site.flagged
