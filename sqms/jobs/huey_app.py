"""The huey instance the worker consumes (``sqms worker``) and the web processes enqueue to.

``SQMS_HUEY_URL`` picks the queue storage: empty (the default) is a SQLite file under the var
directory, ``redis://…`` / ``rediss://…`` / ``unix://…`` is Redis (the ``redis`` package must
be installed: it is not a dependency of SQMS), ``immediate`` runs every task at once in the
process that enqueues it (no worker; also what the tests use). The queue only carries "kicks":
the outbox and job tables in the database are the truth, so a lost kick delays a message
until the next periodic run, it never loses it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

NAME = "sqms"


def make_huey(url: str, var_dir: Path) -> Huey:
    url = url.strip()
    if url in ("", "sqlite"):
        var_dir.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(NAME, filename=str(var_dir / "huey.sqlite3"))
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        path = path if path.is_absolute() else var_dir.parent / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(NAME, filename=str(path))
    if url == "immediate":
        return MemoryHuey(NAME, immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ImproperlyConfigured(
                f"SQMS_HUEY_URL={url!r} needs the redis package, which SQMS does not install: "
                "pip install redis (or leave SQMS_HUEY_URL empty for the SQLite queue)."
            ) from None
        return RedisHuey(NAME, url=url)
    raise ImproperlyConfigured(
        f"SQMS_HUEY_URL={url!r} is not supported; leave it empty (SQLite file in the var "
        "directory), or use sqlite:///path, redis://host:6379/0 or immediate."
    )


huey = make_huey(settings.SQMS_HUEY_URL, Path(settings.VAR_DIR))
