"""Helpers of the SLA scheduler and settings tests (c-sla): complaints and the people of each
escalation level, written through the actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqms.complaints import actions
from sqms.complaints.choices import IntakeChannel, Source
from sqms.complaints.models import Complaint
from sqms.core.choices import Channel, Role
from sqms.test import World, make_user

CLI = Channel.CLI
#: a Monday morning (UTC); sites without a calendar count every hour (24×7)
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def hours(h: float) -> timedelta:
    return timedelta(hours=h)


def people(world: World) -> dict[str, Any]:
    """One user with an email per escalation level of site A, plus a site manager of B and
    a site manager of A without an email (never a recipient)."""
    return {
        "site": make_user(
            "alpha_boss", Role.SITE_MANAGER, sites=[world.site_a], email="boss@alpha.test"
        ),
        "region": make_user(
            "region_boss", Role.REGION_MANAGER, regions=[world.region_a], email="ra@region.test"
        ),
        "quality": make_user("quality_boss", Role.QUALITY_MANAGER, email="qm@hq.test"),
        "other_site": make_user(
            "bravo_boss", Role.SITE_MANAGER, sites=[world.site_b], email="boss@bravo.test"
        ),
        "other_region": make_user(
            "region_b_boss", Role.REGION_MANAGER, regions=[world.region_b], email="rb@region.test"
        ),
    }


def complaint(world: World, *, at: datetime = T0, site: Any = None, **data: Any) -> Complaint:
    values = {
        "site": site or world.site_a,
        "channel": IntakeChannel.PHONE,
        "summary": "Cold coffee",
        "description": "The coffee was cold.",
        "received_at": at,
        **data,
    }
    return actions.do_create_complaint(
        values, source=Source.STAFF, acting_user=world.qm, channel=CLI, now=at
    )


def check(now: datetime, **kw: Any) -> actions.CheckReport:
    return actions.do_check_clocks(now, **kw)


def fresh(c: Complaint) -> Complaint:
    return Complaint.objects.get(pk=c.pk)
