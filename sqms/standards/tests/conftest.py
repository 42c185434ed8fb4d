"""Fixtures of the standards tests: a second quality manager (approvals need someone other
than the author) and a standard with an effective version, written through the actions."""

from __future__ import annotations

from typing import Any

import pytest

from sqms.core.choices import Role
from sqms.test import make_user


@pytest.fixture
def qm2(world: Any) -> Any:
    return make_user("qm2", Role.QUALITY_MANAGER)
