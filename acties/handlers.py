"""What acties does when other apps record events (outbox/; docs/architecture.md, "Side effects")."""

from hotspots.events import HOTSPOT_SAMENGEVOEGD
from outbox.models import Event
from outbox.registry import handler

from .services import acties_hotspot_volgen


@handler(HOTSPOT_SAMENGEVOEGD, naam="acties.hotspot_volgen")
def hotspot_volgen(event: Event) -> None:
    """Open actions follow a merged hotspot to the survivor (idempotent: nothing left to move twice)."""
    acties_hotspot_volgen(van_id=event.object_id, naar_id=int(event.data["in"]))
