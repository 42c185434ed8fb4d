"""``sqms serve``: the production web server (gunicorn, threaded workers, whitenoise)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.core.server import serve


class Command(BaseCommand):
    help = (
        "Start the web server (default http://127.0.0.1:8000): gunicorn with several threaded "
        "workers and static files through whitenoise. SQMS_BIND, SQMS_WORKERS, SQMS_THREADS, "
        "SQMS_TIMEOUT and SQMS_BACKLOG configure it (docs/configuration.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", default=None, help="Address and port (default: SQMS_BIND)."
        )
        parser.add_argument("--workers", type=int, default=None, help="Worker processes.")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's single-process development server instead (no gunicorn).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers must be 1 or more.")
        serve(self.stdout, bind=options["addrport"], workers=options["workers"], dev=options["dev"])
