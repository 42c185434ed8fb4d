"""``sqms compute-kpis``: recompute the recent periods of the computed KPIs (what the daily
job kpis.compute does), printing one line per KPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sqms.core.choices import Channel
from sqms.kpis.actions import do_compute_kpis
from sqms.kpis.models import Kpi


class Command(BaseCommand):
    help = (
        "Recompute the current and recent periods of every active computed KPI (or one) for "
        "each site, region and the organization, then judge the points against frozen limits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kpi", help="the code of one KPI (default: every active one)")
        parser.add_argument(
            "--periods-back",
            type=int,
            help="how many periods before the current one (default: 35 days, 10 weeks, 3 months)",
        )
        parser.add_argument("--now", help="compute as of this moment (ISO 8601); default now")

    def handle(self, *args: Any, **options: Any) -> None:
        kpi = None
        if options["kpi"]:
            kpi = Kpi.objects.filter(code=options["kpi"]).first()
            if kpi is None:
                raise CommandError(f"--kpi: no KPI with the code {options['kpi']!r}")
            if not kpi.is_computed:
                raise CommandError(f"--kpi: {kpi.code} is entered, not computed")
        back = options["periods_back"]
        if back is not None and not 0 <= back <= 3660:
            raise CommandError("--periods-back: give a number from 0 to 3660")
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 moment: {options['now']!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = do_compute_kpis(
            kpi,
            periods_back=back,
            now=now,
            acting_user=None,
            channel=Channel.CLI,
            progress=lambda line: self.stdout.write(line),
        )
        self.stdout.write(report.summary())
