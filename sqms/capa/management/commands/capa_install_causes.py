"""``sqms capa-install-causes``: put the default cause taxonomy back (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sqms.capa.actions import do_install_default_causes
from sqms.core.choices import Channel


class Command(BaseCommand):
    help = "Create the default causes (three per 6M category) that are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        created = do_install_default_causes(channel=Channel.CLI)
        self.stdout.write(f"created {created} causes")
