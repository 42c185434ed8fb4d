"""Fixtures of the KPI tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sqms.core.choices import Channel
from sqms.kpis import actions

CLI = Channel.CLI


def make_kpi(code: str, source: str = "entered", **fields: Any) -> Any:
    data = {"code": code, "name": f"KPI {code}", "source": source, "period": "month", **fields}
    return actions.do_create_kpi(data, acting_user=None, channel=CLI)


def month(i: int, year: int = 2025) -> dt.date:
    """The first day of the i-th month (1-based) counted from January of ``year``."""
    k = year * 12 + i - 1
    return dt.date(k // 12, k % 12 + 1, 1)


@pytest.fixture
def kpi_factory(world: Any) -> Any:
    return make_kpi
