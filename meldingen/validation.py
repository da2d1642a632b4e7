"""Field rules shared by every intake path (web form, API, SMS, import), so they cannot drift apart.

Each rule raises django's ValidationError with a Dutch (translatable) message a resident understands.
"""

import io
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, UnidentifiedImageError

from .models import Dagdeel, Frequentie, LocatieType, MelderRol, Waarneming

# How far back a report is still useful to act on; older observations go to the coordinators by
# phone or mail, not into the hotspot picture.
MAX_OBSERVATION_AGE = timedelta(days=365)
# Clocks differ; a phone a few minutes ahead should not be told it reports the future.
CLOCK_SKEW = timedelta(minutes=10)
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_IMAGE_PIXELS = 40_000_000


@dataclass
class MeldingInvoer:
    """Everything a reporter tells us, already parsed into Python types."""

    lat: float
    lon: float
    locatie_type: str
    waarnemingen: list[str]
    observed_at: datetime
    dagdeel: str = ""
    frequentie: str = ""
    melder_rol: str = "onbekend"
    omschrijving: str = ""
    locatie_omschrijving: str = ""
    fotos: list[bytes] = field(default_factory=list)
    # Instead of lat/lon: only the buurt is known (the place described in `locatie_omschrijving`).
    buurt_code: str = ""


CODES_TTL_SECONDS = 60
_buurt_keuzes: tuple[float, list] = (0.0, [])


def buurt_keuzes() -> list[tuple[str, list[tuple[str, str]]]]:
    """The buurten grouped by stadsdeel, for a select with optgroups (the fallback place, issue 17);
    kept a minute per process like the code lists."""
    global _buurt_keuzes
    nu = time.monotonic()
    if nu - _buurt_keuzes[0] > CODES_TTL_SECONDS or not _buurt_keuzes[1]:
        from .models import Buurt

        groepen: dict[str, list[tuple[str, str]]] = {}
        for code, naam, stadsdeel in Buurt.objects.order_by("wijk__stadsdeel__naam", "naam").values_list(
            "code", "naam", "wijk__stadsdeel__naam"
        ):
            groepen.setdefault(stadsdeel, []).append((code, naam))
        _buurt_keuzes = (nu, list(groepen.items()))
    return _buurt_keuzes[1]


_local_codes: dict[str, tuple[float, tuple[tuple[str, str, str], ...]]] = {}


def code_list(model: type) -> tuple[tuple[str, str, str], ...]:
    """Active (code, label_nl, label_en) of a code list, in display order.

    Code lists change rarely (an administrator edits them), so each process keeps them for a minute
    instead of asking the database on every form and submission (bench/intake.py: ~3 ms a request).
    """
    key = model.__name__
    hit = _local_codes.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    rows = tuple(model.objects.filter(actief=True).values_list("code", "label_nl", "label_en"))
    _local_codes[key] = (now + CODES_TTL_SECONDS, rows)
    return rows


def _codes(model: type) -> frozenset[str]:
    return frozenset(code for code, _nl, _en in code_list(model))


def forget_code_cache() -> None:
    _local_codes.clear()


def validate_locatie_type(code: str) -> str:
    if code not in _codes(LocatieType):
        raise ValidationError(_("Kies wat voor plek het is."), code="invalid_choice")
    return code


def validate_waarnemingen(codes: list[str]) -> list[str]:
    if not codes:
        raise ValidationError(_("Kies ten minste één ding dat u zag."), code="required")
    unknown = set(codes) - _codes(Waarneming)
    if unknown:
        raise ValidationError(
            _("Onbekende waarneming: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="invalid_choice",
        )
    # Keep the reporter's order, drop repeats.
    return list(dict.fromkeys(codes))


def validate_melder_rol(code: str) -> str:
    code = code or "onbekend"
    if code not in _codes(MelderRol):
        raise ValidationError(_("Kies wie u bent, of laat dit leeg."), code="invalid_choice")
    return code


def validate_observed_at(moment: datetime, *, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValidationError(_("Geef de tijd met tijdzone op."), code="naive")
    if moment > now + CLOCK_SKEW:
        raise ValidationError(_("Dit moment ligt in de toekomst."), code="future")
    if moment < now - MAX_OBSERVATION_AGE:
        raise ValidationError(_("Dit is langer dan een jaar geleden; dat kunnen we niet meer gebruiken."), code="old")
    return moment


def validate_dagdeel(code: str) -> str:
    if code and code not in Dagdeel.values:
        raise ValidationError(_("Kies een dagdeel."), code="invalid_choice")
    return code


def validate_frequentie(code: str) -> str:
    if code and code not in Frequentie.values:
        raise ValidationError(_("Kies hoe vaak u dit ziet."), code="invalid_choice")
    return code


def validate_omschrijving(text: str) -> str:
    text = (text or "").strip()
    if len(text) > settings.MELDING_MAX_OMSCHRIJVING:
        raise ValidationError(
            _("Gebruik maximaal %(max)d tekens (nu %(n)d).")
            % {"max": settings.MELDING_MAX_OMSCHRIJVING, "n": len(text)},
            code="max_length",
        )
    return text


def validate_coordinates(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("Deze coördinaten zijn ongeldig."), code="invalid")


def dagdeel_for(moment: datetime) -> str:
    hour = timezone.localtime(moment).hour
    if hour < 6:
        return Dagdeel.NACHT
    if hour < 12:
        return Dagdeel.OCHTEND
    if hour < 18:
        return Dagdeel.MIDDAG
    return Dagdeel.AVOND


def foto_onleesbaar_tekst() -> str:
    """The message for a photo that cannot be decoded, in the active language."""
    return _(
        "Deze foto kunnen we niet openen: het bestand is beschadigd of niet helemaal verstuurd. Kies de foto opnieuw of laat hem weg."
    )


def validate_photo(data: bytes) -> None:
    """Type and size from the content itself, never from the file name or the browser's claim.

    The pixels are really decoded: `verify()` only checks a PNG's checksums and reads a JPEG's headers,
    so a JPEG cut off halfway passed it and broke the re-encoding afterwards.
    """
    if len(data) > settings.MELDING_MAX_PHOTO_BYTES:
        raise ValidationError(
            _("Een foto mag hoogstens %(mb)d MB zijn.") % {"mb": settings.MELDING_MAX_PHOTO_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(_("Alleen foto's in JPEG, PNG of WebP."), code="format")
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("Deze foto is te groot."), code="too_large")
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(_("Dit bestand is geen foto die we kunnen lezen."), code="format") from exc
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes every pixel; a truncated file raises here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(foto_onleesbaar_tekst(), code="truncated") from exc


def validate_photos(photos: list[bytes]) -> None:
    if len(photos) > settings.MELDING_MAX_PHOTOS:
        raise ValidationError(
            ngettext(
                "U kunt hoogstens %(n)d foto meesturen.",
                "U kunt hoogstens %(n)d foto's meesturen.",
                settings.MELDING_MAX_PHOTOS,
            )
            % {"n": settings.MELDING_MAX_PHOTOS},
            code="too_many",
        )
    for data in photos:
        validate_photo(data)


def validate_omschrijving_en_fotos(tekst: str, fotos: list[bytes]) -> None:
    """The text and photo rules alone (a reporter's later addition, issue 17), keyed like the form."""
    errors: dict[str, list[ValidationError]] = {}
    for naam, func, arg in (("tekst", validate_omschrijving, tekst), ("fotos", validate_photos, fotos)):
        try:
            func(arg)
        except ValidationError as exc:
            errors.setdefault(naam, []).append(exc)
    if errors:
        raise ValidationError(errors)


def validate_invoer(invoer: MeldingInvoer) -> MeldingInvoer:
    """Checks every field and raises one ValidationError keyed by field name with all problems."""
    errors: dict[str, list[ValidationError]] = {}

    def check(name: str, func, *args):
        try:
            return func(*args)
        except ValidationError as exc:
            errors.setdefault(name, []).append(exc)
            return None

    if invoer.buurt_code:
        if not invoer.locatie_omschrijving.strip():
            errors.setdefault("plaats_beschrijving", []).append(
                ValidationError(_("Beschrijf de plek, zodat we haar kunnen vinden."))
            )
    else:
        check("locatie", validate_coordinates, invoer.lat, invoer.lon)
    invoer.locatie_type = check("locatie_type", validate_locatie_type, invoer.locatie_type)
    invoer.waarnemingen = check("waarnemingen", validate_waarnemingen, invoer.waarnemingen)
    invoer.observed_at = check("observed_at", validate_observed_at, invoer.observed_at)
    invoer.dagdeel = check("dagdeel", validate_dagdeel, invoer.dagdeel)
    invoer.frequentie = check("frequentie", validate_frequentie, invoer.frequentie)
    invoer.melder_rol = check("melder_rol", validate_melder_rol, invoer.melder_rol)
    invoer.omschrijving = check("omschrijving", validate_omschrijving, invoer.omschrijving)
    check("fotos", validate_photos, invoer.fotos)
    if errors:
        raise ValidationError(errors)
    if not invoer.dagdeel:
        invoer.dagdeel = dagdeel_for(invoer.observed_at)
    invoer.locatie_omschrijving = (invoer.locatie_omschrijving or "")[:200]
    return invoer
