"""What the SMS channel does when other apps record events (outbox/; docs/architecture.md, "Side effects")."""

from acties.events import ACTIE_ESCALATIE, ACTIE_HERINNERING, ACTIE_STATUS_GEWIJZIGD
from meldingen.events import MELDING_STATUS_GEWIJZIGD
from outbox.models import Event
from outbox.registry import handler

from .twilio.outbound import abonnement_statusupdate, abonnement_van_melding, actie_afgerond_teksten


@handler(MELDING_STATUS_GEWIJZIGD, naam="integrations.sms_statusupdate")
def sms_statusupdate(event: Event) -> None:
    """One status text to the melding's subscriber, if it has one. Repeats send nothing: the
    subscription remembers the last history row it was told about, and the text carries the event
    id as its idempotency key."""
    abonnement_id = abonnement_van_melding(melding_id=event.object_id)
    if abonnement_id is not None:
        abonnement_statusupdate(abonnement_id=abonnement_id, sleutel=f"{event.sleutel}:{abonnement_id}")


@handler(ACTIE_STATUS_GEWIJZIGD, naam="integrations.sms_actie_afgerond")
def sms_actie_afgerond(event: Event) -> None:
    """Issue 16: subscribers whose melding a completed action followed get one short text about it."""
    if event.data.get("naar") == "afgerond":
        actie_afgerond_teksten(actie_id=event.object_id, sleutel=event.sleutel)


@handler(ACTIE_STATUS_GEWIJZIGD, naam="integrations.webhooks_status")
@handler(ACTIE_HERINNERING, naam="integrations.webhooks_herinnering")
def webhooks_versturen(event: Event) -> None:
    """One signed message per endpoint of the organisations the ticket concerns; a repeat makes none
    (unique per endpoint and event)."""
    from .webhooks import berichten_maken

    berichten_maken(event=event)


@handler(ACTIE_STATUS_GEWIJZIGD, naam="integrations.email_status")
@handler(ACTIE_HERINNERING, naam="integrations.email_herinnering")
@handler(ACTIE_ESCALATIE, naam="integrations.email_escalatie")
def emails_versturen(event: Event) -> None:
    """A new ticket or reminder to the partner's mailbox, an escalation or a declined action to the
    coordinators; once per event and recipient."""
    from .email import emails_versturen as versturen

    versturen(event=event)


@handler(ACTIE_STATUS_GEWIJZIGD, naam="integrations.dienst_sms")
def dienst_sms(event: Event) -> None:
    """A text to the duty number of the organisation an urgent action was just assigned to."""
    from .dienst_sms import dienst_sms_versturen

    dienst_sms_versturen(event=event)
