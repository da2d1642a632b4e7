"""A loopback fake of Twilio's Messages API (REST API 2010-04-01), speaking its documented wire format.

Why: outbound SMS must be tested with the real twilio-python client (its URL building, form
encoding, Basic auth and error parsing), never against the internet and never with a mock of the
client. This is a real HTTP server on 127.0.0.1 that answers what the client sends for
``client.messages.create(...)`` and ``client.messages(sid).fetch()``:

* ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` with form fields ``To``, ``From`` (or
  ``MessagingServiceSid``) and ``Body``, HTTP Basic auth with the account SID and auth token;
  answers ``201 Created`` with a Message resource (``sid`` "SM" + 32 hex, ``status`` "queued",
  ``direction`` "outbound-api", ``num_segments`` as a string, RFC 2822 dates in GMT, ``price``
  and ``error_code`` null, ``uri`` and ``subresource_uris`` relative to api.twilio.com);
* ``GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`` returns a stored message;
* errors in Twilio's JSON error format ``{"code", "message", "more_info", "status"}``: 401 / 20003
  "Authenticate" for missing or wrong credentials (or another account's path), 404 / 20404, and the
  documented 400s for a missing ``To`` (21604), ``From`` (21603) or ``Body`` (21602), a body over
  1600 characters (21617) and a ``To`` that is not E.164 (21211, whose message — like Twilio's —
  contains the number: the code under test must keep it out of its own records).

Scriptable failures for the next request(s) to the Messages endpoint::

    twilio.fail_next(500)              # 500 / 20500 once
    twilio.fail_next(503, times=4)     # 503 / 20503 four times
    twilio.fail_next(400, code=21211)  # permanent: invalid 'To' number
    twilio.fail_next("disconnect")     # close the connection without an answer

Point the real client at it with ``client.api.base_url = twilio.url`` (what the app does when
``TWILIO_API_BASE_URL`` is set). Standalone::

    python -m tests.fakes.twilio --port 8766
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import logging
import math
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from tests.fakes._loopback import LoopbackFake

logger = logging.getLogger(__name__)

__all__ = ["API_VERSION", "FakeTwilio", "RecordedRequest", "sms_segments"]

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "dev-only-twilio-token"
MAX_BODY = 1600

_MESSAGES = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages\.json$")
_MESSAGE = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>[^/]+)\.json$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# Twilio's error codes and messages for the failures tests script (https://www.twilio.com/docs/api/errors).
_DEFAULT_ERRORS: dict[int, tuple[int, str]] = {
    400: (21211, "The 'To' number {to} is not a valid phone number."),
    401: (20003, "Authenticate"),
    404: (20404, "The requested resource {path} was not found"),
    429: (20429, "Too Many Requests"),
    500: (20500, "An internal server error has occurred"),
    502: (20500, "An internal server error has occurred"),
    503: (20503, "Service Unavailable"),
}

# GSM 03.38: the basic set counts one septet, the extension table two.
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")


def sms_segments(body: str) -> int:
    """How many SMS segments a body takes: 160/153 GSM-7 septets, or 70/67 UCS-2 code units."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENSION for c in body):
        units = sum(2 if c in _GSM7_EXTENSION else 1 for c in body)
        single, multi = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return math.ceil(units / multi)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it (after parsing, before any scripted failure)."""

    method: str
    path: str
    form: dict[str, list[str]]
    auth: tuple[str, str] | None  # Basic auth as sent (user, password), None without a valid header
    headers: dict[str, str] = field(default_factory=dict)

    def field(self, name: str) -> str | None:
        values = self.form.get(name)
        return values[0] if values else None


@dataclass
class _Failure:
    status: int | Literal["disconnect"]
    times: int
    code: int | None
    message: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeTwilio


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads
    server_version = "FakeTwilio/1.0"

    # -- dispatch -------------------------------------------------------------------------------

    def do_POST(self) -> None:
        self._handle("POST")

    def do_GET(self) -> None:
        self._handle("GET")

    def _handle(self, method: str) -> None:
        fake = self.server.fake
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        form = parse_qs(raw, keep_blank_values=True) if method == "POST" else {}
        auth = _basic_auth(self.headers.get("Authorization"))
        request = RecordedRequest(method, path, form, auth, dict(self.headers.items()))
        fake._record(request)

        create, fetch = _MESSAGES.match(path), _MESSAGE.match(path)
        match = create if method == "POST" else fetch
        if match is None:
            self._error(404, 20404, _DEFAULT_ERRORS[404][1].format(path=path))
            return
        # Twilio authenticates before anything else; the path's account must be the caller's.
        if auth != (fake.account_sid, fake.auth_token) or match["account"] != fake.account_sid:
            self._error(401, 20003, "Authenticate", extra_headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
            return
        failure = fake._take_failure()
        if failure is not None:
            if failure.status == "disconnect":
                return  # no status line at all: the client sees the connection drop
            code, message = _DEFAULT_ERRORS.get(failure.status, (failure.status, "Error"))
            message = (failure.message or message).format(to=request.field("To") or "", path=path)
            self._error(failure.status, failure.code or code, message)
            return
        if create is not None:
            self._create(request)
        else:
            message = fake.message(match["sid"])
            if message is None:
                self._error(404, 20404, _DEFAULT_ERRORS[404][1].format(path=path))
            else:
                self._json(200, message)

    def _create(self, request: RecordedRequest) -> None:
        fake = self.server.fake
        to = request.field("To")
        sender = request.field("From")
        service = request.field("MessagingServiceSid")
        body = request.field("Body")
        if not to:
            self._error(400, 21604, "A 'To' phone number is required.")
        elif not sender and not service:
            self._error(400, 21603, "A 'From' phone number is required.")
        elif not body and not request.form.get("MediaUrl"):
            self._error(400, 21602, "Message body is required.")
        elif body and len(body) > MAX_BODY:
            self._error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        elif not _E164.match(to):
            self._error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        else:
            self._json(201, fake._store(to=to, sender=sender, service=service, body=body or ""))

    # -- answers --------------------------------------------------------------------------------

    def _error(self, status: int, code: int, message: str, extra_headers: dict[str, str] | None = None) -> None:
        body = {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        self._json(status, body, extra_headers)

    def _json(self, status: int, body: dict[str, Any], extra_headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
            for name, value in (extra_headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def _rfc2822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC))  # "Mon, 24 Nov 2025 10:00:00 +0000", as Twilio


class FakeTwilio(LoopbackFake):
    """The fake Twilio REST API on 127.0.0.1; a context manager, or ``start()`` / ``stop()``.

    What tests look at: ``requests`` (every request, with its form fields and Basic auth),
    ``sent`` (the Message resources created), ``url`` (the base URL replacing https://api.twilio.com).
    """

    handler_class = _Handler
    server_class = _Server
    thread_name = "fake-twilio"

    def __init__(
        self,
        *,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._init_loopback(host, port)
        self.requests: list[RecordedRequest] = []
        self.sent: list[dict[str, Any]] = []
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()

    # -- what tests use -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Replaces ``https://api.twilio.com``: give it to the client as ``client.api.base_url``."""
        return f"http://{self.host}:{self.port}"

    def fail_next(
        self,
        status: int | Literal["disconnect"],
        times: int = 1,
        *,
        code: int | None = None,
        message: str | None = None,
    ) -> None:
        """The next ``times`` authenticated requests fail with ``status`` and Twilio's error body
        (``code`` and ``message`` default to Twilio's for that status), or drop the connection."""
        with self._lock:
            self._failures.append(_Failure(status, times, code, message))

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.sent.clear()
            self._failures.clear()

    def message_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and _MESSAGES.match(r.path)]

    def message(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            return next((m for m in self.sent if m["sid"] == sid), None)

    # -- used by the handler --------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_failure(self) -> _Failure | None:
        with self._lock:
            if not self._failures:
                return None
            failure = self._failures[0]
            failure.times -= 1
            if failure.times <= 0:
                self._failures.pop(0)
            return failure

    def _store(self, *, to: str, sender: str | None, service: str | None, body: str) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        now = _rfc2822(datetime.now(UTC))
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json"
        message = {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            # With only a Messaging Service, Twilio picks the sender later and says "accepted".
            "from": sender or None,
            "messaging_service_sid": service or None,
            "num_media": "0",
            "num_segments": "0" if service and not sender else str(sms_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service and not sender else "queued",
            "subresource_uris": {"media": uri.removesuffix(".json") + "/Media.json"},
            "to": to,
            "uri": uri,
        }
        with self._lock:
            self.sent.append(message)
        return message


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the fake Twilio Messages API on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=DEFAULT_AUTH_TOKEN)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    fake = FakeTwilio(host=args.host, port=args.port, account_sid=args.account_sid, auth_token=args.auth_token)
    fake.start()
    print(f"Fake Twilio at {fake.url}  (TWILIO_API_BASE_URL={fake.url})", flush=True)
    try:
        assert fake._thread is not None
        while fake._thread.is_alive():
            fake._thread.join(timeout=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
