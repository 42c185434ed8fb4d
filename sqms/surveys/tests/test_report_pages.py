"""CSAT/NPS, importance–performance, distributions, comments, drill-down and the offline Plotly
script: values by hand, scoping, suppression, CSV."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from django.urls import reverse
from scipy import stats

from sqms.analytics.metrics import proportion_ci
from sqms.core import stats as report_stats
from sqms.surveys.reports import (
    comments,
    csat_nps,
    distribution,
    drilldown,
    ipa,
    selection,
    servqual,
)
from sqms.surveys.reports.selection import ReportFilters
from sqms.surveys.tests.report_data import (
    ITEMS,
    make_campaign,
    make_instrument,
    servqual_answers,
    when,
    write,
)
from sqms.test import ALPHA_MARK, BRAVO_MARK

CSAT_NOW = [5, 5, 4, 4, 3, 2, 5, 4, 4, 5]  # 8 of 10 in the top two boxes
CSAT_BEFORE = [3, 3, 4, 2, 5, 1, 4, 3, 2, 3]  # 3 of 10
NPS_NOW = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5]  # 5 promoters, 3 detractors: +20
NPS_BEFORE = [10, 6, 6, 5, 7, 8, 9, 2, 3, 4]  # 2 promoters, 6 detractors: −40


@pytest.fixture
def campaign(world):
    return make_campaign(make_instrument(), [world.site_a, world.site_b])


@pytest.fixture
def satisfaction(world, campaign):
    write(
        campaign,
        world.site_a,
        [{"CSAT": c, "NPS": n} for c, n in zip(CSAT_BEFORE, NPS_BEFORE, strict=True)],
        at=when(2025, 2),
    )
    write(
        campaign,
        world.site_a,
        [{"CSAT": c, "NPS": n} for c, n in zip(CSAT_NOW, NPS_NOW, strict=True)],
        at=when(2025, 5),
    )
    return campaign


def test_csat_nps_values_and_change(world, satisfaction):
    r = csat_nps.csat_nps_report(
        world.qm, ReportFilters.from_params({"from": "2025-04", "to": "2025-06"})
    )
    assert r.previous_period[0].isoformat() == "2025-01-01"
    now, before = r.current, r.previous
    assert now.top2.share == pytest.approx(0.8)
    ci = proportion_ci(8, 10)
    assert (now.top2.lo, now.top2.hi) == (pytest.approx(ci.lo), pytest.approx(ci.hi))
    assert now.csat.mean == pytest.approx(np.mean(CSAT_NOW))
    assert now.nps.nps == pytest.approx(20.0) and before.nps.nps == pytest.approx(-40.0)
    se = 100 * math.sqrt((0.5 + 0.3 - 0.2**2) / 10)
    assert now.nps.lo == pytest.approx(20 - stats.norm.ppf(0.975) * se)
    share, mean, nps = r.changes
    pool = 11 / 20
    z = (0.8 - 0.3) / math.sqrt(pool * (1 - pool) * (2 / 10))
    assert share.difference.estimate == pytest.approx(0.5)
    assert share.difference.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert share.significant
    welch = stats.ttest_ind(CSAT_NOW, CSAT_BEFORE, equal_var=False)
    assert mean.difference.p_value == pytest.approx(welch.pvalue)
    se_before = 100 * math.sqrt((0.2 + 0.6 - 0.16) / 10)
    z_nps = 60 / math.sqrt(se**2 + se_before**2)
    assert nps.difference.estimate == pytest.approx(60.0)
    assert nps.difference.p_value == pytest.approx(2 * stats.norm.sf(z_nps))
    assert [label for _p, label, _s in r.trend] == ["2025-05"]


def test_csat_page_suppresses_small_n_and_scopes(
    world, satisfaction, client_for, django_assert_max_num_queries
):
    write(satisfaction, world.site_b, [{"CSAT": 5, "NPS": 10}] * 3, at=when(2025, 5))  # n 3 < 5
    c = client_for(world.qm)
    body = c.get(reverse("surveys:report_csat_nps"), {"site": world.site_b.pk}).content.decode()
    assert "n too small" in body and "100.0" not in body
    manager = client_for(world.alpha_manager)
    manager.get(reverse("surveys:report_csat_nps"))
    with django_assert_max_num_queries(14):
        page = manager.get(reverse("surveys:report_csat_nps"))
    assert BRAVO_MARK not in page.content.decode() and "BRAVO" not in page.content.decode()
    r = csat_nps.csat_nps_report(world.alpha_manager, ReportFilters())
    assert [code for _id, code, _name, _s in r.by_site] == ["ALPHA"]


def test_stated_importance_grid(world, campaign):
    write(
        campaign, world.site_a, servqual_answers([-1] * 5, imp=(30, 70))
    )  # IMP_REL 30, IMP_TAN 70
    r = ipa.ipa_report(world.qm, ReportFilters(), "stated")
    by = {p.key: p for p in r.points}
    assert by["tangibles"].importance == pytest.approx(70) and by[
        "reliability"
    ].importance == pytest.approx(30)
    assert by["tangibles"].performance.mean == pytest.approx(5.0)
    assert by["tangibles"].quadrant in ("concentrate", "keep_up")
    assert r.drivers[0].key == "tangibles"


def test_derived_importance_from_raw_answers(world, campaign):
    rng = np.random.default_rng(4)
    answers, overall, t1 = [], [], []
    for _i in range(30):
        a = {f"{c}.{p}": int(rng.integers(1, 8)) for c, _d in ITEMS for p in ("E", "P")}
        a["OVERALL"] = int(min(7, max(1, a["T1.P"] + rng.integers(-1, 2))))
        answers.append(a)
        overall.append(a["OVERALL"])
        t1.append(a["T1.P"])
    write(campaign, world.site_a, answers)
    r = ipa.ipa_report(world.qm, ReportFilters(), "derived")
    assert r.sample == 30 and r.cap == selection.IPA_SAMPLE_CAP
    by = {p.key: p for p in r.points}
    assert by["T1"].importance == pytest.approx(np.corrcoef(t1, overall)[0, 1])
    assert r.drivers[0].key == "T1"  # the strongest driver by relative weight


def test_distribution_of_choices_and_ratings(world, campaign, client_for):
    write(
        campaign,
        world.site_a,
        [{"VISIT": 1, "CSAT": 5}, {"VISIT": 2, "CSAT": 4}, {"VISIT": 2, "CSAT": 4}] * 2,
    )
    r = distribution.distribution_report(world.qm, ReportFilters(), "CSAT")
    visit = next(d for d in r.choices if d.key == "VISIT")
    assert visit.n == 6 and visit.counts == [("1 First visit", 2), ("2 Regular", 4)]
    assert r.rating.key == "CSAT"
    assert dict(r.rating.counts) == {"1": 0, "2": 0, "3": 0, "4": 4, "5": 2}
    body = (
        client_for(world.qm)
        .get(reverse("surveys:report_distribution"), {"question": "CSAT"})
        .content.decode()
    )
    assert "Regular" in body
    # the drill-down of one option lists exactly its responses
    assert drilldown.drilldown_responses(world.qm, ReportFilters(), "VISIT=2").count() == 4


def test_comments_search_keywords_and_scope(world, campaign, client_for):
    write(
        campaign,
        world.site_a,
        servqual_answers([0] * 3),
        comments=[
            f"Slow queue at the till {ALPHA_MARK}",
            "排队时间太长，排队的人很多",
            "slow staff",
        ],
    )
    write(
        campaign, world.site_b, servqual_answers([0] * 2), comments=[f"Rude {BRAVO_MARK}", "great"]
    )
    qs = comments.comments(world.qm, ReportFilters())
    kw = comments.keywords(qs)
    assert kw.english[0] == ("slow", 2)
    assert "排队" in [w for w, _weight in kw.chinese]
    assert comments.comments(world.qm, ReportFilters(), "queue").count() == 1
    body = client_for(world.alpha_manager).get(reverse("surveys:report_comments")).content.decode()
    assert ALPHA_MARK in body and BRAVO_MARK not in body
    body = (
        client_for(world.bravo_manager)
        .get(reverse("surveys:report_comments"), {"site": world.site_a.pk})
        .content.decode()
    )
    assert ALPHA_MARK not in body


def test_drilldown_lists_the_responses_behind_a_number(world, campaign, client_for):
    write(campaign, world.site_a, servqual_answers([-1, -2, -3, -1, -1]), comments=[ALPHA_MARK] * 5)
    write(campaign, world.site_b, servqual_answers([0] * 5), comments=[BRAVO_MARK] * 5)
    r = servqual.servqual_report(world.qm, ReportFilters(site=world.site_a.pk))
    assert (
        drilldown.drilldown_responses(
            world.qm, ReportFilters(site=world.site_a.pk), "T1.GAP"
        ).count()
        == r.items[0].gap.n
    )
    assert (
        drilldown.drilldown_responses(
            world.qm, ReportFilters(), "SQ.GAP", month=when(2025, 3).date().replace(day=1)
        ).count()
        == 10
    )
    assert (
        drilldown.drilldown_responses(
            world.qm, ReportFilters(), "T1.GAP", month=when(2025, 4).date().replace(day=1)
        ).count()
        == 0
    )
    c = client_for(world.qm)
    params = {"site": world.site_a.pk, "measure": "T1.GAP"}
    body = c.get(reverse("surveys:drilldown"), params).content.decode()
    table = body.split("<tbody>", 1)[1]
    assert "4 − 6 = -2" in table and BRAVO_MARK not in table and table.count(ALPHA_MARK) == 5
    export = c.get(reverse("surveys:drilldown"), {**params, "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 6 and rows[0][0] == "Response"
    assert sorted(r[5] for r in rows[1:]) == sorted(
        f"{6 + g} − 6 = {g}" for g in [-1, -2, -3, -1, -1]
    )
    # the outsider asking for site A's responses gets none of them
    outsider = client_for(world.bravo_manager)
    body = outsider.get(reverse("surveys:drilldown"), params).content.decode()
    assert ALPHA_MARK not in body and "No responses match" in body
    export = outsider.get(reverse("surveys:drilldown"), {**params, "export": "csv"})
    text = export.getvalue().decode("utf-8-sig")
    assert ALPHA_MARK not in text
    assert len(list(csv.reader(io.StringIO(text)))) == 1
    # a role-less user and anonymous visitors are refused
    assert client_for(world.roleless).get(reverse("surveys:drilldown")).status_code == 403
    from django.test import Client

    assert Client().get(reverse("surveys:drilldown")).status_code == 302


def test_report_links_drill_down(world, campaign, client_for):
    write(campaign, world.site_a, servqual_answers([-1] * 5))
    body = client_for(world.qm).get(reverse("surveys:report_servqual")).content.decode()
    assert reverse("surveys:drilldown") + "?measure=T1.GAP" in body.replace("&amp;", "&")


def test_plotly_is_served_offline_with_long_cache(world, client_for):
    response = client_for(world.qm).get(reverse("plotly_js"), {"v": "x"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "max-age=31536000" in response["Cache-Control"]
    assert b"plotly" in response.content[:5000].lower() and len(response.content) > 1_000_000


@pytest.mark.parametrize(
    "name",
    [
        "report_servqual",
        "report_gap_model",
        "report_csat_nps",
        "report_ipa",
        "report_distribution",
        "report_comments",
        "drilldown",
    ],
)
def test_every_page_renders_empty_and_refuses_post(world, client_for, name):
    c = client_for(world.alpha_manager)
    assert (
        c.get(
            reverse(f"surveys:{name}"), {"importance": "derived", "from": "2025-13", "site": "x"}
        ).status_code
        == 200
    )
    assert c.post(reverse(f"surveys:{name}")).status_code == 405


def _sums(values):
    x = np.asarray(values, dtype=float)
    return (int(x.size), float(x.sum()), float((x**2).sum()))


def test_mean_difference_from_rollups_is_welch_and_degenerate_cases_are_nan():
    d = report_stats.mean_difference(_sums(CSAT_BEFORE), _sums(CSAT_NOW))
    welch = stats.ttest_ind(CSAT_NOW, CSAT_BEFORE, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert d.estimate == pytest.approx(np.mean(CSAT_NOW) - np.mean(CSAT_BEFORE))
    assert (d.low, d.high) == (pytest.approx(ci.low), pytest.approx(ci.high))
    assert (d.z, d.p_value) == (pytest.approx(welch.statistic), pytest.approx(welch.pvalue))
    # A group under 2 answers: nothing; both groups constant: the difference, no test.
    assert all(
        math.isnan(v)
        for v in vars(report_stats.mean_difference(_sums([4]), _sums(CSAT_NOW))).values()
    )
    flat = report_stats.mean_difference(_sums([4, 4, 4]), _sums([5, 5]))
    assert (flat.estimate, flat.low, flat.high) == (1.0, 1.0, 1.0)
    assert math.isnan(flat.z) and math.isnan(flat.p_value)


def test_estimate_difference_z_test_and_zero_standard_errors():
    d = report_stats.estimate_difference(-40.0, 25.3, 20.0, 27.6)
    se = math.hypot(25.3, 27.6)
    assert d.estimate == pytest.approx(60.0)
    assert d.p_value == pytest.approx(2 * stats.norm.sf(60.0 / se))
    none = report_stats.estimate_difference(100.0, 0.0, 100.0, 0.0)
    assert none.estimate == 0.0
    assert all(math.isnan(v) for v in (none.low, none.high, none.z, none.p_value))
