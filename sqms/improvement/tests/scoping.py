"""What the URL × persona scoping test needs from the improvement app.

Capacity planning (branch capacity): site A gets an arrival profile and a roster holding
the alpha marker nowhere (they are numbers), so the test checks refusals: every capacity URL
takes site A's id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqms.core.choices import Channel
from sqms.improvement import actions
from sqms.test import ALPHA_MARK, BRAVO_MARK, World


# Capacity planning -------------------------------------------------------------------------
def make_records(world: World) -> dict[str, Any]:
    cli = Channel.CLI
    for site in (world.site_a, world.site_b):
        actions.do_save_profile(
            site, {"arrivals": [5.0] * 168, "handling_time": 200}, acting_user=None, channel=cli
        )
        actions.do_save_roster(site, [2] * 168, acting_user=None, channel=cli)
    return pdca_records(world)


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


# PDCA projects (branch pdca) ---------------------------------------------------------------
def pdca_records(world: World) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, site, mark in (
        ("alpha", world.site_a, ALPHA_MARK),
        ("bravo", world.site_b, BRAVO_MARK),
    ):
        p = actions.do_create_project(
            {"title": f"Project {mark}", "problem": mark},
            code=f"PDCA-{name.upper()}",
            level="site",
            site=site,
            acting_user=None,
            channel=Channel.CLI,
        )
        out[f"{name}_pdca"] = p
        out[f"{name}_pdca_task"] = actions.do_add_task(
            p,
            {"title": f"Task {mark}", "due_date": dt.date(2026, 1, 5)},
            acting_user=None,
            channel=Channel.CLI,
        )
    return out


def _pdca(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"project_id": r["alpha_pdca"].pk}


def _pk(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_pdca"].pk}


def _pdca_task(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"task_id": r["alpha_pdca_task"].pk}


def _task_pk(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_pdca_task"].pk}


URL_KWARGS.update(
    {
        "improvement:pdca_detail": _pk,
        "improvement:pdca_transition": _pk,
        "improvement:pdca_check": _pk,
        "improvement:pdca_edit": _pk,
        "improvement:pdca_after": _pk,
        "improvement:pdca_act": _pk,
        "improvement:pdca_task_add": _pk,
        "improvement:pdca_task_done": _task_pk,
        "improvement:pdca_task_delete": _task_pk,
        "api:get_pdca_project": _pdca,
        "api:update_pdca_project": _pdca,
        "api:transition_pdca_project": _pdca,
        "api:list_pdca_tasks": _pdca,
        "api:add_pdca_task": _pdca,
        "api:run_pdca_check": _pdca,
        "api:act_pdca_project": _pdca,
        "api:update_pdca_task": _pdca_task,
        "api:delete_pdca_task": _pdca_task,
    }
)
# end of PDCA projects ------------------------------------------------------------------
