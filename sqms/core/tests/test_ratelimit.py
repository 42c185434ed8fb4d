"""The shared fixed-window counter: exact under concurrent hits, and old windows cleared."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from sqms.core import ratelimit
from sqms.core.models import RateCounter


@pytest.mark.django_db
def test_the_limit_holds_exactly_and_ended_windows_are_cleared(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    now = 1_800_000_000  # a window boundary: 1,800,000,000 is a multiple of 60
    monkeypatch.setattr(time, "time", lambda: now + 5)
    assert [ratelimit.hit("k", 3) for _ in range(5)] == [True, True, True, False, False]
    assert ratelimit.hit("other", 3) is True  # keys count apart
    assert ratelimit.seconds_left() == 55
    monkeypatch.setattr(time, "time", lambda: now + 65)  # the next window
    assert ratelimit.hit("k", 3) is True
    assert sorted(RateCounter.objects.values_list("key", "hits")) == [(f"k:{now // 60 + 1}", 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_never_pass_more_than_the_limit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # the shared in-memory test database locks tables instead of waiting; a SQLite file
        # serializes writers, so the upsert is exact there as well
        pytest.skip("concurrent writers need PostgreSQL or a SQLite file")
    monkeypatch.setattr(time, "time", lambda: 1_800_000_005)  # all hits in one window
    passed: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def worker() -> None:
        start.wait()
        mine = [ratelimit.hit("burst", 50) for _ in range(20)]
        with lock:
            passed.extend(mine)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(passed) == 120 and passed.count(True) == 50
