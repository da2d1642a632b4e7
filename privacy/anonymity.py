"""Helpers that keep reporters anonymous (DOMAIN.md, "Anonymity rules").

A client address is needed for exactly one thing, rate limiting, and only as a keyed hash that
changes every day; the address itself is dropped from the request before any view sees it.
"""

import hashlib
import hmac
import re
from datetime import datetime

from django.conf import settings
from django.utils import timezone

# Request headers that identify the client or their device.
IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_REFERER",
)

_IPV4 = r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
# Full form (seven colons) or compressed ("::" with groups around it); a clock time has neither.
_H = r"[0-9a-fA-F]{1,4}"
_IPV6 = rf"(?:{_H}:){{7}}{_H}|(?:{_H}(?::{_H})*)?::(?:{_H}(?::{_H})*)?(?:\.\d{{1,3}}){{0,3}}"
# Phone numbers, one definition for log lines and reporters' text. Dutch numbers in the usual
# spellings: +31 6…, 0031 6…, 06-…, "06 12 34 56 78", "(020) 123 45 67", "+31 (0)6 …" (a leading 0 or
# country code, then 8-11 more digits with spaces, dots, dashes or brackets); also URL-encoded (%2B31…),
# as a form-encoded webhook body (Twilio's From=) shows it in a library's debug log.
TELEFOON = (
    r"(?:\+|00)\d{2}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.()-]{0,2}\d){7,10}|\(?\b0\d(?:[\s.()-]{0,2}\d){7,10}\b"
    r"|(?:\+|%2[bB]|00)\d{1,3}[\s-]?\(?\d\)?(?:[\s-]?\d){7,10}|\b0\d(?:[\s-]?\d){7,9}\b"
)
SCRUB_RE = re.compile(f"{_IPV6}|{_IPV4}|{TELEFOON}")


def scrub(text: str) -> str:
    return SCRUB_RE.sub("[verwijderd]", text)


def client_address(meta: dict) -> str:
    """The address of the client as the trusted proxies saw it.

    Each proxy appends the address it received the request from to X-Forwarded-For, so only the
    last TRUSTED_PROXY_COUNT entries were written by our own proxies; anything to the left of them
    was sent by the client and can be anything (rotating it used to give unlimited meldcode guesses).
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        entries = [e.strip() for e in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= proxies:
            return entries[-proxies]
        # Fewer entries than proxies: the request did not pass all of them; the socket peer is
        # the only address nobody could forge.
    return meta.get("REMOTE_ADDR", "")


def client_token(address: str, *, now: datetime | None = None) -> str:
    """A keyed hash of the client address that is only valid for one day.

    Good enough to count a client's misses within the hour; useless for recognising the client
    tomorrow, and irreversible without the server's key.
    """
    day = (now or timezone.now()).strftime("%Y-%m-%d")
    key = f"{settings.CLIENT_HASH_KEY}:{day}".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def truncate_to_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


# An e-mail address as people type it, also with spaces around the @ ("naam @ voorbeeld.nl").
_EMAIL = r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}"
CONTACT_RE = re.compile(f"{_EMAIL}|{TELEFOON}")


def contactgegevens_verwijderen(text: str) -> str:
    """Removes phone numbers and e-mail addresses from a reporter's free text.

    Every intake path (form, API, SMS, import) goes through this in `melding_create`: a reporter who
    writes "bel mij op 06…" would otherwise no longer be anonymous, and nobody may call them back anyway.
    """
    return CONTACT_RE.sub("[verwijderd]", text or "")
