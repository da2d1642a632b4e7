"""Recording events and running their handlers (the outbox's writes)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from basis.redis import cache_redis
from privacy.anonymity import truncate_to_hour

from .models import Event, HandledEvent
from .registry import handlers_voor

logger = logging.getLogger(__name__)

# The dispatcher is woken at most this often: a task per event once cost the intake p95 443 ms instead
# of 39 ms (bench/intake.py); one SET NX per commit and one task per couple of seconds cost ~0.1 ms.
WEK_NA_S = 2
GEPLAND = "outbox:dispatch-gepland"
PER_KEER = 500


def _redis() -> redis.Redis:
    return cache_redis(timeout_s=0.5)  # a filing never waits on the wake-up


def event_record(*, type: str, object_id: int, data: dict[str, Any] | None = None) -> Event:
    """Records an event in the caller's transaction (call it inside the service that made the change)
    and wakes the dispatcher once that transaction commits. A rollback takes the event with it."""
    event = Event.objects.create(
        type=type, object_id=object_id, data=data or {}, created_hour=truncate_to_hour(timezone.now())
    )
    transaction.on_commit(outbox_wekken, robust=True)
    return event


def events_record(*, events: list[tuple[str, int, dict[str, Any]]]) -> int:
    """Many events at once, as (type, object_id, data), in one INSERT (a sweep that finds thousands of
    due deadlines): the same guarantees as event_record."""
    if not events:
        return 0
    uur = truncate_to_hour(timezone.now())
    Event.objects.bulk_create(
        [Event(type=type_, object_id=object_id, data=data, created_hour=uur) for type_, object_id, data in events],
        batch_size=1000,
    )
    transaction.on_commit(outbox_wekken, robust=True)
    return len(events)


def outbox_wekken() -> None:
    """Schedules a dispatch in WEK_NA_S unless one is pending. Never raises: with Redis or the broker
    down the events wait for the beat sweep (OUTBOX_SWEEP_S)."""
    from .tasks import outbox_dispatch  # the tasks module imports this one

    try:
        r = _redis()
        if r.set(GEPLAND, 1, nx=True, ex=WEK_NA_S):
            try:
                outbox_dispatch.apply_async(kwargs={"alleen_nieuw": True}, countdown=WEK_NA_S, retry=False)
            except Exception:
                r.delete(GEPLAND)  # the next commit tries again instead of waiting out the debounce
                raise
    except Exception:
        logger.warning("could not wake the outbox dispatcher; the beat sweep will run the events", exc_info=True)


@dataclass
class DispatchResultaat:
    afgehandeld: int = 0
    mislukt: int = 0
    overgeslagen: int = 0  # locked by another dispatcher, or done meanwhile


def events_dispatch(*, alleen_nieuw: bool = False, max_events: int = 20_000) -> DispatchResultaat:
    """Runs the pending handlers of every open event, oldest first, each event in its own transaction.

    `alleen_nieuw` (the wake-up after a commit) leaves events whose handlers failed before to the beat
    sweep, so a failing handler is tried once a minute rather than every couple of seconds. Each event
    is tried at most once per run; two dispatchers at once skip each other's events (SKIP LOCKED).
    """
    resultaat = DispatchResultaat()
    na_id = 0
    while resultaat.afgehandeld + resultaat.mislukt + resultaat.overgeslagen < max_events:
        open_events = Event.objects.filter(done=False, pk__gt=na_id, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
        if alleen_nieuw:
            open_events = open_events.filter(attempts=0)
        ids = list(open_events.order_by("pk").values_list("pk", flat=True)[:PER_KEER])
        if not ids:
            break
        for event_id in ids:
            gelukt = event_afhandelen(event_id=event_id)
            if gelukt is None:
                resultaat.overgeslagen += 1
            elif gelukt:
                resultaat.afgehandeld += 1
            else:
                resultaat.mislukt += 1
        na_id = ids[-1]
    return resultaat


class _PerHandler(Exception):
    """The event needs the careful path: a handler failed on it before."""


def event_afhandelen(*, event_id: int) -> bool | None:
    """Runs the handlers of one event that have not finished it yet. Returns True when all have (the
    event is done), False when one failed (it stays open for the next sweep), None when the event is
    locked by another dispatcher or already done.

    Usually every handler succeeds: then they run in one transaction with the rows recording them, in
    five round trips besides the handlers' own work (the dispatcher must keep up with 150 filings a
    second). If one raises, that transaction is rolled back as a whole and the event is run again
    handler by handler (`_per_handler`), which keeps what succeeded and records what failed.
    """
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update(skip_locked=True).filter(pk=event_id, done=False).first()
            if event is None:
                return None
            if event.attempts or event.last_error:
                raise _PerHandler
            handlers = handlers_voor(event.type)
            for h in handlers:
                h.func(event)
            with connection.cursor() as cursor:
                cursor.execute(_AFRONDEN_SQL, {"id": event.pk, "handlers": [h.naam for h in handlers]})
        return True
    except Exception:  # noqa: S110 - not swallowed: the careful path runs the handlers again and logs the failure
        pass
    return _per_handler(event_id=event_id)


# Marks the event done and records its handlers in one statement.
_AFRONDEN_SQL = f"""
WITH klaar AS (UPDATE {Event._meta.db_table} SET done = true WHERE id = %(id)s)
INSERT INTO {HandledEvent._meta.db_table} (event_id, handler)
SELECT %(id)s, unnest(%(handlers)s::text[])
ON CONFLICT DO NOTHING
"""  # noqa: S608 - table names are ours, values are parameters


def _per_handler(*, event_id: int) -> bool | None:
    """Each handler not yet recorded runs in a savepoint together with the row that records it, so its
    database work and that record commit together: after a crash neither exists and it runs again."""
    with transaction.atomic():
        event = Event.objects.select_for_update(skip_locked=True).filter(pk=event_id, done=False).first()
        if event is None:
            return None
        al_gedaan = set(event.handled.values_list("handler", flat=True))
        fout = ""
        for h in handlers_voor(event.type):
            if h.naam in al_gedaan:
                continue
            try:
                with transaction.atomic():
                    h.func(event)
                    HandledEvent.objects.create(event=event, handler=h.naam)
            except Exception as exc:
                # The traceback goes through the log's anonymity filter; the row keeps the class only.
                logger.exception("outbox handler %s failed on event %s (%s)", h.naam, event.pk, event.type)
                fout = f"{h.naam}: {type(exc).__name__}"
        if fout:
            event.attempts += 1
            event.last_error = fout[:300]
            if event.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                logger.error(
                    "outbox event %s (%s) is a dead letter after %s attempts", event.pk, event.type, event.attempts
                )
            event.save(update_fields=["attempts", "last_error"])
            return False
        event.done = True
        event.save(update_fields=["done"])
        return True


def events_opnieuw_proberen(*, event_ids: list[int]) -> int:
    """For an operator, after fixing what made a handler fail: dead letters become open again. The last
    error stays visible (and keeps the event on the careful path, handler by handler)."""
    return Event.objects.filter(pk__in=event_ids, done=False).update(attempts=0)


def events_opruimen(*, dagen: int, nu: datetime | None = None) -> int:
    """Deletes handled events older than `dagen` days; open ones and dead letters stay."""
    grens = truncate_to_hour(nu or timezone.now()) - timedelta(days=dagen)
    verwijderd, _ = Event.objects.filter(done=True, created_hour__lt=grens).delete()
    return verwijderd
