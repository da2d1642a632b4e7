"""The partner's forms: one step of the workflow (accept, decline, start, complete) and a progress note."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from acties.services import VOORTGANG_MAX
from acties.workflow import ActieStatus, Uitkomst

STAPPEN = [
    (ActieStatus.GEACCEPTEERD, _("Accepteren")),
    (ActieStatus.GEWEIGERD, _("Weigeren")),
    (ActieStatus.IN_UITVOERING, _("Start uitvoering")),
    (ActieStatus.AFGEROND, _("Afronden")),
]


class StapForm(forms.Form):
    naar = forms.ChoiceField(choices=STAPPEN)
    reden = forms.CharField(label=_("Reden of toelichting"), required=False, max_length=VOORTGANG_MAX)
    uitkomst = forms.ChoiceField(label=_("Uitkomst"), choices=[("", "—"), *Uitkomst.choices], required=False)
    uitkomst_tekst = forms.CharField(label=_("Toelichting op de uitkomst"), required=False, max_length=VOORTGANG_MAX)
    foto = forms.FileField(label=_("Foto (optioneel)"), required=False)

    def clean_foto(self) -> bytes | None:
        bestand = self.cleaned_data.get("foto")
        if not bestand:
            return None
        if bestand.size > settings.MELDING_MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("Een foto mag hoogstens %(mb)d MB zijn.") % {"mb": settings.MELDING_MAX_PHOTO_BYTES // (1024 * 1024)}
            )
        return bestand.read()

    def clean(self):
        data = super().clean()
        if data.get("naar") == ActieStatus.AFGEROND and not data.get("uitkomst"):
            self.add_error("uitkomst", _("Kies de uitkomst."))
        if data.get("naar") == ActieStatus.GEWEIGERD and not (data.get("reden") or "").strip():
            self.add_error("reden", _("Geef een reden."))
        return data


class VoortgangForm(forms.Form):
    tekst = forms.CharField(label=_("Wat is er gebeurd?"), max_length=VOORTGANG_MAX)
