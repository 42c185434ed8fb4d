"""Fixtures of the calendars tests: a stored calendar written through the actions."""

from __future__ import annotations

from typing import Any

import pytest

from sqms.calendars import actions
from sqms.calendars.lookup import clear_cache
from sqms.core.choices import Channel


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def office(world: Any) -> Any:
    """Mon–Fri 09:00–12:00 and 13:00–18:00 in Shanghai, China's holidays, the default."""
    return actions.do_create_calendar(
        {
            "code": "OFFICE",
            "name": "Office hours",
            **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-12:00,13:00-18:00"),
            "sat": "",
            "sun": "",
            "holiday_source": "cn",
            "is_default": True,
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
