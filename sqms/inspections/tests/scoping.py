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
    from django.utils import timezone

    from sqms.core.choices import Channel
    from sqms.inspections import actions as insp_actions
    from sqms.inspections.tests.factories import make_checklist
    from sqms.test import ALPHA_MARK, BRAVO_MARK

    cli = Channel.CLI
    version = make_checklist("PROG-SCOPE", name="巡店表 programme")
    audit_version = make_checklist("AUDIT-SCOPE", kind="audit", name="内审检查表")
    today = timezone.localdate()
    for key, site, mark, people in (
        ("alpha", world.site_a, ALPHA_MARK, [world.alpha_inspector]),
        ("bravo", world.site_b, BRAVO_MARK, [world.bravo_manager]),
    ):
        programme = insp_actions.do_create_programme(
            {
                "name": f"Monthly visits {mark}",
                "template": version.template,
                "kind": "supervisor",
                "frequency": "monthly",
                "sites": [site],
                "inspectors": people,
                "starts_on": today.replace(day=1),
                "remind_days": 3,
            },
            acting_user=None,
            channel=cli,
        )
        insp_actions.do_generate_plans(programme, until=today, acting_user=None, channel=cli)
        audit = insp_actions.do_create_audit(
            {
                "site": site,
                "template": audit_version.template,
                "scope": f"Store operations {mark}",
                "clauses": "8.5.1",
                "auditors": [world.qm],
                "auditees": f"Store staff {mark}",
                "planned_on": today,
            },
            acting_user=None,
            channel=cli,
        )
        finding = insp_actions.do_add_finding(
            audit,
            {"kind": "minor", "clause": "8.5.1", "description": f"Cold chain log gaps {mark}"},
            acting_user=None,
            channel=cli,
        )
        records[f"programme_{key}"] = programme
        records[f"audit_{key}"] = audit
        records[f"finding_{key}"] = finding


def _prog(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["programme_alpha"].pk}


def _audit(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["audit_alpha"].pk}


def _finding(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["finding_alpha"].pk}


PROGRAMME_URL_KWARGS: dict[str, Any] = {
    "inspections:programme_detail": _prog,
    "inspections:programme_edit": _prog,
    "inspections:programme_delete": _prog,
    "inspections:programme_generate": _prog,
    "inspections:audit_detail": _audit,
    "inspections:audit_plan": _audit,
    "inspections:audit_close": _audit,
    "inspections:audit_report": _audit,
    "inspections:finding_add": _audit,
    "inspections:audit_meeting": lambda w, r: {**_audit(w, r), "which": "opening"},
    "inspections:finding_edit": _finding,
    "inspections:finding_delete": _finding,
    "inspections:finding_raise_nc": _finding,
    "api:get_programme": lambda w, r: {"programme_id": r["programme_alpha"].pk},
    "api:update_programme": lambda w, r: {"programme_id": r["programme_alpha"].pk},
    "api:delete_programme": lambda w, r: {"programme_id": r["programme_alpha"].pk},
    "api:generate_programme_plans": lambda w, r: {"programme_id": r["programme_alpha"].pk},
    "api:get_audit": lambda w, r: {"audit_id": r["audit_alpha"].pk},
    "api:update_audit_plan": lambda w, r: {"audit_id": r["audit_alpha"].pk},
    "api:close_audit": lambda w, r: {"audit_id": r["audit_alpha"].pk},
    "api:audit_report": lambda w, r: {"audit_id": r["audit_alpha"].pk},
    "api:add_audit_finding": lambda w, r: {"audit_id": r["audit_alpha"].pk},
    "api:record_audit_meeting": lambda w, r: {"audit_id": r["audit_alpha"].pk, "which": "opening"},
    "api:update_audit_finding": lambda w, r: {"finding_id": r["finding_alpha"].pk},
    "api:delete_audit_finding": lambda w, r: {"finding_id": r["finding_alpha"].pk},
    "api:raise_finding_nc": lambda w, r: {"finding_id": r["finding_alpha"].pk},
}

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
