from celery import shared_task
from django.utils import timezone

from .services import hotspot_assign, hotspot_recompute


@shared_task(ignore_result=True)
def hotspots_recompute() -> None:
    """Full recompute as of now; an advisory lock makes a second concurrent run return at once."""
    hotspot_recompute(as_of=timezone.now())


@shared_task(ignore_result=True)
def hotspot_assign_task(melding_id: int) -> None:
    """The fast incremental step for one new melding; idempotent (membership is unique)."""
    hotspot_assign(melding_id=melding_id)
