"""``sqms capa-check-actions``: remind and escalate overdue CAPA actions once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sqms.capa.actions import do_check_actions
from sqms.core.choices import Channel


class Command(BaseCommand):
    help = (
        "Remind the owners of CAPA actions due soon and escalate overdue actions (what the "
        "periodic job capa.check_actions does every 15 minutes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="check as of this moment (ISO 8601); default now")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 moment: {options['now']!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = do_check_actions(now, acting_user=None, channel=Channel.CLI)
        self.stdout.write(f"reminded {report.reminded}, escalated {report.escalated}")
