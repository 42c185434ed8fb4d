"""Helpers of the programme and audit tests: programmes written through the actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqms.core.choices import Channel, Role
from sqms.inspections import actions
from sqms.inspections.models import Programme
from sqms.inspections.tests.factories import make_checklist
from sqms.test import World, make_user


def shoppers(world: World) -> list[Any]:
    """Two mystery shoppers (inspectors) who may visit both sites."""
    return [
        make_user(f"shopper{n}", Role.INSPECTOR, sites=[world.site_a, world.site_b]) for n in (1, 2)
    ]


def programme(
    world: World,
    *,
    kind: str = "mystery",
    frequency: str = "quarterly",
    inspectors: list[Any] | None = None,
    sites: list[Any] | None = None,
    starts_on: date = date(2026, 1, 1),
    code: str = "MYST",
    **extra: Any,
) -> Programme:
    version = make_checklist(code, kind=kind)
    return actions.do_create_programme(
        {
            "name": f"{kind} {frequency}",
            "template": version.template,
            "kind": kind,
            "frequency": frequency,
            "sites": sites if sites is not None else [world.site_a, world.site_b],
            "inspectors": inspectors if inspectors is not None else [],
            "starts_on": starts_on,
            **extra,
        },
        acting_user=world.qm,
        channel=Channel.WEB,
    )
