"""What the URL × persona scoping test needs from the complaints app: one marked complaint of
each site, and how to fill each URL's arguments with site A's records."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqms.complaints import actions
from sqms.complaints.choices import Source
from sqms.core.choices import Channel
from sqms.test import ALPHA_MARK, BRAVO_MARK, World


def make_records(world: World) -> dict[str, Any]:
    cli = Channel.CLI
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
            channel=cli,
        )
    records.update(_recovery_records(world))
    return records


def _complaint(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_complaint"].pk}


# Staff pages (lead) -------------------------------------------------------------------------
URL_KWARGS: dict[str, Any] = {
    "complaints:detail": _complaint,
    "complaints:edit": _complaint,
    "complaints:transition": _complaint,
    "complaints:assign": _complaint,
    "complaints:entry": _complaint,
}
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

URL_KWARGS.update(RECOVERY_URL_KWARGS)

# --- end of c-recovery -------------------------------------------------------------------------


PUBLIC_URLS: set[str] = set()
SHARED_URLS: set[str] = set()
