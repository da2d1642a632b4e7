"""Per-client counters in the cache (Redis), keyed by hashes, never addresses; and what a guard does
when the cache is down (refuse, never run unthrottled)."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

WINDOW_SECONDS = 60 * 60
T = TypeVar("T")


class ThrottleOnbereikbaar(Exception):
    """The throttle store (Redis) is down or hangs.

    Callers that guard guessing (meldcode lookups, logins) refuse the request rather than run
    unthrottled; config/middleware.py turns an uncaught one into a Dutch 503.
    """


def throttle_store(operation: Callable[[], T]) -> T:
    """Runs one cache operation; any failure of the store becomes ThrottleOnbereikbaar.

    The cache client has short socket timeouts (settings.REDIS_TIMEOUT_S), so a hung Redis costs
    about a second here, not a worker.
    """
    try:
        return operation()
    except Exception as exc:  # redis-py raises its own ConnectionError/TimeoutError, or OSError
        raise ThrottleOnbereikbaar(str(exc)) from exc


def hour_counter_hit(key: str) -> int:
    """Counts one event under `key` in a fixed one-hour window and returns the count so far.
    Shared by every per-client limit (status lookups, SMS senders); keys are hashes, never addresses.
    """
    return counter_hit(key, WINDOW_SECONDS)


def counter_hit(key: str, window_seconds: int) -> int:
    """Counts one event under `key` in a fixed window of `window_seconds` and returns the count so far.

    add() starts the window once; incr() keeps its expiry, so the window is fixed, not sliding.
    """
    if throttle_store(lambda: cache.add(key, 1, window_seconds)):
        return 1
    try:
        return throttle_store(lambda: cache.incr(key))
    except ThrottleOnbereikbaar as exc:
        if not isinstance(exc.__cause__, ValueError):
            raise
        # expired between add() and incr()
        throttle_store(lambda: cache.add(key, 1, window_seconds))
        return 1
