"""Stored calendars as pure WorkCalendars: days, 调休, uncovered years, sites, the cache."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sqms.analytics.calendars import CalendarError, add_business_time, business_time_between
from sqms.calendars import actions
from sqms.calendars.lookup import (
    UncoveredYearError,
    calendar_for_site,
    uncovered_years,
    work_calendar,
)
from sqms.calendars.models import BusinessCalendar
from sqms.core.choices import Channel

WEB = Channel.WEB
SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_holidays_and_adjusted_days_shape_business_time(world: Any, office: Any) -> None:
    actions.do_load_cn_holidays(office, [2026], acting_user=world.qm, channel=WEB)
    office.refresh_from_db()
    cal = work_calendar(office)
    # Wednesday 30 Sep 2026, 17:00 + 2 h: 1 h that day, then the holiday week (1–7 Oct),
    # then Thursday 8 Oct from 09:00 → 10:00.
    due = add_business_time(cal, datetime(2026, 9, 30, 17, 0, tzinfo=SH), timedelta(hours=2))
    assert due == datetime(2026, 10, 8, 10, 0, tzinfo=SH).astimezone(UTC)
    # Saturday 10 Oct is a 调休 working day with Monday's hours
    saturday = business_time_between(
        cal, datetime(2026, 10, 10, tzinfo=SH), datetime(2026, 10, 11, tzinfo=SH)
    )
    assert saturday == timedelta(hours=8)
    assert cal.day_hours(date(2026, 10, 10)) == ((540, 720), (780, 1080))
    assert cal.day_hours(date(2026, 10, 1)) == ()
    week = business_time_between(
        cal, datetime(2026, 9, 28, tzinfo=SH), datetime(2026, 10, 5, tzinfo=SH)
    )
    assert week == timedelta(hours=8 * 3)  # Mon–Wed only


@pytest.mark.django_db
def test_uncovered_years_raise_instead_of_counting_as_ordinary(world: Any, office: Any) -> None:
    assert uncovered_years(office, [2025, 2026, 2027]) == [2025, 2026, 2027]
    actions.do_load_cn_holidays(office, [2026], acting_user=world.qm, channel=WEB)
    office.refresh_from_db()
    assert uncovered_years(office, [2025, 2026, 2027]) == [2025, 2027]
    cal = work_calendar(office)
    assert cal.day_hours(date(2026, 12, 7)) == ((540, 720), (780, 1080))
    with pytest.raises(UncoveredYearError) as exc:
        add_business_time(cal, datetime(2026, 12, 31, 17, tzinfo=SH), timedelta(hours=3))
    assert isinstance(exc.value, CalendarError)
    assert "the holidays of 2027 are not loaded" in str(exc.value)
    assert "chinese-calendar 1.11.0 covers 2004–2026" in str(exc.value)
    # without a holiday source, no year is uncovered
    actions.do_update_calendar(
        office, {"holiday_source": "none"}, acting_user=world.qm, channel=WEB
    )
    assert uncovered_years(office, [2027]) == []
    assert work_calendar(office).day_hours(date(2027, 1, 4)) == ((540, 720), (780, 1080))


@pytest.mark.django_db
def test_calendar_for_site_own_then_default_then_24x7(world: Any, office: Any) -> None:
    night = actions.do_create_calendar(
        {
            "code": "NIGHT",
            "name": "Night desk",
            "time_zone": "UTC",
            **dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "22:00-06:00"),
        },
        acting_user=world.qm,
        channel=WEB,
    )
    actions.do_assign_calendar(world.site_a, night, acting_user=world.qm, channel=WEB)
    assert calendar_for_site(world.site_a).tz == "UTC"
    assert calendar_for_site(world.site_a).day_hours(date(2026, 1, 1)) == ((1320, 1800),)
    assert calendar_for_site(world.site_b).tz == "Asia/Shanghai"  # the default: office
    actions.do_assign_calendar(world.site_a, None, acting_user=world.qm, channel=WEB)
    actions.do_update_calendar(office, {"is_default": False}, acting_user=world.qm, channel=WEB)
    fallback = calendar_for_site(world.site_a)
    assert fallback.open_24x7 and fallback.tz == world.site_a.time_zone


@pytest.mark.django_db
def test_no_calendar_at_all_is_24x7(world: Any) -> None:
    cal = calendar_for_site(world.site_b)
    assert cal.open_24x7
    start = datetime(2026, 10, 1, 0, tzinfo=UTC)
    assert add_business_time(cal, start, timedelta(hours=30)) == start + timedelta(hours=30)


@pytest.mark.django_db
def test_cache_hits_and_is_invalidated_by_changes(
    world: Any, office: Any, django_assert_num_queries: Any
) -> None:
    office.refresh_from_db()
    first = work_calendar(office)
    before = office.updated_at
    with django_assert_num_queries(0):
        assert work_calendar(office) is first
    actions.do_add_day(
        office,
        {"date": date(2026, 12, 8), "kind": "holiday", "name": "closed"},
        acting_user=world.qm,
        channel=WEB,
    )
    fresh = BusinessCalendar.objects.get(pk=office.pk)
    assert fresh.updated_at > before
    rebuilt = work_calendar(fresh)
    assert rebuilt is not first and date(2026, 12, 8) in rebuilt.holidays
