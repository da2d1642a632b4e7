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
