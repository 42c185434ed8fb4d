"""Fixtures of the surveys tests: the built-in instruments and open campaigns over the two
sites of the ``world`` personas (``sqms/test.py``)."""

from __future__ import annotations

import pytest

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.choices import CampaignStatus
from sqms.surveys.models import Instrument


@pytest.fixture
def builtins(world):  # type: ignore[no-untyped-def]
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    return {i.code: i for i in Instrument.objects.all()}


@pytest.fixture
def campaign(world, builtins):  # type: ignore[no-untyped-def]
    c = actions.do_create_campaign(
        {
            "name": "SERVQUAL 2026",
            "instrument": builtins["SERVQUAL"],
            "sites": [world.site_a, world.site_b],
            "services": [world.service],
            "status": CampaignStatus.OPEN,
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
    return c


@pytest.fixture
def csat_campaign(world, builtins):  # type: ignore[no-untyped-def]
    return actions.do_create_campaign(
        {
            "name": "CSAT",
            "instrument": builtins["CSAT"],
            "sites": [world.site_a, world.site_b],
            "status": CampaignStatus.OPEN,
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
