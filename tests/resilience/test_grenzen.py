"""No single request can stall the site (issue 10): bodies bounded per endpoint before parsing, lists
bounded in the serializer, deep JSON refused with 400."""

import json
import time

import pytest

from meldingen.models import Melding
from tests.coordinatie.conftest import maak_gebruiker
from tests.meldingen.test_api import payload

pytestmark = pytest.mark.django_db


def test_a_million_empty_codes_are_refused_at_once_not_parsed(client):
    body = json.dumps(payload(waarnemingen=[""] * 1_000_000))
    start = time.monotonic()
    response = client.post("/api/v1/meldingen", body, content_type="application/json")
    assert time.monotonic() - start < 1
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "te groot" in response.json()["detail"]
    assert not Melding.objects.exists()


def test_a_long_list_that_fits_the_body_limit_is_a_field_error(client):
    response = client.post(
        "/api/v1/meldingen", json.dumps(payload(waarnemingen=["dealen"] * 5000)), content_type="application/json"
    )
    assert response.status_code == 400
    assert "20" in response.json()["waarnemingen"][0]


def test_deeply_nested_json_is_a_400_not_a_crash(client):
    body = '{"lat": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post("/api/v1/meldingen", body, content_type="application/json")
    assert response.status_code == 400
    assert "diep" in response.json()["detail"]


def test_nesting_inside_strings_does_not_count(client):
    response = client.post(
        "/api/v1/meldingen", json.dumps(payload(omschrijving="[[[[" * 50)), content_type="application/json"
    )
    assert response.status_code == 201


def test_the_sms_webhook_refuses_a_large_body(client):
    response = client.post(
        "/integrations/twilio/sms", "Body=" + "x" * 40_000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_the_staff_screens_refuse_a_large_body_in_dutch(client):
    from accounts.roles import Rol

    maak_gebruiker(Rol.COORDINATOR, "coord")
    client.login(username="coord", password="test-wachtwoord-42")
    response = client.post("/coordinatie/meldingen/bulk/", {"meldingen": ["1"] * 20_000, "actie": "accepteren"})
    assert response.status_code == 413
    assert "Het verzoek is te groot" in response.content.decode()


def test_the_public_form_accepts_photos_up_to_their_limit_but_not_beyond(client, settings):
    limiet = settings.MELDING_MAX_PHOTOS * settings.MELDING_MAX_PHOTO_BYTES
    response = client.generic(
        "POST", "/melden/", b"x" * (limiet + 300 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "Het verzoek is te groot" in response.content.decode()
