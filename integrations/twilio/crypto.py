"""The only places a phone number is handled: a keyed hash for state, Fernet for an opt-in.

Business rule (DOMAIN.md, anonymity rules): an SMS sender's number is never stored or logged in clear.
"""

import hashlib
import hmac
import re

from cryptography.fernet import Fernet
from django.conf import settings


def nummer_normaliseren(nummer: str) -> str:
    """E.164 without spaces: '+31 6-1234 5678', '0031612345678' and '0612345678' are one number."""
    digits = re.sub(r"[^\d+]", "", nummer or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+31" + digits[1:]
    return digits


def nummer_hash(nummer: str) -> str:
    """HMAC-SHA256 of the normalised number with PHONE_HASH_KEY: stable per sender, irreversible without the key."""
    key = settings.PHONE_HASH_KEY.encode()
    return hmac.new(key, nummer_normaliseren(nummer).encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(settings.SMS_ENCRYPTION_KEY.encode())


def nummer_versleutelen(nummer: str) -> bytes:
    return _fernet().encrypt(nummer_normaliseren(nummer).encode())


def nummer_ontsleutelen(token: bytes | memoryview) -> str:
    # A BinaryField reads back as memoryview from PostgreSQL.
    return _fernet().decrypt(bytes(token)).decode()
