"""Fixed-window rate limits kept in the shared cache (the database cache by default, so every
server process sees the same counters)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit on ``key``; False when the limit for the current window is exceeded."""
    window = int(time.time() // window_seconds)
    cache_key = f"rl:{key}:{window}"
    added = cache.add(cache_key, 1, timeout=window_seconds + 5)
    if added:
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit
