"""What the URL × persona scoping test needs from the complaints app: one marked complaint of
each site, and how to fill each URL's arguments with site A's records."""

from __future__ import annotations

from typing import Any

from sqms.complaints import actions
from sqms.complaints.choices import Source
from sqms.core.attachments import CleanFile
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
    records.update(make_intake_records(world, records))
    return records


def _complaint(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["alpha_complaint"].pk}


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


# Staff pages (lead) -------------------------------------------------------------------------
URL_KWARGS: dict[str, Any] = {
    "complaints:detail": _complaint,
    "complaints:edit": _complaint,
    "complaints:transition": _complaint,
    "complaints:assign": _complaint,
    "complaints:entry": _complaint,
}
URL_KWARGS.update(INTAKE_URL_KWARGS)
PUBLIC_URLS: set[str] = {*INTAKE_PUBLIC_URLS}
SHARED_URLS: set[str] = set()
