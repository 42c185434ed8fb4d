"""``sqms calendar-load-cn`` and ``sqms calendar-import-ical``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sqms.calendars.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_load_cn(office: Any) -> None:
    out = StringIO()
    call_command("calendar_load_cn", "OFFICE", "2026", stdout=out)
    assert out.getvalue().strip() == (
        "OFFICE: 39 day(s) added, 0 kept (2026; chinese-calendar 1.11.0 covers 2004–2026)."
    )
    with pytest.raises(CommandError, match="no holiday data for 2027"):
        call_command("calendar_load_cn", "OFFICE", "2027")
    with pytest.raises(CommandError, match="No business calendar with code 'NOPE'"):
        call_command("calendar_load_cn", "NOPE", "2026")


def test_import_ical(office: Any, tmp_path: Path) -> None:
    ics = tmp_path / "h.ics"
    ics.write_bytes(
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nDTEND;VALUE=DATE:20261226\n"
        b"SUMMARY:Xmas\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    out = StringIO()
    call_command("calendar_import_ical", "OFFICE", str(ics), stdout=out)
    assert out.getvalue().strip() == "OFFICE: 2 day(s) added, 0 kept."
    assert CalendarDay.objects.filter(calendar=office, name="Xmas").count() == 2
    ics.write_bytes(b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:xx\nEND:VEVENT\n")
    with pytest.raises(CommandError, match="line 3: DTSTART value 'xx'"):
        call_command("calendar_import_ical", "OFFICE", str(ics))


def test_cli_lists_the_commands() -> None:
    from sqms.cli import COMMANDS

    assert {"calendar-load-cn", "calendar-import-ical", "tick", "worker"} <= set(COMMANDS)
