"""Business calendars and SLA clocks: hand-computed cases (office hours, overnight shifts, DST,
China's 2025 holidays with 调休) and properties checked with hypothesis."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqms.analytics.calendars import (
    CalendarError,
    WorkCalendar,
    add_business_time,
    business_time_between,
    clock_state,
    parse_hours,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)
OFFICE = ["09:00-12:00,13:00-18:00"] * 5 + ["", ""]


def _range(a: date, b: date) -> list[date]:
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# State Council notice on the 2025 holiday arrangements (国务院办公厅关于2025年部分节假日安排的
# 通知, 国办发明电〔2024〕12号, 12 Nov 2024): New Year 1 Jan; Spring Festival 28 Jan-4 Feb, work on
# Sun 26 Jan and Sat 8 Feb; Qingming 4-6 Apr; Labour Day 1-5 May, work on Sun 27 Apr; Dragon
# Boat 31 May-2 Jun; National Day + Mid-Autumn 1-8 Oct, work on Sun 28 Sep and Sat 11 Oct.
CN_2025_HOLIDAYS = (
    [date(2025, 1, 1)]
    + _range(date(2025, 1, 28), date(2025, 2, 4))
    + _range(date(2025, 4, 4), date(2025, 4, 6))
    + _range(date(2025, 5, 1), date(2025, 5, 5))
    + _range(date(2025, 5, 31), date(2025, 6, 2))
    + _range(date(2025, 10, 1), date(2025, 10, 8))
)
CN_2025_WORKING = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27)]
CN_2025_WORKING += [date(2025, 9, 28), date(2025, 10, 11)]
CHINA = WorkCalendar.from_hours(
    "Asia/Shanghai", ["09:00-18:00"] * 5 + ["", ""], CN_2025_HOLIDAYS, CN_2025_WORKING
)


def test_notice_counts():
    assert len(CN_2025_HOLIDAYS) == 1 + 8 + 3 + 5 + 3 + 8
    assert all(d.weekday() >= 5 for d in CN_2025_WORKING)


def test_parse_hours():
    assert parse_hours("") == ()
    assert parse_hours("13:00-18:00; 09:00-12:00") == ((540, 720), (780, 1080))
    with pytest.raises(CalendarError, match="hours: '9-12'"):
        parse_hours("9-12")
    with pytest.raises(CalendarError, match="25:00"):
        parse_hours("25:00-26:00")


def test_office_hours_over_a_weekend():
    cal = WorkCalendar.from_hours("Asia/Shanghai", OFFICE)
    fri_17 = datetime(2025, 1, 3, 17, 0, tzinfo=SH)
    # Fri 17-18 (1 h) + Mon 09-11 (2 h)
    assert add_business_time(cal, fri_17, 3 * H) == datetime(2025, 1, 6, 11, 0, tzinfo=SH)
    # Fri 16:30-18:00 (1.5 h) + Mon 09:00-10:15 (1.25 h)
    got = business_time_between(
        cal, datetime(2025, 1, 3, 16, 30, tzinfo=SH), datetime(2025, 1, 6, 10, 15, tzinfo=SH)
    )
    assert got == timedelta(hours=2.75)
    # the lunch break is skipped: Mon 11:00 + 2 h = 14:00
    assert add_business_time(cal, datetime(2025, 1, 6, 11, tzinfo=SH), 2 * H) == datetime(
        2025, 1, 6, 14, tzinfo=SH
    )
    # a start outside hours begins at the next opening
    assert add_business_time(cal, datetime(2025, 1, 4, 3, tzinfo=SH), H) == datetime(
        2025, 1, 6, 10, tzinfo=SH
    )
    assert business_time_between(cal, fri_17, fri_17 - H) == timedelta(0)


def test_dst_new_york():
    cal = WorkCalendar.from_hours("America/New_York", ["00:00-08:00"] * 5 + ["00:00-24:00"] * 2)
    sun = lambda d, h: datetime(2025, d // 100, d % 100, h, tzinfo=NY)  # noqa: E731
    # 2025-03-09 spring forward at 02:00: the 00:00-08:00 shift lasts 7 hours
    assert business_time_between(cal, sun(309, 0), sun(310, 0)) == 23 * H
    assert business_time_between(cal, sun(309, 0), sun(309, 8)) == 7 * H
    # 2025-11-02 fall back at 02:00: 25 hours of Sunday
    assert business_time_between(cal, sun(1102, 0), sun(1103, 0)) == 25 * H
    # Sat 23:00 + 4 h: Sat 23-24, Sun 00:00-02:00 EST, 03:00-04:00 EDT → 04:00 EDT = 08:00 UTC
    assert add_business_time(cal, sun(308, 23), 4 * H) == datetime(2025, 3, 9, 8, tzinfo=UTC)


def test_overnight_shift_and_holiday():
    cal = WorkCalendar.from_hours(
        "UTC", ["22:00-06:00"] * 5 + ["", ""], holidays=[date(2025, 1, 7)]
    )  # Mon 6 Jan 2025; the Tuesday night shift is off, Monday's runs into Tuesday morning
    u = lambda d, h: datetime(2025, 1, d, h, tzinfo=UTC)  # noqa: E731
    assert business_time_between(cal, u(6, 20), u(8, 7)) == 8 * H
    assert add_business_time(cal, u(7, 5), 3 * H) == u(9, 0)  # Tue 05-06, Wed 22-24
    # Thursday night's shift ends Fri 06:00 (6 h); Friday's runs into Saturday (8 h), though
    # Saturday itself has no hours
    assert business_time_between(cal, u(10, 0), u(12, 0)) == 6 * H + 8 * H


def test_china_2025_spring_festival_and_national_day():
    s = lambda m, d, h: datetime(2025, m, d, h, tzinfo=SH)  # noqa: E731
    # Fri 24 Jan 17:00 + 8 h: Fri 17-18, Sat off, Sun 26 Jan is a working day 09-16
    assert add_business_time(CHINA, s(1, 24, 17), 8 * H) == s(1, 26, 16)
    # Mon 27 Jan 17:00 + 2 h: 17-18, holiday 28 Jan-4 Feb, Wed 5 Feb 09-10
    assert add_business_time(CHINA, s(1, 27, 17), 2 * H) == s(2, 5, 10)
    assert business_time_between(CHINA, s(9, 30, 9), s(10, 9, 9)) == 9 * H
    # Thu 9, Fri 10, Sat 11 Oct (working day) = 27 h; Sun 12 off
    assert business_time_between(CHINA, s(10, 9, 9), s(10, 13, 9)) == 27 * H
    assert CHINA.day_hours(date(2025, 10, 11)) == ((540, 1080),)
    assert CHINA.day_hours(date(2025, 10, 1)) == ()


def test_pauses_move_the_deadline():
    cal = WorkCalendar.from_hours("UTC", ["09:00-18:00"] * 7)
    u = lambda h, m=0: datetime(2025, 1, 6, h, m, tzinfo=UTC)  # noqa: E731
    pause = [(u(11), u(13))]
    assert add_business_time(cal, u(10), 4 * H, pause) == u(16)
    assert business_time_between(cal, u(10), u(16), pause) == 4 * H
    # overlapping and out-of-order pauses are merged
    assert business_time_between(cal, u(10), u(16), [(u(12), u(14)), (u(11), u(12, 30))]) == 3 * H
    st_ = clock_state(cal, u(10), 4 * H, u(12), [(u(11), None)])
    assert (st_.paused, st_.elapsed, st_.due_at, st_.remaining) == (True, H, None, 3 * H)
    with pytest.raises(CalendarError, match=r"paused\[0\]: ends before"):
        business_time_between(cal, u(10), u(16), [(u(12), u(11))])


def test_clock_state_warning_breach_and_stop():
    cal = WorkCalendar.from_hours("UTC", ["09:00-18:00"] * 7)
    u = lambda h: datetime(2025, 1, 6, h, tzinfo=UTC)  # noqa: E731
    at = lambda h, **kw: clock_state(cal, u(9), 4 * H, u(h), warning_share=0.75, **kw)  # noqa: E731
    s11 = at(11)
    assert (s11.warning, s11.breached, s11.due_at, s11.warn_at) == (False, False, u(13), u(12))
    assert s11.share == 0.5
    s12 = at(12)
    assert (s12.warning, s12.breached, s12.remaining) == (True, False, H)
    assert at(13).breached and not at(13).warning
    assert at(14).remaining == -H
    stopped = at(17, stopped_at=u(11))
    assert (stopped.stopped, stopped.elapsed, stopped.breached, stopped.due_at) == (
        True,
        2 * H,
        False,
        None,
    )
    with pytest.raises(CalendarError, match="target"):
        clock_state(cal, u(9), timedelta(0), u(10))


def test_24x7_ignores_holidays():
    cal = WorkCalendar.always_open("Asia/Shanghai")
    start = datetime(2025, 1, 27, 17, tzinfo=SH)
    assert add_business_time(cal, start, 30 * H) == start + 30 * H
    assert add_business_time(cal, start, 3 * H, [(start + H, start + 2 * H)]) == start + 4 * H
    assert business_time_between(cal, start, start + 48 * H) == 48 * H


def test_bad_input_names_the_field():
    with pytest.raises(CalendarError, match="tz: unknown"):
        WorkCalendar.from_hours("Mars/Olympus", OFFICE)
    with pytest.raises(CalendarError, match=r"weekly\[0\]: intervals overlap"):
        WorkCalendar(tz="UTC", weekly=(((540, 720), (600, 800)),) + ((),) * 6)
    with pytest.raises(CalendarError, match="weekly: give hours"):
        WorkCalendar.from_hours("UTC", OFFICE[:5])
    with pytest.raises(CalendarError, match="start: a timezone-aware"):
        business_time_between(CHINA, datetime(2025, 1, 1), datetime(2025, 1, 2, tzinfo=UTC))  # noqa: DTZ001
    with pytest.raises(CalendarError, match="also a holiday"):
        WorkCalendar.from_hours("UTC", OFFICE, [date(2025, 1, 4)], [date(2025, 1, 4)])
    closed = WorkCalendar.from_hours("UTC", [""] * 7)
    with pytest.raises(CalendarError, match="no working time within"):
        add_business_time(closed, datetime(2025, 1, 1, tzinfo=UTC), H)


CALENDARS = [
    CHINA,
    WorkCalendar.from_hours(
        "America/New_York", ["22:00-06:00", "08:00-12:00,13:00-17:00"] * 3 + [""]
    ),
    WorkCalendar.from_hours("Europe/London", ["00:00-24:00"] * 6 + ["10:00-16:00"]),
]
instants = st.integers(
    int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()),
    int(datetime(2025, 12, 1, tzinfo=UTC).timestamp()),
).map(lambda t: datetime.fromtimestamp(t, UTC))
durations = st.integers(1, 200 * 3600).map(lambda s: timedelta(seconds=s))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CALENDARS), instants, durations)
def test_add_then_measure_round_trips(cal, start, dur):
    end = add_business_time(cal, start, dur)
    assert end > start
    assert business_time_between(cal, start, end) == dur
    # one second less of working time is reached strictly earlier
    assert add_business_time(cal, start, dur - timedelta(seconds=1)) < end


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CALENDARS), instants, instants, instants)
def test_between_is_additive_and_bounded(cal, a, b, c):
    a, b, c = sorted([a, b, c])
    ab, bc = business_time_between(cal, a, b), business_time_between(cal, b, c)
    assert ab + bc == business_time_between(cal, a, c)
    assert timedelta(0) <= ab <= b - a
