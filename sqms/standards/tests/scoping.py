"""What the URL × persona scoping test needs from the standards app.

Standards, their versions and links are organisation-wide (everyone reads them, quality
managers write them), so their pages are SHARED_URLS; what they show of sites — the
acknowledgement lists, the "how well kept" panel, the trainings — is scoped. Trainings belong
to their sites: site A's training carries the ALPHA mark, site B's the BRAVO mark."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from sqms.complaints.models import Category
from sqms.core.choices import Channel
from sqms.standards import actions
from sqms.test import ALPHA_MARK, BRAVO_MARK, World

CLI = Channel.CLI


def make_records(world: World) -> dict[str, Any]:
    standard = actions.do_create_standard(
        {
            "code": "GREET",
            "title": "迎宾服务标准",
            "title_en": "Greeting",
            "service": world.service,
        },
        acting_user=None,
        channel=CLI,
    )
    version = standard.versions.get()
    actions.do_update_version(
        version,
        {"body": "Greet every customer.", "promise": "Served within 5 minutes."},
        steps=[{"text": "Greet within 3 m", "time_limit_minutes": 1, "role": "agent"}],
        acting_user=None,
        channel=CLI,
    )
    actions.do_submit_version(version, acting_user=None, channel=CLI)
    actions.do_approve_version(
        version, effective_from=timezone.localdate(), acting_user=None, channel=CLI
    )
    category = Category.objects.order_by("pk").first()
    link = actions.do_add_link(standard, {"category": category}, acting_user=None, channel=CLI)
    trainings = {}
    for key, site, mark in (
        ("alpha", world.site_a, ALPHA_MARK),
        ("bravo", world.site_b, BRAVO_MARK),
    ):
        trainings[key] = actions.do_create_training(
            {
                "standard": standard,
                "course": f"Greeting course {mark}",
                "held_on": date(2026, 6, 1),
                "trainer": "Trainer",
                "sites": [site],
                "notes": mark,
            },
            acting_user=None,
            channel=CLI,
        )
    return {
        "standard": standard,
        "standard_version": version,
        "standard_link": link,
        "standard_training": trainings["alpha"],
    }


def _std(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["standard"].pk}


def _ver(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["standard_version"].pk}


def _tr(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["standard_training"].pk}


def _api_std(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"standard_id": r["standard"].pk}


def _api_ver(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"version_id": r["standard_version"].pk}


def _api_tr(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"training_id": r["standard_training"].pk}


# --- standards (branch standards) ---------------------------------------------------------
URL_KWARGS = {
    "standards:detail": _std,
    "standards:edit": _std,
    "standards:link_create": _std,
    "standards:link_delete": lambda w, r: {
        "pk": r["standard"].pk,
        "link_pk": r["standard_link"].pk,
    },
    "standards:version_new": _std,
    "standards:version_detail": _ver,
    "standards:version_edit": _ver,
    "standards:version_submit": _ver,
    "standards:version_approve": _ver,
    "standards:version_reject": _ver,
    "standards:version_review": _ver,
    "standards:version_acknowledge": _ver,
    "standards:version_acks": _ver,
    "standards:training_detail": _tr,
    "standards:training_edit": _tr,
    "standards:training_delete": _tr,
    "api:get_standard": _api_std,
    "api:update_standard": _api_std,
    "api:list_standard_versions": _api_std,
    "api:create_standard_version": _api_std,
    "api:list_standard_links": _api_std,
    "api:create_standard_link": _api_std,
    "api:delete_standard_link": lambda w, r: {
        "standard_id": r["standard"].pk,
        "link_id": r["standard_link"].pk,
    },
    "api:standard_kept_report": _api_std,
    "api:get_standard_version": _api_ver,
    "api:update_standard_version": _api_ver,
    "api:submit_standard_version": _api_ver,
    "api:approve_standard_version": _api_ver,
    "api:reject_standard_version": _api_ver,
    "api:acknowledge_standard_version": _api_ver,
    "api:standard_version_acknowledgements": _api_ver,
    "api:get_standard_training": _api_tr,
    "api:update_standard_training": _api_tr,
    "api:delete_standard_training": _api_tr,
    "api:standard_training_effect": _api_tr,
}

SHARED_URLS: set[str] = {
    "standards:detail",
    "standards:version_detail",
    "standards:version_acks",
    "api:get_standard",
    "api:update_standard",
    "api:list_standard_versions",
    "api:create_standard_version",
    "api:list_standard_links",
    "api:create_standard_link",
    "api:standard_kept_report",
    "api:get_standard_version",
    "api:update_standard_version",
    "api:standard_version_acknowledgements",
}
