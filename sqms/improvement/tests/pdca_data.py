"""Shared helpers of the PDCA tests: a KPI with hand-made monthly values at site A and a
project whose Plan is complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqms.core.choices import Channel
from sqms.improvement import actions
from sqms.kpis import actions as kpi_actions
from sqms.kpis.tests.conftest import make_kpi, month

CLI = Channel.CLI

PLAN = {
    "title": "Cut the error rate",
    "problem": "Too many transactions are wrong.",
    "target": 0.12,
    "root_cause": "No checklist at the counter.",
    "plan_what": "Introduce a counter checklist",
    "plan_why": "Errors come from skipped steps",
    "plan_where": "Counter 1-3",
    "plan_when": "March",
    "plan_who": "Site manager",
    "plan_how": "Training and a laminated card",
}


def enter(kpi: Any, site: Any, values: list[tuple[int, float, float | None]]) -> None:
    rows = [kpi_actions.EnteredValue(site, month(i), v, n) for i, v, n in values]
    kpi_actions.do_enter_values(kpi, rows, acting_user=None, channel=CLI)


def error_kpi(world: Any) -> Any:
    """Proportion, lower is better: 20/100 in January and February (40/200), 10/100 in April
    and May (20/200)."""
    kpi = make_kpi("ERR", nature="proportion", direction="lower")
    enter(kpi, world.site_a, [(1, 0.2, 100), (2, 0.2, 100), (4, 0.1, 100), (5, 0.1, 100)])
    return kpi


def project(world: Any, kpi: Any, *, code: str = "PDCA-1", user: Any = None, **extra: Any) -> Any:
    data = {
        **PLAN,
        "kpi": kpi,
        "baseline_from": month(1),
        "baseline_to": month(2),
        "after_from": month(4),
        "after_to": month(5),
        **extra,
    }
    return actions.do_create_project(
        data, code=code, level="site", site=world.site_a, acting_user=user, channel=CLI
    )


def to_check(p: Any) -> Any:
    """Plan → Do with one task done → Check, then run the Check."""
    p = actions.do_transition_project(p, "do", expected_version=None, acting_user=None, channel=CLI)
    task = actions.do_add_task(
        p,
        {"title": "Print the cards", "due_date": dt.date(2025, 3, 10)},
        acting_user=None,
        channel=CLI,
    )
    actions.do_complete_task(task, done_on=dt.date(2025, 3, 8), acting_user=None, channel=CLI)
    p = actions.do_transition_project(
        p, "check", expected_version=None, acting_user=None, channel=CLI
    )
    return actions.do_run_check(p, acting_user=None, channel=CLI)
