"""GET /api/v1/hotspots: staff only, living hotspots by default, status, area and bbox filters."""

import datetime as dt

import pytest

from meldingen.models import Buurt
from tests.factories import BIJLMERPLEIN, DAM, PLEIN_40_45, rd_point

from .conftest import bbox_rond, maak_hotspot

pytestmark = pytest.mark.django_db
URL = "/api/v1/hotspots"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [f["id"] for f in response.json()["features"]]


def test_anonymous_is_refused(client):
    maak_hotspot(BIJLMERPLEIN)
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize("rollen", [("partner",), ()])
def test_partner_and_roleless_users_are_refused(client_als, rollen):
    assert client_als(*rollen).get(URL).status_code == 403


@pytest.mark.parametrize("rol", ["coordinator", "approver", "auditor", "admin"])
def test_staff_roles_get_the_hotspots(client_als, rol):
    h = maak_hotspot(BIJLMERPLEIN)
    response = client_als(rol).get(URL)
    assert response["Content-Type"] == "application/geo+json"
    assert ids(response) == [h.pk]


def test_feature_is_a_wgs84_polygon_with_the_export_properties(coordinator):
    h = maak_hotspot(BIJLMERPLEIN, score=2.34567, aantal_meldingen=14, aantal_dagen=6, trend="stijgend")
    (feature,) = coordinator.get(URL).json()["features"]
    assert feature["geometry"]["type"] == "Polygon"
    ring = feature["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lats) < BIJLMERPLEIN[0] < max(lats)
    assert min(lons) < BIJLMERPLEIN[1] < max(lons)
    props = feature["properties"]
    for key, value in (("eerste_melding", h.eerste_melding), ("laatste_melding", h.laatste_melding)):
        assert dt.datetime.fromisoformat(props.pop(key)) == value
    assert props == {
        "id": h.pk,
        "score": 2.346,
        "meldingen": 14,
        "status": "actief",
        "buurt_code": "TD02",
        "trend": "stijgend",
        "dagen": 6,
        "locatie_types": [["speelplek", 10]],
        "waarnemingen": [["dealen", 10]],
    }


def test_default_is_the_living_hotspots_highest_score_first(coordinator):
    laag = maak_hotspot(BIJLMERPLEIN, status="opkomend", score=1)
    hoog = maak_hotspot(DAM, status="in_aanpak", score=5)
    koel = maak_hotspot(PLEIN_40_45, status="afkoelend", score=2)
    maak_hotspot(BIJLMERPLEIN, status="opgelost", score=9)
    assert ids(coordinator.get(URL)) == [hoog.pk, koel.pk, laag.pk]


def test_status_filter(coordinator):
    actief = maak_hotspot(BIJLMERPLEIN, status="actief")
    opgelost = maak_hotspot(DAM, status="opgelost")
    maak_hotspot(PLEIN_40_45, status="opkomend")
    assert ids(coordinator.get(URL + "?status=opgelost")) == [opgelost.pk]
    assert set(ids(coordinator.get(URL + "?status=actief,opgelost"))) == {actief.pk, opgelost.pk}
    assert set(ids(coordinator.get(URL + "?status=actief&status=opgelost"))) == {actief.pk, opgelost.pk}


def test_area_filters(coordinator):
    zuidoost = maak_hotspot(BIJLMERPLEIN)
    centrum = maak_hotspot(DAM)
    assert ids(coordinator.get(URL + "?stadsdeel=T")) == [zuidoost.pk]
    assert ids(coordinator.get(URL + "?wijk=AD")) == [centrum.pk]
    assert set(ids(coordinator.get(URL + "?buurt=TD02,AD05"))) == {zuidoost.pk, centrum.pk}
    assert ids(coordinator.get(URL + "?stadsdeel=F")) == []
    assert ids(coordinator.get(URL + "?stadsdeel=T&wijk=AD")) == []


def test_a_hotspot_across_a_buurt_border_is_listed_in_both_buurten(coordinator):
    # given: a hotspot whose centroid lies in TD02 but whose polygon reaches into a neighbouring buurt
    h = maak_hotspot(BIJLMERPLEIN, straal_m=400)
    buur = Buurt.objects.filter(geometrie__intersects=h.polygon).exclude(code="TD02").first()
    assert buur is not None
    assert not buur.geometrie.contains(rd_point(*BIJLMERPLEIN))
    # then
    assert h.buurt_id == "TD02"
    assert ids(coordinator.get(URL + f"?buurt={buur.code}")) == [h.pk]


def test_bbox_filter(coordinator):
    zuidoost = maak_hotspot(BIJLMERPLEIN)
    maak_hotspot(DAM)
    assert ids(coordinator.get(URL + f"?bbox={bbox_rond(BIJLMERPLEIN, 500)}")) == [zuidoost.pk]
    assert ids(coordinator.get(URL + "?bbox=-74.02,40.70,-74.0,40.72")) == []


@pytest.mark.parametrize(
    ("query", "veld"),
    [("status=weg", "status"), ("status=nieuw", "status"), ("buurt=ZZ99", "buurt"), ("bbox=1,2,3", "bbox")],
)
def test_bad_input_is_a_400(coordinator, query, veld):
    response = coordinator.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert veld in response.json()


def test_empty(coordinator):
    assert coordinator.get(URL).json() == {"type": "FeatureCollection", "features": []}
