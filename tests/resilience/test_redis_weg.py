"""With Redis down, guessing guards refuse in Dutch (never run unthrottled) and intake keeps storing."""

import json

import pytest
from django.test import override_settings

from meldingen.models import Melding
from tests.factories import MeldingFactory
from tests.fakes.blackhole import dead_port
from tests.meldingen.test_api import payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_weg():
    dood = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=dood):
        yield


def test_the_status_page_refuses_in_dutch_without_its_throttle(client, redis_weg):
    melding = MeldingFactory()
    response = client.post("/melden/status/", {"meldcode": melding.meldcode})
    assert response.status_code == 503
    assert "Dit kan nu even niet door een storing" in response.content.decode()
    assert response["Retry-After"]


def test_the_status_api_answers_problem_details(client, redis_weg):
    response = client.get("/api/v1/meldingen/WW-ONBEKEND/status")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503
    assert "storing" in response.json()["detail"]


def test_the_api_still_stores_a_melding(client, redis_weg):
    response = client.post("/api/v1/meldingen", json.dumps(payload()), content_type="application/json")
    assert response.status_code == 201
    assert Melding.objects.filter(meldcode=response.json()["meldcode"]).exists()


def test_the_public_form_still_renders(client, redis_weg):
    response = client.get("/melden/")
    assert response.status_code == 200
