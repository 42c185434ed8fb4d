"""The iCal reader: unfolding, DATE and DATE-TIME values, names, and errors naming the line."""

from __future__ import annotations

from datetime import date

import pytest

from sqms.calendars.ical import IcalError, parse_ical

FEED = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART;VALUE=DATE:20261001\r\n"
    "DTEND;VALUE=DATE:20261008\r\n"
    "SUMMARY:国庆节\\, National\r\n"
    "  Day\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART:20260101T000000Z\r\n"
    "DTEND:20260101T235959Z\r\n"
    "SUMMARY:元旦\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART;VALUE=DATE:20260405\r\n"
    "SUMMARY:清明\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    'DTSTART;TZID="Asia/Shanghai":20260501T000000\r\n'
    "DURATION:P5D\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_events_dates_and_names() -> None:
    events = parse_ical(FEED.encode())
    assert [(e.start, e.end, e.summary) for e in events] == [
        (date(2026, 10, 1), date(2026, 10, 8), "国庆节, National Day"),
        (date(2026, 1, 1), date(2026, 1, 2), "元旦"),
        (date(2026, 4, 5), date(2026, 4, 6), "清明"),
        (date(2026, 5, 1), date(2026, 5, 6), ""),
    ]
    assert len(events[0].dates()) == 7 and events[0].dates()[-1] == date(2026, 10, 7)


def test_bom_and_bare_newlines_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + FEED.replace("\r\n", "\n").encode()
    assert len(parse_ical(data)) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("VERSION:2.0\r\n", "line 1: an iCal file starts with BEGIN:VCALENDAR."),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2026-10-01\r\nEND:VEVENT\r\n",
            "line 3: DTSTART value '2026-10-01' is not a date (YYYYMMDD) or date-time.",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260230\r\nEND:VEVENT\r\n",
            "line 3: DTSTART value '20260230' is not a real date.",
        ),
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n",
            "line 3: this VEVENT has no DTSTART.",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101\r\n",
            "line 2: this VEVENT has no END:VEVENT.",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260105\r\nDTEND:20260101\r\nEND:VEVENT\r\n",
            "line 4: DTEND is before DTSTART.",
        ),
        ("BEGIN:VCALENDAR\r\nnonsense\r\n", "line 2: 'nonsense' is not NAME:VALUE."),
    ],
)
def test_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(IcalError) as exc:
        parse_ical(text.encode())
    assert str(exc.value) == message


def test_not_utf8_names_the_line() -> None:
    data = b"BEGIN:VCALENDAR\r\nSUMMARY:" + "国庆".encode("gbk") + b"\r\n"
    with pytest.raises(IcalError) as exc:
        parse_ical(data)
    assert str(exc.value).startswith("line 2: the file is not UTF-8 text")
