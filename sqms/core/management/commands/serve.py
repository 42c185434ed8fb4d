"""``sqms serve``: the built-in web server, with static files, for one machine."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Start the web server (default http://127.0.0.1:8000). It is a single-process server "
        "for one machine; in production run sqms.wsgi:application under a WSGI server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="Address and port to listen on."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("runserver", options["addrport"], insecure_serving=True, use_reloader=False)
