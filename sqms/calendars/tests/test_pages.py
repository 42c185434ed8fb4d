"""Calendar pages: create and edit with inline errors, preview, days, loads, site assignment."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sqms.calendars import actions
from sqms.calendars.models import BusinessCalendar, CalendarDay, SiteCalendar
from sqms.core.choices import Channel

pytestmark = pytest.mark.django_db

FORM = {
    "code": "SHOP",
    "name": "Shop hours",
    "time_zone": "Asia/Shanghai",
    "mon": "10:00-22:00",
    "tue": "10:00-22:00",
    "wed": "10:00-22:00",
    "thu": "10:00-22:00",
    "fri": "10:00-22:00",
    "sat": "10:00-22:00",
    "sun": "10:00-22:00",
    "holiday_source": "none",
}


def test_create_shows_the_calendar_error_on_the_field(world: Any, client_for: Any) -> None:
    c = client_for(world.qm)
    bad = c.post(
        reverse("calendars:create"), {**FORM, "tue": "9-12", "wed": "09:00-12:00,11:00-13:00"}
    )
    assert bad.status_code == 200
    form = bad.context["form"]
    assert form.errors["tue"] == ["hours: '9-12' is not HH:MM-HH:MM"]
    assert form.errors["wed"] == ["weekly[0]: intervals overlap or are not sorted"]
    ok = c.post(reverse("calendars:create"), {**FORM, "is_default": "on"})
    cal = BusinessCalendar.objects.get(code="SHOP")
    assert ok.status_code == 302 and ok["Location"] == cal.get_absolute_url()
    assert cal.is_default and cal.sun == "10:00-22:00"


def test_one_default_calendar(world: Any, office: Any, client_for: Any) -> None:
    page = client_for(world.qm).post(
        reverse("calendars:create"), {**FORM, "code": "PAGE", "is_default": "on"}
    )
    assert page.status_code == 302
    office.refresh_from_db()
    assert not office.is_default and BusinessCalendar.objects.get(code="PAGE").is_default
    BusinessCalendar.objects.filter(code="PAGE").update(is_default=False)
    BusinessCalendar.objects.filter(pk=office.pk).update(is_default=True)
    other = actions.do_create_calendar(
        {**FORM, "is_default": True}, acting_user=world.qm, channel=Channel.WEB
    )
    office.refresh_from_db()
    assert other.is_default and not office.is_default
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessCalendar.objects.filter(pk=office.pk).update(is_default=True)


def test_detail_previews_the_next_14_days(world: Any, office: Any, client_for: Any) -> None:
    actions.do_load_cn_holidays(office, [2026], acting_user=world.qm, channel=Channel.WEB)
    page = client_for(world.viewer_all).get(office.get_absolute_url())
    assert page.status_code == 200
    rows = page.context["preview"]
    assert len(rows) == 14
    today = timezone.now().astimezone(timezone.get_fixed_timezone(480)).date()
    assert rows[0]["date"] == today
    for row in rows:
        expected = "closed" if row["date"].weekday() >= 5 else "09:00–12:00, 13:00–18:00"
        if row["date"].year == 2026:
            assert row["hours"] == expected
        else:  # 2027 is not loaded: the page says so instead of guessing
            assert "not loaded" in row["error"]
    assert not page.context["can_change"]


def test_days_add_edit_delete(world: Any, office: Any, client_for: Any) -> None:
    c = client_for(world.qm)
    r = c.post(
        reverse("calendars:day_create", args=[office.pk]),
        {"date": "2026-12-24", "kind": "holiday", "name": "Christmas Eve", "follows_weekday": "0"},
    )
    assert r.status_code == 302
    day = CalendarDay.objects.get(calendar=office, date=date(2026, 12, 24))
    dup = c.post(
        reverse("calendars:day_create", args=[office.pk]),
        {"date": "2026-12-24", "kind": "holiday", "name": "again", "follows_weekday": "0"},
    )
    assert dup.context["form"].errors["date"] == [
        "2026-12-24 already has an entry in this calendar; edit that one."
    ]
    listing = c.get(reverse("calendars:days", args=[office.pk]), {"year": "2026"})
    assert "Christmas Eve" in listing.content.decode()
    assert reverse("calendars:day_edit", args=[office.pk, day.pk]) in listing.content.decode()
    c.post(
        reverse("calendars:day_edit", args=[office.pk, day.pk]),
        {"date": "2026-12-26", "kind": "working_day", "name": "make-up", "follows_weekday": "4"},
    )
    day.refresh_from_db()
    assert (day.date, day.kind, day.follows_weekday) == (date(2026, 12, 26), "working_day", 4)
    c.post(reverse("calendars:day_delete", args=[office.pk, day.pk]))
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    csv = c.get(reverse("calendars:days", args=[office.pk]), {"export": "csv"})
    assert csv.status_code == 200


def test_load_and_import_forms(world: Any, office: Any, client_for: Any) -> None:
    c = client_for(world.qm)
    refused = c.post(reverse("calendars:load_cn", args=[office.pk]), {"years": "2027"})
    assert "has no holiday data for 2027" in refused.context["form"].errors["years"][0]
    done = c.post(
        reverse("calendars:load_cn", args=[office.pk]), {"years": "2025, 2026"}, follow=True
    )
    assert "day(s) added" in done.content.decode()
    assert office.holiday_years.count() == 2
    from django.core.files.uploadedfile import SimpleUploadedFile

    ics = SimpleUploadedFile(
        "h.ics",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261226\r\nSUMMARY:party\r\nEND:VEVENT\r\n",
    )
    c.post(reverse("calendars:import_ical", args=[office.pk]), {"file": ics, "kind": "holiday"})
    assert CalendarDay.objects.get(calendar=office, date=date(2026, 12, 26)).name == "party"


def test_site_assignment_page(world: Any, office: Any, client_for: Any) -> None:
    c = client_for(world.qm)
    r = c.post(reverse("calendars:site_assign", args=[world.site_a.pk]), {"calendar": office.pk})
    assert r.status_code == 302
    assert SiteCalendar.objects.get(site=world.site_a).calendar == office
    listing = client_for(world.alpha_manager).get(reverse("calendars:sites"))
    body = listing.content.decode()
    assert "OFFICE Office hours" in body and "BRAVO" not in body
    assert (
        client_for(world.alpha_manager)
        .post(reverse("calendars:site_assign", args=[world.site_a.pk]), {"calendar": ""})
        .status_code
        == 403
    )
    refused = c.post(reverse("calendars:delete", args=[office.pk]), follow=True)
    assert "still the calendar of 1 site(s)" in refused.content.decode()
    assert BusinessCalendar.objects.filter(pk=office.pk).exists()
    c.post(reverse("calendars:site_assign", args=[world.site_a.pk]), {"calendar": ""})
    assert not SiteCalendar.objects.exists()
    c.post(reverse("calendars:delete", args=[office.pk]))
    assert not BusinessCalendar.objects.filter(pk=office.pk).exists()
