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
SHARED_URLS: set[str] = {*PERFORM_SHARED_URLS}
