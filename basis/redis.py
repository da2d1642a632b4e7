"""A client of the cache's Redis for code that must never make a request wait: its own short timeouts,
whatever the cache itself is configured with (the daily filing count, the outbox wake-up)."""

import functools

import redis
from django.conf import settings


@functools.cache
def _client(url: str, timeout_s: float) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s, retry_on_timeout=False)


def cache_redis(*, timeout_s: float) -> redis.Redis:
    """One pooled client per process and timeout, on the cache's Redis (its own database in tests)."""
    return _client(str(settings.CACHES["default"]["LOCATION"]), timeout_s)
