from celery import shared_task
from django.conf import settings

from .services import meldingen_apply_retention as _apply_retention


@shared_task
def meldingen_apply_retention() -> int:
    """Idempotent: a second run finds nothing left to delete."""
    return _apply_retention(days=settings.MELDING_RETENTION_DAYS)
