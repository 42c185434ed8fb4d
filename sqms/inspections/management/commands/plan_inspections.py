"""``sqms plan-inspections --until DATE``: generate the programmes' planned inspections."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.core.choices import Channel
from sqms.inspections.actions.programmes import ProgrammeResult, do_generate_plans
from sqms.inspections.models import Programme


class Command(BaseCommand):
    help = (
        "Create the planned inspections of every active programme (or one, --programme ID) "
        "for the periods that start on or before --until. Running it again adds nothing. "
        "Exit status 1 when a programme could not be planned."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until", required=True, help="last day to plan for (YYYY-MM-DD)")
        parser.add_argument("--programme", type=int, help="only this programme (its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            until = date.fromisoformat(options["until"])
        except ValueError:
            raise CommandError(f"--until: not a date (YYYY-MM-DD): {options['until']!r}") from None
        programme = None
        if options["programme"] is not None:
            programme = Programme.objects.filter(pk=options["programme"]).first()
            if programme is None:
                raise CommandError(f"--programme: no programme {options['programme']}")

        def progress(result: ProgrammeResult) -> None:
            line = f"{result.programme}: {result.created} planned, {result.existing} already there"
            if result.error:
                line += f"; error: {result.error}"
            self.stdout.write(line)

        try:
            report = do_generate_plans(
                programme, until=until, acting_user=None, channel=Channel.CLI, progress=progress
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError("some programmes could not be planned")
