"""Login throttling in Redis: failed attempts per account and per client in a fixed one-hour window.

Counting per account stops guessing one user's password from many addresses; counting per client
stops trying many accounts from one address. Keys are keyed hashes (the client part changes daily,
meldingen/anonymity.py), never a user name or an address in clear.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from meldingen.anonymity import client_address, client_token
from meldingen.ratelimit import hour_counter_hit


def _account_key(username: str) -> str:
    digest = hmac.new(settings.CLIENT_HASH_KEY.encode(), username.strip().lower().encode(), hashlib.sha256)
    return f"login-mislukt:account:{digest.hexdigest()[:32]}"


def _client_key(meta: dict) -> str:
    return f"login-mislukt:client:{client_token(client_address(meta))}"


def login_geblokkeerd(*, username: str, meta: dict) -> bool:
    return (cache.get(_account_key(username)) or 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT or (
        cache.get(_client_key(meta)) or 0
    ) >= settings.LOGIN_FAILURES_PER_CLIENT


def login_mislukt(*, username: str, meta: dict) -> None:
    hour_counter_hit(_account_key(username))
    hour_counter_hit(_client_key(meta))


def login_gelukt(*, username: str) -> None:
    """A successful login clears the account's count (not the client's: one right password among
    many wrong ones must not reopen guessing from that client)."""
    cache.delete(_account_key(username))
