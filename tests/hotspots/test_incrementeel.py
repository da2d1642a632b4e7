"""The incremental step on commit, candidates, and links made by a coordinator."""

from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from hotspots.models import Hotspot, HotspotDrempel, HotspotEvent, HotspotKandidaat, HotspotMelding
from hotspots.services import HotspotNietLevend, hotspot_assign, hotspot_melding_koppelen, hotspot_recompute
from hotspots.workflow import HotspotStatus
from meldingen.models import Melding
from meldingen.services import melding_create
from meldingen.validation import MeldingInvoer
from outbox import services as outbox_services
from outbox import tasks as outbox_tasks
from tests.factories import MeldingFactory
from tests.hotspots.conftest import BIJLMERPLEIN, DAM, plant, verschoven


def _invoer(latlon, **kwargs) -> MeldingInvoer:
    return MeldingInvoer(
        lat=latlon[0],
        lon=latlon[1],
        locatie_type="portiek",
        waarnemingen=["dealen"],
        observed_at=kwargs.pop("observed_at", timezone.now() - timedelta(hours=1)),
        dagdeel="avond",
        **kwargs,
    )


def test_nieuwe_melding_in_een_hotspot_wordt_na_de_commit_lid(db, eager_celery, django_capture_on_commit_callbacks):
    # given a living hotspot around the Bijlmerplein
    nu = timezone.now()
    plant(BIJLMERPLEIN, eind=nu)
    hotspot_recompute(as_of=nu)
    hotspot = Hotspot.objects.get()
    # when a melding is filed inside it and the transaction commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        melding = melding_create(invoer=_invoer(verschoven(BIJLMERPLEIN, 5, 5)), kanaal="web")
    # then the incremental step ran through the task and made it a member
    assert len(callbacks) == 1
    assert HotspotMelding.objects.filter(hotspot=hotspot, melding=melding).exists()
    hotspot.refresh_from_db()
    assert hotspot.aantal_meldingen == 13


def test_zonder_commit_geen_stap(db, eager_celery):
    # given
    nu = timezone.now()
    plant(BIJLMERPLEIN, eind=nu)
    hotspot_recompute(as_of=nu)
    # when the transaction is never committed (the test rolls back), nothing is queued
    melding = melding_create(invoer=_invoer(verschoven(BIJLMERPLEIN, 5, 5)), kanaal="web")
    # then
    assert not HotspotMelding.objects.filter(melding=melding).exists()


def test_een_dode_redis_kost_de_melding_niet(db, monkeypatch, django_capture_on_commit_callbacks, caplog):
    # given a Redis that refuses connections
    class Dood:
        def set(self, *args, **kwargs):
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox_services, "_redis", lambda: Dood())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        melding = melding_create(invoer=_invoer(DAM), kanaal="web")
    # then the melding is stored, its event waits for the sweep, and the failure is logged
    assert Melding.objects.filter(pk=melding.pk).exists()
    assert "could not wake the outbox dispatcher" in caplog.text
    assert outbox_services.events_dispatch().afgehandeld == 1


def test_een_wekker_per_paar_seconden_en_de_dispatch_plaatst_alles(db, monkeypatch, django_capture_on_commit_callbacks):
    # given a living hotspot, and wake-ups that are only counted, not run
    nu = timezone.now()
    plant(BIJLMERPLEIN, eind=nu)
    hotspot_recompute(as_of=nu)
    gepland = []
    monkeypatch.setattr(outbox_tasks.outbox_dispatch, "apply_async", lambda **kw: gepland.append(kw))
    # when three meldingen are filed within the debounce period
    with django_capture_on_commit_callbacks(execute=True):
        binnen = [melding_create(invoer=_invoer(verschoven(BIJLMERPLEIN, 5 * i, 5)), kanaal="web") for i in range(3)]
    # then one dispatch is scheduled, and the dispatch places all three
    assert len(gepland) == 1
    assert outbox_services.events_dispatch().afgehandeld == 3
    assert HotspotMelding.objects.filter(melding__in=binnen).count() == 3
    assert outbox_services.events_dispatch().afgehandeld == 0


def test_melding_die_de_drempel_haalt_wordt_kandidaat(db, as_of, settings):
    # given a recompute that found nothing yet, and four counted meldingen near the Dam
    hotspot_recompute(as_of=as_of)
    assert HotspotDrempel.objects.exists()
    for i in range(4):
        MeldingFactory(latlon=verschoven(DAM, 10 * i, 0), observed_at=as_of - timedelta(days=i + 1))
    vierde = Melding.objects.order_by("-id").first()
    assert hotspot_assign(melding_id=vierde.pk) is None
    assert not HotspotKandidaat.objects.exists()  # four < minpoints
    # when a fifth arrives
    vijfde = MeldingFactory(latlon=verschoven(DAM, 0, 20), observed_at=as_of)
    assert hotspot_assign(melding_id=vijfde.pk) is None
    # then it is a candidate, and the next recompute turns the place into a hotspot and clears it
    kandidaat = HotspotKandidaat.objects.get()
    assert (kandidaat.melding_id, kandidaat.buren) == (vijfde.pk, 5)
    hotspot_recompute(as_of=as_of + timedelta(minutes=1))
    assert not HotspotKandidaat.objects.exists()
    assert HotspotMelding.objects.filter(melding=vijfde).exists()


def test_handmatige_koppeling_blijft_na_recompute(db, as_of):
    # given a hotspot and a melding 400 m away that the clustering would never add
    plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    hotspot = Hotspot.objects.get()
    ver = MeldingFactory(latlon=verschoven(BIJLMERPLEIN, 400, 0), observed_at=as_of - timedelta(days=1))
    # when a coordinator links it
    assert hotspot_melding_koppelen(hotspot_id=hotspot.pk, melding_id=ver.pk, door="coordinator1") is True
    assert hotspot_melding_koppelen(hotspot_id=hotspot.pk, melding_id=ver.pk, door="coordinator1") is False
    hotspot_recompute(as_of=as_of + timedelta(hours=1))
    # then the link survives the recompute, marked as manual, and is in the history
    link = HotspotMelding.objects.get(hotspot=hotspot, melding=ver)
    assert (link.handmatig, link.gekoppeld_door) == (True, "coordinator1")
    assert HotspotEvent.objects.filter(hotspot=hotspot, soort="melding_gekoppeld").count() == 1
    hotspot.refresh_from_db()
    assert hotspot.pk == Hotspot.objects.exclude(status=HotspotStatus.OPGELOST).get().pk


def test_koppelen_aan_een_opgeloste_hotspot_kan_niet(db, as_of):
    plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    hotspot = Hotspot.objects.get()
    Hotspot.objects.filter(pk=hotspot.pk).update(status=HotspotStatus.OPGELOST)
    melding = MeldingFactory(latlon=BIJLMERPLEIN, observed_at=as_of)
    with pytest.raises(HotspotNietLevend):
        hotspot_melding_koppelen(hotspot_id=hotspot.pk, melding_id=melding.pk, door="coordinator1")
    assert not HotspotMelding.objects.filter(melding=melding).exists()
