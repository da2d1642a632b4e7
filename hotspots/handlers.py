"""What hotspots does when other apps record events (outbox/; docs/architecture.md, "Side effects")."""

from meldingen.events import MELDING_AANGEMAAKT
from outbox.models import Event
from outbox.registry import handler

from .services import hotspot_assign


@handler(MELDING_AANGEMAAKT, naam="hotspots.melding_plaatsen")
def melding_plaatsen(event: Event) -> None:
    """The incremental step: joins the new melding to a living hotspot or registers it as a candidate.
    Idempotent (hotspot_assign), so a repeated delivery changes nothing; the full recompute every 15
    minutes stays the source of truth."""
    hotspot_assign(melding_id=event.object_id)
