"""A small world for the management-review tests: the complaints' hand-computed report data
(March and April 2026), a KPI with entered values of site A and an objective on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sqms.complaints.tests import report_data
from sqms.core.choices import Channel
from sqms.kpis import actions as kpi_actions
from sqms.kpis.choices import Level

CLI = Channel.CLI
PERIOD = "2026-04"


@pytest.fixture
def review_world(world: Any) -> Any:
    report_data.build(world)
    kpi = kpi_actions.do_create_kpi(
        {
            "code": "WAIT",
            "name": "等候时间",
            "source": "entered",
            "period": "month",
            "direction": "lower",
            "target": 5.0,
            "unit": "min",
        },
        acting_user=None,
        channel=CLI,
    )
    values = {1: 6.0, 2: 5.5, 3: 4.25, 4: 3.75}
    rows = [
        kpi_actions.EnteredValue(world.site_a, dt.date(2026, m, 1), v) for m, v in values.items()
    ]
    kpi_actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)
    kpi_actions.do_create_objective(
        {
            "title": "缩短等候 Alpha",
            "kpi": kpi,
            "level": Level.SITE,
            "site": world.site_a,
            "target": 4.0,
            "deadline": dt.date(2026, 12, 31),
            "parent": None,
        },
        acting_user=None,
        channel=CLI,
    )
    return world
