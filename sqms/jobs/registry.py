"""Periodic jobs: a registry other apps add to, and the runner ``sqms tick`` and the worker use.

An app declares its jobs in ``<app>/periodic.py`` (found at start-up)::

    from datetime import datetime, timedelta
    from sqms.jobs.registry import periodic

    @periodic("complaints.escalate", every=timedelta(minutes=1))
    def escalate(now: datetime) -> int:
        return actions.do_escalate_overdue(now, acting_user=None, channel=Channel.SCHEDULER)

A job is a plain function ``(now) -> int`` (how many things it did) that must be idempotent.
Each job has a ``JobRun`` row: a runner claims it in a short transaction (``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the immediate transaction takes the database's
write lock, which serialises the claims) by setting ``lease_until``, runs the job outside any
transaction — so the job's own actions can be durable transactions — and releases it with the
result. Two ticks at once therefore never run the same job twice; a runner that dies leaves a
lease that expires after ``LEASE``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sqms.jobs.choices import JobStatus
from sqms.jobs.models import JobRun

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
JobFunc = Callable[[datetime], int]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: JobFunc
    every: timedelta
    description: str = ""


@dataclass(frozen=True)
class JobOutcome:
    name: str
    status: str  # "ok" | "error" | "busy" (another runner has it) | "not_due"
    result: int | None = None
    error: str = ""
    next_due: datetime | None = None

    def line(self) -> str:
        if self.status == "ok":
            return f"{self.name}: ok, {self.result}"
        if self.status == "error":
            return f"{self.name}: error: {self.error}"
        if self.status == "busy":
            return f"{self.name}: skipped, running elsewhere"
        due = self.next_due.isoformat(timespec="seconds") if self.next_due else "?"
        return f"{self.name}: skipped, next due {due}"


_registry: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: timedelta, description: str = "") -> Callable[[JobFunc], JobFunc]:
    """Register ``func(now) -> int`` to run every ``every`` (at most once a minute in the
    worker; each ``sqms tick`` runs the jobs that are due)."""
    if every <= timedelta(0):
        raise ValueError(f"periodic job {name!r}: every must be positive")

    def register(func: JobFunc) -> JobFunc:
        known = _registry.get(name)
        same = known is not None and (known.func.__module__, known.func.__qualname__) == (
            func.__module__,
            func.__qualname__,
        )
        if known is not None and not same:
            raise ValueError(f"periodic job {name!r} is already registered by {known.func!r}")
        _registry[name] = PeriodicJob(name, func, every, description or (func.__doc__ or ""))
        return func

    return register


def unregister(name: str) -> None:
    """Remove a job (tests)."""
    _registry.pop(name, None)


def registered() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda j: j.name)


def _row(name: str) -> JobRun:
    try:
        with transaction.atomic():
            return JobRun.objects.get_or_create(name=name)[0]
    except IntegrityError:  # created by a concurrent runner
        return JobRun.objects.get(name=name)


def _claim(job: PeriodicJob, now: datetime, force: bool) -> JobOutcome | None:
    """Take the job's lease, or say why not (None = claimed)."""
    _row(job.name)
    with transaction.atomic():
        row = JobRun.objects.select_for_update(skip_locked=True).filter(name=job.name).first()
        if row is None or (row.lease_until is not None and row.lease_until > now):
            return JobOutcome(job.name, "busy")
        if not force and row.last_started_at is not None:
            due = row.last_started_at + job.every
            if due > now + timedelta(seconds=1):  # a tick a second early still counts
                return JobOutcome(job.name, "not_due", next_due=due)
        JobRun.objects.filter(pk=row.pk).update(lease_until=now + LEASE, last_started_at=now)
    return None


def run_job(job: PeriodicJob, now: datetime | None = None, *, force: bool = False) -> JobOutcome:
    """Run one job if it is due (or ``force``) and no other runner has it."""
    now = now or timezone.now()
    refused = _claim(job, now, force)
    if refused is not None:
        return refused
    result: int | None = None
    error = ""
    try:
        result = int(job.func(now))
    except Exception as exc:  # a failing job must not stop the others
        log.exception("periodic job %s failed", job.name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    JobRun.objects.filter(name=job.name).update(
        lease_until=None,
        last_finished_at=timezone.now(),
        last_status=JobStatus.ERROR if error else JobStatus.OK,
        last_result=result,
        last_error=error,
        run_count=F("run_count") + 1,
    )
    return JobOutcome(job.name, "error" if error else "ok", result=result, error=error)


def run_due_jobs(
    now: datetime | None = None, *, force: bool = False, names: list[str] | None = None
) -> list[JobOutcome]:
    """Run every registered job that is due (all of them with ``force``), one after another."""
    now = now or timezone.now()
    jobs = registered()
    if names is not None:
        unknown = sorted(set(names) - {j.name for j in jobs})
        if unknown:
            raise KeyError(f"unknown periodic job(s): {', '.join(unknown)}")
        jobs = [j for j in jobs if j.name in names]
    return [run_job(job, now, force=force) for job in jobs]
