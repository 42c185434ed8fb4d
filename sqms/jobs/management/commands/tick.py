"""``sqms tick``: run the periodic jobs that are due, once (for cron, every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.jobs.models import JobRun
from sqms.jobs.registry import registered, run_due_jobs


class Command(BaseCommand):
    help = (
        "Run each registered periodic job that is due (its interval has passed since its last "
        "run), one line per job. For installations without `sqms worker`: call it from cron "
        "every minute. A job another tick or worker is running is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="list the jobs and their last run")
        parser.add_argument("--force", action="store_true", help="run the jobs even if not due")
        parser.add_argument("--job", action="append", dest="jobs", help="run only this job")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            runs = {r.name: r for r in JobRun.objects.all()}
            for job in registered():
                run = runs.get(job.name)
                last = (
                    f"last {run.last_started_at:%Y-%m-%d %H:%M:%S} {run.last_status} "
                    f"{'' if run.last_result is None else run.last_result} {run.last_error[:80]}"
                    if run is not None and run.last_started_at
                    else "never run"
                )
                self.stdout.write(f"{job.name}  every {job.every}  {last.strip()}")
            return
        try:
            outcomes = run_due_jobs(force=options["force"], names=options["jobs"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        if any(o.status == "error" for o in outcomes):
            raise CommandError("some jobs failed")
