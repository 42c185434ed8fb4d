"""Fixed-window rate limits counted in the database, so every server process sees the same
counters: one atomic upsert per hit (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on SQLite
≥ 3.35 and PostgreSQL alike), so concurrent requests cannot slip past the limit together."""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpRequest

from sqms.core.models import RateCounter

_TABLE = connection.ops.quote_name(RateCounter._meta.db_table)
_KEY = connection.ops.quote_name("key")
_UPSERT = (
    f"INSERT INTO {_TABLE} ({_KEY}, hits, expires_at) VALUES (%s, 1, %s) "
    f"ON CONFLICT ({_KEY}) DO UPDATE SET hits = {_TABLE}.hits + 1 RETURNING hits"
)


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit on ``key``; False when the limit for the current window is exceeded."""
    now = int(time.time())
    window = now // window_seconds
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [f"{key}:{window}", (window + 1) * window_seconds])
        (hits,) = cursor.fetchone()
    if hits == 1:  # the first hit of a window clears the windows that have ended
        RateCounter.objects.filter(expires_at__lt=now).delete()
    return bool(hits <= limit)


def seconds_left(window_seconds: int = 60) -> int:
    """Whole seconds until the current window ends (for a ``Retry-After`` header)."""
    return max(1, window_seconds - int(time.time()) % window_seconds)
