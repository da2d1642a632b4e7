from datetime import timedelta

import pytest
from django.utils import timezone

from meldingen.models import Melding, MeldingEvent
from tests.factories import BIJLMERPLEIN, UTRECHT_DOMPLEIN, MeldingFactory

pytestmark = pytest.mark.django_db


def payload(**overrides):
    data = {
        "lat": BIJLMERPLEIN[0],
        "lon": BIJLMERPLEIN[1],
        "locatie_type": "speelplek",
        "waarnemingen": ["dealen", "ronselen"],
        "observed_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "melder_rol": "bewoner",
        "omschrijving": "Elke avond bij de speeltuin.",
    }
    data.update(overrides)
    return data


def post(client, data):
    return client.post("/api/v1/meldingen", data, content_type="application/json")


def test_api_creates_melding_in_its_buurt(client):
    # when
    response = post(client, payload())
    # then
    assert response.status_code == 201
    body = response.json()
    melding = Melding.objects.get(meldcode=body["meldcode"])
    assert body == {"meldcode": melding.meldcode, "status": "nieuw", "buurt_code": melding.buurt_id}
    assert melding.buurt.wijk.stadsdeel_id == "T"  # Bijlmerplein lies in Zuidoost
    assert melding.waarnemingen == ["dealen", "ronselen"]
    assert melding.kanaal == "web"
    assert melding.dagdeel in {"ochtend", "middag", "avond", "nacht"}
    assert MeldingEvent.objects.filter(melding=melding, van="", naar="nieuw").count() == 1


def test_api_rejects_point_outside_amsterdam_on_both_coordinates(client):
    response = post(client, payload(lat=UTRECHT_DOMPLEIN[0], lon=UTRECHT_DOMPLEIN[1]))
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"lat", "lon"}
    assert "buiten Amsterdam" in body["lat"][0]
    assert Melding.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"locatie_type": "ruimteschip"}, "locatie_type"),
        ({"waarnemingen": []}, "waarnemingen"),
        ({"waarnemingen": ["dealen", "toveren"]}, "waarnemingen"),
        ({"observed_at": "gisteren"}, "observed_at"),
        ({"observed_at": (timezone.now() + timedelta(days=2)).isoformat()}, "observed_at"),
        ({"observed_at": (timezone.now() - timedelta(days=400)).isoformat()}, "observed_at"),
        ({"melder_rol": "agent"}, "melder_rol"),
        ({"frequentie": "soms"}, "frequentie"),
        ({"omschrijving": "x" * 2001}, "omschrijving"),
        ({"lat": "noord"}, "lat"),
        ({"lat": 95.0}, "lat"),
    ],
)
def test_api_reports_each_bad_field_by_name(client, overrides, field):
    response = post(client, payload(**overrides))
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Melding.objects.count() == 0


@pytest.mark.parametrize("missing", ["lat", "lon", "locatie_type", "waarnemingen", "observed_at"])
def test_api_requires_the_essentials(client, missing):
    data = payload()
    del data[missing]
    response = post(client, data)
    assert response.status_code == 400
    assert missing in response.json()


def test_api_accepts_without_optional_fields(client):
    data = payload()
    del data["melder_rol"], data["omschrijving"]
    response = post(client, data)
    assert response.status_code == 201
    assert Melding.objects.get().melder_rol_id == "onbekend"


def test_api_status_of_known_code(client):
    melding = MeldingFactory(omschrijving="geheime tekst van de melder")
    response = client.get(f"/api/v1/meldingen/{melding.meldcode.lower()}/status")
    assert response.status_code == 200
    body = response.json()
    assert body["meldcode"] == melding.meldcode
    assert body["status"] == "nieuw"
    assert "geheime tekst" not in response.content.decode()


def test_api_status_of_unknown_code_is_404_then_rate_limited(client, settings):
    settings.STATUS_LOOKUP_MISSES_PER_HOUR = 3
    for _ in range(3):
        assert client.get("/api/v1/meldingen/ZZZZZZZZZZ/status").status_code == 404
    assert client.get("/api/v1/meldingen/ZZZZZZZZZZ/status").status_code == 429


def test_openapi_schema_lists_intake_and_status(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/meldingen" in text
    assert "/api/v1/meldingen/{meldcode}/status" in text
