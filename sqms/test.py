"""Shared test personas and a small organization, used by every app's tests.

Two regions with one site each: site A (``ALPHA``) and site B (``BRAVO``). Personas:

- ``qm`` — quality manager (all sites)
- ``alpha_manager`` — site manager of site A
- ``alpha_inspector`` — inspector of site A
- ``bravo_manager`` — site manager of site B: the *outsider* for anything of site A
- ``alpha_agent`` — agent of site A; ``viewer_all`` — viewer of every site; ``roleless`` — no role

Records created for scoping tests carry the markers ``ALPHA-SECRET`` / ``BRAVO-SECRET`` in a
visible text field, so a test can search any response body for a foreign marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from sqms.core import actions
from sqms.core.choices import Channel, Role
from sqms.core.models import Profile, Region, Service, Site

PASSWORD = "test-Passw0rd-ok"
ALPHA_MARK = "ALPHA-SECRET"
BRAVO_MARK = "BRAVO-SECRET"


@dataclass
class World:
    region_a: Region
    region_b: Region
    site_a: Site
    site_b: Site
    service: Service
    qm: Any
    alpha_manager: Any
    alpha_inspector: Any
    alpha_agent: Any
    bravo_manager: Any
    viewer_all: Any
    roleless: Any


def make_user(username: str, role: str, **scope: Any) -> Any:
    return actions.do_create_user(
        username=username,
        password=PASSWORD,
        role=role,
        acting_user=None,
        channel=Channel.CLI,
        **scope,
    )


def build_world() -> World:
    cli = Channel.CLI
    region_a = actions.do_create_region(
        {"code": "RA", "name": f"Region A {ALPHA_MARK}"}, acting_user=None, channel=cli
    )
    region_b = actions.do_create_region(
        {"code": "RB", "name": f"Region B {BRAVO_MARK}"}, acting_user=None, channel=cli
    )
    site_a = actions.do_create_site(
        {"region": region_a, "code": "ALPHA", "name": f"Alpha store {ALPHA_MARK}", "city": "上海"},
        acting_user=None,
        channel=cli,
    )
    site_b = actions.do_create_site(
        {"region": region_b, "code": "BRAVO", "name": f"Bravo store {BRAVO_MARK}", "city": "广州"},
        acting_user=None,
        channel=cli,
    )
    service = actions.do_create_service(
        {"code": "SALES", "name": "Sales", "sites": [site_a, site_b]}, acting_user=None, channel=cli
    )
    roleless = get_user_model().objects.create_user("roleless", password=PASSWORD)
    Profile.objects.create(user=roleless, role="")
    return World(
        region_a=region_a,
        region_b=region_b,
        site_a=site_a,
        site_b=site_b,
        service=service,
        qm=make_user("qm", Role.QUALITY_MANAGER),
        alpha_manager=make_user("alpha_manager", Role.SITE_MANAGER, sites=[site_a]),
        alpha_inspector=make_user("alpha_inspector", Role.INSPECTOR, sites=[site_a]),
        alpha_agent=make_user("alpha_agent", Role.AGENT, sites=[site_a]),
        bravo_manager=make_user("bravo_manager", Role.SITE_MANAGER, sites=[site_b]),
        viewer_all=make_user("viewer_all", Role.VIEWER, all_sites=True),
        roleless=roleless,
    )
