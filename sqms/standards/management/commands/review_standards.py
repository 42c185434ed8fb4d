"""``sqms review-standards``: run the standards' effective dates and review reminders now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.core.choices import Channel
from sqms.standards.actions import do_review_standards


class Command(BaseCommand):
    help = "Supersede versions whose effective date has come; send review reminders and overdue notices now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="pretend it is this ISO date-time (tests, catch-up)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("now"):
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from None
            if now.tzinfo is None:
                raise CommandError("--now: give a time zone, e.g. 2026-12-07T09:00+08:00")
        report = do_review_standards(now, acting_user=None, channel=Channel.CLI)
        self.stdout.write(f"superseded versions: {report.superseded}")
        for line in report.sent:
            self.stdout.write(line)
        self.stdout.write(f"notices sent: {len(report.sent)}")
