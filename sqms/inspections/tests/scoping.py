"""What the URL × persona scoping test needs from the inspections app.

Each area keeps its entries in its own commented block; ``make_records`` calls every block's
maker and the dictionaries below join them."""

from __future__ import annotations

from typing import Any

from sqms.test import World

# --- checklists and performing (inspections-perform) ------------------------------------------


def _perform_records(world: World, records: dict[str, Any]) -> None:
    pass


PERFORM_URL_KWARGS: dict[str, Any] = {}

# --- programmes, calendar and internal audits (inspections-programme) --------------------------


def _programme_records(world: World, records: dict[str, Any]) -> None:
    pass


PROGRAMME_URL_KWARGS: dict[str, Any] = {}

# --- results, disputes and rewards/penalties (inspections-results) -----------------------------


def _results_records(world: World, records: dict[str, Any]) -> None:
    from sqms.core.choices import Channel
    from sqms.inspections import actions
    from sqms.inspections.models import Answer
    from sqms.inspections.tests.factories import make_checklist, make_inspection
    from sqms.test import ALPHA_MARK, BRAVO_MARK

    checklist = make_checklist("RESULTS", kind="mystery", name="Mystery shop")
    answers = {"A1": ("fail", None), "A2": ("pass", None), "B1": ("", 4), "B2": ("", 4)}
    for key, site, mark in (
        ("alpha", world.site_a, ALPHA_MARK),
        ("bravo", world.site_b, BRAVO_MARK),
    ):
        inspection = make_inspection(site, checklist, answers, notes=f"Visit {mark}")
        records[f"results_{key}_inspection"] = inspection
        records[f"results_{key}_dispute"] = actions.do_raise_dispute(
            inspection,
            {
                "answer": Answer.objects.get(inspection=inspection, item__code="A1"),
                "reason": f"Floor was clean {mark}",
            },
            acting_user=None,
            channel=Channel.CLI,
        )
        records[f"results_{key}_consequence"] = actions.do_record_consequence(
            inspection,
            {"kind": "penalty", "rule": f"Handbook 4.2 {mark}", "amount": "50"},
            acting_user=None,
            channel=Channel.CLI,
        )


def _r(name: str, arg: str = "pk") -> Any:
    return lambda w, r: {arg: r[f"results_alpha_{name}"].pk}


RESULTS_URL_KWARGS: dict[str, Any] = {
    "inspections:dispute_detail": _r("dispute"),
    "inspections:dispute_decide": _r("dispute"),
    "inspections:dispute_raise": _r("inspection"),
    "inspections:consequence_add": _r("inspection"),
    "inspections:consequence_delete": _r("consequence"),
    "api:get_dispute": _r("dispute", "dispute_id"),
    "api:decide_dispute": _r("dispute", "dispute_id"),
    "api:get_consequence": _r("consequence", "consequence_id"),
    "api:delete_consequence": _r("consequence", "consequence_id"),
    "api:update_consequence": _r("consequence", "consequence_id"),
}

# -----------------------------------------------------------------------------------------------


def make_records(world: World) -> dict[str, Any]:
    records: dict[str, Any] = {}
    _perform_records(world, records)
    _programme_records(world, records)
    _results_records(world, records)
    return records


URL_KWARGS: dict[str, Any] = {**PERFORM_URL_KWARGS, **PROGRAMME_URL_KWARGS, **RESULTS_URL_KWARGS}
PUBLIC_URLS: set[str] = set()
SHARED_URLS: set[str] = set()
