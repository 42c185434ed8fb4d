"""What the URL × persona scoping test needs from the calendars app.

Calendars are organisation-wide (every role may read them, only quality managers change
them), so their pages are SHARED_URLS; a calendar's page lists only the sites in the reader's
scope. Site A and site B both use the marked calendar, so a leak of the other site shows."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqms.calendars import actions
from sqms.core.choices import Channel
from sqms.test import World


def make_records(world: World) -> dict[str, Any]:
    cli = Channel.CLI
    cal = actions.do_create_calendar(
        {"code": "STD", "name": "Standard hours", "holiday_source": "cn", "is_default": True},
        acting_user=None,
        channel=cli,
    )
    day = actions.do_add_day(
        cal,
        {"date": date(2026, 10, 1), "kind": "holiday", "name": "National Day"},
        acting_user=None,
        channel=cli,
    )
    for site in (world.site_a, world.site_b):
        actions.do_assign_calendar(site, cal, acting_user=None, channel=cli)
    return {"calendar": cal, "calendar_day": day}


def _cal(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["calendar"].pk}


def _day(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["calendar"].pk, "day_pk": r["calendar_day"].pk}


def _api(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"calendar_id": r["calendar"].pk}


URL_KWARGS = {
    "calendars:detail": _cal,
    "calendars:edit": _cal,
    "calendars:delete": _cal,
    "calendars:days": _cal,
    "calendars:day_create": _cal,
    "calendars:day_edit": _day,
    "calendars:day_delete": _day,
    "calendars:load_cn": _cal,
    "calendars:import_ical": _cal,
    "calendars:site_assign": lambda w, r: {"site_pk": w.site_a.pk},
    "api:get_calendar": _api,
    "api:update_calendar": _api,
    "api:list_calendar_days": _api,
    "api:add_calendar_day": _api,
    "api:delete_calendar_day": lambda w, r: {
        "calendar_id": r["calendar"].pk,
        "day_id": r["calendar_day"].pk,
    },
    "api:load_cn_holidays": _api,
}

SHARED_URLS: set[str] = {
    "calendars:detail",
    "calendars:days",
    "api:get_calendar",
    "api:update_calendar",
    "api:list_calendar_days",
    "api:add_calendar_day",
}
