"""Fault tests (issue 10): the real app in gunicorn, a separate process, pointed at a dead Redis port, a
dead database port, and ports that accept and never answer (a blackhole). The machine's own
PostgreSQL and Redis are never touched; only the app's settings point elsewhere."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from meldingen.models import Melding
from tests.factories import BIJLMERPLEIN
from tests.fakes.blackhole import Blackhole, dead_port

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 5


@pytest.fixture
def echte_db(db):
    """The app's processes commit their rows, which the test's rollback cannot remove: a separate
    process deletes what was filed, leaving the reference data (areas, code lists) for the rest."""
    yield
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test", DATABASE_URL=_db_url())
    # History refuses deletes (append-only trigger) and protects its melding; this test reset runs with
    # triggers off (session_replication_role, local superuser) and empties every table that points at a
    # melding. Not TRUNCATE: the test's own open transaction still holds a share lock on the table.
    script = (
        "import django; django.setup(); from django.db import connection, transaction\n"
        "with transaction.atomic(), connection.cursor() as c:\n"
        "    c.execute('SET LOCAL session_replication_role = replica')\n"
        "    c.execute('select conrelid::regclass::text from pg_constraint'\n"
        "              \" where confrelid = 'meldingen_melding'::regclass and conrelid <> confrelid\")\n"
        "    for (t,) in c.fetchall():\n"
        "        c.execute(f'DELETE FROM {t}')\n"
        "    c.execute('DELETE FROM meldingen_melding')\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)  # noqa: S603


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db_url(*, port: int | None = None) -> str:
    s = connection.settings_dict
    return f"postgis://{s['USER']}:{s['PASSWORD']}@127.0.0.1:{port or s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def app(*, db_port: int | None = None, redis_port: int | None = None):
    """gunicorn with the test settings; the given services point at the given ports."""
    port = _free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test", DATABASE_URL=_db_url(port=db_port))
    if redis_port is not None:
        dood = f"redis://127.0.0.1:{redis_port}/0"
        env.update(TEST_CACHE_URL=dood, TEST_CELERY_URL=dood)
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield Browser(f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        # Redirects are not followed: each assertion is about the answer to that one request.
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, method: str, path: str, *, data: bytes | None = None, content_type: str = "") -> tuple:
        req = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310 - loopback
        if content_type:
            req.add_header("Content-Type", content_type)
        if method == "POST":
            req.add_header("Referer", self.base + path)
        start = time.monotonic()
        try:
            with self.opener.open(req, timeout=LIMIT_S + 5) as resp:
                status, headers, body = resp.status, resp.headers, resp.read().decode()
        except urllib.error.HTTPError as err:
            status, headers, body = err.code, err.headers, err.read().decode()
        return status, headers, body, time.monotonic() - start

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: list[tuple[str, str]]):
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode([("csrfmiddlewaretoken", token), *fields]).encode()
        return self.request("POST", path, data=body, content_type="application/x-www-form-urlencoded")

    def post_json(self, path: str, payload: dict):
        return self.request("POST", path, data=json.dumps(payload).encode(), content_type="application/json")


def api_payload() -> dict:
    return {
        "lat": BIJLMERPLEIN[0],
        "lon": BIJLMERPLEIN[1],
        "locatie_type": "portiek",
        "waarnemingen": ["aanloop"],
        "observed_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "omschrijving": "Storingstest via de API",
    }


def form_fields(omschrijving: str) -> list[tuple[str, str]]:
    return [
        ("lat", str(BIJLMERPLEIN[0])),
        ("lon", str(BIJLMERPLEIN[1])),
        ("adres", "Bijlmerplein"),
        ("locatie_type", "speelplek"),
        ("waarnemingen", "dealen"),
        ("datum", (timezone.localdate() - timedelta(days=1)).isoformat()),
        ("dagdeel", "avond"),
        ("frequentie", "dagelijks"),
        ("omschrijving", omschrijving),
        ("actie", "versturen"),
    ]


def dutch_problem(status, headers, body) -> dict:
    assert status == 503
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 503
    assert "storing" in problem["detail"]
    return problem


@pytest.mark.usefixtures("echte_db")
def test_with_redis_dead_pages_degrade_in_dutch_and_intake_still_stores():
    with app(redis_port=dead_port()) as browser:
        status, _, body, _ = browser.get("/melden/")
        assert status == 200
        assert "Drugsoverlast melden" in body

        status, _, body, _ = browser.post_form("/melden/status/", [("meldcode", "WWONBEKEND")])
        assert status == 503
        assert "Dit kan nu even niet door een storing" in body

        dutch_problem(*browser.get("/api/v1/meldingen/WWONBEKEND/status")[:3])

        browser.get("/account/inloggen/")
        status, _, body, _ = browser.post_form("/account/inloggen/", [("username", "x"), ("password", "y")])
        assert status == 503
        assert "Inloggen kan op dit moment niet door een storing" in body

        status, _, body, _ = browser.post_json("/api/v1/meldingen", api_payload())
        assert status == 201
        assert Melding.objects.filter(meldcode=json.loads(body)["meldcode"]).exists()

        status, _, body, _ = browser.post_form("/melden/", form_fields("Via het formulier zonder Redis"))
        # the POST answers the thank-you page itself: stored, and the reporter sees the meldcode
        assert status == 200
        melding = Melding.objects.get(omschrijving="Via het formulier zonder Redis")
        assert f'id="meldcode">{melding.meldcode}<' in body


@pytest.mark.usefixtures("echte_db")
def test_with_the_database_dead_every_answer_is_a_dutch_503_and_the_typed_text_survives():
    with app(db_port=dead_port()) as browser:
        status, _, body, _ = browser.get("/melden/")
        assert status in (200, 503)
        assert "Drugsoverlast melden" in body or "storing" in body

        status, _, body, _ = browser.post_form("/melden/status/", [("meldcode", "WWONBEKEND")])
        assert status == 503
        assert "Er is een storing" in body

        dutch_problem(*browser.post_json("/api/v1/meldingen", api_payload())[:3])
        dutch_problem(*browser.get("/api/v1/meldingen/WWONBEKEND/status")[:3])

        browser.get("/account/inloggen/")
        status, _, body, _ = browser.post_form("/account/inloggen/", [("username", "x"), ("password", "y")])
        assert status == 503
        assert "Er is een storing" in body

        status, _, body, _ = browser.post_form("/melden/", form_fields("Elke avond bij de <speeltuin> & de flat"))
        assert status == 503
        assert "Elke avond bij de &lt;speeltuin&gt; &amp; de flat" in body
        assert "Opnieuw versturen" in body
        assert re.search(r'name="waarnemingen" value="dealen"', body)


@pytest.mark.usefixtures("echte_db")
def test_hung_redis_and_hung_database_never_hold_a_request_longer_than_five_seconds():
    with Blackhole() as redis_hole, app(redis_port=redis_hole.port) as browser:
        browser.get("/melden/")  # warm up the worker (imports, URLconf)
        browser.get("/account/inloggen/")  # the login form's CSRF cookie (the residents' pages set none)
        antwoorden = [
            browser.get("/melden/"),
            browser.post_form("/melden/status/", [("meldcode", "WWONBEKEND")]),
            browser.get("/api/v1/meldingen/WWONBEKEND/status"),
            browser.post_form("/account/inloggen/", [("username", "x"), ("password", "y")]),
            browser.post_json("/api/v1/meldingen", api_payload()),
        ]
        assert [a[0] for a in antwoorden] == [200, 503, 503, 503, 201], antwoorden[4][2]
        assert max(a[3] for a in antwoorden) < LIMIT_S, [(a[0], round(a[3], 2)) for a in antwoorden]

    with Blackhole() as db_hole, app(db_port=db_hole.port) as browser:
        browser.get("/melden/status/")  # warm up the worker (imports, URLconf) without the database
        antwoorden = [
            browser.get("/melden/"),
            browser.post_form("/melden/status/", [("meldcode", "WWONBEKEND")]),
            browser.get("/api/v1/meldingen/WWONBEKEND/status"),
            browser.post_json("/api/v1/meldingen", api_payload()),
        ]
        assert [a[0] for a in antwoorden][1:] == [503, 503, 503]
        assert max(a[3] for a in antwoorden) < LIMIT_S, [(a[0], round(a[3], 2)) for a in antwoorden]


@pytest.mark.usefixtures("echte_db")
def test_the_app_recovers_by_itself_when_the_database_is_back():
    # a TCP relay stands in for the database so that it can go away and come back under the app
    with Relay(connection.settings_dict["PORT"] or 5432) as relay, app(db_port=relay.port) as browser:
        assert browser.get("/api/v1/meldingen/WWONBEKEND/status")[0] == 404
        relay.stop_forwarding()
        assert browser.get("/api/v1/meldingen/WWONBEKEND/status")[0] == 503
        relay.start_forwarding()
        assert browser.get("/api/v1/meldingen/WWONBEKEND/status")[0] == 404


class Relay:
    """Forwards loopback TCP to a port; while stopped it refuses new connections and cuts open ones."""

    def __init__(self, target: int) -> None:
        import threading

        self.target = int(target)
        self.port = _free_port()
        self._forward = threading.Event()
        self._forward.set()
        self._conns: list[socket.socket] = []
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(32)
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def _accept(self) -> None:
        import threading

        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._forward.is_set():
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self._conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def stop_forwarding(self) -> None:
        self._forward.clear()
        for s in self._conns:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self._conns.clear()

    def start_forwarding(self) -> None:
        self._forward.set()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.stop_forwarding()
        self._thread.join(2)
        self._sock.close()
