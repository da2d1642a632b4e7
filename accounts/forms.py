import contextlib
import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import match_token, user_has_device

from privacy.ratelimit import ThrottleOnbereikbaar

from .services import code_normaliseren
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
        self.code_volgt = False

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
            raise forms.ValidationError(_wachten_melding(math.ceil(wachten)), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            # Redis went down mid-request: the password was wrong anyway, so refuse as usual.
            with contextlib.suppress(ThrottleOnbereikbaar):
                login_mislukt(username=username, meta=meta, cookie=cookie)
            raise
        if user_has_device(self.get_user()):
            # The password alone proves nothing yet: the counts are cleared and the device cookie
            # given only after the code (TweedeStapForm). Clearing them here would let someone who
            # holds the password reset the code's throttle by logging in again between guesses.
            self.code_volgt = True
            return cleaned
        try:
            login_gelukt(username=username, meta=meta, cookie=cookie)
        except ThrottleOnbereikbaar:
            self.onbereikbaar = True
            raise forms.ValidationError(self.error_messages["onbereikbaar"], code="onbereikbaar") from None
        self.apparaat_cookie = apparaat_cookie_maken(username=username)
        return cleaned


def _wachten_melding(seconden: int) -> str:
    return ngettext(
        "Te veel mislukte pogingen. Wacht %(n)d seconde en probeer het opnieuw.",
        "Te veel mislukte pogingen. Wacht %(n)d seconden en probeer het opnieuw.",
        seconden,
    ) % {"n": seconden}


class TweedeStapForm(forms.Form):
    """The second step: a code from the authenticator app, or one of the recovery codes.

    Behind the same throttle as the password (same counters, same device cookie): a wrong code is a
    failed login. The counts are cleared and the device cookie given only here, after both factors.
    """

    code = forms.CharField(
        label=_("Code uit uw app of een herstelcode"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": _("Vul de code in.")},
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.geblokkeerd = False
        self.onbereikbaar = False
        self.apparaat = None
        self.apparaat_cookie: str | None = None

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if not code:
            return cleaned
        user = self.request.user
        username = user.get_username()
        meta = self.request.META
        cookie = self.request.COOKIES.get(APPARAAT_COOKIE)
        try:
            wachten = login_wachten(username=username, meta=meta, cookie=cookie)
            if wachten > 0:
                self.geblokkeerd = True
                raise forms.ValidationError(_wachten_melding(math.ceil(wachten)), code="throttled")
            self.apparaat = match_token(user, code_normaliseren(code))
            if self.apparaat is None:
                login_mislukt(username=username, meta=meta, cookie=cookie)
                raise forms.ValidationError(_("Deze code klopt niet. Probeer het opnieuw."), code="fout")
            login_gelukt(username=username, meta=meta, cookie=cookie)
        except ThrottleOnbereikbaar:
            self.onbereikbaar = True
            raise forms.ValidationError(InlogForm.error_messages["onbereikbaar"], code="onbereikbaar") from None
        self.apparaat_cookie = apparaat_cookie_maken(username=username)
        return cleaned


class TweeFactorInstellenForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit uw app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Vul de code uit uw app in.")},
    )
