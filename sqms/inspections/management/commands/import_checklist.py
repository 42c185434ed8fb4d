"""``sqms import-checklist FILE --code X [--name N]``: read a checklist file into a draft
version (all rows or none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.choices import InspectionKind


class Command(BaseCommand):
    help = (
        "Import a checklist from a CSV (UTF-8 or GB18030) or XLSX file with the columns section, "
        "code, item, scoring, weight, critical, photo, target, tolerance, guidance, into a "
        "draft version (a new checklist, or a new version of an existing one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--code", required=True, help="the checklist's code")
        parser.add_argument("--name", default="", help="the name of a new checklist")
        parser.add_argument("--kind", choices=InspectionKind.values, help="for a new checklist")
        parser.add_argument("--publish", action="store_true", help="publish the version at once")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            version = actions.do_import_checklist(
                path.read_bytes(),
                code=options["code"],
                name=options["name"],
                kind=options["kind"],
                acting_user=None,
                channel=Channel.CLI,
            )
            if options["publish"]:
                version = actions.do_publish_version(version, acting_user=None, channel=Channel.CLI)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(f"  {message}")
            raise CommandError(f"{len(exc.messages)} error(s): nothing was imported") from None
        items = version.items.count()
        self.stdout.write(f"imported {items} items into {version} ({version.get_status_display()})")
