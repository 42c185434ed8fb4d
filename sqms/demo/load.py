"""Load the demo: organization first, then each app's generator in ``GENERATORS`` order."""

from __future__ import annotations

import importlib
import random
import sys
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqms.core import actions
from sqms.core.choices import Channel, Role
from sqms.core.models import Region, Service, Site
from sqms.demo import org


class Writer(Protocol):
    """Where progress lines go: a text stream or a management command's output wrapper."""

    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


# Each module has ``generate(ctx: DemoContext) -> str`` returning a one-line summary.
GENERATORS = [
    "sqms.demo.surveys",
    "sqms.demo.complaints",
    "sqms.demo.inspections",
    "sqms.demo.capa",
    "sqms.demo.capacity",
    "sqms.demo.standards",
    "sqms.demo.kpis",
    "sqms.demo.pdca",
]
CLI = Channel.CLI


@dataclass
class DemoContext:
    locale: str
    scale: int
    seed: int
    out: Writer
    rng: random.Random
    sites: list[Site] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)  # username -> user

    def say(self, line: str) -> None:
        # one write ending in a newline: a command's output wrapper adds none of its own
        self.out.write(line + "\n")
        self.out.flush()


def already_loaded() -> bool:
    return Region.objects.exists()


def reset_database(out: Writer) -> None:
    """Delete every record (the schema stays), so the demo can be loaded afresh."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    print("Removed the previous data.", file=out)


def load_demo(
    *, locale: str = "zh-hans", scale: int = 1, seed: int = 2026, out: Writer | None = None
) -> DemoContext:
    out = out or sys.stdout
    ctx = DemoContext(locale=locale, scale=scale, seed=seed, out=out, rng=random.Random(seed))
    # each action commits on its own (actions are durable: never nested in a transaction);
    # a run cut short leaves part of the organization, and `sqms demo --reset` rebuilds it
    _load_org(ctx)
    for name in GENERATORS:
        module = importlib.import_module(name)
        summary = module.generate(ctx)
        ctx.say(summary)
    return ctx


def _load_org(ctx: DemoContext) -> None:
    zh = ctx.locale != "en"
    actions.do_rename_organization(
        "悦家连锁零售" if zh else "Homestead Retail Group", acting_user=None, channel=CLI
    )
    rng = ctx.rng
    regions: dict[str, Region] = {}
    for code, name_zh, name_en, _cities in org.REGIONS:
        regions[code] = actions.do_create_region(
            {"code": code, "name": name_zh if zh else f"{name_en} region"},
            acting_user=None,
            channel=CLI,
        )
    for store in org.site_plan(ctx.scale):
        city = store["city_zh"] if zh else store["city_en"]
        street_i = int(store["street"])  # type: ignore[call-overload]
        branch = int(store["branch"])  # type: ignore[call-overload]
        if zh:
            name = f"{city}{'' if branch == 1 else f'{branch}号'}店"
            address = f"{city}市{org.STREETS_ZH[street_i]}{rng.randint(1, 399)}号"
        else:
            name = f"{city}{'' if branch == 1 else f' {branch}'} store"
            address = f"{rng.randint(1, 399)} {org.STREETS_EN[street_i]}, {city}"
        site = actions.do_create_site(
            {
                "region": regions[str(store["region"])],
                "code": store["code"],
                "name": name,
                "kind": "store",
                "city": city,
                "address": address,
                "time_zone": "Asia/Shanghai",
                "opening_hours": "周一至周日 09:00–21:00" if zh else "Mon–Sun 09:00–21:00",
            },
            acting_user=None,
            channel=CLI,
        )
        ctx.sites.append(site)
    for code, name_zh, name_en, desc_zh, desc_en in org.SERVICES:
        ctx.services.append(
            actions.do_create_service(
                {
                    "code": code,
                    "name": name_zh if zh else name_en,
                    "description": desc_zh if zh else desc_en,
                    "sites": ctx.sites,
                },
                acting_user=None,
                channel=CLI,
            )
        )
    _load_people(ctx, regions)
    ctx.say(
        f"Organization: {len(regions)} regions, {len(ctx.sites)} sites, {len(ctx.services)} services, "
        f"{len(ctx.users)} users."
    )


def _load_people(ctx: DemoContext, regions: dict[str, Region]) -> None:
    rng = ctx.rng
    north = regions["NORTH"]
    first_site = next(s for s in ctx.sites if s.region_id == north.pk)
    scopes: dict[str, dict[str, Any]] = {
        Role.QUALITY_MANAGER: {},
        Role.REGION_MANAGER: {"regions": [north]},
        Role.SITE_MANAGER: {"sites": [first_site]},
        Role.INSPECTOR: {"sites": [s for s in ctx.sites if s.region_id == north.pk][:4]},
        Role.AGENT: {"sites": [first_site]},
        Role.VIEWER: {"all_sites": True},
    }
    for username, role in org.ROLE_ACCOUNTS:
        first, last = org.person_name(rng, ctx.locale)
        user = actions.do_create_user(
            username=username,
            password=org.DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            acting_user=None,
            channel=CLI,
            **scopes[role],
        )
        ctx.users[username] = user
    # Every other store gets a manager of its own (password login disabled).
    for site in ctx.sites:
        if site.pk == first_site.pk:
            manager = ctx.users["store.manager"]
        else:
            first, last = org.person_name(rng, ctx.locale)
            manager = actions.do_create_user(
                username=f"mgr.{site.code.lower()}",
                password=None,
                role=Role.SITE_MANAGER,
                sites=[site],
                first_name=first,
                last_name=last,
                acting_user=None,
                channel=CLI,
            )
        actions.do_update_site(site, {"manager": manager}, acting_user=None, channel=CLI)


def login_lines() -> list[str]:
    import unicodedata

    def pad(text: str, width: int) -> str:
        used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
        return text + " " * max(1, width - used)

    return [
        f"  {pad(username, 16)}{pad(str(Role(role).label), 18)}password: {org.DEMO_PASSWORD}"
        for username, role in org.ROLE_ACCOUNTS
    ]
