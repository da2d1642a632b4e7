"""Thin Celery wrappers around integrations.twilio.outbound; they take ids and are safe to run twice."""

import random

from celery import shared_task

from integrations.twilio.outbound import (
    MAX_POGINGEN,
    TijdelijkeSmsFout,
    uitgaand_sms_versturen,
    uitgaande_sms_herplannen,
)
from integrations.twilio.outbound import sms_abonnementen_opschonen as _opschonen

BACKOFF_BASIS_SECONDS = 30
BACKOFF_MAX_SECONDS = 10 * 60


def sms_backoff(retries: int) -> float:
    """Exponential backoff with jitter: 30 s, 60 s, 2 min, 4 min (capped at 10 min), each drawn from the
    upper half of its interval so retries of many texts after one Twilio outage do not arrive together."""
    plafond = min(BACKOFF_MAX_SECONDS, BACKOFF_BASIS_SECONDS * 2**retries)
    return plafond / 2 + random.uniform(0, plafond / 2)  # noqa: S311 - jitter, not a secret


@shared_task(bind=True, max_retries=MAX_POGINGEN - 1, acks_late=True)
def sms_versturen(self, uitgaand_id: int) -> str:
    """Sends one UitgaandSms; retries transient errors, and the last try leaves a `mislukt` row."""
    try:
        sms = uitgaand_sms_versturen(uitgaand_id=uitgaand_id, laatste_poging=self.request.retries >= self.max_retries)
    except TijdelijkeSmsFout as exc:
        # The exception carries only status / code / class: safe for Celery's logs and result backend.
        raise self.retry(exc=exc, countdown=sms_backoff(self.request.retries)) from None
    return sms.status


@shared_task
def sms_wachtrij_herplannen() -> int:
    return uitgaande_sms_herplannen()


@shared_task
def sms_abonnementen_opschonen() -> dict[str, int]:
    return _opschonen()


@shared_task
def sms_gesprekken_opschonen() -> dict[str, int]:
    """Every few minutes, so an abandoned conversation's hash is gone soon after its 30 idle minutes."""
    from integrations.twilio.services import sms_gesprekken_opschonen as _gesprekken

    return _gesprekken()


@shared_task(acks_late=True)
def webhook_afleveren(bericht_id: int) -> str:
    """One attempt at a webhook message if it is due; the service plans the next on failure."""
    from integrations.webhooks import bericht_afleveren

    return bericht_afleveren(bericht_id=bericht_id)


@shared_task
def webhooks_herplannen() -> dict[str, int]:
    from integrations.webhooks import berichten_herplannen

    return berichten_herplannen()


@shared_task
def emails_herproberen() -> int:
    from integrations.email import emails_herproberen as herproberen

    return herproberen()
