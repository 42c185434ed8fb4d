"""Typed readers for the environment variables that configure SQMS.

Each reader names the variable in its error, so a bad value stops start-up with a message a
person can act on. docs/configuration.md lists every variable.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_decimal(name: str, default: str, minimum: str | None = None) -> Decimal:
    """A decimal amount (money): ``500`` or ``499.50``."""
    raw = os.environ.get(name)
    text = default if raw is None else raw.strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not value.is_finite() or (minimum is not None and value < Decimal(minimum)):
        raise ImproperlyConfigured(f"{name}={raw!r} must be a number of at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def env_secret(name: str, default: str | None) -> str | None:
    """Read a secret from NAME, or from the file that NAME_FILE points to."""
    file_var = f"{name}_FILE"
    path = os.environ.get(file_var)
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{file_var}={path!r} cannot be read: {exc.strerror}."
            ) from None
        if not value:
            raise ImproperlyConfigured(f"{file_var}={path!r} points to an empty file.")
        return value
    return os.environ.get(name, default)


def parse_database_url(url: str, base_dir: Path, name: str = "DATABASE_URL") -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgresql://user:pw@host:port/db`` into Django settings."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw_path = unquote(url[len("sqlite://") :])
        if raw_path.startswith("/") and not raw_path.startswith("//"):
            raw_path = raw_path[1:]  # sqlite:///var/x.db is relative; sqlite:////abs/x.db absolute
        elif raw_path.startswith("//"):
            raw_path = raw_path[1:]
        if not raw_path:
            raise ImproperlyConfigured(f"{name}={url!r} gives no database file path.")
        path = Path(raw_path)
        if raw_path != ":memory:" and not path.is_absolute():
            path = base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path) if raw_path != ":memory:" else ":memory:",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                # Concurrent writers wait up to this long for the write lock, instead of
                # failing with "database is locked"; BEGIN IMMEDIATE takes it up front.
                "timeout": env_int("SQMS_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname:
            raise ImproperlyConfigured(f"{name}={url!r} gives no database name after the host.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has a port that is not a number.") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": dbname,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(port or ""),
            "OPTIONS": options,
            # Each server thread keeps its connection between requests (checked before reuse).
            "CONN_MAX_AGE": env_int("SQMS_DB_CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"{name}={url!r} is not supported; use sqlite:///path/to/file.sqlite3 "
        "or postgresql://user:password@host:5432/dbname."
    )
