"""``sqms demo``: migrate, load the demo organization and start the server."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from sqms.core.server import serve
from sqms.demo import load


class Command(BaseCommand):
    help = (
        "Create the database if needed, load a deterministic demo organization (a retail chain "
        "with regions, stores, users for every role and a year of surveys, complaints, "
        "inspections, CAPA, capacity plans, service standards, KPIs and quality objectives), "
        "print one login "
        "per role and start the web server on http://127.0.0.1:8000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the data, then exit instead of serving."
        )
        parser.add_argument(
            "--locale",
            choices=["zh-hans", "en"],
            default="zh-hans",
            help="Chinese chain with Chinese names (zh-hans, default) or an English-named one (en).",
        )
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply stores and survey volume (default 1)."
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete all existing data first and load afresh."
        )
        parser.add_argument(
            "--addrport",
            default=None,
            help="Where to serve (default: SQMS_BIND or 127.0.0.1:8000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] < 1:
            self.stderr.write("--scale must be 1 or more.")
            raise SystemExit(2)
        call_command("migrate", interactive=False, verbosity=0)
        translation.activate(options["locale"])
        if options["reset"] and load.already_loaded():
            load.reset_database(self.stdout)
        if load.already_loaded():
            self.stdout.write(
                "The database already holds data; nothing was changed. Use --reset to rebuild it."
            )
        else:
            started = time.monotonic()
            load.load_demo(
                locale=options["locale"],
                scale=options["scale"],
                seed=options["seed"],
                out=self.stdout,
            )
            self.stdout.write(f"Demo loaded in {time.monotonic() - started:.1f} s.")
        self.stdout.write("Demo logins:")
        for line in load.login_lines():
            self.stdout.write(line)
        if not options["no_serve"]:
            serve(self.stdout, bind=options["addrport"])
