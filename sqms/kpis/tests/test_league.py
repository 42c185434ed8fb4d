"""League tables: competition ranks by the KPI's direction, percentile, movement since the
previous period, Wilson intervals for a proportion, and only the units in scope."""

from __future__ import annotations

import math
from typing import Any

import pytest

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.kpis import actions
from sqms.kpis.league import league
from sqms.kpis.tests.conftest import make_kpi, month

CLI = Channel.CLI


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's score interval (Wilson 1927; Agresti & Coull 1998, eq. 2)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture
def fcr(world: Any) -> Any:
    site_c = core_actions.do_create_site(
        {"region": world.region_b, "code": "CHARLIE", "name": "Charlie store"},
        acting_user=None,
        channel=CLI,
    )
    kpi = make_kpi("FCR", nature="proportion", direction="higher")
    data = {  # site: (January value, n), (February value, n)
        world.site_a: ((0.7, 100), (0.9, 100)),
        world.site_b: ((0.85, 40), (0.8, 50)),
        site_c: ((0.6, 50), (0.9, 200)),
    }
    rows = []
    for site, ((v1, n1), (v2, n2)) in data.items():
        rows.append(actions.EnteredValue(site, month(1), v1, n1))
        rows.append(actions.EnteredValue(site, month(2), v2, n2))
    actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    return kpi


def test_ranks_percentiles_movement_and_intervals(world: Any, fcr: Any) -> None:
    rows = league(fcr, world.qm, month(2))
    assert [(r.label.split()[0], r.rank) for r in rows] == [
        ("ALPHA", 1),
        ("CHARLIE", 1),
        ("BRAVO", 3),
    ]
    by = {r.label.split()[0]: r for r in rows}
    assert by["ALPHA"].percentile == 100 and by["BRAVO"].percentile == 0
    # January: BRAVO 1st, ALPHA 2nd, CHARLIE 3rd
    assert (by["ALPHA"].movement, by["CHARLIE"].movement, by["BRAVO"].movement) == (1, 2, -2)
    lo, hi = wilson(90, 100)
    assert (by["ALPHA"].lo, by["ALPHA"].hi) == (pytest.approx(lo), pytest.approx(hi))


def test_lower_is_better_and_regions(world: Any, fcr: Any) -> None:
    actions.do_update_kpi(fcr, {"direction": "lower"}, acting_user=None, channel=CLI)
    fcr.refresh_from_db()
    assert [r.rank for r in league(fcr, world.qm, month(2))] == [1, 2, 2]
    regions = league(fcr, world.qm, month(2), "region")
    # region B pools BRAVO and CHARLIE: (40 + 180) / 250 = 0.88; region A is ALPHA's 0.9
    assert [(r.label.split()[0], round(r.value, 4)) for r in regions] == [("RB", 0.88), ("RA", 0.9)]


def test_only_units_in_scope(world: Any, fcr: Any, client_for: Any) -> None:
    rows = league(fcr, world.bravo_manager, month(2))
    assert [r.label.split()[0] for r in rows] == ["BRAVO"]
    assert league(fcr, world.bravo_manager, month(2), "region") == []  # region B has CHARLIE too
    c = client_for(world.alpha_manager)
    page = c.get(f"/kpis/{fcr.pk}/league/", {"period": "2025-02-01"})
    assert page.status_code == 200 and "BRAVO" not in page.content.decode()
