from celery import shared_task

from .services import acties_termijnen_bewaken


@shared_task(ignore_result=True)
def acties_termijnen() -> int:
    """Beat, every ACTIE_TERMIJNEN_S: reminders and escalations of the actions' service levels.
    Idempotent (one signal per action, kind and deadline)."""
    return acties_termijnen_bewaken()
