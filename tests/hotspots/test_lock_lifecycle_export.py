import io
import json
from datetime import timedelta

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from hotspots.models import Hotspot, HotspotEvent
from hotspots.services import RECOMPUTE_LOCK_KEY, hotspot_assign, hotspot_recompute, hotspot_transition
from hotspots.workflow import ALLOWED, HotspotStatus, InvalidTransition
from meldingen.workflow import AfwijsReden, MeldingStatus
from tests.factories import MeldingFactory, rd_point
from tests.hotspots.conftest import BIJLMERPLEIN, DAM, plant, verschoven


def _andere_verbinding():
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"],
    )


def test_tweede_recompute_draait_niet_zolang_de_lock_vastgehouden_wordt(db, as_of):
    # given another worker holds the recompute lock
    plant(BIJLMERPLEIN)
    with _andere_verbinding() as ander:
        ander.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK_KEY])
        # when
        res = hotspot_recompute(as_of=as_of)
        # then nothing was done
        assert res is None
        assert not Hotspot.objects.exists()
        ander.rollback()
    # and once it is released the recompute runs
    assert hotspot_recompute(as_of=as_of).clusters == 1


def test_recompute_houdt_de_lock_vast_tot_het_einde_van_de_transactie(db, as_of):
    plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    with _andere_verbinding() as ander:
        vrij = ander.execute("SELECT pg_try_advisory_xact_lock(%s)", [RECOMPUTE_LOCK_KEY]).fetchone()[0]
        ander.rollback()
    assert vrij is False


STATUSSEN = list(HotspotStatus)


@pytest.mark.parametrize("van", STATUSSEN)
@pytest.mark.parametrize("naar", STATUSSEN)
def test_overgangen_volgen_de_tabel(db, as_of, van, naar):
    hotspot = Hotspot.objects.create(
        polygon=rd_point(*BIJLMERPLEIN).buffer(30), status=van, aangemaakt_op=as_of, bijgewerkt_op=as_of
    )
    if naar in ALLOWED[van]:
        event = hotspot_transition(hotspot=hotspot, to=naar, reden="test", as_of=as_of)
        hotspot.refresh_from_db()
        assert hotspot.status == naar
        assert (event.van, event.naar) == (van, naar)
    else:
        with pytest.raises(InvalidTransition):
            hotspot_transition(hotspot=hotspot, to=naar, as_of=as_of)
        hotspot.refresh_from_db()
        assert hotspot.status == van
        assert not HotspotEvent.objects.filter(hotspot=hotspot).exists()


def test_in_aanpak_blijft_in_aanpak_bij_recompute(db, as_of):
    plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    hotspot = Hotspot.objects.get()
    hotspot_transition(hotspot=hotspot, to=HotspotStatus.IN_AANPAK, reden="actie geopend", as_of=as_of)
    hotspot_recompute(as_of=as_of + timedelta(days=1))
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.IN_AANPAK


def test_incrementele_stap_voegt_melding_toe_aan_hotspot(db, as_of, django_assert_max_num_queries):
    # given
    plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    hotspot = Hotspot.objects.get()
    binnen = MeldingFactory(latlon=verschoven(BIJLMERPLEIN, 10, 10), observed_at=as_of + timedelta(hours=2))
    buiten = MeldingFactory(latlon=DAM, observed_at=as_of)
    afgewezen = MeldingFactory(
        latlon=BIJLMERPLEIN, status=MeldingStatus.AFGEWEZEN, afwijs_reden=AfwijsReden.SPAM, observed_at=as_of
    )
    # when
    with django_assert_max_num_queries(1):
        assert hotspot_assign(melding_id=binnen.pk) == hotspot.pk
    assert hotspot_assign(melding_id=binnen.pk) is None  # twice is harmless
    assert hotspot_assign(melding_id=buiten.pk) is None
    assert hotspot_assign(melding_id=afgewezen.pk) is None
    # then
    hotspot.refresh_from_db()
    assert hotspot.aantal_meldingen == 13
    assert hotspot.laatste_melding == binnen.observed_at


def test_export_is_geojson_in_wgs84_binnen_amsterdam(db, as_of):
    plant(BIJLMERPLEIN)
    plant(DAM, seed=2)
    call_command("detect_hotspots", "--as-of", as_of.isoformat(), stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_hotspots", "--as-of", as_of.isoformat(), stdout=out)
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Polygon"
        assert {"id", "score", "meldingen", "status", "buurt_code"} <= feature["properties"].keys()
        assert feature["properties"]["meldingen"] == 12
        for lon, lat in feature["geometry"]["coordinates"][0]:
            assert 4.72 < lon < 5.08
            assert 52.27 < lat < 52.43
    # the current state without --as-of gives the same hotspots
    nu = io.StringIO()
    call_command("export_hotspots", stdout=nu)
    assert {f["id"] for f in json.loads(nu.getvalue())["features"]} == {f["id"] for f in data["features"]}


def test_export_as_of_zonder_eerdere_run_rekent_eerst(db, as_of):
    plant(BIJLMERPLEIN)
    out = io.StringIO()
    call_command("export_hotspots", "--as-of", as_of.isoformat(), stdout=out)
    assert len(json.loads(out.getvalue())["features"]) == 1


def test_historie_is_append_only(db, as_of):
    from django.db import DatabaseError, transaction

    plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    event = HotspotEvent.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        HotspotEvent.objects.filter(pk=event.pk).update(reden="anders")
