"""Shared fixtures: the real PostGIS test database with the city's areas, Redis, a loopback PDOK, and
no network beyond this machine."""

import ipaddress
import socket

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from config.celery import app as celery_app
from integrations.geocoding import get_geocoder
from tests.fakes.pdok import FakePDOK

# The actions' users, organisations and proposal helper (tests/acties/fixtures.py), for every package.
pytest_plugins = ["tests.acties.fixtures"]

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback_only(address) -> None:
    if isinstance(address, tuple):
        host = address[0]
        if host == "localhost":
            return
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
        raise OSError(f"tests may not reach {host}: only loopback is allowed")


def _guarded_connect(self, address):
    _loopback_only(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _loopback_only(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The areas are reference data every test needs; load them once per run. Never on a database that
    is not a test database: the browser fixtures truncate tables and close other connections."""
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        call_command("load_gebieden", settings.AREAS_SOURCE, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(autouse=True, scope="session")
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Server threads of the browser tests may still hold a connection when the run ends; the test
    database can only be dropped once they are gone."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where datname = current_database() and pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def _dutch_after_each_test():
    """A request leaves its language active in the thread (config/taal.py activates, nothing resets):
    after an /en/ page, a management command or selector called next in the same test run would speak
    English. Each test starts in the default language, as a fresh worker does."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def fake_pdok_server():
    with FakePDOK() as server:
        yield server


@pytest.fixture
def fake_pdok(fake_pdok_server, settings):
    """The loopback PDOK, wired into the app's geocoder, reset for each test."""
    settings.PDOK_LOCATIESERVER_URL = fake_pdok_server.url
    fake_pdok_server.requests.clear()
    fake_pdok_server.delay = 0
    fake_pdok_server.fail_next = None
    get_geocoder.cache_clear()
    yield fake_pdok_server
    get_geocoder.cache_clear()


@pytest.fixture
def eager_celery():
    """Tasks run in the calling thread, errors propagate: for tests that follow a task's effect."""
    conf = celery_app.conf
    vorige = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = vorige


@pytest.fixture(autouse=True)
def _tweefactor(request, settings):
    """Most tests are about other things than the login and log in with force_login or a password
    only: for them the second factor is off. Tests marked `tweefactor` (tests/accounts/) run with
    the production default, STAFF_2FA_VERPLICHT on."""
    settings.STAFF_2FA_VERPLICHT = request.node.get_closest_marker("tweefactor") is not None
