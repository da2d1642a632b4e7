from celery import shared_task
from django.conf import settings

from .services import events_dispatch, events_opruimen


@shared_task(ignore_result=True)
def outbox_dispatch(alleen_nieuw: bool = False) -> int:
    """Woken a couple of seconds after a commit (`alleen_nieuw`) and run by beat every minute as the
    sweep that makes a lost wake-up or a dead broker only a delay. Safe to run twice at once."""
    return events_dispatch(alleen_nieuw=alleen_nieuw).afgehandeld


@shared_task(ignore_result=True)
def outbox_opruimen() -> int:
    return events_opruimen(dagen=settings.OUTBOX_BEWAAR_DAGEN)
