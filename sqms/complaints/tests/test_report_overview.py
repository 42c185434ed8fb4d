"""The overview report against hand-computed figures (``report_data``): volume per month, rate
per 1,000 transactions, SLA outcomes, wall-clock durations, backlog; scoping and query count."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from sqms.analytics.metrics import proportion_ci
from sqms.complaints.reports.overview import overview_report
from sqms.complaints.reports.selection import ComplaintFilters
from sqms.complaints.tests.report_data import NOW, build

ALL = ComplaintFilters()


@pytest.fixture
def data(world):  # type: ignore[no-untyped-def]
    return build(world)


def test_volume_and_rates_per_site_and_month(world, data):  # type: ignore[no-untyped-def]
    r = overview_report(world.qm, ALL, now=NOW)
    assert r.total == 7
    assert r.months == [(date(2026, 3, 1), 4), (date(2026, 4, 1), 3)]
    cells = {
        (s.site_code, s.month.month): (s.complaints, s.transactions, s.rate) for s in r.site_months
    }
    assert cells == {
        ("ALPHA", 3): (3, 2000, 1.5),
        ("ALPHA", 4): (3, None, None),  # no volume entered: no rate, not 0
        ("BRAVO", 2): (0, 1000, 0.0),
        ("BRAVO", 3): (1, 500, 2.0),
    }


def test_sla_outcomes_with_wilson_interval(world, data):  # type: ignore[no-untyped-def]
    r = overview_report(world.qm, ALL, now=NOW)
    response, resolution = r.sla
    assert (response.met, response.breached, response.running) == (4, 2, 1)
    assert (resolution.met, resolution.breached, resolution.running) == (3, 3, 1)
    expected = proportion_ci(4, 6)
    assert response.compliance.share == pytest.approx(4 / 6)
    assert (response.compliance.lo, response.compliance.hi) == pytest.approx(
        (expected.lo, expected.hi)
    )
    assert resolution.compliance.share == pytest.approx(0.5)


def test_wall_clock_durations_median_and_p90(world, data):  # type: ignore[no-untyped-def]
    r = overview_report(world.qm, ALL, now=NOW)
    response, resolution = r.durations
    assert response.n == 5
    assert response.median_hours == pytest.approx(np.quantile([1, 2, 6, 1, 3], 0.5))  # 2
    assert response.p90_hours == pytest.approx(4.8)
    assert response.buckets == {
        "lt1h": 0,
        "1to4h": 4,
        "4to8h": 1,
        "8to24h": 0,
        "24to72h": 0,
        "gt72h": 0,
    }
    assert resolution.n == 4
    assert resolution.median_hours == pytest.approx(15.0)
    assert resolution.p90_hours == pytest.approx(np.quantile([10, 30, 5, 20], 0.9))  # 27
    assert resolution.buckets == {
        "lt1h": 0,
        "1to4h": 0,
        "4to8h": 1,
        "8to24h": 2,
        "24to72h": 1,
        "gt72h": 0,
    }


def test_backlog_by_age(world, data):  # type: ignore[no-untyped-def]
    r = overview_report(world.qm, ALL, now=NOW)
    assert r.backlog == {"lt1d": 1, "1to3d": 0, "3to7d": 1, "7to30d": 0, "gt30d": 1}


def test_filters_narrow_every_figure(world, data):  # type: ignore[no-untyped-def]
    f = ComplaintFilters.from_params({"from": "2026-03", "to": "2026-03", "category": data["X"].pk})
    r = overview_report(world.qm, f, now=NOW)
    assert r.total == 2  # c1, c2
    assert (r.sla[1].met, r.sla[1].breached) == (1, 1)
    # the backlog ignores the period but keeps the category: c4 is open
    assert r.backlog["lt1d"] == 1 and sum(r.backlog.values()) == 1


def test_site_manager_sees_only_own_site(world, data):  # type: ignore[no-untyped-def]
    r = overview_report(world.alpha_manager, ALL, now=NOW)
    assert r.total == 6
    assert {s.site_code for s in r.site_months} == {"ALPHA"}
    assert (r.sla[0].met, r.sla[0].breached, r.sla[0].running) == (3, 2, 1)
    # asking for site B's figures gives nothing
    other = overview_report(world.alpha_manager, ComplaintFilters(site=world.site_b.pk), now=NOW)
    assert other.total == 0 and other.site_months == [] and other.empty


def test_query_count_is_bounded(world, data, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    overview_report(world.qm, ALL, now=NOW)  # warm the scope cache
    with django_assert_max_num_queries(9):
        overview_report(world.qm, ALL, now=NOW)
