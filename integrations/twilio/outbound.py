"""Outbound SMS: status updates to reporters who opted in, sent with the twilio REST client.

Every text goes through an `UitgaandSms` row first (`sms_in_wachtrij`), and a Celery task
(`integrations.tasks.sms_versturen`) sends it. The row is the record of the attempts: `verzonden`
with Twilio's message SID, or `mislukt` (the dead letter) after a permanent error or the last try.

Privacy (DOMAIN.md, anonymity rules): the number exists in clear only in memory, decrypted from
`SmsAbonnement.nummer_versleuteld` for the one request to Twilio. Twilio's error messages can
contain the number ("The 'To' number +316… is not a valid phone number."), so what is stored in
`laatste_fout` or raised towards Celery (its logs and result backend) is only the HTTP status, the
Twilio error code and the exception class. A subscription is deleted when its melding is closed,
after the final status text has gone out, or after 90 days, whichever comes first.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import lru_cache

import requests
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from acties.selectors import actie_melding_ids_voor_melders, actie_publiek_voor_melding
from integrations.models import DienstNummer, SmsAbonnement, UitgaandSms, UitgaandSmsStatus
from integrations.twilio.crypto import nummer_ontsleutelen
from integrations.twilio.services import sms_gesprekken_opschonen
from integrations.twilio.tekst import segmenten
from meldingen.selectors import melding_events_na, melding_public_status
from meldingen.workflow import MeldingStatus

logger = logging.getLogger(__name__)

# Tries per text, the first included; after the last transient failure the row is the dead letter.
MAX_POGINGEN = 5
TWILIO_TIMEOUT_SECONDS = 10.0
MAX_SEGMENTEN = 2  # issue 3: replies and updates fit in two SMS segments
# A closed melding's subscription waits for its final text, but never longer than this.
AFSLUIT_WACHTTIJD = timedelta(hours=1)
# Only Twilio's redeliveries need a handled MessageSid; it retries for minutes, not days.
# Longer than the whole retry schedule of a task (see integrations.tasks.sms_backoff).
HERPLAN_NA = timedelta(minutes=30)

AFGESLOTEN = (MeldingStatus.AFGEHANDELD, MeldingStatus.AFGEWEZEN)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class SmsFout(Exception):
    """A failed send, described without the number: HTTP status, Twilio error code, exception class."""

    tijdelijk = False

    def __init__(self, omschrijving: str, *, status: int | None = None, code: int | None = None) -> None:
        super().__init__(omschrijving)
        self.status = status
        self.code = code


class TijdelijkeSmsFout(SmsFout):
    """Worth another try later: Twilio 5xx or 429, connection errors, timeouts."""

    tijdelijk = True


class BlijvendeSmsFout(SmsFout):
    """Will fail the same way again (4xx such as 21211 invalid 'To' number, 401 wrong credentials)."""


def fout_classificeren(exc: BaseException) -> SmsFout:
    """Turns whatever the twilio client raised into a SmsFout whose text holds no message text."""
    if isinstance(exc, TwilioRestException | TwilioServiceException):
        status, code = int(exc.status), exc.code
        omschrijving = f"HTTP {status}, Twilio-fout {code} (https://www.twilio.com/docs/errors/{code})"
        tijdelijk = status >= 500 or status == 429
        return (TijdelijkeSmsFout if tijdelijk else BlijvendeSmsFout)(omschrijving, status=status, code=code)
    if isinstance(exc, InvalidToken):
        return BlijvendeSmsFout("nummer niet te ontsleutelen (SMS_ENCRYPTION_KEY gewijzigd?)")
    if isinstance(exc, requests.RequestException | OSError):
        return TijdelijkeSmsFout(f"verbinding met Twilio mislukt ({type(exc).__name__})")
    # Unknown: retried like a transient error, so the row still ends as a dead letter, not stuck.
    return TijdelijkeSmsFout(f"onverwachte fout ({type(exc).__name__})")


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, base_url: str) -> Client:
    client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS))
    if base_url:
        # The api domain's base replaces https://api.twilio.com; tests use a loopback fake.
        client.api.base_url = base_url.rstrip("/")
    return client


def twilio_client() -> Client:
    return _client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_API_BASE_URL)


def _twilio_versturen(*, naar: str, tekst: str) -> str:
    afzender = settings.TWILIO_FROM
    if afzender.startswith("MG"):  # a Messaging Service SID instead of a number
        bericht = twilio_client().messages.create(to=naar, messaging_service_sid=afzender, body=tekst)
    else:
        bericht = twilio_client().messages.create(to=naar, from_=afzender, body=tekst)
    return bericht.sid


def uitgaand_sms_versturen(*, uitgaand_id: int, laatste_poging: bool = False) -> UitgaandSms:
    """Sends one queued text; safe to call twice (a row that is not `wachtrij` is left alone).

    The row stays locked during the request, so two workers never send it both. Raises
    TijdelijkeSmsFout when the caller should try again later; after a permanent error, the
    MAX_POGINGEN-th try or `laatste_poging` the row is `mislukt` and nothing is raised.
    """
    fout: SmsFout | None = None
    with transaction.atomic():
        sms = (
            UitgaandSms.objects.select_for_update(of=("self",))
            .select_related("abonnement", "dienstnummer")
            .get(pk=uitgaand_id)
        )
        if sms.status != UitgaandSmsStatus.WACHTRIJ:
            return sms
        bestemming = sms.abonnement or sms.dienstnummer
        if bestemming is None:
            # Deleted (closed melding or 90 days) before this text went out: the number is gone.
            sms.status = UitgaandSmsStatus.MISLUKT
            sms.laatste_fout = "abonnement verwijderd, nummer niet meer bekend"
            sms.save(update_fields=["status", "laatste_fout", "bijgewerkt_op"])
            return sms
        sms.pogingen += 1
        try:
            sms.twilio_sid = _twilio_versturen(naar=nummer_ontsleutelen(bestemming.nummer_versleuteld), tekst=sms.tekst)
        except Exception as exc:
            fout = fout_classificeren(exc)
            sms.laatste_fout = str(fout)
            if not fout.tijdelijk or laatste_poging or sms.pogingen >= MAX_POGINGEN:
                sms.status = UitgaandSmsStatus.MISLUKT
            logger.warning("sms %s poging %s mislukt: %s", sms.pk, sms.pogingen, fout)
        else:
            sms.status = UitgaandSmsStatus.VERZONDEN
            sms.laatste_fout = ""
        sms.save(update_fields=["status", "pogingen", "laatste_fout", "twilio_sid", "bijgewerkt_op"])
    if fout is not None and sms.status == UitgaandSmsStatus.WACHTRIJ:
        raise fout
    if sms.abonnement_id is not None:
        # The final text of a closed melding has gone (or definitely failed): the number may go.
        abonnement_verwijderen_als_klaar(abonnement_id=sms.abonnement_id)
    return sms


def sms_in_wachtrij(
    *,
    abonnement: SmsAbonnement | None = None,
    tekst: str,
    sleutel: str | None = None,
    dienstnummer: DienstNummer | None = None,
    actie_id: int | None = None,
) -> UitgaandSms:
    """Records a text for a subscriber and schedules its sending once the transaction commits. With a
    `sleutel` (idempotency key) a second call returns the text already queued under it."""
    from integrations.tasks import sms_versturen  # the tasks module imports this one

    if sleutel is not None and (bestaand := UitgaandSms.objects.filter(sleutel=sleutel).first()) is not None:
        return bestaand
    sms = UitgaandSms.objects.create(
        abonnement=abonnement, dienstnummer=dienstnummer, actie_id=actie_id, tekst=tekst, sleutel=sleutel
    )

    def plannen() -> None:
        try:
            sms_versturen.delay(sms.pk)
        except Exception:  # broker down: the text stays queued and uitgaande_sms_herplannen sends it later
            logger.warning("could not schedule sms %s", sms.pk, exc_info=True)

    transaction.on_commit(plannen, robust=True)
    return sms


def uitgaande_sms_herplannen(*, nu: datetime | None = None) -> int:
    """Queues again texts whose task was lost (a broker restart, a worker killed between retries)."""
    from integrations.tasks import sms_versturen

    grens = (nu or timezone.now()) - HERPLAN_NA
    ids = list(
        UitgaandSms.objects.filter(status=UitgaandSmsStatus.WACHTRIJ, bijgewerkt_op__lt=grens).values_list(
            "pk", flat=True
        )
    )
    UitgaandSms.objects.filter(pk__in=ids).update(bijgewerkt_op=timezone.now())
    for pk in ids:
        sms_versturen.delay(pk)
    return len(ids)


# --------------------------------------------------------------------------------------------
# Status updates
# --------------------------------------------------------------------------------------------

_KOP = {"nl": "Weerbare Wijken, melding {code}: {label}.", "en": "Weerbare Wijken, report {code}: {label}."}
_LAATSTE = {"nl": "U krijgt geen sms meer over deze melding.", "en": "You will get no more texts about this report."}


def statusupdate_tekst(*, meldcode: str, taal: str, laatste: bool) -> str:
    """The public status in the subscriber's language, as on the status page: the label and its
    explanation, never the internal reason of a rejection (meldingen/workflow.py, PUBLIC_LABELS)."""
    taal = taal if taal in _KOP else "nl"
    with translation.override(taal):
        status = melding_public_status(meldcode=meldcode)
    if status is None:
        return ""
    delen = [_KOP[taal].format(code=status.meldcode, label=status.status_label), status.toelichting]
    if laatste:
        delen.append(_LAATSTE[taal])
    tekst = " ".join(d for d in delen if d)
    if segmenten(tekst) > MAX_SEGMENTEN:  # a long translation: the label is what matters
        tekst = " ".join([delen[0], *delen[2:]])
    return tekst


@transaction.atomic
def abonnement_statusupdate(*, abonnement_id: int, sleutel: str | None = None) -> UitgaandSms | None:
    """Queues one text with the current public status if the melding has new events since the last
    one reported, and moves `laatste_event_id` past them; a second call finds nothing new. `sleutel`
    is the idempotency key of the text (the outbox event's id with the subscription's)."""
    abonnement = (
        SmsAbonnement.objects.select_for_update(of=("self",)).select_related("melding").filter(pk=abonnement_id).first()
    )
    if abonnement is None:
        return None
    nieuw = melding_events_na(melding_id=abonnement.melding_id, na_event_id=abonnement.laatste_event_id)
    if not nieuw:
        return None
    abonnement.laatste_event_id = nieuw[-1][0]
    abonnement.save(update_fields=["laatste_event_id"])
    # The creating event ("" → nieuw) is not news: the reporter got the meldcode in the conversation.
    if all(van == "" for _, van in nieuw):
        return None
    melding = abonnement.melding
    tekst = statusupdate_tekst(meldcode=melding.meldcode, taal=abonnement.taal, laatste=melding.status in AFGESLOTEN)
    if not tekst:
        return None
    return sms_in_wachtrij(abonnement=abonnement, tekst=tekst, sleutel=sleutel)


def actie_afgerond_teksten(*, actie_id: int, sleutel: str) -> list[UitgaandSms]:
    """One short text to every subscriber whose melding a just completed action followed (linked, or in
    its hotspot when assigned; a duplicate's reporter follows the earlier melding), in the subscriber's
    language and as the covenant lets them hear of it. `sleutel` (the outbox event's) makes a repeat
    queue nothing new. A 13b closure whose decision is not public yet sends nothing."""
    melding_ids = actie_melding_ids_voor_melders(actie_id=actie_id)
    if not melding_ids:
        return []
    abonnementen = SmsAbonnement.objects.select_related("melding").filter(
        Q(melding_id__in=melding_ids) | Q(melding__duplicaat_van_id__in=melding_ids)
    )
    uit: list[UitgaandSms] = []
    for abonnement in abonnementen.order_by("pk"):
        taal = abonnement.taal if abonnement.taal in _KOP else "nl"
        with translation.override(taal):
            actie = actie_publiek_voor_melding(actie_id=actie_id)
            if actie is None or not actie.afgerond:
                return uit
            tekst = " ".join([_KOP_ACTIE[taal].format(code=abonnement.melding.meldcode), _actie_zin(actie)])
        uit.append(sms_in_wachtrij(abonnement=abonnement, tekst=tekst, sleutel=f"{sleutel}:{abonnement.pk}"))
    return uit


_KOP_ACTIE = {"nl": "Weerbare Wijken, melding {code}:", "en": "Weerbare Wijken, report {code}:"}


def _actie_zin(actie) -> str:
    if actie.datum is None:
        return actie.tekst
    return _("Op %(d)s: %(t)s") % {"d": date_format(actie.datum, "j F Y"), "t": actie.tekst}


def abonnement_van_melding(*, melding_id: int) -> int | None:
    return SmsAbonnement.objects.filter(melding_id=melding_id).values_list("pk", flat=True).first()


# --------------------------------------------------------------------------------------------
# Retention
# --------------------------------------------------------------------------------------------


@transaction.atomic
def abonnement_verwijderen_als_klaar(*, abonnement_id: int, nu: datetime | None = None) -> bool:
    """Deletes the subscription of a closed melding once no final text is waiting to go out (or that
    text has waited longer than AFSLUIT_WACHTTIJD). Returns whether it was deleted."""
    nu = nu or timezone.now()
    abonnement = (
        SmsAbonnement.objects.select_for_update(of=("self",))
        .filter(pk=abonnement_id, melding__status__in=AFGESLOTEN)
        .first()
    )
    if abonnement is None:
        return False
    wacht = UitgaandSms.objects.filter(
        abonnement=abonnement, status=UitgaandSmsStatus.WACHTRIJ, aangemaakt_op__gt=nu - AFSLUIT_WACHTTIJD
    ).exists()
    if wacht:
        return False
    abonnement.delete()
    return True


def sms_abonnementen_opschonen(*, nu: datetime | None = None) -> dict[str, int]:
    """Hourly retention of the SMS channel's personal data (DOMAIN.md, anonymity rules; issue 3):

    - a subscription goes when its melding is closed (afgehandeld or afgewezen) — after its final
      status text has been queued and sent — or when `verwijderen_na` (90 days) has passed;
    - handled inbound MessageSids go after two days, idle conversations after 30 minutes.
    """
    nu = nu or timezone.now()
    verlopen, _ = SmsAbonnement.objects.filter(verwijderen_na__lte=nu).delete()
    afgesloten = 0
    for pk in list(SmsAbonnement.objects.filter(melding__status__in=AFGESLOTEN).values_list("pk", flat=True)):
        abonnement_statusupdate(abonnement_id=pk)  # the final text first, if it is not queued yet
        afgesloten += abonnement_verwijderen_als_klaar(abonnement_id=pk, nu=nu)
    return {
        "abonnementen_verlopen": verlopen,
        "abonnementen_afgesloten": afgesloten,
        **sms_gesprekken_opschonen(nu=nu),
    }
