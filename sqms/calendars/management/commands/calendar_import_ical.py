"""``sqms calendar-import-ical CODE FILE``: add an iCal file's events as holidays or working days."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.calendars import actions
from sqms.calendars.choices import DayKind
from sqms.calendars.models import BusinessCalendar
from sqms.core.choices import Channel


class Command(BaseCommand):
    help = (
        "Add every all-day event of an iCal (.ics) file to a business calendar as holidays "
        "(default) or adjusted working days. Dates already present are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("calendar", help="the calendar's code")
        parser.add_argument("file", type=Path, help="the .ics file")
        parser.add_argument("--kind", choices=DayKind.values, default=DayKind.HOLIDAY)
        parser.add_argument(
            "--years-complete",
            action="store_true",
            help="the file holds every holiday of the years it touches",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cal = BusinessCalendar.objects.filter(code=options["calendar"]).first()
        if cal is None:
            raise CommandError(f"No business calendar with code {options['calendar']!r}.")
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}") from None
        try:
            result = actions.do_import_ical(
                cal,
                data,
                options["kind"],
                years_complete=options["years_complete"],
                acting_user=None,
                channel=Channel.CLI,
            )
        except ValidationError as exc:
            raise CommandError(f"{options['file']}: {' '.join(exc.messages)}") from None
        self.stdout.write(f"{cal.code}: {result.added} day(s) added, {result.kept} kept.")
