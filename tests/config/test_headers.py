"""Security headers on every response: a Content-Security-Policy whose nonce every inline script and style
carries (no inline handler, no style="" attribute), a Permissions-Policy, and no-store on staff pages."""

import re

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import Rol
from hotspots.models import Hotspot
from tests.coordinatie.conftest import maak_gebruiker
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def melding():
    return MeldingFactory()


@pytest.fixture
def hotspot(melding):
    from django.utils import timezone

    return Hotspot.objects.create(
        polygon=melding.locatie.buffer(30), aangemaakt_op=timezone.now(), bijgewerkt_op=timezone.now()
    )


def richtlijnen(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def inline_zonder_nonce(html: str, nonce: str) -> list[str]:
    """Inline <script>/<style> elements without this response's nonce, style="" attributes and on…=""
    handlers: everything the policy refuses in the browser."""
    fout = []
    for tag, attrs in re.findall(r"<(script|style)\b([^>]*)>", html):
        if tag == "script" and ("src=" in attrs or 'type="application/json"' in attrs):
            continue
        if f'nonce="{nonce}"' not in attrs:
            fout.append(f"<{tag}{attrs}>")
    fout += re.findall(r"<[a-z][^>]*\sstyle=\"[^>]*>", html)
    fout += re.findall(r"<[a-z][^>]*\son[a-z]+=\"[^>]*>", html)
    return fout


def test_het_formulier_heeft_een_strikte_policy_en_elke_inline_script_de_nonce(client):
    response = client.get("/melden/")
    r = richtlijnen(response)
    assert r["default-src"] == ["'self'"]
    assert r["frame-ancestors"] == ["'none'"]
    assert r["img-src"] == ["'self'", "data:"]
    assert r["object-src"] == ["'none'"]
    assert r["base-uri"] == ["'none'"]
    for richtlijn in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in r[richtlijn]
        assert "'unsafe-eval'" not in r[richtlijn]
    (nonce,) = [w[len("'nonce-") : -1] for w in r["script-src"] if w.startswith("'nonce-")]
    html = response.content.decode()
    assert 'nonce="None"' not in html  # the Leaflet map's script once had this
    assert html.count(f'nonce="{nonce}"') >= 2  # the "js" class and the map's initialisation
    assert inline_zonder_nonce(html, nonce) == []


def test_elke_response_een_eigen_nonce(client):
    een = richtlijnen(client.get("/melden/"))["script-src"]
    twee = richtlijnen(client.get("/melden/"))["script-src"]
    assert een != twee


PUBLIEK = ["/melden/", "/melden/status/", "/account/inloggen/", "/api/docs/"]


def staf_paginas(melding, hotspot):
    return [
        "/coordinatie/",
        f"/coordinatie/meldingen/{melding.pk}/",
        f"/coordinatie/hotspots/{hotspot.pk}/",
        "/coordinatie/inzage/",
        "/beheer/",
        "/beheer/meldingen/melding/",
        f"/beheer/meldingen/melding/{melding.pk}/change/",
    ]


def zonder_nonce(response) -> list[str]:
    nonces = [w[len("'nonce-") : -1] for w in richtlijnen(response)["script-src"] if w.startswith("'nonce-")]
    return inline_zonder_nonce(response.content.decode(), nonces[0] if nonces else "-")


def test_geen_pagina_heeft_inline_code_zonder_nonce(client, melding, hotspot):
    # the public pages (and the login), for a visitor
    for pad in PUBLIEK:
        response = client.get(pad)
        assert response.status_code == 200, pad
        assert zonder_nonce(response) == [], pad
    # every staff page, for an administrator (who sees them all)
    client.force_login(get_user_model().objects.create_superuser(username="beheer", password="x", email=""))
    for pad in staf_paginas(melding, hotspot):
        response = client.get(pad)
        assert response.status_code == 200, pad
        assert zonder_nonce(response) == [], pad


def test_api_docs_krijgt_alleen_de_worker_en_twee_stijlhashes_erbij(client):
    r = richtlijnen(client.get("/api/docs/"))
    assert r["worker-src"] == ["'self'", "blob:"]
    assert "'unsafe-inline'" not in r["style-src"]
    assert len([w for w in r["style-src"] if w.startswith("'sha256-")]) == 2
    assert r["frame-ancestors"] == ["'none'"]


def test_permissions_policy_alleen_locatie_en_kopieren_voor_onze_eigen_origin(client):
    policy = client.get("/melden/").headers["Permissions-Policy"]
    features = dict(p.strip().split("=", 1) for p in policy.split(","))
    assert features.pop("geolocation") == "(self)"
    assert features.pop("clipboard-write") == "(self)"  # the meldcode's copy button (issue 17)
    assert features["clipboard-read"] == "()"
    assert {"camera", "microphone", "payment", "usb", "browsing-topics"} <= features.keys()
    assert set(features.values()) == {"()"}


@pytest.mark.parametrize(
    "pad", ["/account/inloggen/", "/coordinatie/", "/beheer/", "/api/v1/kaart/meldingen", "/api/v1/hotspots"]
)
def test_staf_paden_worden_nooit_bewaard_ook_anoniem(client, pad):
    response = client.get(pad)
    assert "no-store" in response.headers.get("Cache-Control", ""), pad


@pytest.mark.parametrize("pad", ["/coordinatie/", "/api/v1/kaart/meldingen?zoom=12", "/api/v1/hotspots"])
def test_staf_paginas_voor_een_coordinator_nooit_bewaard(client, pad):
    client.force_login(maak_gebruiker(Rol.COORDINATOR))
    response = client.get(pad)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_ingelogd_ook_een_publieke_pagina_niet_bewaard(client):
    # The API documentation: public, not an intake path. On intake paths (/melden/ ...) the session
    # cookie is dropped before anything reads it, so staff are anonymous there like any reporter
    # (privacy/middleware.py).
    client.force_login(maak_gebruiker(Rol.COORDINATOR))
    assert "no-store" in client.get("/api/docs/").headers["Cache-Control"]


def test_kaarttegels_blijven_voor_een_ingelogde_coordinator_te_bewaren(client, settings, tmp_path):
    from kaart.tegels import _tegel_van, tegel_cache

    # given a tile of the Dam in the proxy's cache, and a logged-in coordinator
    settings.MAP_TILES_CACHE_DIR = tmp_path
    x, y = _tegel_van(lon=4.8932, lat=52.3731, z=14)
    tegel_cache().set(f"tegel:14:{x}:{y}", (b"\x89PNG tegel", "image/png"))
    client.force_login(maak_gebruiker(Rol.COORDINATOR))
    # when the coordinator's map asks for it
    response = client.get(f"/kaart/tegels/14/{x}/{y}.png")
    # then it stays public and cacheable: a tile holds nothing of anyone
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public, max-age=")


def test_publieke_pagina_voor_een_bezoeker_niet_no_store(client):
    response = client.get("/melden/status/")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_staf_pad_met_taalvoorvoegsel_ook_niet_bewaard(rf):
    from django.http import HttpResponse

    from config.headers import StafNietBewarenMiddleware

    middleware = StafNietBewarenMiddleware(lambda request: HttpResponse())
    assert "no-store" in middleware(rf.get("/en/coordinatie/"))["Cache-Control"]
    assert "Cache-Control" not in middleware(rf.get("/en/melden/"))
