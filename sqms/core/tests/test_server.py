"""`sqms serve`: gunicorn options from the environment, SQLite tuned for concurrent writers,
and a real server process answering on loopback with static files from whitenoise.

The concurrency figures themselves are measured by bench/load.py, not here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sqms.config import parse_database_url
from sqms.core import server

ROOT = Path(__file__).resolve().parents[3]


def test_options_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMS_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("SQMS_WORKERS", "3")
    monkeypatch.setenv("SQMS_THREADS", "6")
    monkeypatch.setenv("SQMS_TIMEOUT", "45")
    options = server.options_from_env()
    assert (options.bind, options.workers, options.threads, options.timeout) == (
        "0.0.0.0:9000",
        3,
        6,
        45,
    )
    assert options.connections == 18
    # The command line wins over the environment.
    assert server.options_from_env(bind="127.0.0.1:8123", workers=2).bind == "127.0.0.1:8123"
    assert server.options_from_env(workers=2).workers == 2


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMS_THREADS", "many")
    with pytest.raises(ImproperlyConfigured, match="SQMS_THREADS='many' is not a whole number"):
        server.options_from_env()
    monkeypatch.setenv("SQMS_THREADS", "4")
    monkeypatch.setenv("SQMS_WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match="SQMS_WORKERS=0 must be at least 1"):
        server.options_from_env()


def test_gunicorn_runs_threaded_workers_with_the_options() -> None:
    options = server.ServerOptions(
        bind="127.0.0.1:8001", workers=4, threads=8, timeout=30, backlog=4096, max_requests=500
    )
    config = server.gunicorn_settings(options)
    assert config["worker_class"] == "gthread"
    assert (config["workers"], config["threads"], config["bind"]) == (4, 8, ["127.0.0.1:8001"])
    assert (config["backlog"], config["worker_connections"]) == (4096, 4096)
    assert (config["max_requests"], config["max_requests_jitter"]) == (500, 50)
    assert config["preload_app"] is False  # workers open their own database connections
    assert config["limit_request_line"] == 8190  # long filter URLs reach Django


def test_sqlite_waits_for_the_write_lock_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SQMS_SQLITE_BUSY_TIMEOUT", "7")
    db = parse_database_url("sqlite:///var/x.sqlite3", Path("/srv"))
    options = db["OPTIONS"]
    assert isinstance(options, dict)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 7
    assert "journal_mode=WAL" in options["init_command"]


def test_postgresql_connections_are_reused_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMS_DB_CONN_MAX_AGE", "120")
    db = parse_database_url("postgresql://u@127.0.0.1:5432/sqms", Path("/"))
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (120, True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 (loopback only)
        return resp.status, dict(resp.headers), resp.read()


@pytest.mark.skipif(sys.platform != "linux", reason="gunicorn runs on POSIX systems")
def test_sqms_serve_answers_pages_and_static_files(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        SQMS_VAR_DIR=str(tmp_path / "var"),
        SQMS_DEBUG="false",
        SQMS_SECRET_KEY="test-" + "k" * 50,
        SQMS_ALLOWED_HOSTS="127.0.0.1",
        SQMS_SSL_REDIRECT="false",
        SQMS_WORKERS="2",
        SQMS_THREADS="2",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run(
        [sys.executable, "-m", "sqms.cli", "migrate", "--verbosity", "0"], env=env, check=True
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "sqms.cli", "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _headers, body = _get(f"http://127.0.0.1:{port}/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 200
        page = body.decode()
        # Production storage: whitenoise serves the collected file under its hashed name.
        start = page.index("/static/sqms/sqms.")
        css = page[start : page.index('"', start)]
        assert css != "/static/sqms/sqms.css" and css.endswith(".css")
        status, headers, content = _get(f"http://127.0.0.1:{port}{css}")
        assert status == 200
        assert b"{" in content
        assert "max-age=315360000" in headers.get("Cache-Control", "")
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode()
    assert "2 workers × 2 threads" in output
    assert "gthread" in output
