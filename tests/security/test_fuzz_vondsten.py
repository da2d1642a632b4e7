"""What the fuzzers found, each pinned by a plain example so it stays fixed if the fuzzers' examples
change: every test here failed on the code before the fix."""

import pytest

from accounts.roles import Rol
from tests.coordinatie.conftest import maak_gebruiker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/hotspots?buurt=%00",
        "/api/v1/kaart/meldingen?zoom=12&wijk=A%00",
        "/api/v1/kaart/meldingen?zoom=17&bbox=4.95,52.31,4.955,52.314&locatie_type=%00garagebox",
    ],
)
def test_een_nul_byte_in_een_filtercode_is_een_onbekende_code_geen_500(client, url):
    # PostgreSQL refused the query ("text fields cannot contain NUL") and the API answered 500.
    client.force_login(maak_gebruiker(Rol.COORDINATOR))
    response = client.get(url)
    assert response.status_code == 400
    assert "Onbekende code" in next(iter(response.json().values()))[0]


def test_een_nul_byte_in_het_filter_van_het_werkscherm_geeft_geen_500(client):
    client.force_login(maak_gebruiker(Rol.COORDINATOR))
    response = client.get("/coordinatie/?stadsdeel=%00")
    assert response.status_code < 500


def test_fout_in_een_lijstveld_is_een_lijst_van_berichten(client):
    # DRF nested the item's error under its index: {"waarnemingen": {"1": ["…"]}}, not the documented
    # field → list of messages.
    response = client.post(
        "/api/v1/meldingen",
        {
            "lat": 52.3125,
            "lon": 4.953,
            "locatie_type": "speelplek",
            "waarnemingen": ["dealen", "x" * 41],
            "observed_at": "2026-11-21T21:00:00+01:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    fouten = response.json()["waarnemingen"]
    assert isinstance(fouten, list)
    assert all(isinstance(b, str) for b in fouten)


def test_het_schema_beschrijft_de_echte_400(client):
    # The schema documented {"veld": [...]} (a required property named "veld"), which no answer has.
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    antwoord = schema["paths"]["/api/v1/meldingen"]["post"]["responses"]["400"]["content"]["application/json"]
    varianten = antwoord["schema"]["oneOf"]
    veldfouten = next(v for v in varianten if "additionalProperties" in v)
    assert veldfouten["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert "veld" not in str(antwoord["schema"])


def test_het_schema_noemt_de_antwoorden_van_de_lagen_eromheen(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for pad, operaties in schema["paths"].items():
        for methode, operatie in operaties.items():
            codes = set(operatie["responses"])
            assert {"413", "503"} <= codes, (methode, pad)
            assert "application/problem+json" in operatie["responses"]["503"]["content"]
    assert "415" in schema["paths"]["/api/v1/meldingen"]["post"]["responses"]
    assert "429" in schema["paths"]["/api/v1/meldingen/{meldcode}/status"]["get"]["responses"]
    assert "/api/docs/" not in schema["paths"]


@pytest.mark.parametrize("param", ["pagina", "na"])
def test_een_leeg_getal_is_een_400(client, param):
    # The schema documents `pagina` and `na` as integers; `pagina=` was silently read as page 1.
    client.force_login(maak_gebruiker(Rol.COORDINATOR))
    response = client.get(f"/api/v1/kaart/meldingen?zoom=12&{param}=")
    assert response.status_code == 400
    assert param in response.json()


def _melding(**anders) -> dict:
    from django.utils import timezone

    return {
        "lat": 52.3125,
        "lon": 4.953,
        "locatie_type": "speelplek",
        "waarnemingen": ["dealen"],
        "observed_at": (timezone.now() - timezone.timedelta(days=1)).isoformat(),
        **anders,
    }


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [("locatie_omschrijving", 0), ("omschrijving", 12), ("lat", "52.3125"), ("lon", "4.953")],
)
def test_een_waarde_van_het_verkeerde_json_type_is_een_400(client, veld, waarde):
    # DRF stored 0 as the text "0" and read "52.3125" as a number: bodies the schema does not allow.
    response = client.post("/api/v1/meldingen", _melding(**{veld: waarde}), content_type="application/json")
    assert response.status_code == 400
    assert veld in response.json()


def test_de_api_neemt_alleen_json_aan(client):
    from meldingen.models import Melding

    # A form-encoded body was parsed and filed like JSON, outside the documented contract.
    data = _melding()
    response = client.post("/api/v1/meldingen", data)  # multipart
    assert response.status_code == 415
    assert not Melding.objects.exists()
    assert client.post("/api/v1/meldingen", data, content_type="application/json").status_code == 201
