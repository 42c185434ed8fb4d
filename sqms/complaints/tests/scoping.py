"""What the URL × persona scoping test needs from the complaints app.

Each area keeps its entries in its own commented block; ``make_records`` calls every block's
maker and the dictionaries below join them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqms.complaints import actions
from sqms.complaints.choices import Source
from sqms.core.attachments import CleanFile
from sqms.core.choices import Channel
from sqms.test import ALPHA_MARK, BRAVO_MARK, World

# --- staff pages: one marked complaint of each site ------------------------------------------


def make_complaint_records(world: World) -> dict[str, Any]:
    records: dict[str, Any] = {}
    for key, site, mark in (
        ("alpha_complaint", world.site_a, ALPHA_MARK),
        ("bravo_complaint", world.site_b, BRAVO_MARK),
    ):
        records[key] = actions.do_create_complaint(
            {
                "site": site,
                "channel": "phone",
                "summary": f"Cold coffee {mark}",
                "description": f"The coffee was cold. {mark}",
                "customer_name": f"Customer {mark}",
                "customer_contact": "13800000000",
            },
            source=Source.STAFF,
            acting_user=None,
            channel=Channel.CLI,
        )
    _analytics_records(world, records)
    return records


# Analytics and CAPA referrals (c-analytics) ---------------------------------------------------
def _analytics_records(world: World, records: dict[str, Any]) -> None:
    for key, mark in (("alpha_complaint", ALPHA_MARK), ("bravo_complaint", BRAVO_MARK)):
        records[f"{key}_referral"] = actions.do_refer_to_capa(
            [records[key]], f"Referral {mark}", acting_user=None, channel=Channel.CLI
        )


# ---------------------------------------------------------------------------------------------


def _complaint(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_complaint"].pk}


STAFF_URL_KWARGS: dict[str, Any] = {
    "complaints:detail": _complaint,
    "complaints:edit": _complaint,
    "complaints:transition": _complaint,
    "complaints:assign": _complaint,
    "complaints:entry": _complaint,
    # Analytics and CAPA referrals (c-analytics)
    "complaints:refer": _complaint,
}

# --- intake (c-intake): public form and status page, links and QR codes, attachments, API ----


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buf, format="PNG")
    return buf.getvalue()


PNG_1PX = _png()


def make_intake_records(world: World, records: dict[str, Any]) -> dict[str, Any]:
    """A public attachment on each site's marked complaint."""
    out: dict[str, Any] = {}
    for key, mark in (("alpha", ALPHA_MARK), ("bravo", BRAVO_MARK)):
        (att,) = actions.do_add_attachments(
            records[f"{key}_complaint"],
            [CleanFile(f"photo-{mark}.png", "image/png", PNG_1PX)],
            public=True,
            acting_user=None,
            channel=Channel.CLI,
        )
        out[f"{key}_attachment"] = att
    return out


INTAKE_URL_KWARGS = {
    "complaint_public:form": lambda w, r: {"site_code": w.site_a.code},
    "complaint_public:thanks": lambda w, r: {"site_code": w.site_a.code},
    "complaint_public:status": lambda w, r: {"code": r["alpha_complaint"].tracking_code},
    "complaint_public:attachment": lambda w, r: {
        "code": r["alpha_complaint"].tracking_code,
        "pk": r["alpha_attachment"].pk,
    },
    "complaints:public_link_qr": lambda w, r: {"site_pk": w.site_a.pk, "fmt": "png"},
    "complaints:attachment_add": lambda w, r: {"pk": r["alpha_complaint"].pk},
    "complaints:attachment_download": lambda w, r: {"pk": r["alpha_attachment"].pk},
    "api:get_complaint": lambda w, r: {"complaint_id": r["alpha_complaint"].pk},
    "api:update_complaint": lambda w, r: {"complaint_id": r["alpha_complaint"].pk},
    "api:transition_complaint": lambda w, r: {"complaint_id": r["alpha_complaint"].pk},
    "api:assign_complaint": lambda w, r: {"complaint_id": r["alpha_complaint"].pk},
    "api:list_complaint_entries": lambda w, r: {"complaint_id": r["alpha_complaint"].pk},
    "api:add_complaint_entry": lambda w, r: {"complaint_id": r["alpha_complaint"].pk},
}

#: the public complaint pages are for anyone: the tracking code is the customer's key
INTAKE_PUBLIC_URLS = {
    "complaint_public:form",
    "complaint_public:thanks",
    "complaint_public:status",
    "complaint_public:attachment",
    "complaint_public:track",
}

# --- end of intake ----------------------------------------------------------------------------


# --- service recovery and transaction volumes (c-recovery) -----------------------------------


def _recovery_records(world: World) -> dict[str, Any]:
    from sqms.complaints import actions
    from sqms.complaints.tests.recovery_data import complaint_at
    from sqms.core.choices import Channel

    out: dict[str, Any] = {}
    for key, site, mark in (
        ("alpha", world.site_a, ALPHA_MARK),
        ("bravo", world.site_b, BRAVO_MARK),
    ):
        complaint = complaint_at(site, summary=f"Recovery {mark}")
        out[f"recovery_{key}_complaint"] = complaint
        out[f"recovery_{key}"] = actions.do_add_recovery(
            complaint,
            {"kind": "compensation", "amount": "900", "description": f"Voucher {mark}"},
            acting_user=None,
            channel=Channel.CLI,
        )
        out[f"volume_{key}"] = actions.do_save_volume(
            {"site": site, "period": date(2026, 3, 1), "transactions": 4321},
            acting_user=None,
            channel=Channel.CLI,
        )
    return out


def _recovery_complaint(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["recovery_alpha_complaint"].pk}


def _recovery(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["recovery_alpha"].pk}


def _volume(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["volume_alpha"].pk}


RECOVERY_URL_KWARGS = {
    "complaints:recovery_add": _recovery_complaint,
    "complaints:recovery_decide": _recovery,
    "complaints:recovery_complete": _recovery,
    "complaints:volume_edit": _volume,
    "complaints:volume_delete": _volume,
    "api:get_recovery_action": lambda w, r: {"recovery_id": r["recovery_alpha"].pk},
    "api:decide_recovery_action": lambda w, r: {"recovery_id": r["recovery_alpha"].pk},
    "api:complete_recovery_action": lambda w, r: {"recovery_id": r["recovery_alpha"].pk},
    "api:delete_volume": lambda w, r: {"volume_id": r["volume_alpha"].pk},
}

# --- end of c-recovery ----------------------------------------------------------------------


# --- c-sla: complaint settings (SLA policies, categories, keyword rules) ---------------------
# Organisation-wide records: every role reads them (SHARED_URLS), only quality managers
# change them; they carry no site marker because everyone may see them.


def make_settings_records(world: World) -> dict[str, Any]:
    from sqms.complaints.actions import settings as settings_actions
    from sqms.complaints.models import Category

    cli = Channel.CLI
    parent = Category.objects.get(code="PRODUCT")
    category = settings_actions.do_create_category(
        {"code": "SCOPE_CAT", "name": "范围", "name_en": "Scope", "parent": parent},
        acting_user=None,
        channel=cli,
    )
    policy = settings_actions.do_create_policy(
        {"code": "SCOPE_POL", "name": "Critical", "severity": "critical"},
        acting_user=None,
        channel=cli,
    )
    rule = settings_actions.do_create_rule(
        {"name": "Scope rule", "words": "scope-word", "severity": "high"},
        acting_user=None,
        channel=cli,
    )
    return {"sla_policy": policy, "complaint_category": category, "keyword_rule": rule}


def _policy(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["sla_policy"].pk}


def _category(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["complaint_category"].pk}


def _rule(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["keyword_rule"].pk}


SETTINGS_URL_KWARGS = {
    "complaints:policy_detail": _policy,
    "complaints:policy_edit": _policy,
    "complaints:policy_delete": _policy,
    "complaints:category_edit": _category,
    "complaints:category_deactivate": _category,
    "complaints:rule_edit": _rule,
    "complaints:rule_delete": _rule,
    "api:get_sla_policy": lambda w, r: {"policy_id": r["sla_policy"].pk},
    "api:update_sla_policy": lambda w, r: {"policy_id": r["sla_policy"].pk},
    "api:delete_sla_policy": lambda w, r: {"policy_id": r["sla_policy"].pk},
    "api:get_complaint_category": lambda w, r: {"category_id": r["complaint_category"].pk},
    "api:update_complaint_category": lambda w, r: {"category_id": r["complaint_category"].pk},
    "api:deactivate_complaint_category": lambda w, r: {"category_id": r["complaint_category"].pk},
    "api:get_keyword_rule": lambda w, r: {"rule_id": r["keyword_rule"].pk},
    "api:update_keyword_rule": lambda w, r: {"rule_id": r["keyword_rule"].pk},
    "api:delete_keyword_rule": lambda w, r: {"rule_id": r["keyword_rule"].pk},
}

# the API's GET, PATCH and DELETE of a record share one path: a GET of any of them reads it
SETTINGS_SHARED_URLS = {
    "complaints:policy_detail",
    "api:get_sla_policy",
    "api:update_sla_policy",
    "api:delete_sla_policy",
    "api:get_complaint_category",
    "api:update_complaint_category",
    "api:deactivate_complaint_category",
    "api:get_keyword_rule",
    "api:update_keyword_rule",
    "api:delete_keyword_rule",
}

# --- end c-sla -------------------------------------------------------------------------------


def make_records(world: World) -> dict[str, Any]:
    records: dict[str, Any] = {}
    records.update(make_complaint_records(world))
    records.update(make_intake_records(world, records))
    records.update(make_settings_records(world))
    records.update(_recovery_records(world))
    return records


URL_KWARGS: dict[str, Any] = {
    **STAFF_URL_KWARGS,
    **INTAKE_URL_KWARGS,
    **SETTINGS_URL_KWARGS,
    **RECOVERY_URL_KWARGS,
}
PUBLIC_URLS: set[str] = {*INTAKE_PUBLIC_URLS}
SHARED_URLS: set[str] = {*SETTINGS_SHARED_URLS}
