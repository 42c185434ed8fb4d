"""The huey instance: storage from SQMS_HUEY_URL, immediate mode in tests, worker refusal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from huey import MemoryHuey, SqliteHuey

from sqms.jobs.huey_app import huey, make_huey


def test_tests_run_huey_immediately() -> None:
    assert huey.immediate


def test_sqlite_queue_in_the_var_directory(tmp_path: Path) -> None:
    q = make_huey("", tmp_path / "var")
    assert isinstance(q, SqliteHuey) and q.storage.filename == str(
        tmp_path / "var" / "huey.sqlite3"
    )
    assert isinstance(make_huey("immediate", tmp_path), MemoryHuey)


def test_redis_without_the_package_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis → ImportError
    with pytest.raises(ImproperlyConfigured, match="needs the redis package"):
        make_huey("redis://127.0.0.1:6379/0", tmp_path)


def test_unknown_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="is not supported"):
        make_huey("amqp://x", tmp_path)


def test_worker_refuses_immediate_mode() -> None:
    with pytest.raises(CommandError, match="nothing for a worker to consume"):
        call_command("worker")
