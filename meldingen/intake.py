"""Glue between the public intake paths (form, API) and the services: locations and error mapping."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from geopy.exc import GeopyError

from integrations.geocoding import get_geocoder

logger = logging.getLogger(__name__)
MAX_KANDIDATEN = 3


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
