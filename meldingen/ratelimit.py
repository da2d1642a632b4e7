"""Rate limit for lookups of unknown meldcodes, keyed by the day's hash of the client (never the address)."""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _key(token: str) -> str:
    return f"status-misses:{token}"


def status_lookup_blocked(token: str) -> bool:
    return (cache.get(_key(token)) or 0) >= settings.STATUS_LOOKUP_MISSES_PER_HOUR


def status_lookup_missed(token: str) -> None:
    key = _key(token)
    # add() starts the window once; incr() keeps its expiry, so the window is fixed, not sliding.
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, WINDOW_SECONDS)
