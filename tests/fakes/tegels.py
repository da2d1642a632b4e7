"""A loopback tile server in the slippy-map scheme of PDOK's BRT Achtergrondkaart (``/{z}/{x}/{y}.png``).

Records every request with its headers, so tests can prove the tile proxy forwards nothing of the
visitor. Answers a real 1x1 PNG (``image/png``) per tile; ``delay`` holds every answer back,
``fail_next`` answers the next request with that status, ``content_type`` can be set to something
that is not an image.

Usage::

    with FakeTegels() as tegels:
        settings.MAP_TILES_UPSTREAM_URL = tegels.template
        tegels.requests[-1].headers["User-Agent"]
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes._loopback import LoopbackFake

# A valid 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True)
class TegelRequest:
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeTegels


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        fake = self.server.fake
        with fake._lock:
            fake.requests.append(TegelRequest(self.path, dict(self.headers.items())))
            status, fake.fail_next = fake.fail_next, None
        if fake.delay > 0 and fake._stopping.wait(fake.delay):
            return
        if status is None and not self.path.endswith(".png"):
            status = 404
        body = PNG if status is None else b"fout"
        try:
            self.send_response(status or 200)
            self.send_header("Content-Type", fake.content_type if status is None else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the proxy gave up waiting

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeTegels(LoopbackFake):
    handler_class = _Handler
    server_class = _Server
    thread_name = "fake-tegels"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._init_loopback(host, port)
        self.requests: list[TegelRequest] = []
        self.delay = 0.0
        self.fail_next: int | None = None
        self.content_type = "image/png"
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def _before_start(self) -> None:
        self._stopping.clear()

    def _before_stop(self) -> None:
        self._stopping.set()

    @property
    def template(self) -> str:
        """For MAP_TILES_UPSTREAM_URL."""
        return f"http://{self.host}:{self.port}/brt/{{z}}/{{x}}/{{y}}.png"
