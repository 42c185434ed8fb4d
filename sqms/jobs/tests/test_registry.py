"""The periodic-job registry: ``sqms tick`` runs each due job once and records it; a job that
another runner holds is skipped; on PostgreSQL two ticks at once run a job once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from sqms.jobs.models import JobRun
from sqms.jobs.registry import periodic, registered, run_due_jobs, run_job, unregister

calls: list[datetime] = []


@pytest.fixture
def counting_job() -> Iterator[Any]:
    calls.clear()

    @periodic("test.count", every=timedelta(minutes=5))
    def count(now: datetime) -> int:
        calls.append(now)
        return 3

    yield next(j for j in registered() if j.name == "test.count")
    unregister("test.count")


def test_the_outbox_job_is_registered() -> None:
    names = [j.name for j in registered()]
    assert "jobs.deliver_outbox" in names


def test_duplicate_names_are_refused(counting_job: Any) -> None:
    with pytest.raises(ValueError, match="already registered"):

        @periodic("test.count", every=timedelta(minutes=1))
        def other(now: datetime) -> int:
            return 0


@pytest.mark.django_db
def test_tick_runs_each_job_once_and_records_it(counting_job: Any) -> None:
    out = StringIO()
    call_command("tick", stdout=out)
    lines = out.getvalue().splitlines()
    assert "test.count: ok, 3" in lines
    assert "jobs.deliver_outbox: ok, 0" in lines
    assert len(lines) == len(registered())
    run = JobRun.objects.get(name="test.count")
    assert (run.last_status, run.last_result, run.run_count, run.lease_until) == ("ok", 3, 1, None)
    assert len(calls) == 1
    again = StringIO()
    call_command("tick", stdout=again)
    assert any(
        line.startswith("test.count: skipped, next due ") for line in again.getvalue().splitlines()
    )
    assert len(calls) == 1
    call_command("tick", "--force", "--job", "test.count", stdout=StringIO())
    assert len(calls) == 2
    listing = StringIO()
    call_command("tick", "--list", stdout=listing)
    assert any(
        line.startswith("test.count  every 0:05:00  last ")
        for line in listing.getvalue().splitlines()
    )
    with pytest.raises(CommandError, match="unknown periodic job"):
        call_command("tick", "--job", "nope")


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_others_still_run(counting_job: Any) -> None:
    @periodic("test.broken", every=timedelta(minutes=1))
    def broken(now: datetime) -> int:
        raise ZeroDivisionError("boom")

    try:
        out = StringIO()
        with pytest.raises(CommandError, match="some jobs failed"):
            call_command("tick", stdout=out)
        assert "test.broken: error: ZeroDivisionError: boom" in out.getvalue()
        assert "test.count: ok, 3" in out.getvalue()
        run = JobRun.objects.get(name="test.broken")
        assert (run.last_status, run.last_error, run.lease_until) == (
            "error",
            "ZeroDivisionError: boom",
            None,
        )
    finally:
        unregister("test.broken")


@pytest.mark.django_db
def test_a_held_lease_skips_the_job_until_it_expires(counting_job: Any) -> None:
    now = timezone.now()
    JobRun.objects.create(name="test.count", lease_until=now + timedelta(minutes=10))
    assert run_job(counting_job, now).status == "busy"
    assert calls == []
    assert run_job(counting_job, now + timedelta(minutes=11)).status == "ok"
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_run_the_job_once(counting_job: Any) -> None:
    """Threads with their own connections claim the same job at the same instant."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises the claim transactions; PostgreSQL shows the row lock")
    gate = threading.Barrier(4)
    seen = threading.Event()
    outcomes: list[str] = []

    @periodic("test.slow", every=timedelta(minutes=1))
    def slow(now: datetime) -> int:
        seen.set()
        threading.Event().wait(0.5)  # still running while the other threads try
        return 1

    def tick() -> None:
        from django.db import connections

        try:
            gate.wait()
            outcomes.extend(o.status for o in run_due_jobs(names=["test.slow"]))
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=tick) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert (
            sorted(outcomes) == ["busy", "busy", "busy", "ok"] or sorted(outcomes).count("ok") == 1
        )
        assert sorted(outcomes) == ["busy", "busy", "busy", "ok"] and seen.is_set()
        assert JobRun.objects.get(name="test.slow").run_count == 1
    finally:
        unregister("test.slow")
