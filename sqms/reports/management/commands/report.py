"""``sqms report management-review --period 2026Q3 --scope ORG|REGION|SITE --format pdf|xlsx
--lang zh-hans|en --output FILE``: the ISO 9001 §9.3 management-review report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from sqms.reports.period import ReviewInputError, ScopeRefused
from sqms.reports.render import render_pdf, render_xlsx
from sqms.reports.review_data import gather

REPORTS = ("management-review",)


class Command(BaseCommand):
    help = "Write a report: management-review (ISO 9001 §9.3) as PDF or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=REPORTS, help="which report")
        parser.add_argument("--period", required=True, help="2026Q3, 2026-07 or 2026")
        parser.add_argument("--scope", default="ORG", help="ORG, a region code or a site code")
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--lang", default=None, help="language: zh-hans or en")
        parser.add_argument("--output", "-o", type=Path, required=True, help="file to write")
        parser.add_argument(
            "--user", default=None, help="build it as this user (their scope); default: every site"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"] or settings.LANGUAGE_CODE
        if lang not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"--lang: {lang!r} is not a language of SQMS")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user {options['user']!r}")
        with translation.override(lang):
            self.stderr.write(f"Gathering {options['period']} for {options['scope']} …")
            try:
                review = gather(options["period"], options["scope"], user, lang)
            except (ReviewInputError, ScopeRefused) as exc:
                raise CommandError(str(exc)) from None
            for s in review.sections:
                self.stderr.write(f"  {s.key}: {len(s.rows)} rows")
            self.stderr.write(f"Rendering {options['format'].upper()} …")
            data = render_pdf(review) if options["format"] == "pdf" else render_xlsx(review)
        try:
            options["output"].write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{options['output']}: {exc.strerror}") from None
        self.stderr.write(f"Wrote {options['output']} ({len(data)} bytes).")
