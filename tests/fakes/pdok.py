"""A loopback fake of the PDOK Locatieserver v3.1, speaking its documented wire format.

Why: tests, browser tests, benchmarks and the offline demo must never reach the internet, and a
mock of our own client would only prove that the client agrees with itself. This is a real HTTP
server on 127.0.0.1 that answers ``/free``, ``/reverse``, ``/suggest`` and ``/lookup`` (with or
without the ``/bzk/locatieserver/search/v3_1`` prefix) the way PDOK does:

* the Solr envelope ``{"response": {"numFound", "start", "maxScore", "numFoundExact", "docs"}}``,
  ``Content-Type: application/json; charset=UTF-8``, CORS open like PDOK's;
* docs with PDOK's field names (``weergavenaam``, ``centroide_ll`` as ``POINT(lon lat)``,
  ``centroide_rd``, ``type``, ``id``, ``score``; ``afstand`` in metres on reverse);
* ``fl`` honoured, ``fq`` honoured (``type:(a OR b)``, ``gemeentenaam:"Amsterdam"``, any
  ``field:value``), the documented default ``fq``, ``rows`` (max 100) and ``start``;
* HTTP 400 for query parameters outside the OpenAPI spec, as v3.1 does, so a typo in our client
  fails here too instead of only in production.

Where it differs from PDOK, on purpose: matching is every query word against the words of
``weergavenaam`` (equal, or a prefix; numbers must be equal so "1" does not match "1102DA"), so
``numFound`` is small and deterministic where real Solr also counts partial matches. With
``lat``/``lon`` PDOK documents "sorted by distance"; here the nearest wins among equally good
matches, which keeps "Dam 1" from losing to a nearer "Damstraat 1".

The gazetteer: real places, coordinates checked to within ~100 m. Postcodes, house numbers and
ids are realistic but illustrative, not BAG extracts. Add a place with one ``Place(...)`` line.

Usage::

    with FakePDOK() as pdok:
        geocoder = PDOKLocatieserver(base_url=pdok.url, ...)
        pdok.delay = 2.0        # every answer takes 2 s
        pdok.fail_next = 500    # the next request gets a 500
        pdok.requests[-1].param("fq")

Standalone (benchmarks, demo without internet)::

    python -m tests.fakes.pdok --port 8765
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes._loopback import LoopbackFake

logger = logging.getLogger(__name__)

__all__ = ["GAZETTEER", "PREFIX", "FakePDOK", "Place", "RecordedRequest"]

PREFIX = "/bzk/locatieserver/search/v3_1"

# Any query containing this word is answered only after ``slow_seconds``: for timeout tests
# through a whole stack (a form, a view) where setting ``delay`` on the server is awkward.
SLOW_WORD = "traag"

# From the OpenAPI spec of v3_1 (defaults as documented there).
FREE_DEFAULT_FQ = "type:(gemeente OR woonplaats OR weg OR postcode OR adres)"
REVERSE_DEFAULT_FL = "id type weergavenaam score afstand"
DEFAULT_FL = (
    "id identificatie weergavenaam bron type openbareruimte_id openbareruimtetype straatnaam "
    "adresseerbaarobject_id nummeraanduiding_id huisnummer huisletter huis_nlt postcode "
    "woonplaatscode woonplaatsnaam gemeentecode gemeentenaam provinciecode provincienaam "
    "provincieafkorting centroide_ll centroide_rd score"
)
SUGGEST_DEFAULT_FL = "id type weergavenaam score"
MAX_ROWS = 100
ALLOWED_PARAMS: dict[str, set[str]] = {
    "free": {"q", "lat", "lon", "fl", "fq", "df", "qf", "bq", "start", "rows", "sort", "wt"},
    "suggest": {"q", "lat", "lon", "fl", "fq", "df", "qf", "bq", "start", "rows", "sort", "wt"},
    "lookup": {"id", "fl", "fq", "wt"},
    "reverse": {"X", "Y", "lat", "lon", "type", "distance", "fl", "fq", "start", "rows", "wt"},
}
# Relative weights like PDOK's default ``bq`` boosts (weg 1.5, adres 1, postcode 0.5).
TYPE_BOOST = {"gemeente": 1.5, "woonplaats": 1.5, "weg": 1.5, "adres": 1.0, "postcode": 0.5}

GEMEENTEN = {
    # gemeentenaam: (gemeentecode, provincienaam, provinciecode, provincieafkorting)
    "Amsterdam": ("0363", "Noord-Holland", "PV27", "NH"),
    "Utrecht": ("0344", "Utrecht", "PV26", "UT"),
    "Hilversum": ("0402", "Noord-Holland", "PV27", "NH"),
}
WOONPLAATSCODES = {"Amsterdam": "3594", "Utrecht": "3295", "Weesp": "1696", "Hilversum": "1025"}


@dataclass(frozen=True)
class Place:
    """One gazetteer entry; ``doc()`` renders it the way PDOK renders a BAG object."""

    type: str  # adres | weg | postcode | woonplaats
    weergavenaam: str
    lat: float
    lon: float
    gemeentenaam: str = "Amsterdam"
    woonplaatsnaam: str = "Amsterdam"
    straatnaam: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    postcode: str | None = None
    openbareruimtetype: str = "Weg"

    @property
    def id(self) -> str:
        prefix = {"adres": "adr", "weg": "weg", "postcode": "pcd", "woonplaats": "wpl"}.get(self.type, "obj")
        return f"{prefix}-{hashlib.md5(self.weergavenaam.encode(), usedforsecurity=False).hexdigest()}"

    def doc(self) -> dict[str, Any]:
        gemeentecode, provincienaam, provinciecode, afkorting = GEMEENTEN[self.gemeentenaam]
        x, y = wgs84_to_rd(self.lat, self.lon)
        digest = int(hashlib.sha256(self.weergavenaam.encode()).hexdigest()[:10], 16)
        doc: dict[str, Any] = {
            "bron": "BAG",
            "type": self.type,
            "id": self.id,
            "weergavenaam": self.weergavenaam,
            "woonplaatscode": WOONPLAATSCODES.get(self.woonplaatsnaam, "0000"),
            "woonplaatsnaam": self.woonplaatsnaam,
            "gemeentecode": gemeentecode,
            "gemeentenaam": self.gemeentenaam,
            "provinciecode": provinciecode,
            "provincienaam": provincienaam,
            "provincieafkorting": afkorting,
            "centroide_ll": f"POINT({self.lon:.8f} {self.lat:.8f})",
            "centroide_rd": f"POINT({x:.3f} {y:.3f})",
        }
        if self.type == "woonplaats":
            doc["identificatie"] = doc["woonplaatscode"]
            return doc
        openbareruimte_id = f"{gemeentecode}30000{digest % 10**7:07d}"
        doc |= {
            "straatnaam": self.straatnaam,
            "openbareruimtetype": self.openbareruimtetype,
            "openbareruimte_id": openbareruimte_id,
        }
        if self.postcode:
            doc["postcode"] = self.postcode
        if self.type == "adres" and self.huisnummer is not None:
            nummeraanduiding_id = f"{gemeentecode}20000{digest % 10**7:07d}"
            adresseerbaarobject_id = f"{gemeentecode}01000{digest % 10**7:07d}"
            doc |= {
                "huisnummer": self.huisnummer,
                "huis_nlt": f"{self.huisnummer}{self.huisletter or ''}",
                "nummeraanduiding_id": nummeraanduiding_id,
                "adresseerbaarobject_id": adresseerbaarobject_id,
                "identificatie": f"{adresseerbaarobject_id}-{nummeraanduiding_id}",
            }
            if self.huisletter:
                doc["huisletter"] = self.huisletter
        elif self.type == "postcode":
            doc["identificatie"] = f"{openbareruimte_id}_{self.postcode}"
        else:
            doc["identificatie"] = openbareruimte_id
        return doc


def _weg(name: str, lat: float, lon: float, woonplaats: str = "Amsterdam", **kw: Any) -> Place:
    gemeente = kw.pop("gemeente", "Amsterdam" if woonplaats in ("Amsterdam", "Weesp") else woonplaats)
    return Place("weg", f"{name}, {woonplaats}", lat, lon, gemeente, woonplaats, straatnaam=name, **kw)


def _adres(street: str, nr: int, postcode: str, lat: float, lon: float, woonplaats: str = "Amsterdam") -> Place:
    gemeente = "Amsterdam" if woonplaats in ("Amsterdam", "Weesp") else woonplaats
    name = f"{street} {nr}, {postcode} {woonplaats}"
    return Place("adres", name, lat, lon, gemeente, woonplaats, street, nr, None, postcode)


def _postcode(street: str, postcode: str, lat: float, lon: float, woonplaats: str = "Amsterdam") -> Place:
    gemeente = "Amsterdam" if woonplaats in ("Amsterdam", "Weesp") else woonplaats
    name = f"{street}, {postcode} {woonplaats}"
    return Place("postcode", name, lat, lon, gemeente, woonplaats, street, None, None, postcode)


# Extend freely: other tests rely on "Bijlmerplein 1" being exactly one hit in Amsterdam, on "Dam 1",
# "Kerkstraat" (several hits), "Stationsplein Utrecht" (only without the Amsterdam filter) and on
# "Xyzzystraat" (no hits at all).
GAZETTEER: list[Place] = [
    # Centrum
    _weg("Dam", 52.37310, 4.89260, openbareruimtetype="Plein"),
    _adres("Dam", 1, "1012JS", 52.37320, 4.89340),
    _weg("Damrak", 52.37630, 4.89630),
    _adres("Damrak", 1, "1012LG", 52.37560, 4.89510),
    _weg("Damstraat", 52.37240, 4.89530),
    _adres("Damstraat", 1, "1012JL", 52.37270, 4.89420),
    _weg("Stationsplein", 52.37820, 4.90020, openbareruimtetype="Plein"),
    _adres("Amstel", 1, "1011PN", 52.36720, 4.90160),
    _weg("Kerkstraat", 52.36390, 4.88900),
    _postcode("Kerkstraat", "1017GB", 52.36450, 4.88470),
    _postcode("Kerkstraat", "1017GM", 52.36310, 4.89470),
    _adres("Kerkstraat", 100, "1017GM", 52.36330, 4.89350),
    _weg("Nieuwe Kerkstraat", 52.36470, 4.90500),
    # Zuidoost
    _weg("Bijlmerplein", 52.31260, 4.95280, openbareruimtetype="Plein"),
    _adres("Bijlmerplein", 1, "1102DA", 52.31300, 4.95130),
    _adres("Bijlmerplein", 10, "1102DA", 52.31280, 4.95200),
    _postcode("Bijlmerplein", "1102DA", 52.31290, 4.95170),
    # Nieuw-West
    _weg("Plein '40-'45", 52.37760, 4.80270, openbareruimtetype="Plein"),
    _adres("Plein '40-'45", 1, "1064SW", 52.37780, 4.80210),
    _weg("Osdorpplein", 52.35830, 4.80010, openbareruimtetype="Plein"),
    _adres("Osdorpplein", 1, "1068EL", 52.35850, 4.79930),
    # Places (woonplaatsen) within gemeente Amsterdam
    Place("woonplaats", "Amsterdam, Amsterdam, Noord-Holland", 52.36760, 4.90410),
    Place("woonplaats", "Weesp, Amsterdam, Noord-Holland", 52.30750, 5.04200, woonplaatsnaam="Weesp"),
    _weg("Kerkstraat", 52.30810, 5.04290, woonplaats="Weesp"),
    # Outside Amsterdam: only found when no gemeentenaam filter applies.
    _weg("Domplein", 52.09070, 5.12140, woonplaats="Utrecht", openbareruimtetype="Plein"),
    _weg("Stationsplein", 52.08940, 5.11030, woonplaats="Utrecht", openbareruimtetype="Plein"),
    _adres("Domplein", 1, "3512JC", 52.09080, 5.12180, woonplaats="Utrecht"),
    _weg("Kerkstraat", 52.22400, 5.17450, woonplaats="Hilversum"),
]


# --------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------


def wgs84_to_rd(lat: float, lon: float) -> tuple[float, float]:
    """WGS84 -> Rijksdriehoek (EPSG:28992), the usual polynomial approximation (< 1 m)."""
    dphi = 0.36 * (lat - 52.15517440)
    dlam = 0.36 * (lon - 5.38720621)
    r = {(0, 1): 190094.945, (1, 1): -11832.228, (2, 1): -114.221, (0, 3): -32.391, (1, 0): -0.705,
         (3, 1): -2.340, (1, 3): -0.608, (0, 2): -0.008, (2, 3): 0.148}  # fmt: skip
    s = {(1, 0): 309056.544, (0, 2): 3638.893, (2, 0): 73.077, (1, 2): -157.984, (3, 0): 59.788,
         (0, 1): 0.433, (2, 2): -6.439, (1, 1): -0.032, (0, 4): 0.092, (1, 4): -0.054}  # fmt: skip
    x = 155000 + sum(c * dphi**p * dlam**q for (p, q), c in r.items())
    y = 463000 + sum(c * dphi**p * dlam**q for (p, q), c in s.items())
    return x, y


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """Rijksdriehoek -> WGS84, the matching polynomial approximation (< 1 m); for reverse ``X``/``Y``."""
    dx, dy = (x - 155000) * 1e-5, (y - 463000) * 1e-5
    k = {(0, 1): 3235.65389, (2, 0): -32.58297, (0, 2): -0.24750, (2, 1): -0.84978, (0, 3): -0.06550,
         (2, 2): -0.01709, (1, 0): -0.00738, (4, 0): 0.00530, (2, 3): -0.00039, (4, 1): 0.00033,
         (1, 1): -0.00012}  # fmt: skip
    lk = {(1, 0): 5260.52916, (1, 1): 105.94684, (1, 2): 2.45656, (3, 0): -0.81885, (1, 3): 0.05594,
          (3, 1): -0.05607, (0, 1): 0.01199, (3, 2): -0.00256, (1, 4): 0.00128, (0, 2): 0.00022,
          (2, 0): -0.00022, (5, 0): 0.00026}  # fmt: skip
    lat = 52.15517440 + sum(c * dx**p * dy**q for (p, q), c in k.items()) / 3600
    lon = 5.38720621 + sum(c * dx**p * dy**q for (p, q), c in lk.items()) / 3600
    return lat, lon


# --------------------------------------------------------------------------------------------
# Search (a small, honest imitation of PDOK's Solr behaviour)
# --------------------------------------------------------------------------------------------


class BadRequest(Exception):
    """Answered as HTTP 400 with PDOK's JSON error body."""


def _fold(text: str) -> str:
    # PDOK ignores case, diacritics and punctuation ("LocatieServer negeert leestekens,
    # diakrieten en hoofdletters").
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _tokens(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", _fold(text))


def _match_score(query_tokens: list[str], name: str) -> float | None:
    """How well a query matches a ``weergavenaam``; ``None`` when it does not match at all.

    Every query word must match a word of the name: equal (2 points) or as a prefix (1 point);
    numbers only when equal. Words of the head of the name (before the first comma: the street
    and number, or the place) earn a point more, and every head word the query did not name
    costs a little, so "Weesp" finds the place Weesp before "Kerkstraat, Weesp", and
    "Kerkstraat" finds Kerkstraat before Nieuwe Kerkstraat.
    """
    words = _tokens(name)
    head = _tokens(name.split(",", 1)[0])
    score = 0.0
    for qt in query_tokens:
        if qt in words:
            score += 2.0 + (1.0 if qt in head else 0.0)
        elif not qt.isdigit() and any(w.startswith(qt) for w in words):
            score += 1.0
        else:
            return None
    return score - 0.1 * sum(1 for w in head if w not in query_tokens)


_FQ_CLAUSE = re.compile(r'(?P<field>[a-z_]+):(?P<value>\([^)]*\)|"[^"]*"|\S+)', re.IGNORECASE)


def _fq_predicates(fqs: Iterable[str]) -> list[tuple[str, list[str]]]:
    """``type:(a OR b)`` / ``gemeentenaam:"X"`` / ``bron:BAG`` [AND ...] -> [(field, values)]."""
    predicates: list[tuple[str, list[str]]] = []
    for fq in fqs:
        fq = fq.strip()
        if not fq or fq in ("*", "*:*"):
            continue
        clauses = list(_FQ_CLAUSE.finditer(fq))
        if not clauses:
            raise BadRequest(f"cannot parse fq: {fq}")
        for clause in clauses:
            value = clause["value"]
            if value.startswith("("):
                parts = re.findall(r'"[^"]*"|[^\s()]+', value)
                values = [p.strip('"') for p in parts if p.upper() not in ("OR", "AND")]
            else:
                values = [value.strip('"')]
            predicates.append((clause["field"], [_fold(v) for v in values]))
    return predicates


def _passes(doc: dict[str, Any], predicates: list[tuple[str, list[str]]]) -> bool:
    for field_name, values in predicates:
        actual = doc.get(field_name)
        if actual is None or _fold(str(actual)) not in values:
            return False
    return True


def _fields(fl: str | None, default: str) -> list[str] | None:
    names = re.split(r"[ ,]+", (fl or default).strip())
    return None if "*" in names else [n for n in names if n]


def _project(doc: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        return dict(doc)
    return {name: doc[name] for name in fields if name in doc}


def _int_param(params: dict[str, list[str]], name: str, default: int, maximum: int) -> int:
    raw = _first(params, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"parameter {name} in query has an error: value {raw}: an invalid integer") from None
    if value < 0 or value > maximum:
        raise BadRequest(f"parameter {name} in query has an error: number must be at most {maximum}")
    return value


def _float_param(params: dict[str, list[str]], name: str) -> float | None:
    raw = _first(params, name)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        raise BadRequest(f"parameter {name} in query has an error: value {raw}: an invalid number") from None


def _first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def _envelope(docs: list[dict[str, Any]], num_found: int, start: int, with_score: bool) -> dict[str, Any]:
    response: dict[str, Any] = {"numFound": num_found, "start": start}
    if with_score and docs:
        response["maxScore"] = max(float(d.get("score", 0.0)) for d in docs)
    response["numFoundExact"] = True
    response["docs"] = docs
    return {"response": response}


def search_free(params: dict[str, list[str]], gazetteer: list[Place], *, suggest: bool = False) -> dict[str, Any]:
    query_tokens = _tokens(_first(params, "q") or "")
    predicates = _fq_predicates(params.get("fq") or [FREE_DEFAULT_FQ])
    rows = _int_param(params, "rows", 10, MAX_ROWS)
    start = _int_param(params, "start", 0, 10_000)
    lat, lon = _float_param(params, "lat"), _float_param(params, "lon")
    fields = _fields(_first(params, "fl"), SUGGEST_DEFAULT_FL if suggest else DEFAULT_FL)

    hits: list[tuple[float, float, str, dict[str, Any]]] = []
    for place in gazetteer:
        doc = place.doc()
        if not _passes(doc, predicates):
            continue
        if query_tokens:
            match = _match_score(query_tokens, place.weergavenaam)
            if match is None:
                continue
        else:
            match = 0.0  # /free without q lists everything that passes fq, as PDOK does.
        score = round(match * 4 + TYPE_BOOST.get(place.type, 1.0), 6)
        nearness = distance_m(lat, lon, place.lat, place.lon) if lat is not None and lon is not None else 0.0
        hits.append((score, nearness, place.weergavenaam, doc | {"score": score}))
    # Best match first; with lat/lon the nearest among equally good ones; then by name (PDOK's
    # documented default sort is "score desc,sortering asc,weergavenaam asc").
    hits.sort(key=lambda h: (-h[0], h[1], h[2]))
    page = [_project(h[3], fields) for h in hits[start : start + rows]]
    body = _envelope(page, len(hits), start, fields is None or "score" in fields)
    if suggest:
        body["highlighting"] = {d.get("id", ""): {"suggest": [d.get("weergavenaam", "")]} for d in page}
        body["spellcheck"] = {"suggestions": [], "collations": []}
    return body


def search_reverse(params: dict[str, list[str]], gazetteer: list[Place]) -> dict[str, Any]:
    lat, lon = _float_param(params, "lat"), _float_param(params, "lon")
    x, y = _float_param(params, "X"), _float_param(params, "Y")
    if (lat is None or lon is None) and x is not None and y is not None:
        lat, lon = rd_to_wgs84(x, y)
    if lat is None or lon is None:
        raise BadRequest("either lat/lon or X/Y is required")
    types: set[str] = set()
    for value in params.get("type") or ["adres"]:
        types |= {t for t in value.split(",") if t}
    max_distance = _float_param(params, "distance")
    rows = _int_param(params, "rows", 10, MAX_ROWS)
    start = _int_param(params, "start", 0, 10_000)
    fields = _fields(_first(params, "fl"), REVERSE_DEFAULT_FL)
    # Documented: fq is applied after the nearest results are found.
    predicates = _fq_predicates(params.get("fq") or [])

    found: list[tuple[float, dict[str, Any]]] = []
    for place in gazetteer:
        if "*" not in types and place.type not in types:
            continue
        afstand = distance_m(lat, lon, place.lat, place.lon)
        if max_distance is not None and afstand > max_distance:
            continue
        found.append((afstand, place.doc() | {"afstand": round(afstand, 2), "score": 1.0}))
    found.sort(key=lambda f: f[0])
    nearest = [doc for _, doc in found if _passes(doc, predicates)]
    page = [_project(doc, fields) for doc in nearest[start : start + rows]]
    return _envelope(page, len(nearest), start, fields is None or "score" in fields)


def lookup(params: dict[str, list[str]], gazetteer: list[Place]) -> dict[str, Any]:
    wanted = _first(params, "id")
    if not wanted:
        raise BadRequest("parameter id is required")
    fields = _fields(_first(params, "fl"), DEFAULT_FL)
    docs = [_project(p.doc(), fields) for p in gazetteer if p.id == wanted]
    return _envelope(docs, len(docs), 0, False)


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it."""

    path: str
    endpoint: str  # free | reverse | suggest | lookup | '' for unknown paths
    params: dict[str, list[str]]
    headers: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> str | None:
        """First value of a parameter (``params`` keeps every value: ``fq`` repeats)."""
        return _first(self.params, name)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a handler that is deliberately slow
    fake: FakePDOK


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads
    server_version = "FakePDOK/1.0"

    def do_GET(self) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        params = parse_qs(split.query, keep_blank_values=True)
        endpoint = next((e for e in ALLOWED_PARAMS if split.path.rstrip("/").endswith("/" + e)), "")
        fake._record(RecordedRequest(split.path, endpoint, params, dict(self.headers.items())))

        wait = fake.delay
        if endpoint and SLOW_WORD in (_first(params, "q") or "").lower():
            wait = max(wait, fake.slow_seconds)
        if wait > 0 and fake._stopping.wait(wait):
            return  # the fake is being stopped; nobody is waiting for this answer any more

        status = fake._take_failure()
        if status is not None:
            self._send_json(status, {"error": {"code": status, "msg": HTTPStatus(status).phrase}})
            return
        if not endpoint:
            self._send_json(404, {"error": {"code": 404, "msg": "not found"}})
            return
        unknown = sorted(set(params) - ALLOWED_PARAMS[endpoint])
        try:
            if unknown:
                raise BadRequest(f"unknown query parameter(s): {', '.join(unknown)}")
            gazetteer = fake.gazetteer
            if endpoint == "reverse":
                body = search_reverse(params, gazetteer)
            elif endpoint == "lookup":
                body = lookup(params, gazetteer)
            else:
                body = search_free(params, gazetteer, suggest=endpoint == "suggest")
        except BadRequest as error:
            self._send_json(400, {"error": {"code": 400, "msg": str(error), "metadata": ["error-class"]}})
            return
        self._send_json(200, body)

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _cors(self) -> None:
        # PDOK answers browsers from any origin; so must the fake for front-end code.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*")

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self._cors()
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client gave up (e.g. it timed out on a slow answer)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


class FakePDOK(LoopbackFake):
    """The fake Locatieserver on 127.0.0.1; a context manager, or ``start()`` / ``stop()``.

    Attributes tests may set at any time: ``delay`` (seconds before every answer),
    ``slow_seconds`` (answer time for queries containing "traag"), ``fail_next`` (HTTP status
    for the next request only), ``gazetteer`` (list of ``Place``).
    """

    handler_class = _Handler
    server_class = _Server
    thread_name = "fake-pdok"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        gazetteer: list[Place] | None = None,
        delay: float = 0.0,
        slow_seconds: float = 5.0,
    ) -> None:
        self._init_loopback(host, port)
        self.gazetteer: list[Place] = list(GAZETTEER if gazetteer is None else gazetteer)
        self.delay = delay
        self.slow_seconds = slow_seconds
        self.fail_next: int | None = None
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # -- lifecycle (start/stop/context manager: LoopbackFake) ------------------------------------

    def _before_start(self) -> None:
        self._stopping.clear()

    def _before_stop(self) -> None:
        self._stopping.set()  # wake handlers sleeping on delay / "traag"

    def serve_forever(self) -> None:
        """Run in the foreground until Ctrl-C (the standalone entry point)."""
        self.start()
        try:
            assert self._thread is not None
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # -- what tests look at -----------------------------------------------------------------------

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """Base URL like the real one; give it to the geocoder as ``base_url``."""
        return self.root + PREFIX

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.endpoint == endpoint]

    def reset(self) -> None:
        """Forget recorded requests and one-shot failures; keep the gazetteer."""
        with self._lock:
            self.requests.clear()
            self.fail_next = None
        self.delay = 0.0

    def add(self, *places: Place) -> None:
        self.gazetteer.extend(places)

    # -- used by the handler ----------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_failure(self) -> int | None:
        with self._lock:
            status, self.fail_next = self.fail_next, None
            return status


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the fake PDOK Locatieserver on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before every answer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    fake = FakePDOK(host=args.host, port=args.port, delay=args.delay)
    fake.start()
    print(f"Fake PDOK Locatieserver at {fake.url}  (PDOK_LOCATIESERVER_URL={fake.url})", flush=True)
    fake.serve_forever()


if __name__ == "__main__":
    main()
