"""``sqms import-responses FILE --campaign ID``: import a survey export into a campaign.

Reads LimeSurvey, Qualtrics, SurveyMonkey, Google Forms, 问卷星 and SQMS files. ``--dry-run``
prints what was detected and the proposed mapping and writes nothing. Atomic unless
``--skip-invalid``; the same file is imported once per campaign.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sqms.core.choices import Channel
from sqms.core.models import Site
from sqms.surveys import actions
from sqms.surveys.choices import OverQuota
from sqms.surveys.importers import TOOLS, Mapping
from sqms.surveys.models import Campaign, MappingPreset


class Progress:
    """A progress bar on stderr (only when stderr is a terminal, or when forced)."""

    def __init__(self, stream: Any, total: int | None, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total, enabled
        self.done = 0
        self.start = time.perf_counter()
        self.last = 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if not self.enabled or now - self.last < 0.2:
            return
        self.last = now
        rate = self.done / max(now - self.start, 1e-9)
        if self.total:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(frac * 30)
            self.stream.write(
                f"\r[{bar:<30}] {self.done:,}/{self.total:,} " + _("rows") + f"  {rate:,.0f}/s"
            )
        else:
            self.stream.write(f"\r{self.done:,} " + _("rows") + f"  {rate:,.0f}/s")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.done:
            self.last = 0
            self(0)
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Import survey responses from a file into a campaign."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--campaign", type=int, required=True, help="campaign id")
        parser.add_argument("--mapping", help="name of a saved mapping preset, or a JSON file")
        parser.add_argument(
            "--format", choices=TOOLS, help="the tool that made the file (default: detect)"
        )
        parser.add_argument("--site", help="site code for rows without a site column")
        parser.add_argument(
            "--over-quota",
            choices=[c.value for c in OverQuota],
            default=OverQuota.REFUSE.value,
            help="rows past a site's quota: refuse the file (default) or store the rows that "
            "fit and report the others",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import valid rows, list the others"
        )
        parser.add_argument(
            "--include-incomplete", action="store_true", help="also import incomplete responses"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be imported; write nothing"
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="show the progress bar even when not on a terminal",
        )
        parser.add_argument(
            "--rejects", help="write refused rows with their reasons to this CSV file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if not os.path.exists(path):
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        campaign = (
            Campaign.objects.select_related("instrument").filter(pk=options["campaign"]).first()
        )
        if campaign is None:
            raise CommandError(_("no campaign with id %(id)s") % {"id": options["campaign"]})
        mapping = None
        if options["mapping"]:
            preset = MappingPreset.objects.filter(name=options["mapping"]).first()
            if preset is not None:
                mapping = Mapping.from_json(preset.mapping)
            elif os.path.exists(options["mapping"]):
                with open(options["mapping"], encoding="utf-8") as f:
                    mapping = Mapping.from_json(json.load(f))
            else:
                raise CommandError(
                    _("no mapping preset or file named “%(name)s”") % {"name": options["mapping"]}
                )
        site = None
        if options["site"]:
            site = Site.objects.filter(code__iexact=options["site"]).first()
            if site is None:
                raise CommandError(_("unknown site code “%(code)s”") % {"code": options["site"]})
        total = None
        if path.lower().endswith(".csv") and os.path.getsize(path) < 2_000_000_000:
            total = None  # counting lines costs a pass; the bar shows rows and speed instead
        progress = Progress(sys.stderr, total, options["progress"] or sys.stderr.isatty())
        started = time.perf_counter()
        try:
            report = actions.do_import_file(
                campaign,
                path,
                os.path.basename(path),
                acting_user=None,
                channel=Channel.CLI,
                mapping=mapping,
                expected_tool=options["format"],
                default_site=site,
                skip_invalid=options["skip_invalid"],
                over_quota=options["over_quota"],
                dry_run=options["dry_run"],
                include_incomplete=options["include_incomplete"],
                progress=progress,
            )
        except actions.ImportRefused as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 — show validation and permission errors plainly
            from django.core.exceptions import PermissionDenied, ValidationError

            if isinstance(exc, ValidationError | PermissionDenied):
                raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
            raise
        progress.finish()
        elapsed = time.perf_counter() - started
        out = self.stdout
        if report.already:
            when = report.batch.created_at.strftime("%Y-%m-%d %H:%M") if report.batch else "?"
            out.write(
                _("This file was already imported into campaign %(id)s on %(when)s; nothing added.")
                % {"id": campaign.pk, "when": when}
            )
            return
        counts = report.counts
        sep = {"\t": "TAB", None: "-"}.get(report.separator, report.separator)
        out.write(_("Tool: %(tool)s") % {"tool": report.tool_name or report.tool})
        out.write(_("Encoding: %(encoding)s") % {"encoding": report.encoding})
        out.write(_("Separator: %(separator)s") % {"separator": sep})
        out.write(
            _("Responses: %(complete)s complete, %(incomplete)s incomplete, %(test)s test/spam")
            % {
                "complete": counts.get("complete", 0),
                "incomplete": counts.get("incomplete", 0),
                "test": counts.get("test", 0),
            }
        )
        for warning in report.warnings:
            out.write(_("Warning: %(warning)s") % {"warning": warning})
        if options["dry_run"]:
            out.write(_("Mapping (column -> question):"))
            for column, target in report.mapping.columns.items():
                out.write(f"  {column} -> {target}")
            for target, labels in report.mapping.labels.items():
                shown = ", ".join(f"{k}={v}" for k, v in list(labels.items())[:8])
                out.write(
                    "  " + _("labels %(target)s: %(labels)s") % {"target": target, "labels": shown}
                )
            unmapped = [
                _shorten(" ".join(c.key.split()), 60)
                for c in report.columns
                if c.key not in report.mapping.columns
            ]
            if unmapped:
                shown = ", ".join(unmapped[:30]) + (" …" if len(unmapped) > 30 else "")
                out.write(_("Not mapped: %(columns)s") % {"columns": shown})
        self._write_errors(report, options)
        if options["dry_run"]:
            out.write(
                _("Dry run: %(n)s rows have problems; nothing was written.")
                % {"n": report.rejected}
            )
            return
        if report.batch is None:
            raise CommandError(
                _(
                    "nothing imported: %(n)s rows have problems (use --skip-invalid to import "
                    "the others)"
                )
                % {"n": report.rejected}
            )
        rate = report.imported / elapsed if elapsed > 0 else 0.0
        out.write(
            _(
                "Imported %(imported)s responses into campaign %(id)s in %(seconds)s s "
                "(%(rate)s/s); %(skipped)s already stored; %(rejected)s rows refused."
            )
            % {
                "imported": report.imported,
                "id": campaign.pk,
                "seconds": f"{elapsed:.1f}",
                "rate": f"{rate:,.0f}",
                "skipped": report.skipped,
                "rejected": report.rejected,
            }
        )
        if report.over_quota:
            out.write(
                _("%(n)s rows were left out because their site's quota was full.")
                % {"n": report.over_quota}
            )

    def _write_errors(self, report: Any, options: dict[str, Any]) -> None:
        errors = report.errors
        for row, column, message in ((p.row, p.column, p.message) for p in errors[:50]):
            line = (
                message
                if str(message).startswith("row ")
                else _("row %(row)s, column %(column)s: %(message)s")
                % {"row": row, "column": column, "message": message}
            )
            self.stderr.write(line)
        if len(errors) > 50:
            self.stderr.write(_("… and %(n)s more problems") % {"n": len(errors) - 50})
        if options.get("rejects") and errors:
            with open(options["rejects"], "w", encoding="utf-8-sig", newline="") as f:
                f.write(actions.rejects_csv(errors))
            self.stderr.write(_("Rejected rows listed in %(path)s") % {"path": options["rejects"]})


def _shorten(text: str, width: int) -> str:
    """A column heading cut to ``width`` characters (survey tools put whole paragraphs there)."""
    return text if len(text) <= width else text[: width - 1] + "…"
