"""SERVQUAL report: hand-computed gaps and t-intervals, α, suppression, scoping, query budget,
CSV downloads that match the tables."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest
from django.urls import reverse
from scipy import stats

from sqms.surveys.reports import servqual
from sqms.surveys.reports.selection import ReportFilters
from sqms.surveys.tests.report_data import (
    ITEMS,
    make_campaign,
    make_instrument,
    servqual_answers,
    when,
    write,
)
from sqms.test import BRAVO_MARK

GAPS_A = [-1, -2, -3, -1, -1]  # mean −1.6


@pytest.fixture
def data(world):
    inst = make_instrument()
    camp = make_campaign(inst, [world.site_a, world.site_b])
    write(camp, world.site_a, servqual_answers(GAPS_A), at=when(2025, 3))
    write(camp, world.site_b, servqual_answers([1, 0, 1]), at=when(2025, 3))  # 3 < min n 5
    return camp


def t_interval(values):
    x = np.asarray(values, dtype=float)
    return stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=x.std(ddof=1) / np.sqrt(len(x)))


def test_gap_and_t_interval_by_hand(world, data):
    r = servqual.servqual_report(world.qm, ReportFilters(site=world.site_a.pk))
    lo, hi = t_interval(GAPS_A)
    assert r.overall.n == 5
    assert r.overall.mean == pytest.approx(-1.6)
    assert (r.overall.lo, r.overall.hi) == (pytest.approx(lo), pytest.approx(hi))
    assert round(lo, 4) == -2.7106 and round(hi, 4) == -0.4894
    for row in r.items:
        assert row.gap.mean == pytest.approx(-1.6)
        assert row.gap.lo == pytest.approx(lo)
        assert row.e.mean == pytest.approx(6.0)
        assert row.p.mean == pytest.approx(4.4)
    assert [d.code for d in r.dimensions] == ["tangibles", "reliability"]
    for d in r.dimensions:
        assert d.gap.mean == pytest.approx(-1.6) and d.gap.n == 5
        assert d.importance.mean == pytest.approx(50.0)
    assert r.weighted.mean == pytest.approx(-1.6)
    assert r.responses == 5


def test_weighted_score_uses_importance_points(world):
    inst = make_instrument()
    camp = make_campaign(inst, [world.site_a])
    answers = []
    # tangibles gap −2, reliability gap 0; importance tangibles 20, reliability 80
    for _i in range(5):
        a = {}
        for code, dim in ITEMS:
            a[f"{code}.E"] = 6
            a[f"{code}.P"] = 4 if dim == "tangibles" else 6
        a["IMP_TAN"], a["IMP_REL"] = 20, 80
        answers.append(a)
    write(camp, world.site_a, answers)
    r = servqual.servqual_report(world.qm, ReportFilters())
    assert r.overall.mean == pytest.approx(-1.0)  # mean of −2 and 0
    assert r.weighted.mean == pytest.approx(-0.4)  # (−2·20 + 0·80)/100


def test_cronbach_alpha_from_rollups_matches_raw_formula(world):
    inst = make_instrument()
    camp = make_campaign(inst, [world.site_a])
    p = np.array(
        [[5, 6, 3, 2], [6, 6, 5, 5], [3, 4, 6, 2], [7, 6, 4, 5], [4, 5, 2, 6], [2, 3, 5, 4]],
        dtype=float,
    )
    answers = []
    for row in p:
        a = {}
        for (code, _dim), x in zip(ITEMS, row, strict=True):
            a[f"{code}.E"], a[f"{code}.P"] = 6, float(x)
        answers.append(a)
    write(camp, world.site_a, answers)
    r = servqual.servqual_report(world.qm, ReportFilters())

    def alpha(m):
        k = m.shape[1]
        return k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / m.sum(axis=1).var(ddof=1))

    tan, rel = r.dimensions
    assert tan.alpha_p == pytest.approx(alpha(p[:, :2]))
    assert rel.alpha_p == pytest.approx(alpha(p[:, 2:]))
    assert rel.alpha_p < 0.7  # negatively related items
    assert any("under 0.7" in w and "Reliability" in w for w in r.warnings)
    assert tan.alpha_e is None  # constant E: no variance, no α


def test_small_n_is_suppressed(world, data, client_for):
    r = servqual.servqual_report(world.qm, ReportFilters(site=world.site_b.pk))
    assert r.overall.n == 3 and r.overall.suppressed and r.overall.mean is None
    assert all(row.gap.suppressed for row in r.items)
    page = client_for(world.qm).get(reverse("surveys:report_servqual"), {"site": world.site_b.pk})
    body = page.content.decode()
    assert "n too small" in body
    assert "0.67" not in body and "0.6667" not in body  # site B's mean gap (2/3) is never shown


def test_min_n_is_configurable(world, data, settings):
    settings.SQMS_SURVEY_MIN_N = 3
    r = servqual.servqual_report(world.qm, ReportFilters(site=world.site_b.pk))
    assert not r.overall.suppressed and r.overall.mean == pytest.approx(2 / 3)


def test_site_manager_sees_only_own_site(world, data, client_for):
    r = servqual.servqual_report(world.alpha_manager, ReportFilters())
    assert r.overall.n == 5 and r.overall.mean == pytest.approx(-1.6)
    assert [s.code for s in r.league] == ["ALPHA"]
    # asking for site B explicitly gives nothing
    other = servqual.servqual_report(world.alpha_manager, ReportFilters(site=world.site_b.pk))
    assert other.overall.n == 0 and other.league == []
    body = client_for(world.alpha_manager).get(reverse("surveys:report_servqual")).content.decode()
    assert BRAVO_MARK not in body and "BRAVO" not in body


def test_quality_manager_league_and_funnel(world, data, settings):
    settings.SQMS_SURVEY_MIN_N = 3
    r = servqual.servqual_report(world.qm, ReportFilters())
    assert [s.code for s in r.league] == ["BRAVO", "ALPHA"]  # best (highest gap) first
    all_gaps = GAPS_A + [1, 0, 1]
    assert r.funnel.target == pytest.approx(np.mean(all_gaps))
    pooled = np.sqrt((4 * np.var(GAPS_A, ddof=1) + 2 * np.var([1, 0, 1], ddof=1)) / 6)
    assert r.funnel.sd == pytest.approx(pooled)
    lo95, hi95 = r.funnel.limits[0.95]
    assert len(lo95) == len(r.funnel.n)
    z95, z998 = stats.norm.ppf(0.975), stats.norm.ppf(0.999)
    # Alpha: mean −1.6 against group mean −0.75 ± z·s_p/√5
    centre = np.mean(all_gaps)
    low95, low998 = centre - z95 * pooled / np.sqrt(5), centre - z998 * pooled / np.sqrt(5)
    expected = "below" if low998 > -1.6 else "below95" if low95 > -1.6 else ""
    assert r.league[1].funnel == expected
    assert expected == "below95"


def test_trend_by_month_and_quarter(world):
    inst = make_instrument()
    camp = make_campaign(inst, [world.site_a])
    write(camp, world.site_a, servqual_answers([-2] * 5), at=when(2025, 1))
    write(camp, world.site_a, servqual_answers([0] * 5), at=when(2025, 2))
    write(camp, world.site_a, servqual_answers([1] * 5), at=when(2025, 4))
    r = servqual.servqual_report(world.qm, ReportFilters())
    assert [(p.label, p.overall.mean) for p in r.trend] == [
        ("2025-01", -2),
        ("2025-02", 0),
        ("2025-04", 1),
    ]
    q = servqual.servqual_report(world.qm, ReportFilters(grain="quarter"))
    assert [(p.label, p.overall.n) for p in q.trend] == [("2025 Q1", 10), ("2025 Q2", 5)]
    assert q.trend[0].overall.mean == pytest.approx(-1.0)
    # period filter
    f = servqual.servqual_report(
        world.qm, ReportFilters.from_params({"from": "2025-02", "to": "2025-04"})
    )
    assert f.overall.n == 10 and f.overall.mean == pytest.approx(0.5)


def test_main_report_query_budget(world, data, client_for, django_assert_max_num_queries):
    c = client_for(world.alpha_manager)
    c.get(reverse("surveys:report_servqual"))  # warm the session
    with django_assert_max_num_queries(14):
        page = c.get(
            reverse("surveys:report_servqual"), {"region": world.region_a.pk, "from": "2025-01"}
        )
    assert page.status_code == 200


def _table(body: str, panel: str) -> list[list[str]]:
    section = body.split(f'id="panel-{panel}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


@pytest.mark.parametrize("panel", ["score", "dimensions", "items", "trend", "league", "gap_model"])
def test_csv_download_matches_table(world, data, client_for, panel):
    c = client_for(world.qm)
    body = c.get(reverse("surveys:report_servqual")).content.decode()
    table = _table(body, panel)
    response = c.get(reverse("surveys:report_servqual"), {"download": panel})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) - 1 == len(table) and len(rows[0]) == len(table[0])
    for csv_row, html_row in zip(rows[1:], table, strict=True):
        for value, shown in zip(csv_row, html_row, strict=True):
            try:
                number = float(value)
            except ValueError:
                assert value == shown or (value == "" and shown in ("n too small", "–", ""))
            else:
                digits = len(shown.split(".")[1]) if "." in shown else 0
                assert f"{number:.{digits}f}" == shown


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")
def test_gap_model_and_zone_of_tolerance(world):
    customer = make_instrument("CUST", ("E", "P"))
    management = make_instrument("MGMT", ("M",), extras=False)
    employees = make_instrument("STAFF", ("S",), extras=False)
    zot = make_instrument("ZOT", ("A", "D", "P"), extras=False)
    c1 = make_campaign(customer, [world.site_a], "Customers")
    c2 = make_campaign(management, [world.site_a], "Managers")
    c3 = make_campaign(employees, [world.site_a], "Employees")
    c4 = make_campaign(zot, [world.site_a], "Zone")
    write(c1, world.site_a, servqual_answers([-1] * 5, e=6))
    write(c2, world.site_a, [{f"{c}.M": m for c, _d in ITEMS} for m in (5, 5, 4, 5, 6)])  # mean 5
    write(c3, world.site_a, [{f"{c}.S": s for c, _d in ITEMS} for s in (6, 5, 6, 6, 7)])  # mean 6
    write(
        c4,
        world.site_a,
        [
            {
                **{f"{c}.A": 4 for c, _d in ITEMS},
                **{f"{c}.D": 7 for c, _d in ITEMS},
                **{f"{c}.P": 5 for c, _d in ITEMS},
            }
        ]
        * 5,
    )
    r = servqual.servqual_report(world.qm, ReportFilters(), sections=())
    d = r.dimensions[0]
    assert d.gap1.estimate == pytest.approx(5.0 - 6.0)
    welch = stats.ttest_ind([5, 5, 4, 5, 6], [6, 6, 6, 6, 6], equal_var=False)
    assert d.gap1.p_value == pytest.approx(welch.pvalue)
    assert d.gap3.mean == pytest.approx(6.0 - 7.0)  # employees' score 6 against the standard 7
    assert d.gap.mean == pytest.approx(-1.0)
    assert r.has_gap_model and r.has_zone_of_tolerance
    assert d.msa.mean == pytest.approx(1.0) and d.mss.mean == pytest.approx(-2.0)
    assert d.adequate.mean == pytest.approx(4.0) and d.desired.mean == pytest.approx(7.0)


def test_responses_count_leaves_out_csat_and_nps_surveys(world, data):
    from sqms.surveys.choices import InstrumentKind

    csat = make_instrument("CSATONLY", extras=False)
    csat.kind = InstrumentKind.CSAT
    csat.save()
    write(make_campaign(csat, [world.site_a], "CSAT"), world.site_a, [{}] * 7, at=when(2025, 3))
    r = servqual.servqual_report(world.qm, ReportFilters(site=world.site_a.pk))
    assert r.responses == 5  # the 7 CSAT responses belong to the CSAT page


def test_both_overall_conventions_are_shown_and_labelled(world, client_for):
    """Three tangibles items with gap −2 and one reliability item with gap 0: the mean of the
    dimension gaps is (−2 + 0)/2 = −1.0, the mean over the four items (3·(−2) + 0)/4 = −1.5."""
    items = [("T1", "tangibles"), ("T2", "tangibles"), ("T3", "tangibles"), ("R1", "reliability")]
    inst = make_instrument("UNEQUAL", items=items, extras=False)
    camp = make_campaign(inst, [world.site_a])
    answers = [
        {
            **{f"{c}.E": 6 for c, _d in items},
            **{f"{c}.P": 4 if d == "tangibles" else 6 for c, d in items},
        }
        for _i in range(5)
    ]
    write(camp, world.site_a, answers)
    r = servqual.servqual_report(world.qm, ReportFilters())
    assert r.overall.mean == pytest.approx(-1.0) and r.overall.n == 5
    assert r.overall_items.mean == pytest.approx(-1.5) and r.overall_items.n == 5
    c = client_for(world.qm)
    page = c.get(reverse("surveys:report_servqual"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unweighted (mean of the dimension gaps)" in page
    assert "Unweighted, other convention (mean over all items)" in page
