"""Webhooks to partner organisations (issue 15): thin, signed messages about their tickets.

- Signing follows the Standard Webhooks specification: `webhook-id`, `webhook-timestamp` and
  `webhook-signature` = `v1,` + base64(HMAC-SHA256(secret, "id.timestamp.body")) with the endpoint's
  `whsec_` secret. Written here from the specification (a few lines) rather than with the reference
  library, so the tests, which verify with that library, check our code against an independent one.
- Fan-out: the outbox handler makes one `WebhookBericht` per event and endpoint (unique, so a repeated
  event makes none), then tries to deliver it once the transaction commits.
- Delivery: one attempt holds the message's row lock; 2xx delivers, 410 disables the endpoint (its
  waiting messages become dead letters), anything else (or no answer) retries on the schedule below,
  which spans more than 24 hours; after the last try the message is a dead letter a coordinator can
  resend. Every attempt is logged. Messages of one endpoint about one action go in the order of their
  events: a message waits while an earlier one of the same action is still waiting.
- Addresses: only http(s); a host that resolves to a loopback, private, link-local, multicast or
  reserved address is refused at registration and again before every attempt (SSRF), unless
  WEBHOOK_LOOPBACK_TOEGESTAAN allows loopback (tests, the demo).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import secrets
import socket
import time
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisatie
from acties.events import ACTIE_HERINNERING, ACTIE_STATUS_GEWIJZIGD
from acties.selectors import actie_ticket_organisaties
from outbox.models import Event

from .models import WebhookAbonnement, WebhookBericht, WebhookBerichtStatus, WebhookPoging

logger = logging.getLogger(__name__)

# Seconds to wait before each retry (the first attempt is at once): Standard Webhooks' suggested
# schedule, 5 s up to 10 h, about 27.6 hours in all.
SCHEMA_S = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
MAX_POGINGEN = len(SCHEMA_S) + 1
TIMEOUT_S = (3.0, 10.0)  # connect, read
S = WebhookBerichtStatus


# --- Secrets, addresses, signatures --------------------------------------------------------------------


def _fernet() -> Fernet:
    return Fernet(settings.WEBHOOK_ENCRYPTION_KEY.encode())


def geheim_maken() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def abonnement_geheim(abonnement: WebhookAbonnement) -> str:
    return _fernet().decrypt(bytes(abonnement.geheim_versleuteld)).decode()


def handtekening(geheim: str, msg_id: str, tijdstip: int, body: bytes) -> str:
    sleutel = base64.b64decode(geheim.removeprefix("whsec_"))
    mac = hmac.new(sleutel, f"{msg_id}.{tijdstip}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def url_controleren(url: str) -> None:
    """Raises ValidationError (Dutch) for an address we must not send to."""
    delen = urlsplit(url)
    if delen.scheme not in ("http", "https") or not delen.hostname:
        raise ValidationError({"url": [_("Geef een http- of https-adres.")]})
    if settings.PRODUCTION and delen.scheme != "https":
        raise ValidationError({"url": [_("Gebruik https.")]})
    try:
        adressen = {info[4][0] for info in socket.getaddrinfo(delen.hostname, delen.port or 443)}
    except (OSError, UnicodeError) as fout:
        raise ValidationError({"url": [_("Deze naam bestaat niet (DNS).")]}) from fout
    for adres in adressen:
        ip = ipaddress.ip_address(str(adres).split("%")[0])
        if ip.is_loopback and settings.WEBHOOK_LOOPBACK_TOEGESTAAN:
            continue
        if not ip.is_global or ip.is_multicast:
            raise ValidationError({"url": [_("Dit adres wijst naar een intern netwerk; dat is niet toegestaan.")]})


def abonnement_maken(*, organisatie: Organisatie, url: str) -> tuple[WebhookAbonnement, str]:
    """A new endpoint; returns it and its secret (shown once to the partner)."""
    url_controleren(url)
    geheim = geheim_maken()
    abonnement = WebhookAbonnement.objects.create(
        organisatie=organisatie, url=url, geheim_versleuteld=_fernet().encrypt(geheim.encode())
    )
    return abonnement, geheim


# --- Fan-out -------------------------------------------------------------------------------------------


def _ontvangers(event: Event) -> list[str]:
    if event.type == ACTIE_STATUS_GEWIJZIGD:
        return actie_ticket_organisaties(actie_id=event.object_id)
    if event.type == ACTIE_HERINNERING and event.data.get("organisatie"):
        return [event.data["organisatie"]]
    return []


def berichten_maken(*, event: Event) -> list[int]:
    """The event's messages, one per active endpoint of the organisations it concerns; a repeat of the
    event makes none. The payload is thin: the partner fetches details through the API."""
    organisaties = _ontvangers(event)
    abonnementen = list(WebhookAbonnement.objects.filter(organisatie__in=organisaties, actief=True))
    if not abonnementen:
        return []
    nu = timezone.now()
    data = {"actie_id": event.object_id}
    if event.type == ACTIE_STATUS_GEWIJZIGD:
        data["status"] = event.data.get("naar", "")
    else:
        data["soort"] = event.data.get("soort", "")
        data["deadline"] = event.data.get("deadline", "")
    payload = {"type": event.type, "timestamp": nu.isoformat(), "data": data}
    WebhookBericht.objects.bulk_create(
        [
            WebhookBericht(
                abonnement=a,
                actie_id=event.object_id,
                event_sleutel=event.sleutel,
                volgorde=event.pk,
                msg_id=f"msg_{uuid.uuid4().hex}",
                type=event.type,
                payload=payload,
                volgende_poging_op=nu,
                aangemaakt_op=nu,
            )
            for a in abonnementen
        ],
        ignore_conflicts=True,
    )
    ids = list(WebhookBericht.objects.filter(event_sleutel=event.sleutel).values_list("id", flat=True))
    _plannen(ids)
    return ids


def _plannen(ids: list[int], countdown: float = 0) -> None:
    from integrations.tasks import webhook_afleveren  # the tasks module imports this one

    def plannen() -> None:
        for pk in ids:
            try:
                webhook_afleveren.apply_async((pk,), countdown=countdown)
            except Exception:  # broker down: the beat sweep (berichten_herplannen) delivers it later
                logger.warning("could not schedule webhook message %s", pk, exc_info=True)

    transaction.on_commit(plannen, robust=True)


# --- Delivery ------------------------------------------------------------------------------------------


def _versturen(bericht: WebhookBericht, nu: datetime) -> tuple[int | None, str, int]:
    """One HTTP attempt: (status code or None, error text, milliseconds)."""
    abonnement = bericht.abonnement
    body = json.dumps(bericht.payload, separators=(",", ":"), ensure_ascii=False).encode()
    tijdstip = int(nu.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "WeerbareWijken-Webhooks/1",
        "webhook-id": bericht.msg_id,
        "webhook-timestamp": str(tijdstip),
        "webhook-signature": handtekening(abonnement_geheim(abonnement), bericht.msg_id, tijdstip, body),
    }
    begin = time.monotonic()
    try:
        url_controleren(abonnement.url)
        # No redirects: a 3xx to an internal address would get around the check above.
        antwoord = requests.post(abonnement.url, data=body, headers=headers, timeout=TIMEOUT_S, allow_redirects=False)
        return antwoord.status_code, "", int((time.monotonic() - begin) * 1000)
    except ValidationError as fout:
        return None, "; ".join(fout.messages)[:200], 0
    except requests.RequestException as fout:
        return None, type(fout).__name__, int((time.monotonic() - begin) * 1000)


def bericht_afleveren(*, bericht_id: int, nu: datetime | None = None) -> str:
    """One attempt at `bericht_id` if it is due and not waiting for an earlier message of its action;
    returns its status afterwards (or why nothing was sent). Safe to call twice: the row lock and the
    status decide, and a second worker skips a message that is being sent."""
    nu = nu or timezone.now()
    volgende: list[int] = []
    with transaction.atomic():
        bericht = (
            WebhookBericht.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("abonnement")
            .filter(pk=bericht_id)
            .first()
        )
        if bericht is None:
            return "bezig"
        if bericht.status != S.WACHTEND:
            return bericht.status
        if bericht.volgende_poging_op and bericht.volgende_poging_op > nu:
            return "later"
        eerder = WebhookBericht.objects.filter(
            abonnement_id=bericht.abonnement_id,
            actie_id=bericht.actie_id,
            status=S.WACHTEND,
            volgorde__lt=bericht.volgorde,
        )
        if eerder.exists():
            return "wacht op een eerder bericht"
        abonnement = bericht.abonnement
        if not abonnement.actief:
            bericht.status = S.DOOD
            bericht.save(update_fields=["status"])
            return bericht.status
        code, fout, duur = _versturen(bericht, nu)
        WebhookPoging.objects.create(bericht=bericht, tijdstip=nu, status_code=code, fout=fout, duur_ms=duur)
        bericht.pogingen += 1
        if code is not None and 200 <= code < 300:
            bericht.status = S.AFGELEVERD
            bericht.afgeleverd_op = nu
            bericht.volgende_poging_op = None
            volgende = _volgende_van_actie(bericht)
        elif code == 410:
            # The receiver says the endpoint is gone for good: stop, and say so to the coordinators.
            abonnement.actief = False
            abonnement.uitgeschakeld_op = nu
            abonnement.uitgeschakeld_reden = _("De ontvanger antwoordde 410 (Gone).")
            abonnement.save(update_fields=["actief", "uitgeschakeld_op", "uitgeschakeld_reden"])
            bericht.status = S.DOOD
            bericht.volgende_poging_op = None
            WebhookBericht.objects.filter(abonnement=abonnement, status=S.WACHTEND).exclude(pk=bericht.pk).update(
                status=S.DOOD, volgende_poging_op=None
            )
        elif bericht.pogingen >= MAX_POGINGEN:
            bericht.status = S.DOOD
            bericht.volgende_poging_op = None
        else:
            wacht = SCHEMA_S[bericht.pogingen - 1] * random.uniform(1.0, 1.1)  # noqa: S311 - jitter
            bericht.volgende_poging_op = nu + timedelta(seconds=wacht)
            _plannen([bericht.pk], countdown=wacht)
        bericht.save(update_fields=["status", "pogingen", "volgende_poging_op", "afgeleverd_op"])
        _plannen(volgende)
    return bericht.status


def _volgende_van_actie(bericht: WebhookBericht) -> list[int]:
    eerste = (
        WebhookBericht.objects.filter(
            abonnement_id=bericht.abonnement_id,
            actie_id=bericht.actie_id,
            status=S.WACHTEND,
            volgorde__gt=bericht.volgorde,
        )
        .order_by("volgorde")
        .values_list("id", flat=True)
        .first()
    )
    return [eerste] if eerste else []


def berichten_herplannen(*, nu: datetime | None = None, max_berichten: int = 1000) -> dict[str, int]:
    """The beat sweep: every due message, oldest event first, one attempt each (a lost task, a broker
    that was down, a retry whose time came). Returns the statuses it left."""
    nu = nu or timezone.now()
    ids = list(
        WebhookBericht.objects.filter(status=S.WACHTEND, volgende_poging_op__lte=nu)
        .order_by("volgorde", "id")
        .values_list("id", flat=True)[:max_berichten]
    )
    uitkomst: dict[str, int] = {}
    for pk in ids:
        status = bericht_afleveren(bericht_id=pk, nu=nu)
        uitkomst[status] = uitkomst.get(status, 0) + 1
    return uitkomst


@transaction.atomic
def bericht_opnieuw(*, bericht_id: int, actie_id: int | None = None) -> WebhookBericht:
    """A coordinator resends a dead letter: waiting again, with the same webhook-id (a receiver that did
    get it can drop it) and a fresh set of attempts. Not for a disabled endpoint. With `actie_id`, a
    message about another action raises WebhookBericht.DoesNotExist like an unknown one."""
    berichten = WebhookBericht.objects.select_for_update().select_related("abonnement")
    if actie_id is not None:
        berichten = berichten.filter(actie_id=actie_id)
    bericht = berichten.get(pk=bericht_id)
    if bericht.status != S.DOOD:
        raise ValidationError({"bericht": [_("Alleen een mislukt bericht kan opnieuw worden verstuurd.")]})
    if not bericht.abonnement.actief:
        raise ValidationError({"bericht": [_("Deze webhook is uitgeschakeld; schakel hem eerst weer in.")]})
    bericht.status = S.WACHTEND
    bericht.pogingen = 0
    bericht.volgende_poging_op = timezone.now()
    bericht.save(update_fields=["status", "pogingen", "volgende_poging_op"])
    _plannen([bericht.pk])
    return bericht


# --- Reads for the coordinators --------------------------------------------------------------------------


def webhook_berichten_van_actie(*, actie_id: int) -> list[WebhookBericht]:
    """What was sent about an action to whom, newest first, with the last attempt of each."""
    berichten = list(
        WebhookBericht.objects.filter(actie_id=actie_id)
        .select_related("abonnement__organisatie")
        .order_by("-volgorde", "-id")[:100]
    )
    laatste: dict[int, WebhookPoging] = {}
    for poging in WebhookPoging.objects.filter(bericht__in=berichten).order_by("tijdstip", "id"):
        laatste[poging.bericht_id] = poging
    for bericht in berichten:
        bericht.laatste_poging = laatste.get(bericht.pk)  # type: ignore[attr-defined]
    return berichten
