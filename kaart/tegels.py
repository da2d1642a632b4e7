"""Map tiles through our own origin: ``/kaart/tegels/<z>/<x>/<y>.png``.

Why: a browser that fetches tiles straight from PDOK tells PDOK the visitor's address together with
the streets they zoom into; on a site for anonymous reporting no page may make a visitor's browser
call another host (DOMAIN.md, "Anonymity rules"). This view fetches the tile itself, with nothing of
the client (no address, user agent, referer, cookie, language), and keeps it.

Not an open proxy: only the zoom levels the maps use and, by default, only tiles around Amsterdam.
Upstream trouble answers 502/504 within MAP_TILES_TIMEOUT, and after a failure the upstream is left
alone for a few seconds, so a dead tile server cannot tie up every worker with a map's 20 tiles.

The cache is a directory (Django's FileBasedCache), not Redis: all of Amsterdam down to zoom 19 is
gigabytes of tiles, which would push throttles and sessions out of a memory cache; files survive a
restart and are shared by every worker on the host. In production the web server in front can do
all of this instead (docs/operations.md, nginx ``proxy_cache``).
"""

from __future__ import annotations

import logging
import math
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")
MAX_TILE_BYTES = 1024 * 1024
# What upstream sees of us: a fixed name, never the visitor's browser.
UPSTREAM_HEADERS = {"User-Agent": "WeerbareWijken-tegelproxy/1.0", "Accept": "image/png,image/*;q=0.8"}
# After a failed fetch, answer 502 at once for this long instead of trying again per tile.
UPSTREAM_RUSTTIJD = 5.0


@dataclass(frozen=True)
class Tegel:
    inhoud: bytes
    content_type: str


class TegelFout(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def tegel_in_bereik(*, z: int, x: int, y: int) -> bool:
    """The zoom levels of our maps, and (with MAP_TILES_BBOX) only tiles that touch that box."""
    if not settings.LEAFLET_CONFIG["MIN_ZOOM"] <= z <= settings.LEAFLET_CONFIG["MAX_ZOOM"]:
        return False
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        return False
    if settings.MAP_TILES_BBOX is None:
        return True
    west, zuid, oost, noord = settings.MAP_TILES_BBOX
    x_min, y_min = _tegel_van(lon=west, lat=noord, z=z)
    x_max, y_max = _tegel_van(lon=oost, lat=zuid, z=z)
    return x_min <= x <= x_max and y_min <= y <= y_max


def _tegel_van(*, lon: float, lat: float, z: int) -> tuple[int, int]:
    """The tile (slippy-map / EPSG:3857 scheme) that holds a WGS84 point."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    phi = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(phi)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


@cache
def _cache_voor(directory: str) -> FileBasedCache:
    return FileBasedCache(
        directory,
        {"TIMEOUT": settings.MAP_TILES_CACHE_SECONDS, "OPTIONS": {"MAX_ENTRIES": settings.MAP_TILES_CACHE_MAX}},
    )


def tegel_cache() -> FileBasedCache:
    return _cache_voor(str(settings.MAP_TILES_CACHE_DIR))


_rust = threading.Lock()
_upstream_rust_tot = 0.0


def _upstream_rust() -> bool:
    return time.monotonic() < _upstream_rust_tot


def _upstream_faalde() -> None:
    global _upstream_rust_tot
    with _rust:
        _upstream_rust_tot = time.monotonic() + UPSTREAM_RUSTTIJD


def tegel_ophalen(*, z: int, x: int, y: int) -> Tegel:
    """From the cache, else from upstream (then cached). Raises TegelFout(502|504) on upstream trouble."""
    sleutel = f"tegel:{z}:{x}:{y}"
    try:
        cache: FileBasedCache | None = tegel_cache()
        bewaard = cache.get(sleutel)
    except OSError:
        # A missing, full or read-only cache directory costs upstream requests, not the visitor's map.
        logger.warning("tegelcache niet bruikbaar", exc_info=True)
        cache, bewaard = None, None
    if bewaard is not None:
        return Tegel(*bewaard)
    if _upstream_rust():
        raise TegelFout(502)
    url = settings.MAP_TILES_UPSTREAM_URL.format(z=z, x=x, y=y)
    verzoek = urllib.request.Request(url, headers=UPSTREAM_HEADERS)  # noqa: S310 (our own setting, http(s))
    try:
        with urllib.request.urlopen(verzoek, timeout=settings.MAP_TILES_TIMEOUT) as antwoord:  # noqa: S310
            content_type = antwoord.headers.get_content_type()
            inhoud = antwoord.read(MAX_TILE_BYTES + 1)
    except urllib.error.HTTPError as fout:
        if fout.code == 404:
            raise Http404 from fout  # upstream has no tile there: not an outage
        _upstream_faalde()
        raise TegelFout(502) from fout
    except TimeoutError as fout:
        _upstream_faalde()
        raise TegelFout(504) from fout
    except (urllib.error.URLError, OSError) as fout:
        _upstream_faalde()
        reden = getattr(fout, "reason", None)
        raise TegelFout(504 if isinstance(reden, TimeoutError) else 502) from fout
    if content_type not in IMAGE_TYPES or not inhoud or len(inhoud) > MAX_TILE_BYTES:
        raise TegelFout(502)
    if cache is not None:
        try:
            cache.set(sleutel, (inhoud, content_type))
        except OSError:
            logger.warning("tegelcache niet beschrijfbaar", exc_info=True)
    return Tegel(inhoud, content_type)


@require_GET
def tegel(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    if not tegel_in_bereik(z=z, x=x, y=y):
        raise Http404
    try:
        gevonden = tegel_ophalen(z=z, x=x, y=y)
    except TegelFout as fout:
        antwoord = HttpResponse(status=fout.status, content_type="text/plain; charset=utf-8")
        antwoord["Cache-Control"] = "no-store"
        return antwoord
    antwoord = HttpResponse(gevonden.inhoud, content_type=gevonden.content_type)
    # Tiles change a few times a year; a week in the browser spares us and upstream the repeats.
    antwoord["Cache-Control"] = f"public, max-age={settings.MAP_TILES_BROWSER_SECONDS}, immutable"
    antwoord["X-Content-Type-Options"] = "nosniff"
    return antwoord
