"""The outbox: events in the service's transaction, handlers after commit, at least once, nothing lost."""

import contextlib
import logging
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from hotspots.models import Hotspot, HotspotMelding
from hotspots.services import hotspot_recompute
from integrations.models import UitgaandSms, UitgaandSmsStatus
from meldingen.events import MELDING_AANGEMAAKT, MELDING_STATUS_GEWIJZIGD
from meldingen.models import Melding
from meldingen.services import melding_create, melding_transition
from meldingen.workflow import MeldingStatus
from outbox import registry
from outbox import services as outbox_services
from outbox.models import Event, HandledEvent
from outbox.services import event_record, events_dispatch, events_opnieuw_proberen, events_opruimen
from outbox.tasks import outbox_dispatch
from tests.fakes.blackhole import dead_port
from tests.hotspots.conftest import BIJLMERPLEIN, plant, verschoven
from tests.hotspots.test_incrementeel import _invoer
from tests.integrations.test_sms_outbound import abonnement_maken, fake_twilio_server, twilio  # noqa: F401

TEST_TYPE = "test.gebeurd"


@pytest.fixture
def handlers(monkeypatch):
    """Two handlers for a test-only event type; while `kapot["b"]` is set the second one raises."""
    gedaan: dict[str, list[int]] = {"b": []}
    kapot = {"b": False}

    def a(event):
        # Its effect is a row (as a handler's must be): rolled back with its transaction.
        event_record(type="test.gevolg", object_id=event.object_id)

    def b(event):
        if kapot["b"]:
            raise RuntimeError("+31612345678 is kapot")  # the row must not keep this text
        gedaan["b"].append(event.object_id)

    monkeypatch.setitem(registry._HANDLERS, TEST_TYPE, [registry.Handler("test.a", a), registry.Handler("test.b", b)])
    return gedaan, kapot


def test_een_event_bestaat_alleen_als_de_transactie_slaagt(db):
    with contextlib.suppress(RuntimeError), transaction.atomic():
        event_record(type=TEST_TYPE, object_id=1)
        raise RuntimeError("rollback")
    assert not Event.objects.exists()


def test_een_event_kent_geen_tijd_fijner_dan_het_uur(db):
    event = event_record(type=TEST_TYPE, object_id=1)
    event.refresh_from_db()
    assert (event.created_hour.minute, event.created_hour.second, event.created_hour.microsecond) == (0, 0, 0)


def test_elke_handler_legt_vast_dat_hij_het_event_afhandelde(db, handlers):
    event = event_record(type=TEST_TYPE, object_id=6)
    assert events_dispatch().mislukt == 0
    event.refresh_from_db()
    assert event.done
    assert sorted(event.handled.values_list("handler", flat=True)) == ["test.a", "test.b"]


def test_een_falende_handler_houdt_alleen_zichzelf_op(db, handlers, caplog):
    gedaan, kapot = handlers
    kapot["b"] = True
    event = event_record(type=TEST_TYPE, object_id=7)
    # when the first run fails in b
    resultaat = events_dispatch()
    # then a's work is recorded, the event stays open with the class of the error only
    assert resultaat.mislukt == 1
    event.refresh_from_db()
    assert not event.done
    assert event.attempts == 1
    assert event.last_error == "test.b: RuntimeError"
    assert list(HandledEvent.objects.values_list("handler", flat=True)) == ["test.a"]
    assert "outbox handler test.b failed" in caplog.text
    # and the wake-up after a commit leaves it to the sweep
    assert events_dispatch(alleen_nieuw=True).mislukt == 0
    # when b works again and the sweep runs: only b runs, a is not repeated
    kapot["b"] = False
    assert events_dispatch().afgehandeld == 1
    assert list(Event.objects.filter(type="test.gevolg").values_list("object_id", flat=True)) == [7]
    assert gedaan["b"] == [7]
    event.refresh_from_db()
    assert event.done


def test_na_het_maximum_is_het_een_dead_letter_tot_een_beheerder_het_terugzet(db, handlers, settings):
    gedaan, kapot = handlers
    settings.OUTBOX_MAX_ATTEMPTS = 3
    kapot["b"] = True
    event = event_record(type=TEST_TYPE, object_id=8)
    for _ in range(5):
        events_dispatch()
    event.refresh_from_db()
    assert event.attempts == 3
    assert not event.done
    assert gedaan["b"] == []
    # when the cause is fixed and an operator sends it again (the admin's action)
    kapot["b"] = False
    assert events_opnieuw_proberen(event_ids=[event.pk]) == 1
    assert events_dispatch().afgehandeld == 1
    assert gedaan["b"] == [8]


def test_opruimen_neemt_alleen_oude_afgehandelde_events(db, handlers):
    oud, open_oud, nieuw = (event_record(type="test.zonder_handlers", object_id=i) for i in range(3))
    events_dispatch()
    Event.objects.filter(pk__in=[oud.pk, open_oud.pk]).update(created_hour=timezone.now() - timedelta(days=10))
    Event.objects.filter(pk=open_oud.pk).update(done=False)
    assert events_opruimen(dagen=7) == 1
    assert set(Event.objects.values_list("pk", flat=True)) == {open_oud.pk, nieuw.pk}


def test_elk_meldingen_event_heeft_een_handler():
    # A type nobody handles is a side effect that silently never happens.
    assert {MELDING_AANGEMAAKT, MELDING_STATUS_GEWIJZIGD} <= set(registry.event_types())


@contextlib.contextmanager
def dode_broker():
    """Celery publishes to a closed port, as when Redis (the broker) is down; restored afterwards."""
    vorige = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{dead_port()}/0"
    celery_app.amqp._producer_pool = None
    celery_app._pool = None
    try:
        yield
    finally:
        celery_app.conf.broker_url = vorige
        celery_app.amqp._producer_pool = None
        celery_app._pool = None


class Opvanger(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.regels: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.regels.append(record.getMessage())


def wachten_tot(voorwaarde, *, seconden=30.0) -> None:
    eind = time.monotonic() + seconden
    while not voorwaarde():
        assert time.monotonic() < eind, "the worker did not finish in time"
        time.sleep(0.1)


@pytest.fixture
def vastgelegd(django_db_setup, django_db_blocker):
    """Committed data, as a real worker in another thread needs, reset afterwards without Django's flush
    (which would empty the areas and code lists the rest of the run shares). History tables refuse
    deletes (append-only triggers); TRUNCATE is the test reset, as in the browser tests."""
    with django_db_blocker.unblock():
        # pytest-django sets the test database up only for sessions with a django_db test in them; this
        # module has some, so alone this test would write to the development database: refuse that.
        assert connection.settings_dict["NAME"].startswith("test_"), "run with the rest of tests/outbox"
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE meldingen_melding, hotspots_hotspot, hotspots_hotspotdrempel, outbox_event,"
                " integrations_uitgaandsms CASCADE"
            )
        celery_app.control.purge()


def test_een_dode_broker_vertraagt_het_werk_en_verliest_niets(vastgelegd, twilio, caplog):  # noqa: F811
    # given a living hotspot around the Bijlmerplein and two meldingen with an SMS subscription
    nu = timezone.now()
    plant(BIJLMERPLEIN, eind=nu)
    hotspot_recompute(as_of=nu)
    hotspot = Hotspot.objects.get()
    abonnees = [melding_create(invoer=_invoer(verschoven(BIJLMERPLEIN, 3, 3 * i)), kanaal="web") for i in range(2)]
    for i, melding in enumerate(abonnees):
        abonnement_maken(melding=melding, nummer=f"+3161234567{i}")
    events_dispatch()  # their creating events are handled; only what follows is under test
    celery_app.control.purge()
    outbox_services._redis().delete(outbox_services.GEPLAND)  # no wake-up pending from the filings above

    # when, with the broker down, five meldingen are filed and both subscribed meldingen are accepted
    with dode_broker():
        nieuw = [melding_create(invoer=_invoer(verschoven(BIJLMERPLEIN, -4 * i, 4)), kanaal="web") for i in range(5)]
        for melding in abonnees:
            melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=None)

    # then everything is stored, nothing has happened yet, and the events wait
    assert "could not wake the outbox dispatcher" in caplog.text
    assert Melding.objects.filter(pk__in=[m.pk for m in nieuw]).count() == 5
    assert not HotspotMelding.objects.filter(melding__in=nieuw).exists()
    assert not UitgaandSms.objects.exists()
    assert Event.objects.filter(done=False).count() == 5 + 2

    # when the broker is back and beat's sweep reaches a worker through it
    werkerlog = Opvanger()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="INFO"):
        logging.getLogger("celery").addHandler(werkerlog)  # after the worker's own logging set-up
        outbox_dispatch.delay()
        wachten_tot(
            lambda: (
                UitgaandSms.objects.filter(status=UitgaandSmsStatus.VERZONDEN).count() == 2
                and not Event.objects.filter(done=False).exists()
            )
        )

    # then the worker's log does not say when the dispatch was received (it was published at a filing)
    logging.getLogger("celery").removeHandler(werkerlog)
    assert not any("outbox.tasks.outbox_dispatch" in regel for regel in werkerlog.regels)
    assert any("integrations.tasks.sms_versturen" in regel for regel in werkerlog.regels)  # not a blanket silence
    # and the hotspot step ran for every new melding
    assert HotspotMelding.objects.filter(hotspot=hotspot, melding__in=nieuw).count() == 5
    # and each subscriber got exactly one status text
    ontvangers = sorted(r.field("To") for r in twilio.message_requests())
    assert ontvangers == ["+31612345670", "+31612345671"]
    assert all("In behandeling" in r.field("Body") for r in twilio.message_requests())

    # when the sweep runs once more
    resultaat = events_dispatch()
    # then nothing changes
    assert (resultaat.afgehandeld, resultaat.mislukt) == (0, 0)
    assert UitgaandSms.objects.count() == 2
    assert len(twilio.message_requests()) == 2
    assert HotspotMelding.objects.filter(melding__in=nieuw).count() == 5
    celery_app.control.purge()
