"""``sqms calendar-load-cn CODE YEAR [YEAR …]``: add China's holidays and 调休 working days."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.calendars import actions, holidays_cn
from sqms.calendars.models import BusinessCalendar
from sqms.core.choices import Channel


class Command(BaseCommand):
    help = (
        "Add China's public holidays and adjusted working days (调休) of the given years to a "
        "business calendar, from the chinese-calendar package. Dates already present are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("calendar", help="the calendar's code")
        parser.add_argument("years", nargs="+", type=int, help="years, e.g. 2025 2026")

    def handle(self, *args: Any, **options: Any) -> None:
        cal = BusinessCalendar.objects.filter(code=options["calendar"]).first()
        if cal is None:
            raise CommandError(f"No business calendar with code {options['calendar']!r}.")
        try:
            result = actions.do_load_cn_holidays(
                cal, options["years"], acting_user=None, channel=Channel.CLI
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        lo, hi = holidays_cn.covered_range()
        self.stdout.write(
            f"{cal.code}: {result.added} day(s) added, {result.kept} kept "
            f"({', '.join(map(str, result.years))}; {holidays_cn.PACKAGE} "
            f"{holidays_cn.VERSION} covers {lo}–{hi})."
        )
