from celery import shared_task
from django.utils import timezone

from .services import hotspot_recompute


@shared_task(ignore_result=True)
def hotspots_recompute() -> None:
    """Full recompute as of now; an advisory lock makes a second concurrent run return at once."""
    hotspot_recompute(as_of=timezone.now())
