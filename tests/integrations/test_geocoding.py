"""The PDOK geocoder against the loopback fake Locatieserver: real HTTP, no internet, no database."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache.backends.locmem import LocMemCache
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.location import Location

from integrations.geocoding.pdok import PDOKLocatieserver
from tests.fakes.pdok import FakePDOK

AMSTERDAM = (52.3676, 4.9041)


class DictCache:
    """The smallest cache the geocoder accepts; counts calls so tests can see it being used."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.sets = 0

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        self.sets += 1
        self.data[key] = value


class BrokenCache:
    """A cache that is down, like Redis during a restart."""

    def get(self, key: str, default: Any = None) -> Any:
        raise ConnectionError("cache down")

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        raise ConnectionError("cache down")


@pytest.fixture
def pdok() -> Iterator[FakePDOK]:
    with FakePDOK() as fake:
        yield fake


@pytest.fixture
def cache() -> LocMemCache:
    # A fresh, private Django cache per test: never the project's Redis.
    return LocMemCache(f"geocoding-{uuid.uuid4()}", {})


@pytest.fixture
def geocoder(pdok: FakePDOK, cache: LocMemCache) -> PDOKLocatieserver:
    return PDOKLocatieserver(base_url=pdok.url, timeout=2.0, bias=AMSTERDAM, cache=cache, cache_seconds=60)


def test_single_hit_is_a_location_with_latitude_first(geocoder: PDOKLocatieserver) -> None:
    # Given the fake knows "Dam 1" in Amsterdam (centroide_ll is "POINT(lon lat)")
    # When a resident's text is geocoded
    location = geocoder.geocode("Dam 1")

    # Then it is a geopy Location named like PDOK names it, with lat and lon the right way round
    assert isinstance(location, Location)
    assert location.address == "Dam 1, 1012JS Amsterdam"
    assert location.latitude == pytest.approx(52.3731, abs=0.002)
    assert location.longitude == pytest.approx(4.8926, abs=0.002)
    assert location.raw["type"] == "adres"
    assert location.raw["gemeentenaam"] == "Amsterdam"


def test_house_number_is_exactly_one_hit_inside_amsterdam(geocoder: PDOKLocatieserver) -> None:
    # Given Bijlmerplein has a street, a postcode, and the addresses 1 and 10
    # When "Bijlmerplein 1" is geocoded asking for every hit
    locations = geocoder.geocode("Bijlmerplein 1", exactly_one=False)

    # Then only the address itself comes back, in Zuidoost
    assert isinstance(locations, list)
    assert [loc.address for loc in locations] == ["Bijlmerplein 1, 1102DA Amsterdam"]
    assert locations[0].raw["gemeentenaam"] == "Amsterdam"
    assert locations[0].latitude == pytest.approx(52.3125, abs=0.003)
    assert locations[0].longitude == pytest.approx(4.9530, abs=0.003)


def test_several_hits_with_exactly_one_false(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given several streets, postcodes and addresses contain "Kerkstraat"
    # When it is geocoded with exactly_one=False and a limit
    locations = geocoder.geocode("Kerkstraat", exactly_one=False, limit=5)

    # Then several Locations come back, all inside the municipality, and the limit was sent as rows
    assert isinstance(locations, list)
    assert 2 <= len(locations) <= 5
    assert locations[0].address == "Kerkstraat, Amsterdam"
    assert all(loc.raw["gemeentenaam"] == "Amsterdam" for loc in locations)
    assert "Kerkstraat, Hilversum" not in [loc.address for loc in locations]
    assert pdok.requests[-1].param("rows") == "5"


def test_no_hit_is_none(geocoder: PDOKLocatieserver) -> None:
    # Given the fake knows no "Xyzzystraat"
    # When it is geocoded, either way
    one = geocoder.geocode("Xyzzystraat 12")
    many = geocoder.geocode("Xyzzystraat 12", exactly_one=False)

    # Then both are None, like every geopy geocoder without results
    assert one is None
    assert many is None


def test_places_outside_amsterdam_are_filtered_out(geocoder: PDOKLocatieserver) -> None:
    # Given Stationsplein exists in Utrecht as well as in Amsterdam
    # When "Stationsplein Utrecht" is geocoded with the default Amsterdam filter, and without it
    filtered = geocoder.geocode("Stationsplein Utrecht")
    national = geocoder.geocode("Stationsplein Utrecht", municipality=None)

    # Then only the national search finds Utrecht
    assert filtered is None
    assert isinstance(national, Location)
    assert national.address == "Stationsplein, Utrecht"
    assert national.latitude == pytest.approx(52.09, abs=0.01)


def test_amsterdam_filter_bias_and_fields_are_sent(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given a geocoder biased towards the centre of Amsterdam
    # When anything is geocoded
    geocoder.geocode("Osdorpplein")

    # Then the request limits type and municipality, carries lat/lon, and asks for the point field
    (request,) = pdok.requests
    assert request.endpoint == "free"
    assert request.path == "/bzk/locatieserver/search/v3_1/free"
    assert request.param("q") == "Osdorpplein"
    fq = request.params["fq"]
    assert 'gemeentenaam:"Amsterdam"' in fq
    assert "type:(adres OR weg OR postcode OR woonplaats)" in fq
    assert float(request.param("lat")) == pytest.approx(AMSTERDAM[0])
    assert float(request.param("lon")) == pytest.approx(AMSTERDAM[1])
    assert "centroide_ll" in request.param("fl").split()
    assert request.param("rows") == "1"


def test_slow_answer_times_out_within_the_configured_timeout(pdok: FakePDOK) -> None:
    # Given PDOK takes 5 seconds and the geocoder allows 0.5
    pdok.delay = 5.0
    cache = DictCache()
    geocoder = PDOKLocatieserver(base_url=pdok.url, timeout=0.5, cache=cache, cache_seconds=60)

    # When a resident's text is geocoded
    started = time.monotonic()
    with pytest.raises(GeocoderTimedOut):
        geocoder.geocode("Dam 1")
    elapsed = time.monotonic() - started

    # Then geopy's timeout error comes well before PDOK would have answered, and nothing is cached
    assert elapsed < 2.0
    assert cache.data == {}
    assert len(pdok.requests) == 1


def test_slow_query_word_times_out_too(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given the fake answers queries containing "traag" only after slow_seconds
    pdok.slow_seconds = 5.0

    # When such a query is geocoded with a per-call timeout
    started = time.monotonic()
    with pytest.raises(GeocoderTimedOut):
        geocoder.geocode("Traag 1", timeout=0.3)

    # Then the per-call timeout applied
    assert time.monotonic() - started < 2.0


def test_server_error_raises_geocoder_service_error(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given PDOK answers the next request with a 500
    pdok.fail_next = 500

    # When a resident's text is geocoded
    # Then geopy's service error is raised
    with pytest.raises(GeocoderServiceError):
        geocoder.geocode("Dam 1")


def test_failures_are_not_cached(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given the first request fails
    pdok.fail_next = 500
    with pytest.raises(GeocoderServiceError):
        geocoder.geocode("Dam 1")

    # When the same text is geocoded again
    location = geocoder.geocode("Dam 1")

    # Then PDOK was asked again and the answer is good
    assert len(pdok.requests) == 2
    assert isinstance(location, Location)
    assert location.address == "Dam 1, 1012JS Amsterdam"


def test_unreachable_service_raises_geocoder_unavailable(cache: LocMemCache) -> None:
    # Given a Locatieserver URL where nothing listens any more
    with FakePDOK() as gone:
        url = gone.url
    geocoder = PDOKLocatieserver(base_url=url, timeout=1.0, cache=cache, cache_seconds=60)

    # When a resident's text is geocoded
    # Then geopy says the service is unavailable (a GeocoderServiceError too)
    with pytest.raises(GeocoderUnavailable):
        geocoder.geocode("Dam 1")


def test_reverse_returns_the_nearest_address(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given a point a few metres from the Stopera (Amstel 1)
    point = (52.36725, 4.90150)

    # When it is reverse geocoded
    location = geocoder.reverse(point)

    # Then the nearest address comes back with PDOK's distance, and the request asked for addresses
    assert isinstance(location, Location)
    assert location.address == "Amstel 1, 1011PN Amsterdam"
    assert location.raw["afstand"] < 50
    assert location.latitude == pytest.approx(52.3672, abs=0.001)
    (request,) = pdok.requests
    assert request.endpoint == "reverse"
    assert request.param("type") == "adres"
    assert float(request.param("lat")) == pytest.approx(point[0])
    assert float(request.param("lon")) == pytest.approx(point[1])
    assert "afstand" in request.param("fl").split()


def test_reverse_with_a_limit_lists_nearest_first(geocoder: PDOKLocatieserver) -> None:
    # Given a point on the Dam
    # When it is reverse geocoded for three addresses
    locations = geocoder.reverse("52.3731, 4.8926", exactly_one=False, limit=3)

    # Then three addresses come back, nearest first
    assert isinstance(locations, list)
    assert len(locations) == 3
    assert locations[0].address == "Dam 1, 1012JS Amsterdam"
    distances = [loc.raw["afstand"] for loc in locations]
    assert distances == sorted(distances)


def test_reverse_distance_limit_can_leave_nothing(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given a point in the Vondelpark, far from every address the fake knows
    # When it is reverse geocoded allowing 25 metres at most
    location = geocoder.reverse((52.3580, 4.8686), distance=25)

    # Then there is no address, and the radius was sent
    assert location is None
    assert pdok.requests[-1].param("distance") == "25"


def test_second_identical_call_is_served_from_the_cache(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given "Dam 1" was geocoded once
    first = geocoder.geocode("Dam 1")

    # When it is geocoded again, and PDOK would now fail
    pdok.fail_next = 500
    second = geocoder.geocode("Dam 1")

    # Then the second answer came from the cache: one request only, same place
    assert len(pdok.requests) == 1
    assert first is not None
    assert second is not None
    assert (second.address, second.point) == (first.address, first.point)


def test_cache_accepts_any_get_set_object_and_stores_json(pdok: FakePDOK) -> None:
    # Given a plain dict-backed cache
    cache = DictCache()
    geocoder = PDOKLocatieserver(base_url=pdok.url, timeout=2.0, cache=cache, cache_seconds=60)

    # When the same point is reverse geocoded twice
    geocoder.reverse((52.3731, 4.8926))
    geocoder.reverse((52.3731, 4.8926))

    # Then one request was made and one JSON-serialisable list of PDOK docs stored under a pdok: key
    assert len(pdok.requests) == 1
    ((key, value),) = cache.data.items()
    assert key.startswith("pdok:")
    assert len(key) == len("pdok:") + 64
    assert json.loads(json.dumps(value)) == value
    assert value[0]["weergavenaam"] == "Dam 1, 1012JS Amsterdam"


def test_different_options_are_different_cache_entries(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given "Kerkstraat" was geocoded inside Amsterdam
    geocoder.geocode("Kerkstraat")

    # When it is geocoded nationally
    national = geocoder.geocode("Kerkstraat", municipality=None, exactly_one=False, limit=10)

    # Then PDOK was asked again and the national answer includes Hilversum
    assert len(pdok.requests) == 2
    assert isinstance(national, list)
    assert "Kerkstraat, Hilversum" in [loc.address for loc in national]


def test_cache_outage_does_not_stop_geocoding(pdok: FakePDOK) -> None:
    # Given the cache is down
    geocoder = PDOKLocatieserver(base_url=pdok.url, timeout=2.0, cache=BrokenCache(), cache_seconds=60)

    # When a resident's text is geocoded
    location = geocoder.geocode("Dam 1")

    # Then PDOK still answers
    assert isinstance(location, Location)


@pytest.mark.parametrize("query", ["", "   ", "\t\n", '"()"'])
def test_empty_query_makes_no_request(geocoder: PDOKLocatieserver, pdok: FakePDOK, query: str) -> None:
    # Given a blank (or only-punctuation) field
    # When it is geocoded
    location = geocoder.geocode(query)

    # Then nothing is asked and nothing is found
    assert location is None
    assert pdok.requests == []


def test_solr_syntax_in_the_query_is_not_sent(geocoder: PDOKLocatieserver, pdok: FakePDOK) -> None:
    # Given a resident types quotes, brackets and a colon around an address
    # When it is geocoded
    location = geocoder.geocode('"Dam 1" (Amsterdam):')

    # Then the q sent to PDOK is plain words, and the address is found
    assert pdok.requests[-1].param("q") == "Dam 1 Amsterdam"
    assert isinstance(location, Location)
    assert location.address == "Dam 1, 1012JS Amsterdam"


def test_defaults_come_from_django_settings(settings: Any, pdok: FakePDOK) -> None:
    # Given the project settings point at the fake (caching off, so the default cache is untouched)
    settings.PDOK_LOCATIESERVER_URL = pdok.url + "/"
    settings.GEOCODER_TIMEOUT = 1.5
    settings.MAP_CENTER = (52.3, 4.95)
    settings.GEOCODER_CACHE_SECONDS = 0

    # When a geocoder is made without arguments and used
    geocoder = PDOKLocatieserver()
    location = geocoder.geocode("Bijlmerplein 1")

    # Then it used those settings
    assert geocoder.base_url == pdok.url
    assert geocoder.scheme == "http"
    assert geocoder.timeout == 1.5
    assert geocoder.bias == (52.3, 4.95)
    assert isinstance(location, Location)
    assert pdok.requests[-1].param("lat") == "52.3"


def test_fake_speaks_the_locatieserver_wire_format(pdok: FakePDOK) -> None:
    # Given the fake, asked directly like PDOK's own examples do
    url = pdok.url + "/free?q=Bijlmerplein%201&rows=1&fq=type:adres"

    # When the answer is read
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback fake
        content_type = response.headers["Content-Type"]
        body = json.load(response)

    # Then it is the Solr envelope with PDOK's field names and a lon-first WKT point
    assert content_type == "application/json; charset=UTF-8"
    envelope = body["response"]
    assert envelope["numFound"] == 1
    assert envelope["start"] == 0
    assert envelope["numFoundExact"] is True
    (doc,) = envelope["docs"]
    assert doc["weergavenaam"] == "Bijlmerplein 1, 1102DA Amsterdam"
    assert doc["type"] == "adres"
    assert doc["id"].startswith("adr-")
    assert doc["centroide_ll"].startswith("POINT(4.95")
    assert doc["centroide_rd"].startswith("POINT(12")
    assert envelope["maxScore"] == doc["score"]


def test_bias_can_be_switched_off(pdok: FakePDOK) -> None:
    # Given a geocoder made with an empty bias
    geocoder = PDOKLocatieserver(base_url=pdok.url, timeout=2.0, bias=(), cache=DictCache(), cache_seconds=60)

    # When anything is geocoded
    geocoder.geocode("Dam 1")

    # Then no lat/lon is sent
    assert "lat" not in pdok.requests[-1].params
    assert "lon" not in pdok.requests[-1].params
