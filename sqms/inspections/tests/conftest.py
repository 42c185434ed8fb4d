"""Fixtures of the inspections tests: a published store checklist and an open inspection of
site A by its inspector."""

from __future__ import annotations

from typing import Any

import pytest

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.tests.factories import make_checklist


@pytest.fixture
def checklist(world: Any) -> Any:
    return make_checklist()


@pytest.fixture
def inspection(world: Any, checklist: Any) -> Any:
    return actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist},
        acting_user=world.alpha_inspector,
        channel=Channel.CLI,
    )
