"""Two-factor policy: who must give a second factor, and what a session still lacks.

- With STAFF_2FA_VERPLICHT on (the default) every login needs a confirmed TOTP device, except an
  account with a TweeFactorVrijstelling (the demo logins of seed_demo).
- Whoever has a confirmed device gives its code, exempt or not: a device is never optional once set up.
- A session is "verified" (django_otp, ``user.is_verified()``) only after the code step or after
  confirming the device at enrolment. Until then TweeFactorMiddleware lets it reach only that step
  and the logout.
"""

from __future__ import annotations

from django.conf import settings
from django_otp import user_has_device

from .models import TweeFactorVrijstelling

CODE = "accounts:tweede_stap"
INSTELLEN = "accounts:tweefactor_instellen"


def tweefactor_verplicht(user) -> bool:
    if not settings.STAFF_2FA_VERPLICHT:
        return False
    return not TweeFactorVrijstelling.objects.filter(user_id=user.pk).exists()


def tweede_stap(user) -> str | None:
    """The URL name of the step this session still has to take, or None when it has all it needs."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_verified", None) is not None and user.is_verified():
        return None
    cached = getattr(user, "_ww_tweede_stap", False)
    if cached is not False:
        return cached
    if user_has_device(user):
        stap = CODE
    elif tweefactor_verplicht(user):
        stap = INSTELLEN
    else:
        stap = None
    user._ww_tweede_stap = stap
    return stap
