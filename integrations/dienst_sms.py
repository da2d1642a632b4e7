"""Duty SMS for urgent actions (issue 15): when an action marked `spoed` is assigned, a short text to the
responsible organisation's duty number, through the Twilio outbound path (its retries and dead letter).
The number is a work number, stored encrypted (DienstNummer) and never shown or logged; the text names
the action by number and kind and links to the ticket, nothing of the case."""

from __future__ import annotations

from django.conf import settings

from accounts.models import Organisatie
from acties.events import ACTIE_STATUS_GEWIJZIGD
from acties.models import Actie
from acties.selectors import actie_voor_staf
from acties.workflow import ActieStatus, Urgentie
from outbox.models import Event

from .models import DienstNummer, UitgaandSms
from .twilio.crypto import nummer_versleutelen
from .twilio.outbound import sms_in_wachtrij


def dienstnummer_zetten(*, organisatie: Organisatie, nummer: str) -> DienstNummer:
    dienst, _nieuw = DienstNummer.objects.update_or_create(
        organisatie=organisatie, defaults={"nummer_versleuteld": nummer_versleutelen(nummer)}
    )
    return dienst


def dienst_sms_versturen(*, event: Event) -> UitgaandSms | None:
    """The text for an urgent action just assigned, if its organisation has a duty number; a repeat of
    the event queues nothing (the event's key is the text's idempotency key)."""
    if event.type != ACTIE_STATUS_GEWIJZIGD or event.data.get("naar") != ActieStatus.TOEGEWEZEN:
        return None
    code = event.data.get("organisatie")
    dienst = DienstNummer.objects.filter(organisatie_id=code, organisatie__actief=True).first() if code else None
    if dienst is None:
        return None
    try:
        actie = actie_voor_staf(pk=event.object_id)
    except Actie.DoesNotExist:
        return None
    if actie.urgentie != Urgentie.SPOED:
        return None
    tekst = (
        f"Weerbare Wijken: SPOED-actie {actie.pk} ({actie.type.label_nl}) voor {actie.verantwoordelijke}. "
        f"Bekijk en accepteer: {settings.SITE_URL}/partner/acties/{actie.pk}/"
    )
    return sms_in_wachtrij(dienstnummer=dienst, actie_id=actie.pk, tekst=tekst, sleutel=f"{event.sleutel}:dienst")


def sms_van_actie(*, actie_id: int) -> list[UitgaandSms]:
    return list(UitgaandSms.objects.filter(actie_id=actie_id).order_by("-aangemaakt_op", "-id")[:50])
