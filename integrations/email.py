"""E-mail about actions (issue 15), as handlers of the action events: a new ticket and a reminder to the
partner's team mailbox (`Organisatie.contact_email`), an escalation and a declined action to the
coordinators (COORDINATIE_EMAIL, else the active coordinators' addresses).

The text is Dutch, names the action by number, kind, status and deadline, and links to the ticket; it
never carries a reporter's words, a meldcode or the case's notes (the partner reads the ticket behind its
login, where the covenant decides what it sees). One `VerzondenEmail` per event and recipient: a repeat
of the event sends nothing twice; a mail server that refuses raises, so the outbox tries the event again
later, and the row says what happened.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.roles import Rol
from accounts.selectors import organisatie_contact_email
from acties.events import ACTIE_ESCALATIE, ACTIE_HERINNERING, ACTIE_STATUS_GEWIJZIGD
from acties.models import Actie
from acties.selectors import actie_voor_staf
from acties.workflow import ActieStatus
from outbox.models import Event

from .models import EmailStatus, VerzondenEmail

logger = logging.getLogger(__name__)


def _partner_adres(code: str) -> list[str]:
    adres = organisatie_contact_email(code=code)
    return [adres] if adres else []


def _coordinatie_adressen() -> list[str]:
    if settings.COORDINATIE_EMAIL:
        return list(settings.COORDINATIE_EMAIL)
    return sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, groups__name=Rol.COORDINATOR)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _datum(waarde) -> str:
    return timezone.localtime(waarde).strftime("%d-%m-%Y %H:%M") if waarde else "—"


def _bericht(event: Event, actie: Actie) -> tuple[str, list[str], str, str] | None:
    """(kind, recipients, subject, body) for the event, or None when it mails nobody."""
    soort_actie = actie.type.label_nl
    partner_link = f"{settings.SITE_URL}/partner/acties/{actie.pk}/"
    staf_link = f"{settings.SITE_URL}/coordinatie/acties/{actie.pk}/"
    if event.type == ACTIE_STATUS_GEWIJZIGD:
        naar = event.data.get("naar")
        if naar == ActieStatus.TOEGEWEZEN and event.data.get("organisatie"):
            return (
                "nieuw_ticket",
                _partner_adres(event.data["organisatie"]),
                f"Nieuwe actie {actie.pk}: {soort_actie}",
                f"Uw organisatie heeft een nieuwe actie gekregen: {soort_actie} (actie {actie.pk}).\n"
                f"Urgentie: {actie.get_urgentie_display()}.\n"
                f"Accepteren vóór: {_datum(actie.deadline_accepteren)}. Afronden vóór: {_datum(actie.deadline_afronden)}.\n\n"
                f"Bekijk en accepteer de actie: {partner_link}\n",
            )
        if naar == ActieStatus.GEWEIGERD:
            return (
                "geweigerd",
                _coordinatie_adressen(),
                f"Actie {actie.pk} geweigerd door {actie.verantwoordelijke or 'de partner'}",
                f"{actie.verantwoordelijke or 'De partner'} heeft actie {actie.pk} ({soort_actie}) geweigerd.\n"
                f"De reden staat in de historie van de actie. Wijs haar opnieuw toe of annuleer haar: {staf_link}\n",
            )
        return None
    if event.type == ACTIE_HERINNERING and event.data.get("organisatie"):
        wat = "accepteren" if event.data.get("soort", "").endswith("accepteren") else "afronden"
        return (
            "herinnering",
            _partner_adres(event.data["organisatie"]),
            # the deadline the reminder is about, as the sweep saw it (the action may have changed since)
            f"Herinnering: actie {actie.pk} {wat} vóór {_datum(parse_datetime(event.data.get('deadline') or ''))}",
            f"De termijn om actie {actie.pk} ({soort_actie}) te {wat} loopt bijna af.\n\nNaar de actie: {partner_link}\n",
        )
    if event.type == ACTIE_ESCALATIE:
        wat = "geaccepteerd" if event.data.get("soort", "").endswith("accepteren") else "afgerond"
        return (
            "escalatie",
            _coordinatie_adressen(),
            f"Te laat: actie {actie.pk} is niet op tijd {wat}",
            f"Actie {actie.pk} ({soort_actie}) bij {actie.verantwoordelijke or 'de partner'} is niet op tijd {wat}.\n\n"
            f"Naar de actie: {staf_link}\n",
        )
    return None


def emails_versturen(*, event: Event) -> int:
    """Records the event's e-mails (one per recipient; a repeat of the event records none) and sends
    them; returns how many went out now. A refusal by the mail server leaves the row `mislukt` for
    `emails_herproberen`, so the coordinators see it on the action page meanwhile."""
    try:
        actie = actie_voor_staf(pk=event.object_id)
    except Actie.DoesNotExist:
        return 0
    bericht = _bericht(event, actie)
    if bericht is None:
        return 0
    soort, adressen, onderwerp, tekst = bericht
    verzonden = 0
    for aan in adressen:
        rij, nieuw = VerzondenEmail.objects.get_or_create(
            event_sleutel=event.sleutel,
            aan=aan,
            defaults={
                "actie": actie, "soort": soort, "onderwerp": onderwerp[:200], "tekst": tekst,
                "aangemaakt_op": timezone.now(),
            },
        )  # fmt: skip
        if nieuw and _versturen(rij):
            verzonden += 1
    return verzonden


def _versturen(rij: VerzondenEmail) -> bool:
    rij.pogingen += 1
    try:
        EmailMessage(rij.onderwerp, rij.tekst, settings.DEFAULT_FROM_EMAIL, [rij.aan]).send()
    except Exception as fout:  # smtplib and socket errors alike: recorded, retried later
        rij.status = EmailStatus.MISLUKT
        rij.fout = type(fout).__name__[:200]
        logger.warning("e-mail %s not sent: %s", rij.pk, type(fout).__name__)
    else:
        rij.status = EmailStatus.VERZONDEN
        rij.verzonden_op = timezone.now()
        rij.fout = ""
    rij.save(update_fields=["status", "pogingen", "verzonden_op", "fout"])
    return rij.status == EmailStatus.VERZONDEN


MAX_EMAIL_POGINGEN = 24  # with the hourly sweep: a day


def emails_herproberen() -> int:
    """The beat sweep: e-mails the mail server refused, once more each (locked: two sweeps never send
    one twice)."""
    verzonden = 0
    ids = list(
        VerzondenEmail.objects.filter(status=EmailStatus.MISLUKT, pogingen__lt=MAX_EMAIL_POGINGEN).values_list(
            "id", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            rij = (
                VerzondenEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=EmailStatus.MISLUKT)
                .first()
            )
            if rij is not None and _versturen(rij):
                verzonden += 1
    return verzonden


def emails_van_actie(*, actie_id: int) -> list[VerzondenEmail]:
    return list(VerzondenEmail.objects.filter(actie_id=actie_id).order_by("-aangemaakt_op", "-id")[:100])
