"""A partner's webhook receiver on loopback: records every request (headers, raw body) and answers with
the next status of `antwoorden` (the last one repeats). `verifieren()` checks each request with the
Standard Webhooks reference library, as a partner would."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

import time_machine
from standardwebhooks.webhooks import Webhook

from ._loopback import LoopbackFake


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        fake: WebhookOntvanger = self.server.fake  # type: ignore[attr-defined]
        lengte = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(lengte)
        with fake.lock:
            fake.verzoeken.append(({k.lower(): v for k, v in self.headers.items()}, body))
            status = fake.antwoorden[min(len(fake.verzoeken) - 1, len(fake.antwoorden) - 1)]
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args) -> None:
        pass


class WebhookOntvanger(LoopbackFake):
    handler_class = _Handler
    thread_name = "fake-webhook-ontvanger"

    def __init__(self, antwoorden: list[int] | None = None, port: int = 0) -> None:
        self._init_loopback("127.0.0.1", port)
        self.antwoorden = antwoorden or [200]
        self.verzoeken: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/weerbare-wijken"

    def verifieren(self, geheim: str) -> list[dict]:
        """Each request's payload, verified with the reference library (raises on any bad one) at the
        moment it was sent: tests move the sender's clock a day ahead to retry, and the library refuses
        a timestamp more than five minutes from its own now."""
        payloads = []
        for headers, body in self.verzoeken:
            verstuurd = datetime.fromtimestamp(int(headers.get("webhook-timestamp", "0")), tz=UTC)
            with time_machine.travel(verstuurd, tick=False):
                payloads.append(Webhook(geheim).verify(body, headers))
        return payloads
