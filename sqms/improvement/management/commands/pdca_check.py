"""``sqms pdca-check --project CODE [--run] [--lang zh-hans|en]``: print a PDCA project's
before/after figures, the significance test and the proposed verdict. Without ``--run`` it
measures without saving; with ``--run`` (project in the Check stage) it stores the result."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from sqms.core.choices import Channel
from sqms.improvement import actions
from sqms.improvement.models import PdcaProject
from sqms.improvement.pdca_check import measure, summary_lines


class Command(BaseCommand):
    help = "Print a PDCA project's Check: KPI before vs after, the test and the verdict."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="the project's code")
        parser.add_argument("--run", action="store_true", help="store the result (Check stage)")
        parser.add_argument("--lang", default=None, help="language of the labels (en, zh-hans)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            p = PdcaProject.objects.select_related("kpi").filter(code=options["project"]).first()
            if p is None:
                raise CommandError(_("No PDCA project %(code)s.") % {"code": options["project"]})
            kpi, b0, b1, a0, a1 = p.kpi, p.baseline_from, p.baseline_to, p.after_from, p.after_to
            if kpi is None or b0 is None or b1 is None:
                raise CommandError(_("%(code)s has no baseline KPI and period.") % {"code": p.code})
            if a0 is None or a1 is None:
                raise CommandError(_("%(code)s has no after period.") % {"code": p.code})
            if options["run"]:
                try:
                    p = actions.do_run_check(p, acting_user=None, channel=Channel.CLI)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
                result = p.check_result
            else:
                result = measure(kpi, p.unit_key, (b0, b1), (a0, a1), p.target)
            self.stdout.write(f"{p.code} {p.title} — {kpi.code} {p.unit_label}")
            for line in summary_lines(result):
                self.stdout.write(line)
