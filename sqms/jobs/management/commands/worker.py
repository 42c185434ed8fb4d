"""``sqms worker``: the huey consumer. It runs the periodic jobs each minute and delivers the
outbox as soon as an action queues a message."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.jobs.huey_app import huey


class Command(BaseCommand):
    help = (
        "Start the background worker (huey consumer): periodic jobs every minute and "
        "notification delivery. Queue storage from SQMS_HUEY_URL (default: a SQLite file in "
        "the var directory). Stop it with Ctrl-C or SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")

    def handle(self, *args: Any, **options: Any) -> None:
        if huey.immediate:
            raise CommandError(
                "SQMS_HUEY_URL=immediate runs tasks in the web process; there is nothing for a "
                "worker to consume. Use the SQLite or Redis queue, or run `sqms tick` from cron."
            )
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        consumer = huey.create_consumer(
            workers=options["workers"],
            worker_type="thread",
            periodic=True,
            check_worker_health=True,
        )
        self.stdout.write(
            f"sqms worker: {options['workers']} thread(s), queue {type(huey).__name__}"
        )
        consumer.run()
