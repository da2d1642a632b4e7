"""What the SMS channel does when other apps record events (outbox/; docs/architecture.md, "Side effects")."""

from meldingen.events import MELDING_STATUS_GEWIJZIGD
from outbox.models import Event
from outbox.registry import handler

from .twilio.outbound import abonnement_statusupdate, abonnement_van_melding


@handler(MELDING_STATUS_GEWIJZIGD, naam="integrations.sms_statusupdate")
def sms_statusupdate(event: Event) -> None:
    """One status text to the melding's subscriber, if it has one. Repeats send nothing: the
    subscription remembers the last history row it was told about, and the text carries the event
    id as its idempotency key."""
    abonnement_id = abonnement_van_melding(melding_id=event.object_id)
    if abonnement_id is not None:
        abonnement_statusupdate(abonnement_id=abonnement_id, sleutel=f"{event.sleutel}:{abonnement_id}")
