"""The tile proxy (/kaart/tegels/<z>/<x>/<y>.png) against a real loopback tile server."""

import socket
import time

import pytest

from kaart import tegels
from tests.fakes.tegels import PNG, FakeTegels

pytestmark = pytest.mark.django_db

# The Dam at zoom 14 and zoom 10 (slippy-map scheme).
DAM_14 = (14, 8414, 5384)
DAM_10 = (10, 525, 336)
CLIENT_IP = "203.0.113.77"
IDENTIFYING = (CLIENT_IP, "198.51.100.23", "SpionageTelefoon", "volgcookie-8f3a9c1e", "https://melder.example/")
HEADERS = {
    "REMOTE_ADDR": CLIENT_IP,
    "HTTP_X_FORWARDED_FOR": f"198.51.100.23, {CLIENT_IP}",
    "HTTP_X_REAL_IP": CLIENT_IP,
    "HTTP_USER_AGENT": "Mozilla/5.0 (SpionageTelefoon 9)",
    "HTTP_REFERER": "https://melder.example/",
    "HTTP_ACCEPT_LANGUAGE": "nl-NL,nl;q=0.9",
    "HTTP_COOKIE": "tracker=volgcookie-8f3a9c1e",
}


def url(z: int, x: int, y: int) -> str:
    return f"/kaart/tegels/{z}/{x}/{y}.png"


@pytest.fixture
def upstream(settings, tmp_path):
    with FakeTegels() as fake:
        settings.MAP_TILES_UPSTREAM_URL = fake.template
        settings.MAP_TILES_CACHE_DIR = tmp_path / "tegels"
        settings.MAP_TILES_TIMEOUT = 1.0
        tegels._upstream_rust_tot = 0.0
        yield fake
        tegels._upstream_rust_tot = 0.0


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: connecting is refused


def test_tile_is_fetched_without_anything_of_the_visitor(client, upstream):
    # when a visitor with every identifying header asks for a tile of the Dam
    response = client.get(url(*DAM_14), **HEADERS)
    # then they get the upstream's image, cacheable for long
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == PNG
    assert "max-age=604800" in response["Cache-Control"]
    # and upstream was asked for that tile, with nothing that tells who is looking
    [request] = upstream.requests
    assert request.path == "/brt/14/8414/5384.png"
    sent = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
    for value in IDENTIFYING:
        assert value not in sent
    names = {k.lower() for k in request.headers}
    for header in ("x-forwarded-for", "x-real-ip", "forwarded", "referer", "cookie", "accept-language"):
        assert header not in names
    assert request.headers["User-Agent"] == tegels.UPSTREAM_HEADERS["User-Agent"]
    assert set(names) <= {"host", "user-agent", "accept", "accept-encoding", "connection"}


def test_second_request_is_served_from_the_cache(client, upstream):
    # given a tile fetched once
    assert client.get(url(*DAM_10)).status_code == 200
    # when it is asked for again, even with upstream gone
    upstream.stop()
    response = client.get(url(*DAM_10))
    # then upstream saw one request and the visitor still got the tile
    assert response.status_code == 200
    assert response.content == PNG
    assert len(upstream.requests) == 1


@pytest.mark.parametrize(
    "tile",
    [
        (9, 262, 168),  # below the maps' minimum zoom
        (20, 538_570, 344_580),  # beyond the maximum zoom
        (14, 16384, 5384),  # x outside the grid
        (14, 8414, -1),  # not even a number the route accepts
        (14, 9000, 5384),  # far east of Amsterdam: the proxy is no open proxy
        (12, 0, 0),  # the other side of the world
    ],
)
def test_tiles_out_of_range_are_404_without_asking_upstream(client, upstream, tile):
    assert client.get(url(*tile)).status_code == 404
    assert upstream.requests == []


def test_upstream_refusing_connections_gives_502_at_once(client, settings, upstream):
    settings.MAP_TILES_UPSTREAM_URL = f"http://127.0.0.1:{dead_port()}/{{z}}/{{x}}/{{y}}.png"
    started = time.monotonic()
    response = client.get(url(*DAM_14))
    assert response.status_code == 502
    assert response["Cache-Control"] == "no-store"
    assert time.monotonic() - started < 1.0


def test_upstream_that_hangs_gives_504_within_the_timeout(client, upstream):
    upstream.delay = 10
    started = time.monotonic()
    response = client.get(url(*DAM_14))
    assert response.status_code == 504
    assert time.monotonic() - started < 2.0  # MAP_TILES_TIMEOUT is 1 s here
    # and right after, the other tiles of the map do not wait for it again
    started = time.monotonic()
    assert client.get(url(*DAM_10)).status_code == 502
    assert time.monotonic() - started < 0.5
    assert len(upstream.requests) == 1


def test_upstream_error_or_non_image_is_502_and_not_cached(client, upstream):
    upstream.fail_next = 500
    assert client.get(url(*DAM_14)).status_code == 502
    tegels._upstream_rust_tot = 0.0
    upstream.content_type = "text/html"
    assert client.get(url(*DAM_14)).status_code == 502
    upstream.content_type = "image/png"
    assert client.get(url(*DAM_14)).status_code == 200
    assert len(upstream.requests) == 3


def test_tile_path_gets_the_intake_anonymity_treatment(rf):
    from privacy.middleware import INTAKE_PREFIXES

    assert url(*DAM_14).startswith(INTAKE_PREFIXES)


def test_maps_ask_our_own_origin_for_tiles(settings):
    [(_, template, _)] = settings.LEAFLET_CONFIG["TILES"]
    assert template.startswith("/kaart/tegels/")


def test_unwritable_cache_still_serves_the_tile(client, settings, upstream, tmp_path):
    # given a cache "directory" that is a file, so nothing can be written there
    blocked = tmp_path / "geen-map"
    blocked.write_text("")
    settings.MAP_TILES_CACHE_DIR = blocked
    # then the visitor still gets the tile
    response = client.get(url(*DAM_14))
    assert response.status_code == 200
    assert response.content == PNG
