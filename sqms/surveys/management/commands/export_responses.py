"""``sqms export-responses --campaign ID --format csv|xlsx -o FILE``: the native format, which
``sqms import-responses`` reads back unchanged."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sqms.surveys import actions
from sqms.surveys.models import Campaign


class Command(BaseCommand):
    help = "Export a campaign's responses as SQMS CSV or XLSX."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--campaign", type=int, required=True, help="campaign id")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "-o", "--output", required=True, help="file to write ('-' for stdout, CSV only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = (
            Campaign.objects.select_related("instrument").filter(pk=options["campaign"]).first()
        )
        if campaign is None:
            raise CommandError(f"no campaign with id {options['campaign']}")
        fmt = options["format"]
        out = options["output"]
        if out == "-":
            if fmt == "xlsx":
                raise CommandError("XLSX cannot be written to stdout; give a file name")
            n = actions.export_responses(campaign, fmt, sys.stdout.buffer, acting_user=None)
        else:
            with open(out, "wb") as f:
                n = actions.export_responses(campaign, fmt, f, acting_user=None)
        self.stderr.write(
            f"Exported {n} responses of campaign {campaign.pk} ({campaign}) to {out}."
        )
