import contextlib
import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meldingen.ratelimit import ThrottleOnbereikbaar

from .throttle import APPARAAT_COOKIE, apparaat_cookie_maken, login_gelukt, login_mislukt, login_wachten


class InlogForm(AuthenticationForm):
    """Django's login form behind the throttle: a throttled attempt is refused before the password is
    even checked, so a throttled guesser learns nothing from a right guess. Without a working throttle
    (Redis down) nobody logs in: refusing is safer than unlimited guessing."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Gebruikersnaam of wachtwoord klopt niet."),
        "inactive": _("Dit account is niet actief."),
        "onbereikbaar": _(
            "Inloggen kan op dit moment niet door een storing. Probeer het over een paar minuten opnieuw."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Gebruikersnaam")
        self.fields["password"].label = _("Wachtwoord")
        self.geblokkeerd = False
        self.onbereikbaar = False
        self.apparaat_cookie: str | None = None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        meta = self.request.META if self.request is not None else {}
        cookie = self.request.COOKIES.get(APPARAAT_COOKIE) if self.request is not None else None
        try:
            wachten = login_wachten(username=username, meta=meta, cookie=cookie)
        except ThrottleOnbereikbaar:
            self.onbereikbaar = True
            raise forms.ValidationError(self.error_messages["onbereikbaar"], code="onbereikbaar") from None
        if wachten > 0:
            self.geblokkeerd = True
            seconden = math.ceil(wachten)
            raise forms.ValidationError(
                ngettext(
                    "Te veel mislukte pogingen. Wacht %(n)d seconde en probeer het opnieuw.",
                    "Te veel mislukte pogingen. Wacht %(n)d seconden en probeer het opnieuw.",
                    seconden,
                )
                % {"n": seconden},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            # Redis went down mid-request: the password was wrong anyway, so refuse as usual.
            with contextlib.suppress(ThrottleOnbereikbaar):
                login_mislukt(username=username, meta=meta, cookie=cookie)
            raise
        try:
            login_gelukt(username=username, meta=meta, cookie=cookie)
        except ThrottleOnbereikbaar:
            self.onbereikbaar = True
            raise forms.ValidationError(self.error_messages["onbereikbaar"], code="onbereikbaar") from None
        self.apparaat_cookie = apparaat_cookie_maken(username=username)
        return cleaned
