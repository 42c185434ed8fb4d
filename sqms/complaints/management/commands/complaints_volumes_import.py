"""``sqms complaints-volumes-import FILE``: import monthly transaction volumes (CSV or XLSX of
site code, month YYYY-MM, transactions); all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.complaints import actions
from sqms.core.choices import Channel


class Command(BaseCommand):
    help = (
        "Import transaction volumes (the denominator of complaints per 1,000 transactions) "
        "from a CSV (UTF-8, with or without BOM, or GB18030) or XLSX file with the columns "
        "site, month (YYYY-MM) and transactions. Existing months are overwritten; a file with "
        "any bad row imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .csv or .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}") from None
        try:
            result = actions.do_import_volumes(data, acting_user=None, channel=Channel.CLI)
        except ValidationError as exc:
            raise CommandError(f"{options['file']}:\n" + "\n".join(exc.messages)) from None
        self.stdout.write(
            f"{options['file']}: {result.created} month(s) added, {result.updated} updated."
        )
