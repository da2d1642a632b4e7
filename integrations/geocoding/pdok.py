"""A geopy geocoder for the PDOK Locatieserver (v3.1), the Dutch government's free geocoder.

Why PDOK and not Nominatim: PDOK serves the official BAG (Basisregistratie Adressen en Gebouwen)
addresses, needs no key, has no usage-policy limits that forbid an intake form, and keeps the
question a resident types inside Dutch government infrastructure.

Why a geopy ``Geocoder`` subclass: geopy already owns the parts that are easy to get subtly wrong
(HTTP adapters, timeouts, mapping HTTP statuses onto ``GeocoderTimedOut`` /
``GeocoderServiceError`` / ``GeocoderUnavailable``). Callers get the same exceptions and the same
``Location`` objects as from any other geopy geocoder, so swapping providers stays cheap.

Wire format (PDOK OpenAPI spec v3_1, https://api.pdok.nl/bzk/locatieserver/search/v3_1/ui/):

* ``GET {base}/free?q=&fq=&fl=&rows=&lat=&lon=`` and ``GET {base}/reverse?lat=&lon=&type=&fl=&rows=``
  answer a Solr envelope ``{"response": {"numFound", "start", "maxScore", "numFoundExact",
  "docs": [...]}}``.
* Every doc carries ``weergavenaam`` (display name) and, when asked for in ``fl``,
  ``centroide_ll`` as WKT ``"POINT(lon lat)"``: longitude first. Reverse docs add ``afstand``
  (metres from the asked point).
* v3.1 rejects query parameters that are not in its OpenAPI spec with HTTP 400, so this module
  only ever sends documented ones.

Privacy: the query text is what a resident typed about where drug nuisance happens. It is never
logged here; log lines name the endpoint and the error only.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from geopy.adapters import RequestsAdapter
from geopy.exc import GeocoderParseError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_URL", "PDOKLocatieserver"]

DEFAULT_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
DEFAULT_TIMEOUT = 3.0
DEFAULT_CACHE_SECONDS = 24 * 60 * 60
DEFAULT_USER_AGENT = "weerbare-wijken (geopy; PDOK Locatieserver)"

# Fields asked for with ``fl``. Fewer fields than the default list means a much smaller answer;
# these are the ones a melding needs (display name, point, and enough to tell where it lies).
FIELDS: tuple[str, ...] = (
    "id",
    "weergavenaam",
    "type",
    "centroide_ll",
    "score",
    "gemeentenaam",
    "woonplaatsnaam",
    "straatnaam",
    "huisnummer",
    "postcode",
)
REVERSE_FIELDS: tuple[str, ...] = (*FIELDS, "afstand")

# What a resident types: an address, a street (or a square, or one street of a crossing), a
# postcode, or a place such as Weesp. PDOK has no "openbareruimte" or crossing type; squares and
# streets are both ``weg``. Left out on purpose: gemeente, provincie, perceel, hectometerpaal,
# waterschap, and the CBS wijk/buurt areas, whose centroids are too coarse for a melding.
FREE_TYPES: tuple[str, ...] = ("adres", "weg", "postcode", "woonplaats")

# Documented limits of the Locatieserver: ``rows`` is at most 100.
MAX_ROWS = 100
# Long enough for any Dutch address; a cap keeps absurd input from becoming an absurd URL.
MAX_QUERY_LENGTH = 200

# ``q`` is parsed as Solr syntax. Residents need letters, digits, spaces, apostrophes and inner
# hyphens ("Plein '40-'45"); everything else with a Solr meaning (field:value, quotes, brackets,
# wildcards, boolean operators) would at best change the search and at worst make PDOK answer 400.
_SOLR_SPECIAL = re.compile(r"[\\:\"()\[\]{}^~*?!&|+/<>=;]")
_LEADING_MINUS = re.compile(r"(^|\s)-+")
_WHITESPACE = re.compile(r"\s+")
_WKT_POINT = re.compile(
    r"^\s*POINT\s*\(\s*(?P<lon>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+"
    r"(?P<lat>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\)\s*$",
    re.IGNORECASE,
)

Doc = dict[str, Any]
Params = list[tuple[str, str]]


class CacheLike(Protocol):
    """What the geocoder needs from a cache; ``django.core.cache.cache`` fits, so does a dict wrapper."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any, timeout: Any = ...) -> Any: ...


class PDOKLocatieserver(Geocoder):
    """Geocode and reverse-geocode Dutch places with the PDOK Locatieserver.

    Defaults come from Django settings (``PDOK_LOCATIESERVER_URL``, ``GEOCODER_TIMEOUT``,
    ``MAP_CENTER``, ``GEOCODER_CACHE_SECONDS``) and the default Django cache; every one can be
    overridden per instance, which is what the tests do.

    ``bias``: a (lat, lon) sent as ``lat``/``lon`` with every ``/free`` search. PDOK documents
    that results are then ordered by distance from that point; pass ``bias=()`` to send none.
    ``cache_seconds <= 0`` turns caching off.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        bias: tuple[float, float] | tuple[()] | None = None,
        cache: CacheLike | None = None,
        cache_seconds: int | None = None,
        user_agent: str | None = None,
        **kwargs: Any,
    ) -> None:
        url = base_url or getattr(settings, "PDOK_LOCATIESERVER_URL", None) or DEFAULT_URL
        self.base_url: str = url.rstrip("/")
        scheme = urlsplit(self.base_url).scheme or "https"
        if timeout is None:
            timeout = float(getattr(settings, "GEOCODER_TIMEOUT", DEFAULT_TIMEOUT))
        if "adapter_factory" not in kwargs and RequestsAdapter.is_available:
            kwargs["adapter_factory"] = _requests_adapter_without_read_retries
        super().__init__(
            scheme=scheme,
            timeout=timeout,
            user_agent=user_agent or DEFAULT_USER_AGENT,
            **kwargs,
        )
        if bias is None:
            bias = getattr(settings, "MAP_CENTER", None) or ()
        self.bias: tuple[float, float] | None = (float(bias[0]), float(bias[1])) if bias else None
        if cache is None:
            # Imported here so that merely importing this module never touches cache settings.
            from django.core.cache import cache as default_cache

            cache = default_cache
        self.cache: CacheLike = cache
        if cache_seconds is None:
            cache_seconds = int(getattr(settings, "GEOCODER_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))
        self.cache_seconds: int = cache_seconds

    # ----------------------------------------------------------------------------------------
    # Public geopy API
    # ----------------------------------------------------------------------------------------

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        limit: int = 5,
        timeout: Any = DEFAULT_SENTINEL,
        municipality: str | None = "Amsterdam",
    ) -> Location | list[Location] | None:
        """Find what a resident typed (address, street, square, postcode, place).

        Only results inside ``municipality`` are returned (``None`` searches the whole country).
        An empty query returns ``None`` without asking PDOK. Raises geopy's
        ``GeocoderTimedOut`` / ``GeocoderServiceError`` (and subclasses) when PDOK cannot answer.
        """
        q = clean_query(query)
        if not q:
            return None
        rows = 1 if exactly_one else _clamp_rows(limit)
        params: Params = [
            ("q", q),
            ("rows", str(rows)),
            ("fl", " ".join(FIELDS)),
            ("fq", "type:(" + " OR ".join(FREE_TYPES) + ")"),
        ]
        if municipality:
            params.append(("fq", f"gemeentenaam:{_solr_phrase(municipality)}"))
        if self.bias:
            lat, lon = self.bias
            params += [("lat", _format_coordinate(lat)), ("lon", _format_coordinate(lon))]
        docs = self._search("free", params, timeout=timeout)
        return _to_locations(docs, exactly_one)

    def reverse(
        self,
        query: Point | Sequence[float] | str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        limit: int = 1,
        distance: int | None = None,
    ) -> Location | list[Location] | None:
        """Nearest BAG addresses to a point (a ``Point``, ``(lat, lon)`` or ``"lat, lon"``).

        ``distance`` (metres) makes PDOK drop anything farther away, so a pin in a park does not
        turn into an address half a kilometre off.
        """
        point = query if isinstance(query, Point) else Point(query)
        rows = 1 if exactly_one else _clamp_rows(limit)
        params: Params = [
            ("lat", _format_coordinate(point.latitude)),
            ("lon", _format_coordinate(point.longitude)),
            ("type", "adres"),
            ("rows", str(rows)),
            ("fl", " ".join(REVERSE_FIELDS)),
        ]
        if distance is not None:
            params.append(("distance", str(int(distance))))
        docs = self._search("reverse", params, timeout=timeout)
        return _to_locations(docs, exactly_one)

    # ----------------------------------------------------------------------------------------
    # Request, cache, parse
    # ----------------------------------------------------------------------------------------

    def cache_key(self, endpoint: str, params: Iterable[tuple[str, str]]) -> str:
        """``pdok:`` + sha256 of the endpoint URL and its sorted parameters.

        Hashed so that the key has a fixed length and only safe characters (memcached refuses
        others), and so that what a resident typed is not readable in the cache's key list.
        """
        canonical = self._endpoint_url(endpoint) + "?" + urlencode(sorted(params))
        return "pdok:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def _endpoint_url(self, endpoint: str) -> str:
        return f"{self.base_url}/{endpoint}"

    def suggest(
        self, query: str, *, limit: int = 5, timeout: Any = DEFAULT_SENTINEL, municipality: str | None = "Amsterdam"
    ) -> list[str]:
        """Display names completing what a resident is typing (``/suggest``: ``q``, ``fq``, ``rows``), for
        the form's address suggestions (issue 17). Names only: the form looks the chosen one up with
        ``geocode`` when it is sent. Raises geopy's exceptions like ``geocode``."""
        q = clean_query(query)
        if not q:
            return []
        params: Params = [
            ("q", q),
            ("rows", str(_clamp_rows(limit))),
            ("fl", "id weergavenaam type score"),
            ("fq", "type:(" + " OR ".join(FREE_TYPES) + ")"),
        ]
        if municipality:
            params.append(("fq", f"gemeentenaam:{_solr_phrase(municipality)}"))
        docs = self._search("suggest", params, timeout=timeout)
        return [str(d["weergavenaam"]) for d in docs if d.get("weergavenaam")]

    def _search(self, endpoint: str, params: Params, *, timeout: Any) -> list[Doc]:
        key = self.cache_key(endpoint, params) if self.cache_seconds > 0 else None
        if key is not None:
            cached = self._cache_get(key)
            if cached is not None:
                return cached
        url = self._endpoint_url(endpoint) + "?" + urlencode(params, quote_via=quote)
        logger.debug("PDOK Locatieserver request to /%s", endpoint)
        # Exceptions raised by geopy (timeouts, HTTP errors, unreachable host) propagate
        # unchanged, and nothing is cached for them: the next try asks PDOK again.
        docs: list[Doc] = self._call_geocoder(url, _parse_docs, timeout=timeout)
        if key is not None:
            self._cache_set(key, docs)
        return docs

    def _cache_get(self, key: str) -> list[Doc] | None:
        # A cache outage (Redis restarting) must not stop a resident from filing: treat it as a miss.
        try:
            value = self.cache.get(key)
        except Exception as error:
            logger.warning("Geocoder cache read failed (%s); asking PDOK", type(error).__name__)
            return None
        return value if isinstance(value, list) else None

    def _cache_set(self, key: str, docs: list[Doc]) -> None:
        try:
            self.cache.set(key, docs, self.cache_seconds)
        except Exception as error:
            logger.warning("Geocoder cache write failed (%s)", type(error).__name__)


def _requests_adapter_without_read_retries(*, proxies: Any, ssl_context: Any) -> RequestsAdapter:
    """geopy's requests adapter, but a read timeout is final.

    geopy's default (``max_retries=2``) makes requests retry *read* timeouts too: a slow PDOK
    then keeps a resident waiting three times ``GEOCODER_TIMEOUT`` and the error arrives as
    ``GeocoderUnavailable`` instead of ``GeocoderTimedOut`` (seen against the fake server).
    Only failing to connect is retried, once: nothing has reached PDOK then.
    """
    from urllib3.util.retry import Retry

    retry = Retry(total=1, connect=1, read=False, status=0, other=0, redirect=0)
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=retry)


# --------------------------------------------------------------------------------------------
# Helpers (module level so that they are easy to test and reuse, e.g. from the fake server)
# --------------------------------------------------------------------------------------------


def clean_query(query: str | None) -> str:
    """Strip Solr syntax and surplus whitespace from what a resident typed; may return ''."""
    if not query:
        return ""
    text = _SOLR_SPECIAL.sub(" ", str(query))
    text = _LEADING_MINUS.sub(r"\1", text)
    text = _WHITESPACE.sub(" ", text).strip()
    return text[:MAX_QUERY_LENGTH].strip()


def parse_wkt_point(wkt: str | None) -> tuple[float, float] | None:
    """``"POINT(lon lat)"`` -> ``(lat, lon)``; ``None`` for anything else. Note the swap."""
    if not wkt:
        return None
    match = _WKT_POINT.match(wkt)
    if match is None:
        return None
    return float(match["lat"]), float(match["lon"])


def doc_to_location(doc: Doc) -> Location | None:
    """One Solr doc -> geopy ``Location`` (address = weergavenaam, raw = the doc)."""
    latlon = parse_wkt_point(doc.get("centroide_ll"))
    name = doc.get("weergavenaam")
    if latlon is None or not name:
        return None
    return Location(str(name), Point(*latlon), doc)


def _parse_docs(payload: Any) -> list[Doc]:
    try:
        docs = payload["response"]["docs"]
    except (KeyError, TypeError) as error:
        raise GeocoderParseError("PDOK Locatieserver answered without response.docs") from error
    if not isinstance(docs, list):
        raise GeocoderParseError("PDOK Locatieserver answered with a non-list response.docs")
    return [doc for doc in docs if isinstance(doc, dict)]


def _to_locations(docs: list[Doc], exactly_one: bool) -> Location | list[Location] | None:
    locations = [loc for loc in map(doc_to_location, docs) if loc is not None]
    if len(locations) < len(docs):
        logger.warning("PDOK Locatieserver: %d doc(s) without a usable point", len(docs) - len(locations))
    if not locations:
        return None
    return locations[0] if exactly_one else locations


def _clamp_rows(limit: int) -> int:
    return max(1, min(int(limit), MAX_ROWS))


def _format_coordinate(value: float) -> str:
    # Seven decimals is ~1 cm; a decimal point, never a comma (PDOK asks for that explicitly).
    return f"{float(value):.7f}".rstrip("0").rstrip(".")


def _solr_phrase(value: str) -> str:
    # Quoted, because unquoted Solr splits "Ouder-Amstel" into two terms (PDOK's own tutorial
    # warns about exactly this with "Zuid-Holland").
    return '"' + value.replace("\\", "").replace('"', "") + '"'
