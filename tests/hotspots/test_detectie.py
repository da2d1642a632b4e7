from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db import connection

from hotspots.models import Hotspot, HotspotEvent, HotspotMelding, HotspotScore
from hotspots.services import hotspot_recompute
from hotspots.workflow import HotspotStatus
from meldingen.workflow import AfwijsReden, MeldingStatus
from tests.factories import MeldingFactory, rd_point
from tests.hotspots.conftest import BIJLMERPLEIN, DAM, plant, verschoven

# Scattered noise over the city, each report far from the others.
RUIS = [(52.36, 4.87), (52.35, 4.91), (52.38, 4.85), (52.34, 4.88), (52.37, 4.94), (52.33, 4.86)]


def _ruis(as_of):
    return [MeldingFactory(latlon=p, observed_at=as_of - timedelta(days=3 + i)) for i, p in enumerate(RUIS)]


def test_detectie_vindt_het_geplante_cluster_en_niet_de_ruis(db, as_of):
    # given
    cluster = plant(BIJLMERPLEIN)
    ruis = _ruis(as_of)
    # when
    res = hotspot_recompute(as_of=as_of)
    # then
    assert res.clusters == 1
    hotspot = Hotspot.objects.get()
    leden = set(HotspotMelding.objects.filter(hotspot=hotspot).values_list("melding_id", flat=True))
    assert leden == {m.pk for m in cluster}
    assert not leden & {m.pk for m in ruis}
    assert hotspot.aantal_meldingen == 12
    assert hotspot.aantal_dagen == 10
    assert hotspot.polygon.contains(rd_point(*BIJLMERPLEIN))
    assert hotspot.polygon.area > 3.14 * 25**2
    assert hotspot.buurt_id == cluster[0].buurt_id
    assert hotspot.status == HotspotStatus.ACTIEF
    assert hotspot.score > 0
    assert hotspot.locatie_types == [["speelplek", 12]]
    assert hotspot.waarnemingen == [["dealen", 12]]
    assert HotspotEvent.objects.filter(hotspot=hotspot, soort="aangemaakt").count() == 1
    assert HotspotScore.objects.filter(hotspot=hotspot, as_of=as_of).count() == 1


def test_alleen_meldingen_tot_as_of_tellen(db, as_of):
    plant(BIJLMERPLEIN, eind=as_of + timedelta(days=30))
    assert hotspot_recompute(as_of=as_of - timedelta(days=60)).clusters == 0


def test_afgewezen_en_duplicaten_tellen_niet(db, as_of):
    # given: four real reports, too few for a hotspot on their own
    echte = plant(BIJLMERPLEIN, n=4, dagen=4)
    # and rejected ones and duplicates of the real ones at the same place
    for i in range(6):
        MeldingFactory(
            latlon=BIJLMERPLEIN,
            status=MeldingStatus.AFGEWEZEN,
            afwijs_reden=AfwijsReden.SPAM,
            observed_at=as_of - timedelta(days=2 + i),
        )
        MeldingFactory(
            latlon=BIJLMERPLEIN,
            status=MeldingStatus.AFGEWEZEN,
            afwijs_reden=AfwijsReden.DUBBEL,
            duplicaat_van=echte[i % 4],
            observed_at=as_of - timedelta(days=2 + i, hours=3),
        )
    # when / then
    assert hotspot_recompute(as_of=as_of).clusters == 0
    assert not Hotspot.objects.exists()


def test_bijna_gelijke_meldingen_tellen_een_keer(db, as_of):
    # given: four reports on different days, each with three near-identical copies (10 m, 10 min)
    moment = as_of - timedelta(days=1)
    for dag in range(4):
        for kopie in range(4):
            MeldingFactory(
                latlon=verschoven(BIJLMERPLEIN, kopie * 3, dag * 10),
                observed_at=moment - timedelta(days=dag, minutes=kopie * 10),
            )
    # when / then: 4 counted reports < minpoints 5
    assert hotspot_recompute(as_of=as_of).clusters == 0
    # given one more distinct day: five counted reports
    MeldingFactory(latlon=BIJLMERPLEIN, observed_at=moment - timedelta(days=6))
    hotspot_recompute(as_of=as_of)
    assert Hotspot.objects.get().aantal_meldingen == 5


def test_as_of_is_deterministisch(db, as_of):
    # given
    plant(BIJLMERPLEIN)
    plant(DAM, seed=2)
    _ruis(as_of)

    def toestand():
        return (
            list(Hotspot.objects.order_by("id").values_list("id", "score", "status", "aantal_meldingen", "trend")),
            sorted(HotspotMelding.objects.values_list("hotspot_id", "melding_id")),
            list(HotspotEvent.objects.order_by("id").values_list("id", "hotspot_id", "soort", "naar")),
            list(HotspotScore.objects.order_by("id").values_list("id", "hotspot_id", "as_of", "score")),
        )

    # when
    hotspot_recompute(as_of=as_of)
    eerste = toestand()
    hotspot_recompute(as_of=as_of)
    hotspot_recompute(as_of=as_of)
    # then
    assert len(eerste[0]) == 2
    assert toestand() == eerste


def test_score_weegt_ronselen_kwetsbare_plek_recentheid_en_dagen(db, as_of):
    plant(BIJLMERPLEIN, locatie_type_id="straat", waarnemingen=["dealen"])
    plant(DAM, seed=2, locatie_type_id="school", waarnemingen=["ronselen"])
    hotspot_recompute(as_of=as_of)
    gewoon = Hotspot.objects.get(polygon__contains=rd_point(*BIJLMERPLEIN))
    zwaar = Hotspot.objects.get(polygon__contains=rd_point(*DAM))
    assert zwaar.score > 2.5 * gewoon.score


def test_een_drukke_avond_weegt_minder_dan_weken(db, as_of):
    plant(BIJLMERPLEIN, n=12, dagen=1)
    plant(DAM, seed=2, n=12, dagen=12)
    hotspot_recompute(as_of=as_of)
    avond = Hotspot.objects.get(polygon__contains=rd_point(*BIJLMERPLEIN))
    weken = Hotspot.objects.get(polygon__contains=rd_point(*DAM))
    assert avond.status == HotspotStatus.OPKOMEND
    assert weken.score > avond.score


def test_trend(db, as_of):
    plant(BIJLMERPLEIN, n=12, dagen=10)  # all in the last 14 days
    plant(DAM, seed=2, n=12, dagen=10, eind=as_of - timedelta(days=20))
    hotspot_recompute(as_of=as_of)
    assert Hotspot.objects.get(polygon__contains=rd_point(*BIJLMERPLEIN)).trend == "stijgend"
    dam = Hotspot.objects.get(polygon__contains=rd_point(*DAM))
    assert dam.trend == "dalend"
    assert dam.status == HotspotStatus.AFKOELEND


def test_polygon_is_nooit_een_punt(db, as_of):
    for i in range(5):
        MeldingFactory(latlon=BIJLMERPLEIN, observed_at=as_of - timedelta(days=i + 1))
    hotspot_recompute(as_of=as_of)
    polygon = Hotspot.objects.get().polygon
    assert polygon.geom_type == "Polygon"
    assert polygon.area > 1900
    assert polygon.contains(Point(rd_point(*BIJLMERPLEIN).coords, srid=28992))


# Chassébuurt (wijk EN, 0.28 km², one of the city's smallest wijken)
CHASSE = (52.36746, 4.86010)


def test_een_hotspot_in_een_kleine_wijk_verhoogt_zijn_eigen_drempel_niet(db, as_of):
    # given a new place of 8 reports in a tiny wijk that holds 13 more reports elsewhere: the wijk's own
    # rate alone (21 reports on 0.28 km²) asks 13 in a disc, so the place would never pass
    plek = plant(CHASSE, n=8, dagen=8, straal=40)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Y(p), ST_X(p) FROM (
                SELECT ST_Transform((ST_Dump(ST_GeneratePoints(
                    ST_Difference(w.geometrie, ST_Buffer(%s::geometry, 200)), 13, 7))).geom, 4326) AS p
                FROM meldingen_wijk w WHERE w.code = 'EN'
            ) x
            """,
            [rd_point(*CHASSE).ewkt],
        )
        elders = [
            MeldingFactory(latlon=pt, observed_at=as_of - timedelta(days=2 + i))
            for i, pt in enumerate(cursor.fetchall())
        ]
    assert {m.buurt.wijk_id for m in plek + elders} == {"EN"}
    # when
    hotspot_recompute(as_of=as_of)
    # then the wijk's rate is pulled toward its stadsdeel's and the place is found
    hotspot = Hotspot.objects.get(polygon__contains=rd_point(*CHASSE))
    assert set(HotspotMelding.objects.filter(hotspot=hotspot).values_list("melding_id", flat=True)) >= {
        m.pk for m in plek
    }
