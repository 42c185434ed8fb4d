"""What the URL × persona scoping test needs from the complaints app: one marked complaint of
each site, and how to fill each URL's arguments with site A's records."""

from __future__ import annotations

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


# Staff pages (lead) -------------------------------------------------------------------------
URL_KWARGS: dict[str, Any] = {
    "complaints:detail": _complaint,
    "complaints:edit": _complaint,
    "complaints:transition": _complaint,
    "complaints:assign": _complaint,
    "complaints:entry": _complaint,
    # Analytics and CAPA referrals (c-analytics)
    "complaints:refer": _complaint,
}
PUBLIC_URLS: set[str] = set()
SHARED_URLS: set[str] = set()
