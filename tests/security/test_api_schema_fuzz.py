"""Schema-driven fuzzing: schemathesis generates requests from our own OpenAPI schema (`/api/schema/`)
and sends them through the Django WSGI app in this process (the real PostGIS test database, Redis).

Every answer must be documented: no 5xx, a status code the schema lists for the operation, a
content type and a body that match what the schema says. The public API is fuzzed anonymously; the
staff map APIs with a coordinator's session. Example counts are bounded to keep the run short.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.roles import Rol
from accounts.services import gebruiker_zetten
from config.wsgi import application

# Every check schemathesis has, less one: "a schema-valid request is accepted" cannot hold for the
# intake, whose rules are the domain's (inside the city's polygon, a known code, at most 2000
# characters after trimming) and answer 400 with the field's message. The schema says what a client
# may send; the 400 body says why a well-formed melding was still refused.
ZONDER = [positive_data_acceptance]

pytestmark = pytest.mark.django_db(transaction=False)

VOORBEELDEN = 40  # per operation; the whole module stays well under a minute on two cores


def _schema_dict() -> dict:
    """The schema exactly as /api/schema/ serves it (drf-spectacular, rendered to JSON). Built at
    collection without a request: schemathesis' fixture-based loader does not work with pytest 9."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_schema_dict())
schema.app = application  # requests go through the WSGI app in this process, not over a socket
# A schema-violating body may also be refused for its size before anything parses it: 413 is a
# rejection like 400 (config/middleware.py, REQUEST_BODY_LIMITS), and the schema documents it.
_afwijzen = schema.config.checks.negative_data_rejection
_afwijzen.expected_statuses = [*_afwijzen.expected_statuses, "413"]
FUZZ = settings(
    max_examples=VOORBEELDEN,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples every run: CI must not flake on a new random draw
)


@pytest.fixture(autouse=True)
def _verbinding_open_houden():
    """The WSGI handler closes the database connection at the end of each request (close_old_connections),
    which would end the test's transaction; Django's own test client unhooks it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.include(path_regex=r"^/api/v1/meldingen").parametrize()
@FUZZ
def test_publieke_api_houdt_zich_aan_het_schema(case):
    _voorbeeld_bijwerken(case)
    response = case.call_and_validate(excluded_checks=ZONDER)
    ANTWOORDEN.setdefault(f"{case.method} {case.path}", []).append(response.status_code)


# The request example of POST /api/v1/meldingen (meldingen/api.py) carries a fixed moment; a melding
# must have been observed within the last year, so the replayed example gets yesterday instead.
VOORBEELD_MOMENT = "2026-11-21T21:00:00+01:00"


def _voorbeeld_bijwerken(case) -> None:
    if isinstance(case.body, dict) and case.body.get("observed_at") == VOORBEELD_MOMENT:
        case.body["observed_at"] = (timezone.now() - timedelta(days=1)).isoformat()


_SESSIE: dict[str, str] = {}
# Status codes per operation, as the cases above got them (the fuzzing's summary).
ANTWOORDEN: dict[str, list[int]] = {}


# each test has its own session (its transaction ends with the test); the partner API takes keys instead
@schema.auth(refresh_interval=None).skip_for(path_regex=r"^/api/v1/partner")
class CoordinatorSessie:
    """The staff APIs' security scheme is Django's session cookie (cookieAuth in the schema).
    Schemathesis applies it to its positive cases and leaves it out or breaks it in its own checks
    (ST401: a request without valid authentication must get 401/403)."""

    def get(self, case, context):
        # Schemathesis also asks at collection (for the schema's examples), before any session exists.
        return _SESSIE.get("sessionid", "nog-geen-sessie")

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), "sessionid": data}


@pytest.fixture
def sessie_coordinator():
    user, _ = gebruiker_zetten(username="fuzz-coordinator", password="x", rol=Rol.COORDINATOR)
    client = Client()
    client.force_login(user)
    _SESSIE["sessionid"] = client.cookies["sessionid"].value
    yield
    _SESSIE.clear()


@schema.include(path_regex=r"^/api/v1/(kaart|hotspots)").parametrize()
@FUZZ
def test_staf_api_houdt_zich_aan_het_schema(case, sessie_coordinator):
    response = case.call_and_validate(excluded_checks=ZONDER)
    ANTWOORDEN.setdefault(f"{case.method} {case.path}", []).append(response.status_code)


_SLEUTEL: dict[str, str] = {}


@schema.auth(refresh_interval=None).apply_to(path_regex=r"^/api/v1/partner")
class PartnerSleutel:
    """The partner API's security scheme: `Authorization: Api-Key <key>` (apiKey in the schema)."""

    def get(self, case, context):
        return _SLEUTEL.get("key", "nog-geen-sleutel")

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Api-Key {data}"}


@pytest.fixture
def sleutel_politie(voorstel, coordinator, org):
    """A key of the police, which has one ticket: the list answers with data, not only refusals."""
    from accounts.services import api_sleutel_maken
    from acties.services import actie_transition

    actie = voorstel("buurtschouw")
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    _rij, key = api_sleutel_maken(organisatie=org["politie"], naam="fuzz")
    _SLEUTEL["key"] = key
    yield
    _SLEUTEL.clear()


@schema.include(path_regex=r"^/api/v1/partner").parametrize()
@FUZZ
def test_partner_api_houdt_zich_aan_het_schema(case, sleutel_politie):
    response = case.call_and_validate(excluded_checks=ZONDER)
    ANTWOORDEN.setdefault(f"{case.method} {case.path}", []).append(response.status_code)


def test_het_schema_wordt_helemaal_gefuzzed(client):
    """The two tests above split the schema by path; an operation in neither would go unfuzzed. And
    the schema they fuzz is the one the site serves."""
    assert client.get("/api/schema/", HTTP_ACCEPT="application/json").json() == _schema_dict()
    paden = set(_schema_dict()["paths"])
    publiek = {p for p in paden if p.startswith("/api/v1/meldingen")}
    staf = {p for p in paden if p.startswith(("/api/v1/kaart", "/api/v1/hotspots", "/api/v1/partner"))}
    assert paden == publiek | staf, f"operations no test fuzzes: {sorted(paden - publiek - staf)}"


def test_de_fuzzer_kwam_voorbij_de_deur():
    """Runs after the fuzz tests: the staff operations were answered with data (200) to the
    coordinator's session, not only refused, and every operation was tried. `-s` shows the summary."""
    for operatie, codes in sorted(ANTWOORDEN.items()):
        telling = ", ".join(f"{code}: {codes.count(code)}" for code in sorted(set(codes)))
        print(f"{operatie:45} {len(codes):4} requests  {telling}")
    # (Schemathesis also tries methods the schema does not list, expecting 405: those are in there too.)
    assert set(ANTWOORDEN) >= {f"{m.upper()} {p}" for p, ops in _schema_dict()["paths"].items() for m in ops}
    for operatie in ("GET /api/v1/kaart/meldingen", "GET /api/v1/hotspots", "GET /api/v1/partner/acties"):
        assert 200 in ANTWOORDEN[operatie], operatie
        assert 400 in ANTWOORDEN[operatie], operatie
    # The schema's example melding was filed (and its 201 body checked), the fuzzed ones refused.
    assert {201, 400} <= set(ANTWOORDEN["POST /api/v1/meldingen"])
