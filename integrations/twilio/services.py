"""Inbound SMS: every write of the SMS conversation goes through here.

Privacy (DOMAIN.md, anonymity rules): the sender's number arrives as `van` and is used for exactly
two things: its keyed hash (`nummer_hash`) keys the conversation row and the rate limit, and, only
after the resident answers JA to status updates, it is stored Fernet-encrypted in `SmsAbonnement`.
It is never logged and never written anywhere else. The conversation row is deleted when the
conversation ends (filed and answered, STOP, or 30 idle minutes).
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from geopy.exc import GeopyError

from integrations.geocoding import get_geocoder
from integrations.models import SmsAbonnement, SmsBericht, SmsGesprek
from meldingen.intake import Plek, adres_zoeken
from meldingen.models import Kanaal, LocatieType, Waarneming
from meldingen.selectors import melding_laatste_event_id, melding_public_status
from meldingen.services import melding_create
from meldingen.validation import MeldingInvoer, code_list
from privacy.anonymity import scrub, truncate_to_hour
from privacy.ratelimit import ThrottleOnbereikbaar, hour_counter_hit

from . import gesprek as gesprek_logica
from .crypto import nummer_hash, nummer_normaliseren, nummer_ontsleutelen, nummer_versleutelen
from .gesprek import Codes, MeldenMislukt, Status, ZoekenMislukt, Zoekresultaat
from .tekst import Plekvraag, vouwen

logger = logging.getLogger(__name__)

GESPREK_TTL = timedelta(minutes=30)
BERICHT_BEWAREN = timedelta(days=2)
ABONNEMENT_DUUR = timedelta(days=90)
# Geocoder hits of one street this close together are one place for a report ("Bijlmerplein" finds the
# square, its postcode and house number 1, all within 150 m); farther apart they are real alternatives.
ZELFDE_PLEK_METERS = 300
# Two streets of a crossing whose nearest hits lie farther apart than this do not cross.
KRUISING_MAX_METERS = 1000


def berichten_per_uur() -> int:
    return settings.SMS_BERICHTEN_PER_UUR


# -------------------------------------------------------------------------------- entry point


def sms_ontvangen(*, message_sid: str, van: str, tekst: str, nu: datetime | None = None) -> str:
    """Handles one inbound SMS and returns the reply text ('' for no reply).

    Idempotent per `message_sid`: Twilio redelivers a message when our answer is slow, and the
    redelivery gets the stored reply and changes nothing. Messages of one sender are processed one at
    a time (row lock on the conversation).
    """
    nu = nu or timezone.now()
    eerder = _eerder_antwoord(message_sid)
    if eerder is not None:
        return eerder
    afzender = nummer_hash(van)
    aantal = _tellen(afzender)
    if aantal > berichten_per_uur():
        # One polite answer per window; after that silence, so a flood does not cost a flood of replies.
        return gesprek_logica.tekst("te_veel", "nl") if aantal == berichten_per_uur() + 1 else ""
    _verlopen_opruimen(nu - GESPREK_TTL, behalve=afzender)
    try:
        return _verwerken(message_sid=message_sid, van=van, afzender=afzender, tekst=tekst, nu=nu)
    except IntegrityError:
        # The same MessageSid was handled concurrently and committed first; everything of ours is rolled back.
        eerder = _eerder_antwoord(message_sid)
        if eerder is None:
            raise
        return eerder


@transaction.atomic
def _verwerken(*, message_sid: str, van: str, afzender: str, tekst: str, nu: datetime) -> str:
    gesprek = _gesprek_vergrendelen(afzender, nu)
    verlopen = bool(gesprek.toestand) and gesprek.laatst_actief < nu - GESPREK_TTL
    diensten = _Diensten(van=van, nu=nu, afzender=afzender)
    uitkomst = gesprek_logica.verwerk({} if verlopen else gesprek.toestand, tekst[:1600], diensten, verlopen=verlopen)
    if uitkomst.toestand is None:
        gesprek.delete()
    else:
        gesprek.toestand = uitkomst.toestand
        # Once a melding is filed the row links it to this sender until the conversation ends; its
        # minute would be the filing moment, which is kept to the hour (DOMAIN.md). The end of the hour
        # keeps the conversation open at least GESPREK_TTL for the subscription question.
        gesprek.laatst_actief = truncate_to_hour(nu) + timedelta(hours=1) if "melding_id" in uitkomst.toestand else nu
        gesprek.save(update_fields=["toestand", "laatst_actief"])
    SmsBericht.objects.create(message_sid=message_sid, antwoord=uitkomst.antwoord, ontvangen_op=truncate_to_hour(nu))
    return uitkomst.antwoord


def _eerder_antwoord(message_sid: str) -> str | None:
    return SmsBericht.objects.filter(message_sid=message_sid).values_list("antwoord", flat=True).first()


def _gesprek_vergrendelen(afzender: str, nu: datetime) -> SmsGesprek:
    """The sender's conversation row, locked until the transaction ends; created when missing.

    Insert-if-missing followed by SELECT ... FOR UPDATE, so two first messages of one sender arriving
    together also serialise on one row instead of one failing on the unique index.
    """
    for _ in range(3):
        gesprek = SmsGesprek.objects.select_for_update().filter(afzender=afzender).first()
        if gesprek is not None:
            return gesprek
        SmsGesprek.objects.bulk_create(
            [SmsGesprek(afzender=afzender, toestand={}, laatst_actief=nu)], ignore_conflicts=True
        )
    raise RuntimeError("conversation row vanished three times")  # deleted by a parallel STOP each time


def _tellen(afzender: str) -> int:
    """Messages of this sender in the current hour (fixed window), counting this one.

    With Redis down the count is unknown: the message is taken anyway, because intake must keep
    working and this limit guards against floods, not against guessing.
    """
    try:
        return hour_counter_hit(f"sms-berichten:{afzender}")
    except ThrottleOnbereikbaar:
        logger.warning("sms sender count unavailable; message accepted uncounted")
        return 1


def _verlopen_opruimen(grens: datetime, *, behalve: str) -> None:
    """Deletes other senders' idle conversations; rows locked by a message being handled are skipped,
    and the sender's own row is left for `_verwerken`, which tells the resident it expired."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"delete from {SmsGesprek._meta.db_table} where id in ("  # noqa: S608 - table name is ours
            f" select id from {SmsGesprek._meta.db_table} where laatst_actief < %s and afzender <> %s"
            " for update skip locked)",
            [grens, behalve],
        )


# -------------------------------------------------------------------------------- housekeeping


@transaction.atomic
def sms_gesprekken_opschonen(*, nu: datetime | None = None) -> dict[str, int]:
    """For a beat task: deletes conversations idle for 30 minutes and handled-message records older than
    two days (long after Twilio stops redelivering). Returns the number of rows deleted per model."""
    nu = nu or timezone.now()
    gesprekken, _ = SmsGesprek.objects.filter(laatst_actief__lt=nu - GESPREK_TTL).delete()
    berichten, _ = SmsBericht.objects.filter(ontvangen_op__lt=nu - BERICHT_BEWAREN).delete()
    return {"gesprekken": gesprekken, "berichten": berichten}


def sms_abonnementen_van_nummer_verwijderen(*, van: str) -> int:
    """Deletes every subscription of this number (STOP). Fernet tokens are randomised, so rows are found
    by decrypting; there are few (at most 90 days of opt-ins)."""
    nummer = nummer_normaliseren(van)
    weg = []
    for pk, token in SmsAbonnement.objects.values_list("pk", "nummer_versleuteld").iterator():
        try:
            if nummer_ontsleutelen(token) == nummer:
                weg.append(pk)
        except InvalidToken:
            continue  # encrypted with a retired key
    if weg:
        SmsAbonnement.objects.filter(pk__in=weg).delete()
    return len(weg)


# -------------------------------------------------------------------------------- side effects


class _Diensten:
    """What the conversation logic may do to the world, inside `_verwerken`'s transaction."""

    def __init__(self, *, van: str, nu: datetime, afzender: str = "") -> None:
        self._van = van
        self._nu = nu
        self._afzender = afzender

    def zoek(self, vraag: Plekvraag) -> Zoekresultaat:
        try:
            plekken = adres_zoeken(vraag.tekst)
            tweede = adres_zoeken(vraag.kruising) if vraag.kruising else []
        except ValidationError as exc:
            raise ZoekenMislukt from exc
        if vraag.kruising and plekken and tweede:
            straten = _samenvoegen(plekken, vraag.tekst), _samenvoegen(tweede, vraag.kruising)
            return Zoekresultaat([_kruising(*straten)])
        plekken = _samenvoegen(plekken or tweede, vraag.tekst if plekken else vraag.kruising)
        if plekken:
            return Zoekresultaat([{"lat": p.lat, "lon": p.lon, "naam": p.naam} for p in plekken])
        return Zoekresultaat([], buiten=_buiten_amsterdam(vraag.tekst))

    def status(self, meldcode: str) -> Status | None:
        status = melding_public_status(meldcode=meldcode)
        if status is None:
            return None
        return Status(status.meldcode, status.status, status.buurt_naam, status.ontvangen_op)

    def melden(self, gegevens: dict[str, Any]) -> tuple[str, int]:
        nu = timezone.localtime(self._nu)
        plek = gegevens["plek"]
        invoer = MeldingInvoer(
            lat=plek["lat"],
            lon=plek["lon"],
            locatie_omschrijving=plek["naam"],
            locatie_type=gegevens["locatie_type"],
            waarnemingen=gegevens["waarnemingen"],
            observed_at=gesprek_logica.waargenomen_op(gegevens, nu),
            dagdeel=gegevens.get("dagdeel") or "",
            frequentie=gegevens.get("frequentie") or "",
            # The resident's own words, minus any phone number or address typed into them.
            omschrijving=scrub(gegevens.get("omschrijving", ""))[: settings.MELDING_MAX_OMSCHRIJVING],
        )
        try:
            # The same daily count as the web form, keyed by the sender's hash (only in Redis, for a day).
            melding = melding_create(
                invoer=invoer, kanaal=Kanaal.SMS, ontvangen_op=self._nu, melder_sleutel=f"sms:{self._afzender}"
            )
        except ValidationError as exc:
            velden = sorted(exc.message_dict) if hasattr(exc, "error_dict") else ["?"]
            logger.warning("sms melding refused: %s", ", ".join(velden))
            raise MeldenMislukt(buiten_amsterdam="locatie" in velden) from exc
        return melding.meldcode, melding.pk

    def abonneren(self, melding_id: int, taal: str) -> None:
        aangemaakt = truncate_to_hour(self._nu)
        # The resident already knows the melding was received; updates start after its first event.
        laatste = melding_laatste_event_id(melding_id=melding_id)
        SmsAbonnement.objects.create(
            melding_id=melding_id,
            nummer_versleuteld=nummer_versleutelen(self._van),
            taal=taal,
            aangemaakt_op=aangemaakt,
            verwijderen_na=aangemaakt + ABONNEMENT_DUUR,
            laatste_event_id=laatste,
        )

    def vergeten(self) -> int:
        return sms_abonnementen_van_nummer_verwijderen(van=self._van)

    def codes(self) -> Codes:
        # The same active lists, in the same order, as the web form (kept a minute per process).
        return Codes(waarnemingen=code_list(Waarneming), locatie_types=code_list(LocatieType))


def _afstand(a: Plek, b: Plek) -> float:
    """Metres between two WGS84 points (equirectangular; exact enough within a city)."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6_371_000 * math.hypot(x, y)


def _kop(naam: str) -> str:
    """'Bijlmerplein 1, 1102DA Amsterdam' → 'bijlmerplein 1'."""
    return " ".join(vouwen(naam.split(",", 1)[0]).split())


def _straat(naam: str) -> str:
    kop = _kop(naam).split()
    while kop and kop[-1][:1].isdigit():
        kop.pop()
    return " ".join(kop)


def _samenvoegen(plekken: list[Plek], vraag: str) -> list[Plek]:
    """Several hits of one street within a few hundred metres are one place; a hit whose name is
    exactly what was typed ('Dam' → Dam, not Damstraat) wins over the rest."""
    uit: list[Plek] = []
    for plek in plekken:
        if not any(_straat(plek.naam) == _straat(q.naam) and _afstand(plek, q) < ZELFDE_PLEK_METERS for q in uit):
            uit.append(plek)
    gevraagd = " ".join(vouwen(vraag).replace(",", " ").split())
    exact = [p for p in uit if _kop(p.naam) == gevraagd]
    return exact if len(exact) == 1 else uit


def _kruising(eerste: list[Plek], tweede: list[Plek]) -> dict[str, Any]:
    """The crossing of two streets: the middle of their nearest hits when they are close, else the first."""
    a, b = min(((a, b) for a in eerste for b in tweede), key=lambda ab: _afstand(*ab))
    if _afstand(a, b) > KRUISING_MAX_METERS:
        return {"lat": eerste[0].lat, "lon": eerste[0].lon, "naam": eerste[0].naam}
    naam = f"hoek {a.naam.split(',')[0]} / {b.naam.split(',')[0]}"
    return {"lat": (a.lat + b.lat) / 2, "lon": (a.lon + b.lon) / 2, "naam": naam}


def _buiten_amsterdam(vraag: str) -> str:
    """The name of a match anywhere in the country, to tell 'not in Amsterdam' from 'not found'."""
    try:
        hit = get_geocoder().geocode(vraag, exactly_one=True, municipality=None)
    except GeopyError:
        return ""
    return hit.address if hit else ""
