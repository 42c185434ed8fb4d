"""Configuration from environment variables: typed readers and start-up errors naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sqms.config import env_bool, env_int, env_secret, parse_database_url

ROOT = Path(__file__).resolve().parents[3]


def test_sqlite_url_is_relative_to_the_project_and_uses_wal() -> None:
    db = parse_database_url("sqlite:///var/sqms.sqlite3", Path("/srv/sqms"))
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/sqms/var/sqms.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]  # type: ignore[index]
    absolute = parse_database_url("sqlite:////tmp/x.sqlite3", Path("/srv/sqms"))
    assert absolute["NAME"] == "/tmp/x.sqlite3"


def test_postgresql_url_gives_each_part() -> None:
    db = parse_database_url(
        "postgresql://sqms:p%40ss@db.local:5433/quality?sslmode=require", Path("/")
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "quality",
        "sqms",
        "p@ss",
        "db.local",
        "5433",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://x@y/z", "not supported"),
        ("postgresql://u@host:abc/db", "port"),
        ("postgresql://u@host:5432/", "no database name"),
        ("nonsense", "not supported"),
    ],
)
def test_malformed_database_url_names_the_variable(url: str, words: str) -> None:
    with pytest.raises(ImproperlyConfigured) as err:
        parse_database_url(url, Path("/"))
    assert "DATABASE_URL" in str(err.value) and words in str(err.value)


def test_typed_readers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SQMS_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SQMS_DEBUG='maybe' is not a boolean"):
        env_bool("SQMS_DEBUG", True)
    monkeypatch.setenv("SQMS_DEBUG", "False")
    assert env_bool("SQMS_DEBUG", True) is False
    monkeypatch.setenv("SQMS_SURVEY_MIN_N", "0")
    with pytest.raises(ImproperlyConfigured, match="SQMS_SURVEY_MIN_N=0 must be at least 1"):
        env_int("SQMS_SURVEY_MIN_N", 5, minimum=1)
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SQMS_SECRET_KEY_FILE", str(secret))
    assert env_secret("SQMS_SECRET_KEY", None) == "from-a-file"
    monkeypatch.setenv("SQMS_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SQMS_SECRET_KEY_FILE"):
        env_secret("SQMS_SECRET_KEY", None)


def _run_sqms(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SQMS_", "DJANGO_"))}
    environment.update(env)
    environment.setdefault("DATABASE_URL", "sqlite:////tmp/sqms-config-test.sqlite3")
    return subprocess.run(
        [sys.executable, "-m", "sqms.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def test_bad_value_stops_start_up_with_the_variable_named() -> None:
    result = _run_sqms(["check"], DATABASE_URL="mysql://nope/x")
    assert result.returncode == 2
    assert "DATABASE_URL='mysql://nope/x' is not supported" in result.stderr
    result = _run_sqms(["check"], SQMS_TIME_ZONE="Mars/Olympus")
    assert result.returncode == 2 and "SQMS_TIME_ZONE" in result.stderr
    result = _run_sqms(["check"], SQMS_DEBUG="false")
    assert result.returncode == 2 and "SQMS_SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = _run_sqms(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SQMS_DEBUG="false",
        SQMS_SECRET_KEY="a" * 10 + "-long-random-production-secret-" + "Zq8x" * 8,
        SQMS_ALLOWED_HOSTS="sqms.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_cli_help_lists_every_command() -> None:
    result = _run_sqms(["--help"])
    assert result.returncode == 0
    for name in ("demo", "serve", "migrate", "createuser", "check", "import-responses"):
        assert name in result.stdout
    demo_help = _run_sqms(["demo", "--help"])
    assert (
        "--no-serve" in demo_help.stdout
        and "--reset" in demo_help.stdout
        and "--scale" in demo_help.stdout
    )
