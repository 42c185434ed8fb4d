"""Demo capacity planning: arrival profiles and rosters of three stores' checkouts.

Arrivals follow a weekday / weekend pattern with a lunchtime (12–13) and an evening (18–19)
peak, weekends busier. Two stores are rostered to the staff the plan asks for; ``SHORT_SITE``
(the weak store of the inspections demo) has one or two people too few at every peak, so its
plan shows the gaps.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqms.core.choices import Channel
from sqms.improvement.actions import capacity as actions
from sqms.improvement.capacity import build_plan

CLI = Channel.CLI
SITES = ("NO001", "EA001", "NO003")
SHORT_SITE = "NO003"
OPEN_FROM, OPEN_TO = 9, 21  # the stores' opening hours (21:00 closed)


def _arrivals(rng: random.Random, size: float) -> list[float]:
    week = []
    for day in range(7):
        weekend = day >= 5
        for hour in range(24):
            if not OPEN_FROM <= hour < OPEN_TO:
                week.append(0.0)
                continue
            base = 40.0
            if hour in (12, 13):
                base = 110.0
            elif hour in (18, 19):
                base = 95.0
            elif hour in (11, 17):
                base = 70.0
            if weekend:
                base *= 1.45
            week.append(round(base * size * rng.uniform(0.92, 1.08), 1))
    return week


def generate(ctx: Any) -> str:
    rng: random.Random = ctx.rng
    by_code = {s.code: s for s in ctx.sites}
    short_hours = 0
    done = 0
    for code in SITES:
        site = by_code.get(code)
        if site is None:
            continue
        profile = actions.do_save_profile(
            site,
            {
                "arrivals": _arrivals(rng, rng.uniform(0.8, 1.2)),
                "handling_time": 150,
                "target_level": Decimal(80),
                "target_seconds": 180,
                "shrinkage": Decimal(15),
            },
            acting_user=None,
            channel=CLI,
        )
        plan = build_plan(profile, None)
        peak = sorted(row.arrivals for row in plan.rows)[int(len(plan.rows) * 0.9)]
        staff = []
        for row in plan.rows:
            need = row.to_roster
            if code == SHORT_SITE and row.arrivals >= peak and need > 0:
                need = max(1, need - rng.choice([1, 2]))
                short_hours += 1
            staff.append(need)
        actions.do_save_roster(site, staff, acting_user=None, channel=CLI)
        done += 1
    return (
        f"Capacity: {done} arrival profiles and rosters ({SHORT_SITE} under-staffed "
        f"in {short_hours} peak hours)."
    )
