"""``sqms complaints-check-clocks``: run the SLA check once (cron, debugging)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sqms.complaints.actions.sla import do_check_clocks
from sqms.core.choices import Channel


class Command(BaseCommand):
    help = (
        "Check the SLA clocks of the complaints whose next check is due: warnings, breaches "
        "and escalations (what the periodic job complaints.check_clocks does each minute). "
        "Exit status 1 when some complaints could not be checked (a calendar year without "
        "holidays)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="check as of this moment (ISO 8601, e.g. 2026-10-08T09:00+08:00); default now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 moment: {options['now']!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = do_check_clocks(now, acting_user=None, channel=Channel.CLI)
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError("some complaints could not be checked")
