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
    pass


RESULTS_URL_KWARGS: dict[str, Any] = {}

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
