import secrets
from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from privacy.anonymity import truncate_to_hour

from .models import Dagdeel, Frequentie, LocatieType, MelderRol, Waarneming
from .validation import buurt_keuzes, code_list

# The moment stored for "a date and a part of the day": the middle of that part of the day.
DAGDEEL_UUR = {Dagdeel.NACHT: 3, Dagdeel.OCHTEND: 9, Dagdeel.MIDDAG: 15, Dagdeel.AVOND: 21}
DAGDEEL_START = {Dagdeel.NACHT: 0, Dagdeel.OCHTEND: 6, Dagdeel.MIDDAG: 12, Dagdeel.AVOND: 18}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > settings.MELDING_MAX_PHOTOS:
            raise forms.ValidationError(
                ngettext(
                    "U kunt hoogstens %(n)d foto meesturen.",
                    "U kunt hoogstens %(n)d foto's meesturen.",
                    settings.MELDING_MAX_PHOTOS,
                )
                % {"n": settings.MELDING_MAX_PHOTOS}
            )
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _choices(model) -> list[tuple[str, str]]:
    english = (get_language() or "nl").startswith("en")
    return [(code, en if english else nl) for code, nl, en in code_list(model)]


class MeldingForm(forms.Form):
    """The public form. Location comes from a map pin (lat/lon), a chosen candidate, or a typed address."""

    adres = forms.CharField(
        label=_("Adres of plek"),
        help_text=_("Bijvoorbeeld: Bijlmerplein 1, of de hoek van twee straten. Of kies de plek op de kaart."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    adres_keuze = forms.CharField(label=_("Welke plek bedoelt u?"), required=False, widget=forms.RadioSelect)
    # The way that always works (issue 17): no map, no geocoder needed. Only the buurt is stored as a
    # place; a coordinator puts the melding on the map later.
    plaats_beschrijving = forms.CharField(
        label=_("Beschrijf de plek"),
        help_text=_("Bijvoorbeeld: achter de flat bij de garageboxen, of de ingang aan de kant van het park."),
        required=False,
        max_length=200,
    )
    buurt = forms.ChoiceField(label=_("In welke buurt is het?"), required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    locatie_type = forms.ChoiceField(label=_("Wat voor plek is het?"), widget=forms.RadioSelect)
    waarnemingen = forms.MultipleChoiceField(
        label=_("Wat zag u?"), help_text=_("Kies alles wat past."), widget=forms.CheckboxSelectMultiple
    )
    datum = forms.DateField(
        label=_("Wanneer zag u het (de laatste keer)?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    dagdeel = forms.ChoiceField(label=_("Welk deel van de dag?"), choices=Dagdeel.choices, widget=forms.RadioSelect)
    frequentie = forms.ChoiceField(
        label=_("Hoe vaak ziet u dit?"), choices=Frequentie.choices, widget=forms.RadioSelect
    )
    melder_rol = forms.ChoiceField(
        label=_("Wie bent u? (niet verplicht)"),
        help_text=_("Dit helpt ons de melding te begrijpen. We vragen nooit uw naam."),
        required=False,
        widget=forms.RadioSelect,
    )
    omschrijving = forms.CharField(
        label=_("Wilt u nog iets vertellen? (niet verplicht)"),
        # help_text is set in __init__: it names a limit from the settings in the active language.
        required=False,
        # No max_length here: Django would put maxlength in the page, and a browser cuts pasted text off
        # there without a word (issue 17). clean_omschrijving refuses a longer text with its length.
        widget=forms.Textarea(attrs={"rows": 5, "data-max": settings.MELDING_MAX_OMSCHRIJVING}),
    )
    fotos = MultipleFileField(
        required=False,
    )
    # A random one-time key made when the form is rendered (never derived from the client): a reload or
    # double click of the same form finds the melding it filed instead of filing it again.
    inzend_sleutel = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locatie_type"].choices = _choices(LocatieType)
        self.fields["buurt"].choices = [("", gettext("Kies een buurt")), *buurt_keuzes()]
        self.fields["waarnemingen"].choices = _choices(Waarneming)
        self.fields["melder_rol"].choices = [c for c in _choices(MelderRol) if c[0] != "onbekend"]
        if not self.is_bound:
            self.initial.setdefault("datum", timezone.localdate())
            self.initial.setdefault("inzend_sleutel", secrets.token_urlsafe(24))
        self.fields["omschrijving"].help_text = gettext(
            "Schrijf niet uw eigen naam of telefoonnummer op. Telefoonnummers en e-mailadressen halen we"
            " uit uw tekst: die bewaren we niet. Maximaal %(max)d tekens."
        ) % {"max": settings.MELDING_MAX_OMSCHRIJVING}
        # melden.js shows how many characters are left, in the page's language.
        self.fields["omschrijving"].widget.attrs.update(
            {
                "data-over": gettext("Nog {n} tekens over."),
                "data-te-veel": gettext("{n} tekens te veel. Maak uw tekst korter."),
            }
        )
        self.fields["fotos"].label = gettext("Foto's (niet verplicht, hoogstens %(n)d)") % {
            "n": settings.MELDING_MAX_PHOTOS
        }
        self.fields["fotos"].help_text = gettext(
            "JPEG, PNG of WebP, elk hoogstens %(mb)d MB. We verwijderen de gegevens over waar en wanneer ze zijn gemaakt."
        ) % {"mb": settings.MELDING_MAX_PHOTO_BYTES // (1024 * 1024)}
        # The browser checks what the server checks (issue 17), with the server's own words, so a photo or
        # a date is refused before the round trip that would make the resident choose the photos again.
        vandaag = timezone.localdate()
        self.fields["datum"].widget.attrs.update(
            {
                "min": (vandaag - timedelta(days=365)).isoformat(),
                "max": vandaag.isoformat(),
                "data-toekomst": gettext("Deze datum ligt in de toekomst."),
                "data-te-oud": gettext("Dit is langer dan een jaar geleden; dat kunnen we niet meer gebruiken."),
            }
        )
        mb = settings.MELDING_MAX_PHOTO_BYTES // (1024 * 1024)
        self.fields["fotos"].widget.attrs.update(
            {
                "data-max-bytes": settings.MELDING_MAX_PHOTO_BYTES,
                "data-max-aantal": settings.MELDING_MAX_PHOTOS,
                "data-te-groot": gettext("Een foto mag hoogstens %(mb)d MB zijn.") % {"mb": mb},
                "data-soort": gettext("Alleen foto's in JPEG, PNG of WebP."),
                "data-te-veel": ngettext(
                    "U kunt hoogstens %(n)d foto meesturen.",
                    "U kunt hoogstens %(n)d foto's meesturen.",
                    settings.MELDING_MAX_PHOTOS,
                )
                % {"n": settings.MELDING_MAX_PHOTOS},
            }
        )

    @staticmethod
    def keuze_waarde(kandidaat: dict) -> str:
        """A found place as a radio value: coordinates and name, parsed back by clean_adres_keuze."""
        return f"{kandidaat['lat']:.6f},{kandidaat['lon']:.6f}|{kandidaat['naam']}"

    def set_kandidaten(self, kandidaten: list[dict]) -> None:
        self.fields["adres_keuze"].widget.choices = [(self.keuze_waarde(k), k["naam"]) for k in kandidaten]

    def clean_adres_keuze(self) -> tuple[float, float, str] | None:
        value = self.cleaned_data.get("adres_keuze")
        if not value:
            return None
        try:
            coords, naam = value.split("|", 1)
            lat, lon = (float(x) for x in coords.split(","))
        except ValueError as exc:
            raise forms.ValidationError(gettext("Kies een van de gevonden plekken.")) from exc
        return lat, lon, naam

    def observed_at(self) -> datetime:
        """The date and part of day as one moment, never later than the start of the current hour: a
        part of the day still going on would otherwise store the filing minute (DOMAIN.md)."""
        datum, dagdeel = self.cleaned_data["datum"], self.cleaned_data["dagdeel"]
        tz = timezone.get_current_timezone()
        moment = timezone.make_aware(datetime.combine(datum, time(DAGDEEL_UUR[dagdeel])), tz)
        start = timezone.make_aware(datetime.combine(datum, time(DAGDEEL_START[dagdeel])), tz)
        now = timezone.now()
        if start <= now < moment:
            moment = max(start, truncate_to_hour(now))
        return moment

    def clean_omschrijving(self) -> str:
        tekst = self.cleaned_data.get("omschrijving", "")
        if len(tekst) > settings.MELDING_MAX_OMSCHRIJVING:
            raise forms.ValidationError(
                gettext("Gebruik maximaal %(max)d tekens (nu %(n)d). Maak uw tekst korter; er is niets verstuurd.")
                % {"max": settings.MELDING_MAX_OMSCHRIJVING, "n": len(tekst)}
            )
        return tekst

    def clean(self):
        cleaned = super().clean()
        datum = cleaned.get("datum")
        if datum and datum > timezone.localdate():
            self.add_error("datum", gettext("Deze datum ligt in de toekomst."))
        elif datum and datum < timezone.localdate() - timedelta(days=365):
            self.add_error("datum", gettext("Dit is langer dan een jaar geleden; dat kunnen we niet meer gebruiken."))
        return cleaned
