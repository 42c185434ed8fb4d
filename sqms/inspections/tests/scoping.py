"""What the URL × persona scoping test needs from the inspections app.

Each area keeps its entries in its own commented block; ``make_records`` calls every block's
maker and the dictionaries below join them."""

from __future__ import annotations

from typing import Any

from sqms.test import ALPHA_MARK, BRAVO_MARK, World

# --- checklists and performing (inspections-perform) ------------------------------------------
# Checklists are organisation-wide (everyone reads them, SHARED_URLS) and carry no marker; the
# marked records are an inspection of each site (notes), with a photo of an answer.


def _perform_records(world: World, records: dict[str, Any]) -> None:
    from sqms.complaints.tests.scoping import PNG_1PX
    from sqms.core.attachments import CleanFile
    from sqms.core.choices import Channel
    from sqms.inspections import actions
    from sqms.inspections.tests.factories import make_checklist

    cli = Channel.CLI
    version = make_checklist("SCOPE_CHK")
    records["checklist_version"] = version
    draft = actions.do_new_version(version.template, acting_user=None, channel=cli)
    records["checklist_draft"] = draft
    records["checklist_section"] = draft.sections.first()
    records["checklist_item"] = draft.items.first()
    item = version.items.get(code="A1")
    for key, site, mark in (
        ("alpha", world.site_a, ALPHA_MARK),
        ("bravo", world.site_b, BRAVO_MARK),
    ):
        inspection = actions.do_create_inspection(
            {"site": site, "checklist": version, "notes": f"Visit {mark}"},
            acting_user=None,
            channel=cli,
        )
        actions.do_save_answer(
            inspection, item, result="fail", note=f"Dirty {mark}", acting_user=None, channel=cli
        )
        (photo,) = actions.do_add_photos(
            inspection,
            [CleanFile(f"floor-{mark}.png", "image/png", PNG_1PX)],
            item=item,
            acting_user=None,
            channel=cli,
        )
        records[f"{key}_inspection"] = inspection
        records[f"{key}_inspection_photo"] = photo
    records["inspection_item"] = item


def _insp(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_inspection"].pk}


def _insp_item(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_inspection"].pk, "item_pk": r["inspection_item"].pk}


def _api_insp(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"inspection_id": r["alpha_inspection"].pk}


def _api_insp_item(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"inspection_id": r["alpha_inspection"].pk, "item_id": r["inspection_item"].pk}


def _tpl(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["checklist_version"].template_id}


def _draft(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["checklist_draft"].pk}


def _section(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["checklist_section"].pk}


def _item(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["checklist_item"].pk}


PERFORM_URL_KWARGS: dict[str, Any] = {
    "inspections:template_detail": _tpl,
    "inspections:template_edit": _tpl,
    "inspections:template_new_version": _tpl,
    "inspections:version_detail": _draft,
    "inspections:version_edit": _draft,
    "inspections:version_publish": _draft,
    "inspections:section_add": _draft,
    "inspections:section_edit": _section,
    "inspections:section_delete": _section,
    "inspections:section_move": _section,
    "inspections:item_add": _section,
    "inspections:item_edit": _item,
    "inspections:item_delete": _item,
    "inspections:item_move": _item,
    "inspections:detail": _insp,
    "inspections:start": _insp,
    "inspections:photo": lambda w, r: {"pk": r["alpha_inspection_photo"].pk},
    "inspections:perform": _insp,
    "inspections:perform_answer": _insp_item,
    "inspections:perform_photo": _insp_item,
    "inspections:perform_narrative": _insp,
    "inspections:perform_submit": _insp,
    "inspections:perform_photo_delete": lambda w, r: {"pk": r["alpha_inspection_photo"].pk},
    "inspections:perform_narrative_entry": lambda w, r: {
        "pk": r["alpha_inspection"].pk,
        "index": 1,
    },
    "inspections:perform_narrative_clear": _insp,
    "api:delete_inspection_photo": lambda w, r: {
        "inspection_id": r["alpha_inspection"].pk,
        "photo_id": r["alpha_inspection_photo"].pk,
    },
    "api:add_inspection_narrative": _api_insp,
    "api:replace_inspection_narrative": _api_insp,
    "api:get_checklist": lambda w, r: {"template_id": r["checklist_version"].template_id},
    "api:get_checklist_version": lambda w, r: {"version_id": r["checklist_version"].pk},
    "api:get_inspection": _api_insp,
    "api:save_inspection_answer": _api_insp_item,
    "api:upload_inspection_photo": _api_insp_item,
    "api:submit_inspection": _api_insp,
}
#: checklists are organisation-wide: every role reads them
PERFORM_SHARED_URLS = {
    "inspections:template_detail",
    "inspections:version_detail",
    "api:get_checklist",
    "api:get_checklist_version",
}

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
SHARED_URLS: set[str] = {*PERFORM_SHARED_URLS}
