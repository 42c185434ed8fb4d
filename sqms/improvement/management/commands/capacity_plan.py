"""``sqms capacity-plan --site CODE [--csv FILE] [--lang zh-hans|en] [--all]``: print a site's
capacity plan (Erlang C staff needed per hour of the week, with the roster and gap)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from sqms.core.models import Site
from sqms.improvement.capacity import plan_cells, plan_for_site, plan_header


def _text(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


class Command(BaseCommand):
    help = "Print a site's capacity plan; --csv also writes it to a CSV file (UTF-8 with BOM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="the site's code")
        parser.add_argument("--csv", type=Path, help="write the whole plan (168 hours) here")
        parser.add_argument("--lang", default=None, help="language of the labels (en, zh-hans)")
        parser.add_argument(
            "--all", action="store_true", help="print every hour, not only busy or rostered ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            self._plan(options)

    def _plan(self, options: dict[str, Any]) -> None:
        site = Site.objects.filter(code__iexact=options["site"]).first()
        if site is None:
            raise CommandError(_("No site with code %(code)r.") % {"code": options["site"]})
        plan = plan_for_site(site)
        if plan is None:
            raise CommandError(_("%(site)s has no arrival profile yet.") % {"site": site.code})
        header = plan_header()
        rows = [plan_cells(r) for r in plan.rows]
        if options["csv"]:
            try:
                with options["csv"].open("w", encoding="utf-8-sig", newline="") as f:
                    writer = csv.writer(f)
                    writer.writerow(header)
                    writer.writerows(rows)
            except OSError as exc:
                raise CommandError(f"{options['csv']}: {exc.strerror}") from None
        shown = [
            [_text(c) for c in cells]
            for r, cells in zip(plan.rows, rows, strict=True)
            if options["all"] or r.arrivals > 0 or (r.rostered or 0) > 0
        ]
        widths = [max(len(str(h)), *(len(row[i]) for row in shown)) for i, h in enumerate(header)]
        self.stdout.write("  ".join(str(h).rjust(w) for h, w in zip(header, widths, strict=True)))
        for row in shown:
            self.stdout.write("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        p = plan.profile
        self.stdout.write(
            _(
                "%(site)s: target %(level)s %% within %(t)d s, handling time %(h)d s, "
                "shrinkage %(s)s %%; %(need)d staff-hours to roster"
            )
            % {
                "site": site.code,
                "level": f"{float(p.target_level):g}",
                "t": p.target_seconds,
                "h": p.handling_time,
                "s": f"{float(p.shrinkage):g}",
                "need": plan.staff_hours_needed,
            }
        )
        if plan.roster is not None:
            self.stdout.write(
                _("%(r)d rostered; %(u)d hour(s) under-staffed, %(o)d over-staffed")
                % {"r": plan.staff_hours_rostered, "u": plan.hours_under, "o": plan.hours_over}
            )
