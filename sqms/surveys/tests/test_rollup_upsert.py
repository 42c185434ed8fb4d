"""The one rollup upsert: a delta adds n, Σx, Σx² to existing cells and creates new ones, on
every database and on each of its routines (PostgreSQL: VALUES upsert and COPY + merge)."""

from __future__ import annotations

import datetime as dt

import pytest

from sqms.surveys import rollups
from sqms.surveys.models import Rollup
from sqms.surveys.rollups import RollupDelta
from sqms.surveys.tests.report_data import make_campaign, make_instrument

MONTH = dt.date(2025, 3, 1)


@pytest.mark.parametrize("cells", [3, rollups.COPY_MIN_CELLS + 500])
def test_delta_adds_to_existing_cells_and_creates_new_ones(world, cells):  # type: ignore[no-untyped-def]
    campaign = make_campaign(make_instrument(extras=False), [world.site_a])

    def delta(values: dict[str, float]) -> RollupDelta:
        d = RollupDelta()
        d.add(
            campaign_id=campaign.pk,
            site_id=world.site_a.pk,
            service_key=0,
            channel="api",
            period=MONTH,
            measures=values,
        )
        return d

    first = {f"M{i}": float(i) for i in range(cells)}
    assert delta(first).apply() == cells
    second = {f"M{i}": 2.0 for i in range(1, cells + 1)}  # M1..M(cells-1) exist, M(cells) is new
    d = delta(second)
    d.apply()
    assert d.cells == {}
    got = {r.measure: (r.n, r.total, r.total_sq) for r in Rollup.objects.filter(campaign=campaign)}
    assert len(got) == cells + 1
    assert got["M0"] == (1, 0.0, 0.0)
    assert got["M1"] == (2, 3.0, 5.0)  # 1 + 2, 1 + 4
    assert got[f"M{cells}"] == (1, 2.0, 4.0)
