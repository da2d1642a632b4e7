"""No page makes a visitor's browser call another host: every request the public form, the coordinator
screen and the API docs make goes to our own origin (map tiles through /kaart/tegels/, Redoc from our
static files).

Recorded twice: page.on("request") sees every request a page makes, and the context's router sees
every request that reaches the network (it continues loopback and aborts the rest, so no test reaches
the internet). A request elsewhere that the Content-Security-Policy blocks before it leaves the browser
is tolerated here, but fails the test as a violation (tests/browser/conftest.py); Redoc's sidebar logo
from cdn.redoc.ly is dropped before it is requested (templates/drf_spectacular/redoc.html)."""

import pytest
from django.test import override_settings

from accounts.roles import Rol
from kaart import tegels
from tests.browser.conftest import new_page
from tests.browser.coordinatie_helpers import gebruikers, inloggen, kaart_geladen, opruimen
from tests.fakes.tegels import FakeTegels

pytestmark = pytest.mark.browser
NAMEN = ("b-derden-coord",)


@pytest.fixture(scope="module")
def tegelserver(app_server, tmp_path_factory):
    with (
        FakeTegels() as fake,
        override_settings(MAP_TILES_UPSTREAM_URL=fake.template, MAP_TILES_CACHE_DIR=tmp_path_factory.mktemp("tegels")),
    ):
        tegels._upstream_rust_tot = 0.0
        yield fake


@pytest.fixture(scope="module")
def coordinator(app_server, django_db_blocker):
    with django_db_blocker.unblock():
        gebruikers((Rol.COORDINATOR, "b-derden-coord"))
        yield "b-derden-coord"
        opruimen(NAMEN)


class Opname:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.gevraagd: list[str] = []  # every request a page made
        self.netwerk: list[str] = []  # every request that reached the network
        self.door_csp_geblokkeerd: list[str] = []

    def eigen(self, url: str) -> bool:
        return url.startswith((self.origin + "/", "data:", "blob:"))

    def router(self, route) -> None:
        self.netwerk.append(route.request.url)
        if self.eigen(route.request.url):
            route.continue_()
        else:
            route.abort()

    def mislukt(self, request) -> None:
        if request.failure == "csp":
            self.door_csp_geblokkeerd.append(request.url)

    def assert_alleen_eigen_origin(self) -> None:
        assert [u for u in self.netwerk if not self.eigen(u)] == []
        assert [u for u in self.gevraagd if not self.eigen(u) and u not in self.door_csp_geblokkeerd] == []


@pytest.fixture
def opgenomen(browser, app_server, tegelserver):
    """A page with every request it makes recorded (JavaScript on)."""
    page = new_page(browser)
    opname = Opname(app_server)
    page.context.unroute("**/*")
    page.context.route("**/*", opname.router)
    page.on("request", lambda request: opname.gevraagd.append(request.url))
    page.on("requestfailed", opname.mislukt)
    yield page, opname
    page.context.close()


def tegels_geladen(page) -> None:
    page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile-loaded').length > 0")


def test_meldformulier_roept_geen_andere_host_aan(opgenomen, app_server, tegelserver):
    page, opname = opgenomen
    page.goto(f"{app_server}/melden/")
    page.wait_for_selector("img.leaflet-tile", state="attached")
    page.wait_for_load_state("networkidle")
    opname.assert_alleen_eigen_origin()
    tegels_geladen(page)
    assert any("/kaart/tegels/" in u for u in opname.netwerk)
    assert tegelserver.requests  # the tiles really came through the proxy


def test_werkscherm_roept_geen_andere_host_aan(opgenomen, app_server, tegelserver, coordinator):
    page, opname = opgenomen
    inloggen(page, app_server, coordinator)
    page.goto(f"{app_server}/coordinatie/")
    kaart_geladen(page)
    page.wait_for_selector("img.leaflet-tile", state="attached")
    page.wait_for_load_state("networkidle")
    opname.assert_alleen_eigen_origin()
    tegels_geladen(page)
    assert any("/kaart/tegels/" in u for u in opname.netwerk)


def test_api_documentatie_roept_geen_andere_host_aan(opgenomen, app_server):
    page, opname = opgenomen
    page.goto(f"{app_server}/api/docs/")
    page.wait_for_load_state("networkidle")
    opname.assert_alleen_eigen_origin()
    page.wait_for_selector("text=Weerbare Wijken API", timeout=15_000)  # and Redoc did render
    assert any("/static/drf_spectacular_sidecar/" in u for u in opname.netwerk)
