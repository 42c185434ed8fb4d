"""``sqms install-instruments``: create the built-in survey instruments (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sqms.core.choices import Channel
from sqms.surveys import actions


class Command(BaseCommand):
    help = "Install the built-in instruments: SERVQUAL, SERVPERF, zone of tolerance, CSAT, NPS, gap-model surveys."

    def handle(self, *args: Any, **options: Any) -> None:
        created = actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
        if created:
            self.stdout.write(
                f"Installed {len(created)} instruments: {', '.join(i.code for i in created)}."
            )
        else:
            self.stdout.write("The built-in instruments are already installed; nothing changed.")
