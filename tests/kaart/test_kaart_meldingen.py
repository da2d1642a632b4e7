"""GET /api/v1/kaart/meldingen: who may call it, the grid, single points, paging, filters, bad input."""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaart import api
from kaart.filters import MeldingFilter
from kaart.selectors import meldingen_kaart_grid
from meldingen.services import melding_transition
from tests.factories import BIJLMERPLEIN, DAM, PLEIN_40_45, MeldingFactory

from .conftest import bbox_rond, verschoven

pytestmark = pytest.mark.django_db
URL = "/api/v1/kaart/meldingen"
AMS = ZoneInfo("Europe/Amsterdam")
# The city with a margin: minlon,minlat,maxlon,maxlat.
STAD = "4.72,52.27,5.08,52.43"


def get(client, query: str):
    return client.get(f"{URL}?{query}")


def straat(latlon=BIJLMERPLEIN, halve_zijde_m=150, extra: str = "") -> str:
    return f"bbox={bbox_rond(latlon, halve_zijde_m)}&zoom=17{extra}"


def ids(response) -> set[int]:
    return {f["properties"]["id"] for f in response.json()["features"]}


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["zoom=12", straat()])
def test_anonymous_gets_no_map_data(client, query):
    MeldingFactory()
    assert get(client, query).status_code in (401, 403)


@pytest.mark.parametrize("rollen", [("partner",), (), ("partner", "coordinator")])
def test_partners_and_users_without_a_staff_role_are_refused(client_als, rollen):
    assert get(client_als(*rollen), "zoom=12").status_code == 403


@pytest.mark.parametrize("rol", ["coordinator", "approver", "auditor", "admin"])
@pytest.mark.parametrize("query", ["zoom=12", straat()])
def test_staff_roles_get_geojson(client_als, rol, query):
    MeldingFactory()
    response = get(client_als(rol), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "private" in response["Cache-Control"]
    assert response.json()["type"] == "FeatureCollection"


# --- street level: single points ------------------------------------------------------------------


def test_street_level_gives_points_in_wgs84_with_the_agreed_properties(coordinator):
    m = MeldingFactory(
        latlon=BIJLMERPLEIN,
        kanaal="sms",
        locatie_type_id="portiek",
        omschrijving="geheim verhaal",
        observed_at=dt.datetime(2026, 11, 20, 21, 0, tzinfo=AMS),
    )
    body = get(coordinator, straat()).json()
    assert body["aggregatie"] is None
    assert body["aantal"] == 1
    assert body["volgende"] is None
    (feature,) = body["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert feature["geometry"]["type"] == "Point"
    assert (lat, lon) == pytest.approx(BIJLMERPLEIN, abs=1e-5)
    props = feature["properties"]
    assert set(props) == {"id", "referentie", "status", "locatie_type", "kanaal", "observed_at"}
    assert props["id"] == feature["id"] == m.pk
    assert props["referentie"] == m.referentie
    assert (props["status"], props["locatie_type"], props["kanaal"]) == ("nieuw", "portiek", "sms")
    assert dt.datetime.fromisoformat(props["observed_at"]) == m.observed_at
    # popups fetch details from the melding page; the reporter's words never travel with the map
    assert "geheim" not in get(coordinator, straat()).content.decode()


def test_street_level_only_shows_meldingen_inside_the_bbox(coordinator):
    binnen = [MeldingFactory(latlon=verschoven(BIJLMERPLEIN, n, o)) for n, o in [(0, 0), (100, -100), (-140, 140)]]
    buiten = [MeldingFactory(latlon=verschoven(BIJLMERPLEIN, n, o)) for n, o in [(200, 0), (0, -200)]]
    MeldingFactory(latlon=DAM)
    response = get(coordinator, straat(halve_zijde_m=150))
    assert ids(response) == {m.pk for m in binnen}
    assert response.json()["aantal"] == 3
    assert not ids(response) & {m.pk for m in buiten}


def test_a_view_outside_the_netherlands_is_empty_not_an_error(coordinator):
    MeldingFactory()
    body = get(coordinator, "bbox=-74.02,40.70,-74.0,40.72&zoom=17").json()
    assert body["features"] == []
    assert body["aantal"] == 0


def test_paging_walks_every_point_exactly_once(coordinator, monkeypatch):
    # given: 17 meldingen in view and pages of 5
    monkeypatch.setattr(api, "PAGINA_GROOTTE", 5)
    alle = {MeldingFactory(latlon=verschoven(BIJLMERPLEIN, i * 5, 0)).pk for i in range(17)}
    # when: following `volgende` from the first page
    url = f"{URL}?{straat(extra='&status=nieuw')}"
    gezien: list[int] = []
    paginas = 0
    while url:
        body = coordinator.get(url).json()
        # `aantal` is what is in view now: the melding filed halfway counts from then on
        assert body["aantal"] == (17 if paginas < 2 else 18)
        assert len(body["features"]) <= 5
        gezien += [f["id"] for f in body["features"]]
        paginas += 1
        url = body["volgende"]
        if paginas == 2:
            # a melding filed while the client is paging does not shift the remaining pages
            MeldingFactory(latlon=BIJLMERPLEIN)
        if url:
            # the next page keeps the view and the filter
            assert "status=nieuw" in url
            assert "zoom=17" in url
            assert urlsplit(url).path == URL
    # then
    assert paginas == 4
    assert sorted(gezien) == sorted(alle)
    assert gezien == sorted(gezien, reverse=True)  # newest first


def test_pagina_without_cursor_is_a_plain_page_number(coordinator, monkeypatch):
    monkeypatch.setattr(api, "PAGINA_GROOTTE", 5)
    alle = [MeldingFactory(latlon=verschoven(BIJLMERPLEIN, i * 5, 0)).pk for i in range(12)]
    first = get(coordinator, straat()).json()
    assert "pagina=2" in first["volgende"]
    paginas = [
        [f["id"] for f in get(coordinator, straat(extra=f"&pagina={n}")).json()["features"]] for n in (1, 2, 3, 4)
    ]
    assert paginas[0] == [f["id"] for f in first["features"]]
    assert [len(p) for p in paginas] == [5, 5, 2, 0]
    assert sorted(paginas[0] + paginas[1] + paginas[2]) == sorted(alle)


# --- low zoom: the grid -----------------------------------------------------------------------------


def _spread() -> list:
    punten = [verschoven(BIJLMERPLEIN, n, o) for n in (-900, -300, 0, 250, 800) for o in (-700, 0, 650)]
    return [MeldingFactory(latlon=p) for p in punten] + [MeldingFactory(latlon=DAM), MeldingFactory(latlon=PLEIN_40_45)]


def test_city_view_is_a_grid_whose_counts_add_up(coordinator):
    meldingen = _spread()
    meldingen[0].status = "in_behandeling"
    meldingen[0].save()
    body = get(coordinator, "zoom=12").json()
    assert body["aggregatie"] == "grid"
    assert body["cel_m"] == 1000
    assert sum(f["properties"]["aantal"] for f in body["features"]) == len(meldingen) == body["aantal"]
    for f in body["features"]:
        assert sum(f["properties"]["status"].values()) == f["properties"]["aantal"]
        assert set(f["properties"]["status"]) == {"nieuw", "in_behandeling", "afgehandeld", "afgewezen"}
    assert sum(f["properties"]["status"]["in_behandeling"] for f in body["features"]) == 1
    # fewer cells than meldingen: it aggregates
    assert len(body["features"]) < len(meldingen)


def test_grid_and_points_count_the_same_meldingen(coordinator):
    _spread()
    bbox = bbox_rond(BIJLMERPLEIN, 1200)
    punten = get(coordinator, f"bbox={bbox}&zoom=16").json()
    assert punten["aggregatie"] is None
    # the grid snaps the view outward to whole cells; at 125 m cells (zoom 15) this box adds nothing
    grid = get(coordinator, f"bbox={bbox}&zoom=15").json()
    assert grid["cel_m"] == 125
    assert sum(f["properties"]["aantal"] for f in grid["features"]) == punten["aantal"] == 15


def test_cells_shrink_as_the_map_zooms_in(coordinator):
    cellen = [get(coordinator, f"zoom={z}").json()["cel_m"] for z in (10, 11, 12, 13, 14, 15)]
    assert cellen == [4000, 2000, 1000, 500, 250, 125]
    assert get(coordinator, "zoom=12.7").json()["cel_m"] == 1000


def test_grid_cell_sits_at_the_mean_of_its_meldingen(coordinator):
    a, b = verschoven(BIJLMERPLEIN, 0, -20), verschoven(BIJLMERPLEIN, 0, 20)
    MeldingFactory(latlon=a)
    MeldingFactory(latlon=b)
    (feature,) = get(coordinator, "zoom=10").json()["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) == pytest.approx(BIJLMERPLEIN, abs=2e-5)


def test_grid_with_bbox_leaves_out_far_away_cells(coordinator):
    MeldingFactory(latlon=BIJLMERPLEIN)
    MeldingFactory(latlon=DAM)
    body = get(coordinator, f"bbox={bbox_rond(DAM, 400)}&zoom=14").json()
    assert body["aantal"] == 1
    (feature,) = body["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) == pytest.approx(DAM, abs=1e-4)


def test_empty_grid(coordinator):
    body = get(coordinator, "zoom=12").json()
    assert body == {
        "type": "FeatureCollection",
        "aggregatie": "grid",
        "cel_m": 1000,
        "aantal": 0,
        "volgende": None,
        "features": [],
    }


def test_grid_is_one_query_whatever_the_number_of_meldingen():
    _spread()
    with CaptureQueriesContext(connection) as queries:
        meldingen_kaart_grid(filter=MeldingFilter(status=("nieuw",)), rd_box=None, cel_m=1000)
    # besides the transaction and SET LOCAL around it
    assert [q["sql"].split()[0] for q in queries.captured_queries if "meldingen_melding" in q["sql"]] == ["WITH"]


# --- filters through the endpoint -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "wel", "niet"),
    [
        ("status=in_behandeling", {"status": "in_behandeling"}, {}),
        ("kanaal=sms", {"kanaal": "sms"}, {}),
        ("locatie_type=garagebox", {"locatie_type_id": "garagebox"}, {}),
        ("waarneming=opslag,geweld", {"waarnemingen": ["aanloop", "opslag"]}, {"waarnemingen": ["dealen"]}),
        ("melder_rol=school", {"melder_rol_id": "school"}, {}),
        ("buurt=TD02", {"latlon": BIJLMERPLEIN}, {"latlon": DAM}),
        ("wijk=AD", {"latlon": DAM}, {"latlon": BIJLMERPLEIN}),
        ("stadsdeel=F", {"latlon": PLEIN_40_45}, {"latlon": DAM}),
        (
            "van=2026-11-01&tot=2026-11-01",
            {"observed_at": dt.datetime(2026, 11, 1, 21, tzinfo=AMS)},
            {"observed_at": dt.datetime(2026, 11, 2, 3, tzinfo=AMS)},
        ),
    ],
)
def test_each_filter_applies_to_grid_and_points(coordinator, query, wel, niet):
    match = MeldingFactory(**wel)
    MeldingFactory(**niet)
    grid = get(coordinator, f"zoom=12&bbox={STAD}&{query}")
    assert grid.status_code == 200, grid.json()
    assert grid.json()["aantal"] == 1
    # the street-level view around the matching melding; the other one may or may not lie in it
    latlon = wel.get("latlon", BIJLMERPLEIN)
    punten = get(coordinator, f"zoom=16&bbox={bbox_rond(latlon, 4000)}&{query}")
    assert ids(punten) == {match.pk}


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "veld", "woord"),
    [
        ("", "zoom", "zoomniveau"),
        ("zoom=dichtbij", "zoom", "zoomniveau"),
        ("zoom=40", "zoom", "zoomniveau"),
        ("zoom=17", "bbox", "verplicht"),
        ("zoom=12&bbox=4.9,52.3,4.95", "bbox", "minlon,minlat,maxlon,maxlat"),
        ("zoom=12&bbox=a,b,c,d", "bbox", "minlon,minlat,maxlon,maxlat"),
        ("zoom=12&bbox=4.95,52.3,4.9,52.35", "bbox", "minlon moet kleiner"),
        ("zoom=12&bbox=4.9,52.3,4.95,nan", "bbox", "minlon,minlat,maxlon,maxlat"),
        (f"zoom=17&bbox={STAD}", "bbox", "te groot"),
        (f"zoom=17&bbox={bbox_rond(BIJLMERPLEIN, 100)}&pagina=0", "pagina", "geheel getal"),
        (f"zoom=17&bbox={bbox_rond(BIJLMERPLEIN, 100)}&na=-3", "na", "geheel getal"),
        ("zoom=12&status=weg", "status", "Onbekende code"),
        ("zoom=12&van=2026-13-01", "van", "JJJJ-MM-DD"),
        ("zoom=12&van=2026-11-02&tot=2026-11-01", "van", "na de einddatum"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(coordinator, query, veld, woord):
    response = get(coordinator, query)
    assert response.status_code == 400
    assert woord in " ".join(response.json()[veld])


def test_all_problems_are_reported_together(coordinator):
    response = get(coordinator, "zoom=x&bbox=1,2&kanaal=fax")
    assert response.status_code == 400
    assert set(response.json()) == {"zoom", "bbox", "kanaal"}


# --- the grid's cache follows the data --------------------------------------------------------------


def _totaal(client) -> dict[str, int]:
    body = get(client, "zoom=12").json()
    totaal: dict[str, int] = {}
    for f in body["features"]:
        for status, n in f["properties"]["status"].items():
            totaal[status] = totaal.get(status, 0) + n
    return totaal


def test_grid_shows_a_new_melding_at_once(coordinator):
    MeldingFactory()
    assert _totaal(coordinator)["nieuw"] == 1
    MeldingFactory(latlon=DAM)
    assert _totaal(coordinator)["nieuw"] == 2


def test_grid_shows_a_status_change_at_once(coordinator):
    m = MeldingFactory()
    assert _totaal(coordinator)["nieuw"] == 1
    melding_transition(melding=m, naar="in_behandeling", actor=None)
    assert _totaal(coordinator) == {"nieuw": 0, "in_behandeling": 1, "afgehandeld": 0, "afgewezen": 0}


def test_grid_without_cache_gives_the_same(coordinator, settings):
    _spread()
    cached = get(coordinator, "zoom=13").content
    settings.KAART_GRID_CACHE_SECONDS = 0
    assert get(coordinator, "zoom=13").content == cached


def test_grid_answers_without_redis(coordinator, settings, caplog):
    # given: a cache that cannot be reached (a closed loopback port)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    MeldingFactory()
    # then: the map still answers, computed
    body = get(coordinator, "zoom=12").json()
    assert body["aantal"] == 1
    assert "cache niet bereikbaar" in caplog.text
