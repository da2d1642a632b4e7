"""Listeners to other apps' signals."""

import logging

from django.dispatch import receiver

from meldingen.signals import melding_aangemaakt

logger = logging.getLogger(__name__)


@receiver(melding_aangemaakt, dispatch_uid="hotspots.melding_aangemaakt")
def melding_aangemaakt_ontvangen(sender, melding_id: int, **kwargs) -> None:
    """Queues the incremental step. `retry=False`: with the broker down the intake request must not
    hang on reconnects; the 15-minute recompute places the melding anyway."""
    from .tasks import hotspot_assign_task

    try:
        hotspot_assign_task.apply_async((melding_id,), retry=False)
    except Exception:
        logger.warning("could not queue the hotspot step for melding %s", melding_id, exc_info=True)
