"""What the URL × persona scoping test needs from the improvement app.

Capacity planning (branch capacity): site A gets an arrival profile and a roster holding
the alpha marker nowhere (they are numbers), so the test checks refusals: every capacity URL
takes site A's id."""

from __future__ import annotations

from typing import Any

from sqms.core.choices import Channel
from sqms.improvement import actions
from sqms.test import World


# Capacity planning -------------------------------------------------------------------------
def make_records(world: World) -> dict[str, Any]:
    cli = Channel.CLI
    for site in (world.site_a, world.site_b):
        actions.do_save_profile(
            site, {"arrivals": [5.0] * 168, "handling_time": 200}, acting_user=None, channel=cli
        )
        actions.do_save_roster(site, [2] * 168, acting_user=None, channel=cli)
    return {}


def _site(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"site_pk": w.site_a.pk}


def _api(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"site_id": w.site_a.pk}


URL_KWARGS = {
    "improvement:capacity_plan": _site,
    "improvement:capacity_profile": _site,
    "improvement:capacity_profile_import": _site,
    "improvement:capacity_profile_derive": _site,
    "improvement:capacity_profile_delete": _site,
    "improvement:capacity_roster": _site,
    "improvement:capacity_roster_import": _site,
    "improvement:capacity_roster_delete": _site,
    "api:get_capacity_profile": _api,
    "api:put_capacity_profile": _api,
    "api:derive_capacity_profile": _api,
    "api:delete_capacity_profile": _api,
    "api:get_capacity_roster": _api,
    "api:put_capacity_roster": _api,
    "api:delete_capacity_roster": _api,
    "api:get_capacity_plan": _api,
}
# end of capacity planning ------------------------------------------------------------------
