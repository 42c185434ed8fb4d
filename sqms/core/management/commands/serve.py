"""``sqms serve``: the production web server (gunicorn, threaded workers, whitenoise)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.core import server


def serve(
    stdout: Any, *, bind: str | None = None, workers: int | None = None, dev: bool = False
) -> None:
    """Collect static files, then run the server in the foreground until stopped."""
    if dev:
        call_command(
            "runserver", bind or "127.0.0.1:8000", insecure_serving=True, use_reloader=False
        )
        return
    options = server.options_from_env(bind=bind, workers=workers)
    call_command("collectstatic", interactive=False, verbosity=0)
    stdout.write(
        f"SQMS on http://{options.bind}/ — {options.workers} workers × {options.threads} threads "
        f"(database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). Ctrl+C stops."
    )
    server.run(options)


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
