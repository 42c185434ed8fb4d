"""China's holidays from the chinese-calendar package, and the uncovered-year rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.calendars import actions, holidays_cn
from sqms.calendars.models import CalendarDay, HolidayYear
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent

WEB = Channel.WEB


def test_covered_years_follow_the_package() -> None:
    years = holidays_cn.covered_years()
    assert years[0] == min(chinese_calendar.holidays).year == 2004
    assert years[-1] == max(chinese_calendar.holidays).year == 2026
    with pytest.raises(holidays_cn.UncoveredYearError) as exc:
        holidays_cn.cn_days(2027)
    assert "chinese-calendar 1.11.0 has no holiday data for 2027 (it covers 2004–2026)" in str(
        exc.value
    )


@pytest.mark.django_db
def test_load_2026_writes_holidays_and_adjusted_working_days(world: Any, office: Any) -> None:
    result = actions.do_load_cn_holidays(office, [2026], acting_user=world.qm, channel=WEB)
    holidays = [d for d in chinese_calendar.holidays if d.year == 2026]
    workdays = [d for d in chinese_calendar.workdays if d.year == 2026]
    assert (result.added, result.kept, result.years) == (len(holidays) + len(workdays), 0, [2026])
    assert len(holidays) == 33 and len(workdays) == 6
    national = CalendarDay.objects.get(calendar=office, date=date(2026, 10, 1))
    assert (national.kind, national.name) == ("holiday", "国庆节 National Day")
    makeup = CalendarDay.objects.get(calendar=office, date=date(2026, 9, 20))  # a Sunday
    assert (makeup.kind, makeup.follows_weekday, makeup.name) == (
        "working_day",
        0,
        "国庆节 National Day",
    )
    assert HolidayYear.objects.get(calendar=office, year=2026).detail == "chinese-calendar 1.11.0"
    event = AuditEvent.objects.filter(model="calendars.businesscalendar").first()
    assert (
        event is not None
        and event.changes["days"][1] == "chinese-calendar 1.11.0 2026: 39 added, 0 kept"
    )


@pytest.mark.django_db
def test_reloading_keeps_what_people_edited(world: Any, office: Any) -> None:
    actions.do_add_day(
        office,
        {"date": date(2026, 10, 8), "kind": "holiday", "name": "company day"},
        acting_user=world.qm,
        channel=WEB,
    )
    actions.do_load_cn_holidays(office, [2026], acting_user=world.qm, channel=WEB)
    edited = CalendarDay.objects.get(calendar=office, date=date(2026, 10, 1))
    actions.do_update_day(edited, {"name": "国庆 (our name)"}, acting_user=world.qm, channel=WEB)
    again = actions.do_load_cn_holidays(office, [2026], acting_user=world.qm, channel=WEB)
    assert (again.added, again.kept) == (0, 39)
    assert CalendarDay.objects.get(pk=edited.pk).name == "国庆 (our name)"
    assert CalendarDay.objects.filter(calendar=office).count() == 40


@pytest.mark.django_db
def test_uncovered_year_is_refused_and_nothing_written(world: Any, office: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_load_cn_holidays(office, [2026, 2027], acting_user=world.qm, channel=WEB)
    message = exc.value.message_dict["years"][0]
    assert "2027" in message and "chinese-calendar 1.11.0" in message and "2004–2026" in message
    assert not CalendarDay.objects.filter(calendar=office).exists()
    assert not HolidayYear.objects.exists()


@pytest.mark.django_db
def test_only_quality_managers_load(world: Any, office: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        actions.do_load_cn_holidays(office, [2026], acting_user=world.alpha_manager, channel=WEB)
    assert AuditEvent.objects.count() == before
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_ical_import_is_all_or_nothing(world: Any, office: Any) -> None:
    good = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\n"
        "DTEND;VALUE=DATE:20270104\r\nSUMMARY:元旦\r\nEND:VEVENT\r\n"
    )
    bad = good + "BEGIN:VEVENT\r\nDTSTART:2027-02-01\r\nEND:VEVENT\r\n"
    with pytest.raises(ValidationError) as exc:
        actions.do_import_ical(office, bad.encode(), "holiday", acting_user=world.qm, channel=WEB)
    assert exc.value.message_dict["file"] == [
        "line 8: DTSTART value '2027-02-01' is not a date (YYYYMMDD) or date-time."
    ]
    assert not CalendarDay.objects.exists()
    result = actions.do_import_ical(
        office, good.encode(), "holiday", years_complete=True, acting_user=world.qm, channel=WEB
    )
    assert (result.added, result.kept, result.years) == (3, 0, [2027])
    assert list(
        CalendarDay.objects.filter(calendar=office).values_list("date", "kind", "name")
    ) == [(date(2027, 1, d), "holiday", "元旦") for d in (1, 2, 3)]
    assert HolidayYear.objects.get(calendar=office, year=2027).source == "ical"
