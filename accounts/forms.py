from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .throttle import login_geblokkeerd, login_gelukt, login_mislukt


class InlogForm(AuthenticationForm):
    """Django's login form behind the throttle: a blocked account or client is refused before the
    password is even checked, so a blocked guesser learns nothing from a right guess."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Gebruikersnaam of wachtwoord klopt niet."),
        "inactive": _("Dit account is niet actief."),
        "throttled": _("Te veel mislukte pogingen. Probeer het over een uur opnieuw of vraag de beheerder om hulp."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Gebruikersnaam")
        self.fields["password"].label = _("Wachtwoord")
        self.geblokkeerd = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        meta = self.request.META if self.request is not None else {}
        if login_geblokkeerd(username=username, meta=meta):
            self.geblokkeerd = True
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_mislukt(username=username, meta=meta)
            raise
        login_gelukt(username=username)
        return cleaned
