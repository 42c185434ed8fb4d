"""The chart each nature calls for, checked against the textbook formulas computed here
(Montgomery 2019, sections 7.3.1 and 7.3.2, and 9.2 for the EWMA), the chart events on the
figure, and the daily job's registration."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sqms.core.choices import Channel
from sqms.kpis import actions
from sqms.kpis.choices import Level
from sqms.kpis.figures import control_chart
from sqms.kpis.models import Alert
from sqms.kpis.series import chart_data
from sqms.kpis.tests.conftest import make_kpi, month

CLI = Channel.CLI


def enter(world: Any, kpi: Any, values: list[float], ns: list[float] | None = None) -> None:
    rows = [
        actions.EnteredValue(world.site_a, month(i + 1), v, None if ns is None else ns[i])
        for i, v in enumerate(values)
    ]
    actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)


def unit(world: Any) -> actions.Unit:
    return actions.Unit(Level.SITE, site_id=world.site_a.pk)


def test_c_chart(world: Any) -> None:
    kpi = make_kpi("INC", nature="count", direction="lower")
    counts = [4.0, 6.0, 5.0, 3.0, 7.0, 5.0, 20.0]
    enter(world, kpi, counts)
    limits = actions.do_freeze_limits(
        kpi, unit(world), month(1), month(6), [1], acting_user=None, channel=CLI
    )
    cbar = sum(counts[:6]) / 6  # 5
    assert (limits.chart, limits.center) == ("c", pytest.approx(cbar))
    rows = chart_data(kpi, unit(world)).rows()
    assert rows[0]["ucl"] == pytest.approx(cbar + 3 * math.sqrt(cbar))
    assert rows[0]["lcl"] == pytest.approx(0.0)  # 5 − 3√5 < 0 → 0
    assert rows[6]["rules"] == [1]


def test_u_chart_for_a_rate_per_n(world: Any) -> None:
    kpi = make_kpi("CR", nature="rate", rate_base=1000, direction="lower")
    complaints = [3, 5, 4, 2, 6, 4, 15]
    transactions = [2000, 2500, 2200, 1800, 3000, 2500, 2000]
    rates = [1000 * c / t for c, t in zip(complaints, transactions, strict=True)]
    enter(world, kpi, rates, [float(t) for t in transactions])
    limits = actions.do_freeze_limits(
        kpi, unit(world), month(1), month(6), [1], acting_user=None, channel=CLI
    )
    # ū = Σc / Σ(n/1000) per 1,000 transactions; limits ū ± 3√(ū/nᵢ) with nᵢ in thousands
    ubar = sum(complaints[:6]) / (sum(transactions[:6]) / 1000)
    assert (limits.chart, limits.center) == ("u", pytest.approx(ubar))
    rows = chart_data(kpi, unit(world)).rows()
    for i, row in enumerate(rows):
        half = 3 * math.sqrt(ubar / (transactions[i] / 1000))
        assert row["value"] == pytest.approx(rates[i])
        assert row["ucl"] == pytest.approx(ubar + half)
        assert row["lcl"] == pytest.approx(max(0.0, ubar - half))
    assert rows[6]["rules"] == [1]  # 7.5 per 1,000 against a UCL of about 5.0
    assert Alert.objects.get(kpi=kpi).period == month(7)


def test_ewma_for_small_shifts(world: Any) -> None:
    kpi = make_kpi("EW", nature="measurement", chart="ewma")
    x = [10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 12.0, 12.0, 12.0, 12.0]
    enter(world, kpi, x)
    limits = actions.do_freeze_limits(
        kpi, unit(world), month(1), month(6), [1], acting_user=None, channel=CLI
    )
    mu, sigma = 10.5, 1.0 / (2 / math.sqrt(math.pi))  # MR̄ = 1, d2(2) = 2/√π
    assert (limits.center, limits.sigma) == (pytest.approx(mu), pytest.approx(sigma))
    rows = chart_data(kpi, unit(world)).rows()
    lam, width = 0.2, 3.0
    z = mu
    for i, row in enumerate(rows):
        z = lam * x[i] + (1 - lam) * z
        half = width * sigma * math.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * (i + 1))))
        assert row["ucl"] == pytest.approx(mu + half)
        assert (1 in row["rules"]) == (z > mu + half)


def test_events_on_the_figure(world: Any) -> None:
    kpi = make_kpi("WAIT", nature="measurement")
    enter(world, kpi, [1.0, 2.0, 3.0])
    actions.do_create_event(
        {"date": month(2), "text": "training held", "kpi": kpi}, acting_user=None, channel=CLI
    )
    actions.do_create_event(
        {"date": month(2), "text": "other site", "site": world.site_b},
        acting_user=None,
        channel=CLI,
    )
    fig = control_chart(chart_data(kpi, unit(world)))
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["training held"]
    assert fig["layout"]["shapes"][0]["x0"] == month(2).isoformat()


def test_daily_job_is_registered() -> None:
    from sqms.jobs.registry import registered

    assert "kpis.compute" in {job.name for job in registered()}
