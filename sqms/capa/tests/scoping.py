"""What the URL × persona scoping test needs from the CAPA app: one marked nonconformity of each
site with a 5-Why step, a fishbone cause, an action with evidence and a verification, a queued
CAPA referral of each site, and a cause of the (shared) taxonomy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqms.capa import actions
from sqms.core.attachments import CleanFile
from sqms.core.choices import Channel
from sqms.test import ALPHA_MARK, BRAVO_MARK, World

# --- capa (branch capa) ------------------------------------------------------------------------


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buf, format="PNG")
    return buf.getvalue()


def _finding(site: Any, mark: str) -> Any:
    """A major internal-audit finding at ``site`` (the inspections test factories)."""
    from sqms.inspections.models import Finding
    from sqms.inspections.tests.factories import make_checklist, make_inspection

    checklist = make_checklist(f"CAPA-AUDIT-{site.code}", kind="audit")
    inspection = make_inspection(site, checklist, {})
    return Finding.objects.create(
        inspection=inspection, kind="major", clause="8.5.1", description=f"SOP outdated {mark}"
    )


def make_records(world: World) -> dict[str, Any]:
    from sqms.complaints import actions as complaint_actions
    from sqms.complaints.choices import Source

    cli = Channel.CLI
    out: dict[str, Any] = {
        "capa_cause": actions.do_create_cause(
            {"code": "NO_SOP", "name": "无作业指导书", "name_en": "No SOP", "category": "method"},
            acting_user=None,
            channel=cli,
        )
    }
    for key, site, mark in (
        ("alpha", world.site_a, ALPHA_MARK),
        ("bravo", world.site_b, BRAVO_MARK),
    ):
        nc = actions.do_create_nc(
            {"site": site, "title": f"Wet floor {mark}", "description": f"Slippery {mark}"},
            acting_user=None,
            channel=cli,
        )
        actions.do_transition(nc, "analyse", expected_version=None, acting_user=None, channel=cli)
        why = actions.do_add_why_step(
            nc, {"answer": f"No sign {mark}", "is_root": True}, acting_user=None, channel=cli
        )
        bone = actions.do_add_fishbone(
            nc, {"category": "method", "text": f"SOP {mark}"}, acting_user=None, channel=cli
        )
        actions.do_transition(nc, "plan", expected_version=None, acting_user=None, channel=cli)
        action = actions.do_add_action(
            nc,
            {"kind": "corrective", "description": f"Fix {mark}", "due_date": dt.date(2026, 3, 1)},
            acting_user=None,
            channel=cli,
        )
        (evidence,) = actions.do_add_evidence(
            action,
            [CleanFile(f"evidence-{mark}.png", "image/png", _png())],
            acting_user=None,
            channel=cli,
        )
        complaint = complaint_actions.do_create_complaint(
            {"site": site, "channel": "phone", "description": f"Slipped {mark}"},
            source=Source.STAFF,
            acting_user=None,
            channel=cli,
        )
        referral = complaint_actions.do_refer_to_capa(
            [complaint], f"CAPA referral {mark}", acting_user=None, channel=cli
        )
        out.update(
            {
                f"{key}_capa_finding": _finding(site, mark),
                f"{key}_nc": nc,
                f"{key}_why": why,
                f"{key}_bone": bone,
                f"{key}_action": action,
                f"{key}_evidence": evidence,
                f"{key}_capa_referral": referral,
            }
        )
    return out


def _nc(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_nc"].pk}


def _why(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_why"].pk}


def _bone(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_bone"].pk}


def _action(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_action"].pk}


def _cause(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["capa_cause"].pk}


URL_KWARGS: dict[str, Any] = {
    "capa:detail": _nc,
    "capa:edit": _nc,
    "capa:transition": _nc,
    "capa:why_add": _nc,
    "capa:fishbone_add": _nc,
    "capa:report_8d": _nc,
    "capa:action_add": _nc,
    "capa:verification_propose": _nc,
    "capa:verification_confirm": _nc,
    "capa:why_edit": _why,
    "capa:why_root": _why,
    "capa:why_delete": _why,
    "capa:fishbone_root": _bone,
    "capa:fishbone_delete": _bone,
    "capa:action_edit": _action,
    "capa:action_complete": _action,
    "capa:action_cancel": _action,
    "capa:evidence_add": _action,
    "capa:evidence_download": lambda w, r: {"pk": r["alpha_evidence"].pk},
    "capa:referral_raise": lambda w, r: {"pk": r["alpha_capa_referral"].pk},
    "capa:cause_edit": _cause,
    "capa:cause_delete": _cause,
    # API (sqms/capa/api.py, mounted at /api/v1/capa/)
    "api:get_nonconformity": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:update_nonconformity": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:transition_nonconformity": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:list_nc_actions": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:add_nc_action": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:update_capa_action": lambda w, r: {"action_id": r["alpha_action"].pk},
    "api:complete_capa_action": lambda w, r: {"action_id": r["alpha_action"].pk},
    "api:cancel_capa_action": lambda w, r: {"action_id": r["alpha_action"].pk},
    "api:add_action_evidence": lambda w, r: {"action_id": r["alpha_action"].pk},
    "api:list_why_steps": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:add_why_step": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:update_why_step": lambda w, r: {"step_id": r["alpha_why"].pk},
    "api:delete_why_step": lambda w, r: {"step_id": r["alpha_why"].pk},
    "api:list_fishbone": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:add_fishbone_cause": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:delete_fishbone_cause": lambda w, r: {"cause_id": r["alpha_bone"].pk},
    "api:list_verifications": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:propose_verification": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:confirm_verification": lambda w, r: {"nc_id": r["alpha_nc"].pk},
    "api:raise_nc_from_referral": lambda w, r: {"referral_id": r["alpha_capa_referral"].pk},
    "api:get_capa_cause": lambda w, r: {"cause_id": r["capa_cause"].pk},
    "api:raise_nc_from_finding": lambda w, r: {"finding_id": r["alpha_capa_finding"].pk},
}
PUBLIC_URLS: set[str] = set()
#: the cause taxonomy is organisation-wide: everyone reads it
SHARED_URLS: set[str] = {"api:get_capa_cause"}

# --- end capa ----------------------------------------------------------------------------------
