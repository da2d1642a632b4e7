"""Every write to meldingen goes through here."""

import hashlib
import hmac
import io
import logging
import secrets
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from basis.redis import cache_redis
from outbox.services import event_record
from privacy.anonymity import contactgegevens_verwijderen, truncate_to_hour

from .events import MELDING_AANGEMAAKT, MELDING_STATUS_GEWIJZIGD
from .models import RD_SRID, BewaarActie, BewaarRun, Buurt, Melding, MeldingAanvulling, MeldingEvent, MeldingFoto
from .validation import (
    MeldingInvoer,
    foto_onleesbaar_tekst,
    validate_coordinates,
    validate_invoer,
    validate_omschrijving_en_fotos,
)
from .workflow import AfwijsReden, InvalidTransition, MeldingStatus, is_allowed

# No 0/O, 1/I/L: a code read aloud over the phone or copied from a screenshot survives.
MELDCODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MELDCODE_LENGTH = 10  # 31^10 ≈ 8·10^14 codes; guessing is also rate-limited.
PHOTO_MAX_SIDE = 2048
# A day's filings of one client are counted in a window of this length (the client hash changes daily).
DAG_SECONDS = 24 * 60 * 60

logger = logging.getLogger(__name__)


_local = threading.local()


def _wgs84_to_rd() -> CoordTransform:
    """GDAL builds a transformation from scratch on every `transform(srid)` (15-25 ms); reusing one costs
    ~0.1 ms. A CoordTransform is not thread-safe, so each thread keeps its own."""
    if not hasattr(_local, "wgs84_to_rd"):
        _local.wgs84_to_rd = CoordTransform(SpatialReference(4326), SpatialReference(RD_SRID))
    return _local.wgs84_to_rd


def point_rd(*, lat: float, lon: float) -> Point:
    point = Point(lon, lat, srid=4326)
    point.transform(_wgs84_to_rd())
    point.srid = RD_SRID
    return point


def meldcode_generate() -> str:
    return "".join(secrets.choice(MELDCODE_ALPHABET) for _ in range(MELDCODE_LENGTH))


def meldcode_normalize(raw: str) -> str:
    """Accepts what people type: lower case, spaces or dashes, O for 0 and I/L for 1 are not in codes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def buurt_for_point(point: Point) -> Buurt | None:
    return Buurt.objects.filter(geometrie__contains=point).only("code").first()


def photo_reencode(data: bytes) -> tuple[bytes, int, int]:
    """Decodes, applies the orientation, and builds a NEW image from the pixels alone, saved as JPEG.

    Copying pixels into a fresh image is what strips everything: Pillow carries `info` (JPEG comment,
    ICC profile, EXIF, XMP, PNG text chunks) over to the saved file when the decoded image is saved as
    is, and a comment or a text chunk can hold a name or an address. A photo that cannot be decoded
    (e.g. cut off halfway) is refused as the reporter's error, never a crash.
    """
    try:
        with Image.open(io.BytesIO(data)) as bestand:
            image: Image.Image = ImageOps.exif_transpose(bestand).convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            schoon = Image.frombytes("RGB", image.size, image.tobytes())
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"fotos": [foto_onleesbaar_tekst()]}) from exc
    out = io.BytesIO()
    schoon.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), schoon.width, schoon.height


def inzend_sleutel_hash(sleutel: str) -> str:
    """The form's one-time submission key as stored: keyed, so the column cannot be matched to a page
    someone saw (e.g. in a browser's cache) without the server's key."""
    key = f"{settings.CLIENT_HASH_KEY}:inzending".encode()
    return hmac.new(key, sleutel.encode(), hashlib.sha256).hexdigest()


# The daily count may cost a filing at most this long, also when Redis accepts connections but hangs.
DAGLIMIET_TIMEOUT_S = 0.3


def melder_daglimiet_tellen(*, melder_sleutel: str) -> bool:
    """Counts one filing for this client's daily hash; True when the client went over
    MELDINGEN_PER_CLIENT_PER_DAG today.

    Redis down or slow must never stop or delay a report: any error or timeout means "not counted"
    (False), logged without the key. The key is already a keyed hash (of an address, or of an SMS
    number), never the address or the number itself.
    """
    if not melder_sleutel:
        return False
    config = settings.CACHES["default"]
    key = f"{config.get('KEY_PREFIX', '')}:meldingen-per-dag:{melder_sleutel}"
    try:
        pipe = cache_redis(timeout_s=DAGLIMIET_TIMEOUT_S).pipeline()
        pipe.set(key, 0, ex=DAG_SECONDS, nx=True)  # the window starts with the day's first filing
        pipe.incr(key)
        aantal = pipe.execute()[1]
    except Exception as exc:
        logger.warning("daily filing count skipped: cache unavailable (%s)", type(exc).__name__)
        return False
    return aantal > settings.MELDINGEN_PER_CLIENT_PER_DAG


def observed_at_begrenzen(moment, *, ontvangen):
    """No stored time may be finer than the hour of filing unless the reporter gave it (DOMAIN.md):
    a moment later than the start of the filing hour says when the report was sent, so it becomes the
    start of that hour. Naive moments are left for validation to refuse."""
    if moment is None or timezone.is_naive(moment):
        return moment
    return min(moment, ontvangen)


@transaction.atomic
def melding_create(
    *,
    invoer: MeldingInvoer,
    kanaal: str,
    import_sleutel: str | None = None,
    ontvangen_op=None,
    inzend_sleutel: str | None = None,
    melder_sleutel: str = "",
) -> Melding:
    """Validates, places the melding in its buurt, strips photos and stores it with a fresh meldcode.

    Raises ValidationError keyed by field. The point must lie inside one of the city's buurten.
    Every intake path comes through here, so the anonymity rules are applied once, for all of them:
    no time finer than the filing hour, no phone number or e-mail address in the reporter's text.
    `inzend_sleutel` is the (already hashed) one-time key of a form submission; `melder_sleutel` the
    day's keyed hash of the client, counted against MELDINGEN_PER_CLIENT_PER_DAG (over it: stored and
    flagged, never refused).
    """
    # The real filing hour, also for an import that backdates `ontvangen_op` to when the file came in.
    ontvangen = truncate_to_hour(ontvangen_op or timezone.now())
    invoer = validate_invoer(invoer)
    # After validation, which refuses a moment in the future (beyond clock skew) rather than moving it.
    invoer.observed_at = observed_at_begrenzen(invoer.observed_at, ontvangen=truncate_to_hour(timezone.now()))
    # After validation, so the length limit the reporter saw is judged on what they typed.
    invoer.omschrijving = contactgegevens_verwijderen(invoer.omschrijving)[: settings.MELDING_MAX_OMSCHRIJVING]
    invoer.locatie_omschrijving = contactgegevens_verwijderen(invoer.locatie_omschrijving)[:200]
    buurt: Buurt | None
    if invoer.buurt_code:
        # Only the buurt is known (issue 17): a point inside it stands in until a coordinator places it.
        gekozen = Buurt.objects.filter(code=invoer.buurt_code).annotate(binnen=PointOnSurface("geometrie")).first()
        if gekozen is None:
            raise ValidationError({"buurt": [_("Kies een buurt uit de lijst.")]})
        buurt, point = gekozen, gekozen.binnen
    else:
        point = point_rd(lat=invoer.lat, lon=invoer.lon)
        buurt = buurt_for_point(point)
    if buurt is None:
        raise ValidationError(
            {"locatie": [_("Deze plek ligt buiten Amsterdam. Kies een plek binnen de gemeente Amsterdam.")]}
        )
    fotos = [photo_reencode(data) for data in invoer.fotos]  # (jpeg bytes, width, height)

    melding = Melding(
        kanaal=kanaal,
        locatie=point,
        buurt=buurt,
        locatie_onnauwkeurig=bool(invoer.buurt_code),
        locatie_omschrijving=invoer.locatie_omschrijving,
        locatie_type_id=invoer.locatie_type,
        waarnemingen=invoer.waarnemingen,
        observed_at=invoer.observed_at,
        dagdeel=invoer.dagdeel,
        frequentie=invoer.frequentie,
        melder_rol_id=invoer.melder_rol,
        omschrijving=invoer.omschrijving,
        ontvangen_op=ontvangen,
        import_sleutel=import_sleutel,
        inzend_sleutel=inzend_sleutel,
    )
    # Counted only once the report is valid, so a reporter correcting mistakes is not counted twice.
    melding.boven_daglimiet = melder_daglimiet_tellen(melder_sleutel=melder_sleutel)
    # A collision is astronomically rare; the unique index decides, not a racy pre-check.
    for attempt in range(5):
        melding.meldcode = meldcode_generate()
        try:
            with transaction.atomic():
                melding.save(force_insert=True)
            break
        except IntegrityError:
            if import_sleutel and Melding.objects.filter(import_sleutel=import_sleutel).exists():
                raise
            if inzend_sleutel and Melding.objects.filter(inzend_sleutel=inzend_sleutel).exists():
                raise
            if attempt == 4:
                raise
            melding.pk = None
    MeldingEvent.objects.create(melding=melding, van="", naar=melding.status, created_at=ontvangen)
    for data, breedte, hoogte in fotos:
        foto = MeldingFoto(melding=melding, breedte=breedte, hoogte=hoogte)
        foto.bestand.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=True)
    # In this transaction: the hotspot step and whatever else follows a filing cannot be lost after the
    # melding is acknowledged, and cannot happen for one that was rolled back.
    event_record(type=MELDING_AANGEMAAKT, object_id=melding.pk)
    return melding


@transaction.atomic
def melding_plaatsen(*, melding: Melding, lat: float, lon: float) -> Melding:
    """A coordinator puts a melding filed with only its buurt (`locatie_onnauwkeurig`) on the map (issue
    17): the point and the buurt it lies in are set, and the clustering takes it in from now on (the
    same outbox event as a new melding). Raises ValidationError for a point outside the city."""
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    validate_coordinates(lat, lon)
    point = point_rd(lat=lat, lon=lon)
    buurt = buurt_for_point(point)
    if buurt is None:
        raise ValidationError(
            {"locatie": [_("Deze plek ligt buiten Amsterdam. Kies een plek binnen de gemeente Amsterdam.")]}
        )
    melding.locatie, melding.buurt, melding.locatie_onnauwkeurig = point, buurt, False
    melding.save(update_fields=["locatie", "buurt", "locatie_onnauwkeurig"])
    event_record(type=MELDING_AANGEMAAKT, object_id=melding.pk)
    return melding


@transaction.atomic
def melding_transition(
    *,
    melding: Melding,
    naar: str,
    actor: User | None,
    reden: str = "",
    toelichting: str = "",
    origineel: Melding | None = None,
) -> MeldingEvent:
    """Moves a melding to another status per workflow.ALLOWED and writes the history row.

    Rejecting needs a reason; reason `dubbel` needs the original, which must be another melding that
    is not itself a duplicate (so chains always point at the root).
    """
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    van = melding.status
    if not is_allowed(van, naar):
        raise InvalidTransition(van, naar)
    update = ["status", "afwijs_reden", "duplicaat_van"]
    melding.afwijs_reden, melding.duplicaat_van = "", None
    if naar == MeldingStatus.AFGEWEZEN:
        if reden not in AfwijsReden.values:
            raise ValidationError({"reden": [_("Kies een reden om af te wijzen.")]})
        melding.afwijs_reden = reden
        if reden == AfwijsReden.DUBBEL:
            if origineel is None or origineel.pk == melding.pk:
                raise ValidationError({"origineel": [_("Kies de melding waarvan dit een dubbele is.")]})
            # Read it fresh: the caller's copy may predate its own marking as a duplicate.
            origineel = Melding.objects.get(pk=origineel.pk)
            if origineel.duplicaat_van_id:
                origineel = origineel.duplicaat_van
            melding.duplicaat_van = origineel
    melding.status = naar
    melding.save(update_fields=update)
    historie = MeldingEvent.objects.create(
        melding=melding,
        van=van,
        naar=naar,
        actor=actor,
        reden=reden if naar == MeldingStatus.AFGEWEZEN else "",
        toelichting=toelichting,
        created_at=timezone.now(),
    )
    event_record(
        type=MELDING_STATUS_GEWIJZIGD,
        object_id=melding.pk,
        data={"van": van, "naar": naar, "melding_event_id": historie.pk},
    )
    return historie


# At most this many additions per melding: enough for a reporter, a limit for someone holding a code.
AANVULLINGEN_MAX = 10


@transaction.atomic
def melding_aanvullen(
    *, melding: Melding, tekst: str, fotos: list[bytes], inzend_sleutel: str | None = None
) -> MeldingAanvulling:
    """A reporter adds text and/or photos to their melding with its meldcode (issue 17), under the
    melding's own rules: the filing hour only, contact details taken out of the text, photos re-encoded
    without metadata. Not to a closed melding (a new report is the way then). Raises ValidationError."""
    melding = Melding.objects.select_for_update().get(pk=melding.pk)
    if melding.status in (MeldingStatus.AFGEHANDELD, MeldingStatus.AFGEWEZEN):
        raise ValidationError(
            {"tekst": [_("Deze melding is afgesloten. Ziet u het opnieuw? Doe dan een nieuwe melding.")]}
        )
    tekst = (tekst or "").strip()
    if not tekst and not fotos:
        raise ValidationError({"tekst": [_("Schrijf wat u wilt toevoegen, of voeg een foto toe.")]})
    if inzend_sleutel and (eerder := MeldingAanvulling.objects.filter(inzend_sleutel=inzend_sleutel).first()):
        return eerder
    if melding.aanvullingen.count() >= AANVULLINGEN_MAX:
        raise ValidationError(
            {
                "tekst": [
                    _("Bij deze melding zijn al %(n)s aanvullingen. Doe een nieuwe melding.") % {"n": AANVULLINGEN_MAX}
                ]
            }
        )
    validate_omschrijving_en_fotos(tekst, fotos)
    gecodeerd = [photo_reencode(data) for data in fotos]
    aanvulling = MeldingAanvulling.objects.create(
        melding=melding,
        tekst=contactgegevens_verwijderen(tekst)[: settings.MELDING_MAX_OMSCHRIJVING],
        ontvangen_op=truncate_to_hour(timezone.now()),
        inzend_sleutel=inzend_sleutel,
    )
    for data, breedte, hoogte in gecodeerd:
        foto = MeldingFoto(melding=melding, aanvulling=aanvulling, breedte=breedte, hoogte=hoogte)
        foto.bestand.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=True)
    return aanvulling


@transaction.atomic
def meldingen_apply_retention(*, now=None, days: int) -> int:
    """Deletes free text and photos of meldingen filed more than `days` ago; the rest stays for the figures.

    The only path that deletes photos; it leaves a BewaarRun saying when and how many.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    old = Melding.objects.filter(ontvangen_op__lt=cutoff, tekst_verwijderd_op__isnull=True)
    fotos = list(MeldingFoto.objects.filter(melding__in=old))
    for foto in fotos:
        foto.bestand.delete(save=False)
        foto.delete()
    aantal = old.update(omschrijving="", tekst_verwijderd_op=now)
    # A reporter's later additions go with the melding's own text.
    MeldingAanvulling.objects.filter(melding__ontvangen_op__lt=cutoff, tekst_verwijderd_op__isnull=True).update(
        tekst="", tekst_verwijderd_op=now
    )
    BewaarRun.objects.create(
        actie=BewaarActie.TEKST_EN_FOTOS, uitgevoerd_op=now, grens=cutoff, meldingen=aantal, fotos=len(fotos)
    )
    return aantal


@transaction.atomic
def meldingen_locaties_vergroven(*, now=None, days: int, raster_m: int) -> int:
    """Moves the points of meldingen filed more than `days` ago to the centre of their square of
    `raster_m` metres (RD) and drops the named place. The buurt stays, so area figures do not change;
    hotspots of that time keep their polygons, which were never a single report's point.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE meldingen_melding
            SET locatie = ST_SetSRID(ST_MakePoint(floor(ST_X(locatie) / %(r)s) * %(r)s + %(r)s / 2.0,
                                                  floor(ST_Y(locatie) / %(r)s) * %(r)s + %(r)s / 2.0), %(srid)s),
                locatie_omschrijving = '', locatie_vergroofd_op = %(now)s
            WHERE ontvangen_op < %(grens)s AND locatie_vergroofd_op IS NULL
            """,
            {"r": raster_m, "srid": RD_SRID, "now": now, "grens": now - timedelta(days=days)},
        )
        aantal = cursor.rowcount
    BewaarRun.objects.create(
        actie=BewaarActie.LOCATIES_VERGROOFD, uitgevoerd_op=now, grens=now - timedelta(days=days), meldingen=aantal
    )
    return aantal
