"""The map's view (bbox, zoom, page) parsed from a query string, and what it means in RD metres.

Like `kaart.filters`: parsing raises `ValidationError` with a dict parameter → Dutch messages, so a
view can report every problem at once.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError

from meldingen.models import RD_SRID

from .selectors import RdBox

Bbox = tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat (WGS84)

# From this zoom on (Leaflet/web-mercator zoom levels) the map gets single meldingen; below it a grid.
# At 16 a 1920-px-wide screen shows ~2.8 km of Amsterdam, at most a few thousand meldingen.
PUNTEN_VANAF_ZOOM = 16
# Cell of ~43 screen pixels at every zoom: 1000 m at zoom 12 (23 m/px at Amsterdam's latitude),
# halving per zoom step; city-wide that is a few hundred cells (≈ 50-80 KB), whatever the count.
CEL_M_BIJ_ZOOM_12 = 1000
MIN_ZOOM, MAX_ZOOM = 0, 24
PAGINA_GROOTTE = 500
# Single points only for a view of at most this many metres a side: beyond it the client has
# zoomed out and should ask for the grid (and an unbounded point list would page through the city).
MAX_PUNTEN_BBOX_M = 10_000
# Where EPSG:28992 is defined (the Netherlands and a margin); a view is clipped to this first so a
# zoomed-out map of Europe still transforms sensibly.
RD_GELDIG = (3.2, 50.7, 7.3, 53.6)


def cel_m_voor_zoom(zoom: int) -> int:
    return max(1, round(CEL_M_BIJ_ZOOM_12 * 2.0 ** (12 - min(zoom, PUNTEN_VANAF_ZOOM - 1))))


def _zoom(raw: str | None, errors: dict[str, list[str]]) -> int | None:
    if raw in (None, ""):
        errors["zoom"] = ["Geef het zoomniveau van de kaart mee (zoom=0 tot 24)."]
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (MIN_ZOOM <= value <= MAX_ZOOM):
        errors["zoom"] = [f"'{raw}' is geen geldig zoomniveau; gebruik een getal van {MIN_ZOOM} tot {MAX_ZOOM}."]
        return None
    # Leaflet may send fractional zoom levels (zoomSnap < 1).
    return math.floor(value)


def _bbox(raw: str, errors: dict[str, list[str]]) -> Bbox | None:
    try:
        parts = [float(p) for p in raw.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        errors["bbox"] = ["Geef bbox als minlon,minlat,maxlon,maxlat (vier getallen in WGS84, graden)."]
        return None
    minlon, minlat, maxlon, maxlat = parts
    if not (-180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90):
        errors["bbox"] = [
            "Deze bbox klopt niet: minlon moet kleiner zijn dan maxlon en minlat kleiner dan maxlat, "
            "binnen -180..180 en -90..90."
        ]
        return None
    return (minlon, minlat, maxlon, maxlat)


_lokaal = threading.local()


def _naar_rd() -> CoordTransform:
    """WGS84 → RD, built once per thread: building it asks PROJ to find and set up the pipeline, which
    costs ~20 ms (bench/map_api.py); using it costs microseconds. GDAL transforms are not thread-safe,
    hence one per thread."""
    ct = getattr(_lokaal, "naar_rd", None)
    if ct is None:
        ct = _lokaal.naar_rd = CoordTransform(SpatialReference(4326), SpatialReference(RD_SRID))
    return ct


def rd_box_van(bbox: Bbox) -> RdBox | None:
    """The RD rectangle that covers a WGS84 box, or None when the box lies outside RD's area.

    Corners and edge midpoints are transformed: a straight lat/lon edge bends a little in RD.
    """
    minlon, minlat = max(bbox[0], RD_GELDIG[0]), max(bbox[1], RD_GELDIG[1])
    maxlon, maxlat = min(bbox[2], RD_GELDIG[2]), min(bbox[3], RD_GELDIG[3])
    if minlon >= maxlon or minlat >= maxlat:
        return None
    midlon, midlat = (minlon + maxlon) / 2, (minlat + maxlat) / 2
    ring = [
        (minlon, minlat),
        (midlon, minlat),
        (maxlon, minlat),
        (maxlon, midlat),
        (maxlon, maxlat),
        (midlon, maxlat),
        (minlon, maxlat),
        (minlon, midlat),
        (minlon, minlat),
    ]
    poly = Polygon(ring, srid=4326)
    poly.transform(_naar_rd())
    return poly.extent


def snap(box: RdBox, cel: int) -> RdBox:
    """`box` widened to whole cells of the RD grid."""
    return (
        math.floor(box[0] / cel) * cel,
        math.floor(box[1] / cel) * cel,
        math.ceil(box[2] / cel) * cel,
        math.ceil(box[3] / cel) * cel,
    )


def _positive_int(params, name: str, errors: dict[str, list[str]], default: int | None) -> int | None:
    raw = params.get(name)
    if raw is None:
        return default
    # An empty value is a malformed number, not an absent one: the schema says integer, and the map's
    # own URLs never send `pagina=` or `na=` empty (found by the schema fuzzer).
    if not raw.isdigit() or int(raw) < 1:
        errors[name] = [f"'{raw}' is geen geldige waarde voor '{name}'; gebruik een geheel getal vanaf 1."]
        return default
    return int(raw)


@dataclass(frozen=True)
class Kaartbeeld:
    """What the map shows: the zoom, the view in WGS84 and RD, and for single points the page."""

    zoom: int
    bbox: Bbox | None = None
    # None without a bbox (the whole city), or when the bbox lies outside RD's area (`buiten_rd`).
    rd_box: RdBox | None = None
    pagina: int = 1
    na: int | None = None

    @property
    def punten(self) -> bool:
        return self.zoom >= PUNTEN_VANAF_ZOOM

    @property
    def buiten_rd(self) -> bool:
        return self.bbox is not None and self.rd_box is None

    @property
    def cel_m(self) -> int:
        return cel_m_voor_zoom(self.zoom)

    @property
    def grid_box(self) -> RdBox | None:
        """The RD box of the grid: whole cells only, so a cell at the edge of the view is counted
        complete and panning neither changes its number nor moves its marker."""
        return snap(self.rd_box, self.cel_m) if self.rd_box is not None else None


def kaartbeeld_uit_query(params: Mapping) -> Kaartbeeld:
    """Parse `zoom` (required), `bbox` (required from zoom 16), `pagina` and `na` (single points)."""
    errors: dict[str, list[str]] = {}
    zoom = _zoom(params.get("zoom"), errors)
    bbox = None
    if params.get("bbox"):
        bbox = _bbox(params["bbox"], errors)
    elif zoom is not None and zoom >= PUNTEN_VANAF_ZOOM:
        errors["bbox"] = [f"Vanaf zoom {PUNTEN_VANAF_ZOOM} (losse meldingen) is bbox verplicht."]
    pagina = _positive_int(params, "pagina", errors, 1)
    na = _positive_int(params, "na", errors, None)
    rd_box = rd_box_van(bbox) if bbox is not None else None
    if zoom is not None and zoom >= PUNTEN_VANAF_ZOOM and rd_box is not None:
        breedte, hoogte = rd_box[2] - rd_box[0], rd_box[3] - rd_box[1]
        if max(breedte, hoogte) > MAX_PUNTEN_BBOX_M:
            errors["bbox"] = [
                f"Dit gebied ({breedte / 1000:.1f} bij {hoogte / 1000:.1f} km) is te groot voor losse "
                f"meldingen (maximaal {MAX_PUNTEN_BBOX_M // 1000} km per zijde); zoom verder in."
            ]
    if errors or zoom is None:
        raise ValidationError(errors)
    return Kaartbeeld(zoom=zoom, bbox=bbox, rd_box=rd_box, pagina=pagina or 1, na=na)


def bbox_uit_query(params: Mapping) -> tuple[Bbox | None, RdBox | None]:
    """An optional `bbox` and its RD box (None when outside RD's area); `ValidationError` if malformed."""
    if not params.get("bbox"):
        return None, None
    errors: dict[str, list[str]] = {}
    bbox = _bbox(params["bbox"], errors)
    if bbox is None:
        raise ValidationError(errors)
    return bbox, rd_box_van(bbox)
