"""huey tasks: the outbox kick and the once-a-minute run of the periodic-job registry.

In the worker each task starts and ends by closing stale database connections (as a request
does); in immediate mode the task runs inside the caller's request, whose connection it
leaves alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import close_old_connections
from huey import crontab

from sqms.jobs.huey_app import huey

T = TypeVar("T")


def _in_worker(func: Callable[[], T]) -> T:
    if huey.immediate:
        return func()
    close_old_connections()
    try:
        return func()
    finally:
        close_old_connections()


@huey.task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def deliver_outbox_task() -> int:
    from sqms.jobs.outbox import deliver_due

    return _in_worker(lambda: deliver_due().total)


@huey.periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey is untyped
def run_periodic_jobs() -> int:
    from sqms.jobs.registry import run_due_jobs

    return _in_worker(lambda: sum(1 for o in run_due_jobs() if o.status == "ok"))
