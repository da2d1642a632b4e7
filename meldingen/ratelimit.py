"""Rate limit for lookups of unknown meldcodes, keyed by the day's hash of the client (never the address)."""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _key(token: str) -> str:
    return f"status-misses:{token}"


def status_lookup_blocked(token: str) -> bool:
    return (cache.get(_key(token)) or 0) >= settings.STATUS_LOOKUP_MISSES_PER_HOUR


def hour_counter_hit(key: str) -> int:
    """Counts one event under `key` in a fixed one-hour window and returns the count so far.

    add() starts the window once; incr() keeps its expiry, so the window is fixed, not sliding.
    Shared by every per-client limit (status lookups, SMS senders); keys are hashes, never addresses.
    """
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, WINDOW_SECONDS)
        return 1


def status_lookup_missed(token: str) -> None:
    hour_counter_hit(_key(token))


def status_lookup(*, meldcode: str, token: str):
    """The public status for a meldcode, counting misses per client: (result, blocked).

    Both the status page and the API use this, so guessing codes is limited the same way on both.
    """
    from .selectors import melding_public_status

    if status_lookup_blocked(token):
        return None, True
    result = melding_public_status(meldcode=meldcode)
    if result is None:
        status_lookup_missed(token)
    return result, False
