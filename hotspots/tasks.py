from celery import shared_task
from django.utils import timezone

from .services import hotspot_recompute
from .wachtrij import wachtrij_leegmaken


@shared_task(ignore_result=True)
def hotspots_recompute() -> None:
    """Full recompute as of now; an advisory lock makes a second concurrent run return at once."""
    hotspot_recompute(as_of=timezone.now())


@shared_task(ignore_result=True)
def hotspots_incrementeel() -> int:
    """The incremental step for every melding queued since the last run (hotspots/wachtrij.py);
    scheduled a few seconds after a filing, and by beat every minute as a safety net."""
    return wachtrij_leegmaken()
