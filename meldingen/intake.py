"""The web form's intake: where the reported place is (typed address, a choice between hits, or a point on
the map) and filing the form through `melding_create`, with the service's errors on the form's fields.
The view only renders what comes back."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from geopy.exc import GeopyError

from integrations.geocoding import get_geocoder

from .forms import MeldingForm
from .models import Kanaal, Melding
from .services import melding_create
from .validation import MeldingInvoer

logger = logging.getLogger(__name__)
MAX_KANDIDATEN = 3
# Service error keys → the form field that shows them.
FIELD_FOR_ERROR = {"locatie": "adres", "observed_at": "datum"}


@dataclass
class Plek:
    lat: float
    lon: float
    naam: str


def adres_zoeken(query: str) -> list[Plek]:
    """Up to three places in Amsterdam matching what a resident typed. Raises ValidationError if the
    geocoder cannot be reached, with a message that points to the map instead."""
    try:
        hits = get_geocoder().geocode(query, exactly_one=False, limit=MAX_KANDIDATEN) or []
    except GeopyError as exc:
        logger.warning("geocoder unavailable: %s", type(exc).__name__)
        raise ValidationError(
            _("Het zoeken van adressen lukt nu even niet. Probeer het zo opnieuw, of kies de plek op de kaart."),
            code="geocoder",
        ) from exc
    return [Plek(lat=h.latitude, lon=h.longitude, naam=h.address) for h in hits[:MAX_KANDIDATEN]]


def adres_omgekeerd(lat: float, lon: float) -> str:
    try:
        hit = get_geocoder().reverse((lat, lon), exactly_one=True)
    except GeopyError:
        return ""
    return hit.address if hit else ""


def photo_bytes(files) -> list[bytes]:
    # The size limit is checked again from the content; reading a huge upload is bounded by Django's
    # DATA_UPLOAD settings and the web server.
    return [f.read() for f in files]


def plek_uit_formulier(form: MeldingForm) -> tuple[tuple[float, float, str] | None, list[dict]]:
    """(lat, lon, name) of the place the form names, or None with the form's error set; with several
    address hits also the candidates to choose from (up to three)."""
    data = form.cleaned_data
    if data.get("adres_keuze"):
        return data["adres_keuze"], []
    adres = (data.get("adres") or "").strip()
    if data.get("lat") is not None and data.get("lon") is not None:
        return (data["lat"], data["lon"], adres), []
    terugval = _terugval(form, adres)
    if not adres:
        if terugval is not None:
            return terugval, []
        form.add_error(
            "adres",
            _("Vul een adres of plek in, kies een punt op de kaart, of beschrijf de plek en kies de buurt."),
        )
        return None, []
    try:
        plekken = adres_zoeken(adres)
    except ValidationError as exc:
        if terugval is not None:  # the geocoder is down, but the reporter also named the buurt
            return terugval, []
        form.add_error("adres", exc)
        return None, []
    if not plekken:
        if terugval is not None:
            return terugval, []
        form.add_error(
            "adres",
            _(
                "We vonden deze plek niet in Amsterdam. Controleer de spelling, kies de plek op de kaart, "
                "of beschrijf de plek en kies de buurt."
            ),
        )
        return None, []
    if len(plekken) == 1:
        return (plekken[0].lat, plekken[0].lon, plekken[0].naam), []
    kandidaten = [{"lat": p.lat, "lon": p.lon, "naam": p.naam} for p in plekken]
    form.add_error("adres_keuze", _("We vonden meer dan één plek. Kies de plek die u bedoelt."))
    return None, kandidaten


def _terugval(form: MeldingForm, adres: str) -> tuple[None, None, str] | None:
    """The place as words and a buurt (issue 17), if the reporter gave both; (None, None, description)
    so the caller files it with the buurt only. One without the other is an error on the missing one."""
    data = form.cleaned_data
    beschrijving = (data.get("plaats_beschrijving") or "").strip()
    buurt = data.get("buurt") or ""
    if not (beschrijving or buurt):
        return None
    if not buurt:
        form.add_error("buurt", _("Kies de buurt waar het is."))
        return None
    if not beschrijving and not adres:
        form.add_error("plaats_beschrijving", _("Beschrijf de plek, zodat we haar kunnen vinden."))
        return None
    return None, None, "; ".join(d for d in (adres, beschrijving) if d)[:200]


def melding_met_inzend_sleutel(inzend_sleutel: str) -> Melding | None:
    """The melding a form submission with this (hashed) one-time key already filed."""
    return Melding.objects.filter(inzend_sleutel=inzend_sleutel).first()


def formulier_indienen(
    form: MeldingForm, *, inzend_sleutel: str | None, melder_sleutel: str, kanaal: str = Kanaal.WEB
) -> Melding | None:
    """Files the web form (or a staff member's entry of a report taken by phone, `kanaal=telefoon`, issue
    17: the same form, service and rules): validates it, finds the place, and stores the melding. Returns
    the melding (also the one a racing double click already stored), or None with the errors on the
    form's fields and the address candidates set."""
    form.is_valid()
    locatie, kandidaten = plek_uit_formulier(form)
    form.set_kandidaten(kandidaten)
    if locatie is None or form.errors:
        return None
    lat, lon, naam = locatie
    invoer = MeldingInvoer(
        lat=lat if lat is not None else 0.0,
        lon=lon if lon is not None else 0.0,
        buurt_code=form.cleaned_data.get("buurt", "") if lat is None else "",
        locatie_omschrijving=naam,
        locatie_type=form.cleaned_data["locatie_type"],
        waarnemingen=form.cleaned_data["waarnemingen"],
        observed_at=form.observed_at(),
        dagdeel=form.cleaned_data["dagdeel"],
        frequentie=form.cleaned_data["frequentie"],
        melder_rol=form.cleaned_data.get("melder_rol") or "onbekend",
        omschrijving=form.cleaned_data.get("omschrijving", ""),
        fotos=photo_bytes(form.cleaned_data.get("fotos") or []),
    )
    try:
        return melding_create(
            invoer=invoer, kanaal=kanaal, inzend_sleutel=inzend_sleutel, melder_sleutel=melder_sleutel
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(FIELD_FOR_ERROR.get(field, field if field in form.fields else None), errors)
        return None
    except IntegrityError:
        # Two clicks raced: the other request stored this form's melding first.
        eerder = melding_met_inzend_sleutel(inzend_sleutel) if inzend_sleutel else None
        if eerder is None:
            raise
        return eerder
