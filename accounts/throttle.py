"""Login throttling in Redis, without letting a stranger lock staff out (docs/coordinatie.md).

OWASP's "device cookie" scheme:
- After a successful login the browser gets a signed, HttpOnly cookie bound to the account
  (`apparaat_cookie_maken`). An attempt that carries a valid one for the name typed is throttled
  only per that device: failures from anywhere else never count against it.
- Any other attempt is throttled per account-and-client pair, per account over all such untrusted
  clients, and per client over all accounts (many names tried from one address).
- A throttle is a growing delay, not a lockout for the hour: after the free failures each further
  one doubles the wait (2, 4, 8 … seconds, capped at LOGIN_DELAY_MAX_S); a quiet hour forgets.

Keys are keyed hashes (the client part changes daily, privacy/anonymity.py), never a user name
or an address in clear. With Redis unreachable every function raises ThrottleOnbereikbaar, and
the login refuses rather than run unthrottled.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from privacy.anonymity import client_address, client_token
from privacy.ratelimit import throttle_store

APPARAAT_COOKIE = "ww_apparaat"
APPARAAT_SALT = "accounts.apparaat"
VERGEET_NA_S = 60 * 60


def _nu() -> float:
    return time.time()


def _hash(value: str) -> str:
    return hmac.new(settings.CLIENT_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def _naam(username: str) -> str:
    return username.strip().lower()


def apparaat_cookie_maken(*, username: str) -> str:
    """A new signed device cookie for this account (the random part is the device's identity)."""
    return signing.dumps({"u": _hash(_naam(username)), "d": secrets.token_urlsafe(16)}, salt=APPARAAT_SALT)


def _apparaat(*, username: str, cookie: str | None) -> str | None:
    """The device id from a valid cookie bound to this account; None for none, forged or another's."""
    if not cookie:
        return None
    try:
        data = signing.loads(cookie, salt=APPARAAT_SALT, max_age=settings.LOGIN_DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not hmac.compare_digest(str(data.get("u")), _hash(_naam(username))):
        return None
    return str(data.get("d"))


@dataclass(frozen=True)
class _Teller:
    key: str
    vrij: int  # failures allowed before the first wait


def vertraging(*, mislukt: int, vrij: int) -> float:
    """Seconds to wait after `mislukt` failures of which `vrij` are free: 0, then 2, 4, 8 … capped."""
    if mislukt < vrij:
        return 0
    return min(2 ** (mislukt - vrij + 1), settings.LOGIN_DELAY_MAX_S)


def _tellers(*, username: str, meta: dict, cookie: str | None) -> list[_Teller]:
    apparaat = _apparaat(username=username, cookie=cookie)
    if apparaat is not None:
        return [_Teller(f"login-mislukt:apparaat:{_hash(apparaat)}", settings.LOGIN_FREE_FAILURES)]
    account = _hash(_naam(username))
    client = client_token(client_address(meta))
    return [
        _Teller(f"login-mislukt:paar:{_hash(account + client)}", settings.LOGIN_FREE_FAILURES),
        _Teller(f"login-mislukt:account:{account}", settings.LOGIN_FAILURES_PER_ACCOUNT),
        _Teller(f"login-mislukt:client:{client}", settings.LOGIN_FAILURES_PER_CLIENT),
    ]


def login_wachten(*, username: str, meta: dict, cookie: str | None = None) -> float:
    """Seconds this attempt must still wait (0: go ahead)."""
    tellers = _tellers(username=username, meta=meta, cookie=cookie)
    standen = throttle_store(lambda: cache.get_many([t.key for t in tellers]))
    nu = _nu()
    wachten = 0.0
    for teller in tellers:
        stand = standen.get(teller.key)
        if stand:
            tot = stand["laatst"] + vertraging(mislukt=stand["n"], vrij=teller.vrij)
            wachten = max(wachten, tot - nu)
    return wachten


def login_mislukt(*, username: str, meta: dict, cookie: str | None = None) -> None:
    # get-then-set is not atomic; two parallel failures may count once, which only delays the
    # growth by one step. The lock-free fixed window was simpler but could not grow a delay.
    tellers = _tellers(username=username, meta=meta, cookie=cookie)
    standen = throttle_store(lambda: cache.get_many([t.key for t in tellers]))
    nu = _nu()
    nieuw = {t.key: {"n": (standen.get(t.key) or {"n": 0})["n"] + 1, "laatst": nu} for t in tellers}
    throttle_store(lambda: cache.set_many(nieuw, VERGEET_NA_S + settings.LOGIN_DELAY_MAX_S))


def login_gelukt(*, username: str, meta: dict, cookie: str | None = None) -> None:
    """Clears the device's, or the pair's and the account's count; not the client's: one right
    password among many wrong names must not reopen guessing names from that client."""
    tellers = _tellers(username=username, meta=meta, cookie=cookie)
    throttle_store(lambda: cache.delete_many([t.key for t in tellers[:2]]))
