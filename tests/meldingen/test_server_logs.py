"""No log line of the web server carries a client address or a meldcode.

Against a REAL gunicorn (config/gunicorn.conf.py, one worker, the test database) on a free loopback
port: hostile requests over raw sockets make gunicorn itself log ("Invalid request from ip=..."),
ordinary requests on every URL that carries a meldcode fill its access log and Django's
django.request log. The client here is 127.0.0.1, so the scrubber must remove exactly that.
"""

import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from privacy.logging import MELDCODE_PLACEHOLDER

ROOT = Path(__file__).resolve().parents[2]
CLIENT = "127.0.0.1"
PLANTED_XFF = "203.0.113.77, 2001:db8::beef:1"
# Lower case on purpose: Django accepts them (meldcode_normalize), and they do not look like a
# well-formed code, so only the URL patterns can remove them.
CODE_ONTVANGEN = "zq7kw3xr9p"
CODE_STATUS = "hx4mt8vb2n"
CODE_QUERY = "pd6rj9wc3k"
CODE_API = "ty5gq2nm7s"
CODE_WELLFORMED = "K7M2XQ9RTB"
PLANTED_CODES = (CODE_ONTVANGEN, CODE_STATUS, CODE_QUERY, CODE_API, CODE_WELLFORMED)
# A format that asks for everything identifying, as a careless operator might configure it: the logger,
# not the format, must keep the address out.
HOSTILE_ACCESS_FORMAT = '%(h)s %(t)s "%(r)s" %(U)s %(q)s %(s)s %({x-forwarded-for}i)s %({remote_addr}e)s %(a)s %(f)s'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((CLIENT, 0))
        return s.getsockname()[1]


def _exchange(port: int, payload: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection((CLIENT, port), timeout=timeout) as s:
        s.sendall(payload)
        chunks = []
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _get(port: int, path: str) -> bytes:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {CLIENT}\r\nX-Forwarded-For: {PLANTED_XFF}\r\n"
        "User-Agent: SpionageTelefoon/9\r\nConnection: close\r\n\r\n"
    )
    return _exchange(port, request.encode())


@pytest.fixture
def gunicorn_log(django_db_setup, tmp_path):
    """Starts gunicorn against the test database; yields (port, read_log)."""
    port = _free_port()
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        GUNICORN_BIND=f"{CLIENT}:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_ACCESS_LOG="-",
        GUNICORN_LOG_LEVEL="info",
    )
    log_path = tmp_path / "gunicorn.log"
    argv = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-c",
        "config/gunicorn.conf.py",
        "--access-logformat",
        HOSTILE_ACCESS_FORMAT,
        "config.wsgi:application",
    ]
    with log_path.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log_path.read_text()
            with contextlib.suppress(OSError):
                if _get(port, "/melden/status/").startswith(b"HTTP/1.1 200"):
                    break
            assert time.monotonic() < deadline, "gunicorn did not answer within 30 s:\n" + log_path.read_text()
            time.sleep(0.2)

        def read_log() -> str:
            # Stop first: every worker has flushed and exited, so the file is complete.
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(15)
            return log_path.read_text(errors="replace")

        yield port, read_log
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def test_gunicorn_warnings_about_bad_requests_carry_no_client_address(gunicorn_log):
    port, read_log = gunicorn_log
    xff = f"X-Forwarded-For: {PLANTED_XFF}\r\n"
    # given requests gunicorn refuses itself, before Django sees them
    answers = [
        # an oversized request line (limit 4094)
        _exchange(port, f"GET /melden/status/{'A' * 6000} HTTP/1.1\r\nHost: x\r\n{xff}\r\n".encode()),
        # an oversized cookie header (limit 8190 per field)
        _exchange(port, f"GET /melden/ HTTP/1.1\r\nHost: x\r\n{xff}Cookie: c={'x' * 9000}\r\n\r\n".encode()),
        # too many headers (limit 100)
        _exchange(port, ("GET /melden/ HTTP/1.1\r\nHost: x\r\n" + xff + "X-A: b\r\n" * 120 + "\r\n").encode()),
        # garbage: a TLS hello on the plain port, and a header without a colon
        _exchange(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"),
        _exchange(port, f"GET /melden/ HTTP/1.1\r\nHost: x\r\n{xff}kapotte header\r\n\r\n".encode()),
    ]
    # when gunicorn has written its log
    output = read_log()
    # then it refused them and said so, without saying who asked
    assert all(answer.startswith(b"HTTP/1.1 4") for answer in answers), answers
    assert output.count("Invalid request from ip=") >= 5, output
    assert CLIENT not in output, output
    for planted in ("203.0.113.77", "2001:db8::beef:1", "SpionageTelefoon"):
        assert planted not in output, output


def test_no_meldcode_in_gunicorn_access_log_or_django_log(gunicorn_log):
    port, read_log = gunicorn_log
    # given requests on every URL that carries or carried a meldcode (unknown codes: 404s that Django
    # logs too; the old status URL now redirects to the lookup form, the old query is not looked up)
    paths = [
        f"/melden/ontvangen/{CODE_ONTVANGEN}/",
        f"/melden/status/{CODE_STATUS}",
        f"/melden/status/?meldcode={CODE_QUERY}",
        f"/api/v1/meldingen/{CODE_API}/status",
        f"/melden/status/{CODE_WELLFORMED}",
    ]
    statuses = [_get(port, path)[:12] for path in paths]
    # when gunicorn has written its access log and Django its own lines
    output = read_log()
    # then the requests were logged, their URLs without the codes and without the client
    assert statuses == [b"HTTP/1.1 404", b"HTTP/1.1 302", b"HTTP/1.1 200", b"HTTP/1.1 404", b"HTTP/1.1 302"]
    assert f'"GET /melden/ontvangen/{MELDCODE_PLACEHOLDER} HTTP/1.1" /melden/ontvangen/{MELDCODE_PLACEHOLDER}' in output
    assert f"GET /melden/status/?meldcode={MELDCODE_PLACEHOLDER} HTTP/1.1" in output
    assert f"GET /api/v1/meldingen/{MELDCODE_PLACEHOLDER}/status HTTP/1.1" in output
    assert f"Not Found: /melden/ontvangen/{MELDCODE_PLACEHOLDER}" in output  # django.request
    assert f"Not Found: /api/v1/meldingen/{MELDCODE_PLACEHOLDER}/status" in output
    for code in PLANTED_CODES:
        assert code not in output
        assert code.upper() not in output
    assert CLIENT not in output
    for planted in ("203.0.113.77", "2001:db8::beef:1", "SpionageTelefoon"):
        assert planted not in output


@pytest.fixture
def django_log():
    """The output of the handler the app really logs through (with its filters)."""
    import io

    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


@pytest.mark.django_db
def test_django_log_lines_lose_meldcodes(client, django_log):
    # given 4xx answers on each meldcode URL through Django's own logging (django.request)
    client.get(f"/melden/ontvangen/{CODE_ONTVANGEN}/")
    client.get(f"/en/melden/status/{CODE_STATUS}/x")  # a 404 under the English prefix
    client.get(f"/api/v1/meldingen/{CODE_API}/status")
    # and an SMS body and a traceback that a library might log
    logging.getLogger("twilio.http_client").warning("POST Body=STATUS+%s&From=%%2B31612345678", CODE_STATUS)
    logging.getLogger("integrations").info("STATUS %s", CODE_ONTVANGEN.upper())
    try:
        raise LookupError(f"geen melding voor /melden/status/{CODE_WELLFORMED}")
    except LookupError:
        logging.getLogger("django.request").exception("Internal Server Error: /melden/status/%s", CODE_STATUS)
    output = django_log.getvalue()
    # then the lines are there, the codes are not
    assert f"Not Found: /melden/ontvangen/{MELDCODE_PLACEHOLDER}" in output
    assert f"Not Found: /en/melden/status/{MELDCODE_PLACEHOLDER}" in output
    assert f"Not Found: /api/v1/meldingen/{MELDCODE_PLACEHOLDER}/status" in output
    assert f"Body=STATUS+{MELDCODE_PLACEHOLDER}&From=[verwijderd]" in output
    assert "31612345678" not in output
    assert "LookupError" in output
    for code in PLANTED_CODES:
        assert code not in output
        assert code.upper() not in output
