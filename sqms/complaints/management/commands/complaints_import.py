"""``sqms complaints-import FILE [--dry-run]``: import historical complaints (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.complaints import actions
from sqms.core.choices import Channel


class Command(BaseCommand):
    help = "Import historical complaints from a CSV (UTF-8 or GB18030) or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        data = path.read_bytes()
        self.stdout.write(f"reading {path} ({len(data):,} bytes)")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,} / {total:,} complaints written")

        report = actions.do_import_complaints(
            data,
            dry_run=options["dry_run"],
            acting_user=None,
            channel=Channel.CLI,
            progress=progress,
        )
        self.stdout.write(f"{report.rows:,} rows read ({report.encoding or '?'})")
        for ext in report.skipped:
            self.stdout.write(f"  skipped: external id {ext} is stored already")
        if report.errors:
            for message in report.errors:
                self.stderr.write(f"  {message}")
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported")
        verb = "would import" if report.dry_run else "imported"
        self.stdout.write(f"{verb} {report.created:,}, skipped {len(report.skipped):,}")
