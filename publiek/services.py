"""The public status lookup, with its limit on unknown meldcodes per client (the day's hash of the client,
never the address): the status page and the API both use it, so guessing codes is limited alike."""

import dataclasses

from django.conf import settings
from django.core.cache import cache

from acties.selectors import melding_publieke_acties
from meldingen.selectors import melding_public_status
from privacy.ratelimit import hour_counter_hit, throttle_store


def _key(token: str) -> str:
    return f"status-misses:{token}"


def status_lookup_blocked(token: str) -> bool:
    return (throttle_store(lambda: cache.get(_key(token))) or 0) >= settings.STATUS_LOOKUP_MISSES_PER_HOUR


def status_lookup_missed(token: str) -> None:
    hour_counter_hit(_key(token))


def status_lookup(*, meldcode: str, token: str):
    """The public status for a meldcode, counting misses per client: (result, blocked).

    Both the status page and the API use this, so guessing codes is limited the same way on both.
    Raises ThrottleOnbereikbaar when the counter cannot be read or written: no unthrottled lookups.
    """
    if status_lookup_blocked(token):
        return None, True
    result = melding_public_status(meldcode=meldcode)
    if result is None:
        status_lookup_missed(token)
        return None, False
    # What followed the melding (issue 16): its actions, as the covenant lets the reporter hear of them.
    return dataclasses.replace(result, acties=tuple(melding_publieke_acties(melding_id=result.melding_id))), False
