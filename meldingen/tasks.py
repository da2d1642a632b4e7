from celery import shared_task
from django.conf import settings

from .services import meldingen_apply_retention as _apply_retention
from .services import meldingen_locaties_vergroven


@shared_task
def meldingen_apply_retention() -> int:
    """Idempotent: a second run finds nothing left to delete."""
    return _apply_retention(days=settings.MELDING_RETENTION_DAYS)


@shared_task
def meldingen_locaties_vergroven_task() -> int:
    """Idempotent: coarsened points are marked and skipped."""
    return meldingen_locaties_vergroven(
        days=settings.MELDING_LOCATIE_GROF_DAYS, raster_m=settings.MELDING_LOCATIE_GROF_M
    )
