"""The scheduler on business calendars: a weekend, China's holidays with a 调休 working
Sunday, and a year without holidays reported (report, job result, command)."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from sqms.calendars import actions as cal_actions
from sqms.calendars.lookup import clear_cache
from sqms.complaints.choices import EscalationLevel
from sqms.complaints.tests.sla_data import CLI, check, complaint, fresh, people
from sqms.jobs.registry import registered, run_job

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    clear_cache()
    yield
    clear_cache()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def office(world: Any, **extra: Any) -> Any:
    cal = cal_actions.do_create_calendar(
        {
            "code": "OFFICE",
            "name": "Office",
            "time_zone": "Asia/Shanghai",
            **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-18:00"),
            "sat": "",
            "sun": "",
            **extra,
        },
        acting_user=None,
        channel=CLI,
    )
    cal_actions.do_assign_calendar(world.site_a, cal, acting_user=None, channel=CLI)
    return cal


def test_weekend_does_not_count(world: Any) -> None:
    people(world)
    office(world)
    c = complaint(world, at=local(2026, 3, 6, 17, 0))  # Friday 17:00, one business hour left
    c = fresh(c)
    assert c.response_due_at == local(2026, 3, 9, 12, 0)  # Monday 12:00
    assert c.next_check_at == local(2026, 3, 9, 11, 12)  # 80 % of 4 h = 3 h 12 min
    assert check(local(2026, 3, 8, 23, 0)).checked == 0  # Sunday night: nothing yet
    assert check(local(2026, 3, 9, 11, 12)).warnings == 1
    report = check(local(2026, 3, 9, 12, 0))
    assert (report.breaches, report.escalations) == (1, 1)
    c = fresh(c)
    # the site manager has 4 business hours: Monday 12:00 → 16:00
    assert c.escalation_due_at == local(2026, 3, 9, 16, 0)
    # Monday 18:00 → Tuesday 09:00 is closed: level 2 waits for 16:00 and then 8 h → Tue 15:00
    assert check(local(2026, 3, 9, 16, 0)).escalations == 1
    assert fresh(c).escalation_due_at == local(2026, 3, 10, 15, 0)


def test_chinese_holidays_and_a_working_sunday(world: Any) -> None:
    people(world)
    cal = office(world, holiday_source="cn")
    # (the day before counts too: a night shift belongs to the day it starts)
    cal_actions.do_load_cn_holidays(cal, [2025, 2026], acting_user=None, channel=CLI)
    # New Year's Day 2026 (Thursday) to Saturday are holidays; Sunday 4 January is worked (调休)
    c = fresh(complaint(world, at=local(2026, 1, 1, 10, 0)))
    assert c.response_due_at == local(2026, 1, 4, 13, 0)
    assert check(local(2026, 1, 3, 23, 0)).checked == 0
    report = check(local(2026, 1, 4, 13, 0))
    assert (report.warnings, report.breaches, report.escalations) == (0, 1, 1)
    assert fresh(c).escalation_level == EscalationLevel.SITE_MANAGER


def test_year_without_holidays_is_reported(world: Any) -> None:
    people(world)
    cal = office(world, holiday_source="cn")
    cal_actions.do_load_cn_holidays(cal, [2026], acting_user=None, channel=CLI)
    # site B has no calendar of its own and there is no default one: 24×7
    ok = complaint(world, at=local(2026, 12, 31, 10, 0), site=world.site_b)
    stuck = complaint(world, at=local(2026, 12, 31, 16, 0))  # its deadline falls in 2027
    assert fresh(stuck).next_check_at == fresh(stuck).received_at  # kept due, not lost
    report = check(local(2026, 12, 31, 16, 30))
    assert report.checked == 2 and report.breaches == 1
    assert list(report.errors.values()) == [[stuck.pk]]
    (message,) = report.errors
    assert "2027" in message and "OFFICE" in message
    assert f"C-{stuck.pk:06d}" in report.summary()
    assert fresh(ok).escalation_level == 1
    # still reported on the next run, and the job fails with the message
    job = next(j for j in registered() if j.name == "complaints.check_clocks")
    outcome = run_job(job, local(2026, 12, 31, 16, 31), force=True)
    assert outcome.status == "error" and "2027" in outcome.error
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("complaints_check_clocks", "--now", "2026-12-31T16:32+08:00", stdout=out)
    assert "1 could not be checked" in out.getvalue()
    # loading the year's holidays — the chinese-calendar package has no 2027, so an iCal
    # import of "every holiday of 2027" stands in — lets the clocks run again
    ics = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\n"
        b"SUMMARY:New Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    cal_actions.do_import_ical(
        cal, ics, "holiday", years_complete=True, acting_user=None, channel=CLI
    )
    clear_cache()
    report = check(local(2026, 12, 31, 16, 33))
    assert report.errors == {}


def test_command_runs_at_a_given_moment(world: Any) -> None:
    people(world)
    c = complaint(world, at=local(2026, 3, 2, 9, 0))
    out = StringIO()
    call_command("complaints_check_clocks", "--now", "2026-03-02T13:00+08:00", stdout=out)
    assert "1 breach(es), 1 escalation(s)" in out.getvalue()
    assert fresh(c).escalation_level == 1
    with pytest.raises(CommandError, match="not an ISO 8601"):
        call_command("complaints_check_clocks", "--now", "tomorrow")
