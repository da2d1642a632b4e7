"""Map data for the coordinator screen (issue 5) and the hotspot layer (issue 4). Staff only.

The views parse and validate the query string, then hand one selector the work; the body comes back
from PostgreSQL as finished GeoJSON bytes (kaart/selectors.py). See docs/api.md for the contract.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import CoordinatieToegang
from meldingen.models import RD_SRID

from .filters import hotspot_filter_uit_query, melding_filter_uit_query
from .selectors import Pagina, RdBox, hotspots_kaart, meldingen_kaart_grid_gecached, meldingen_kaart_punten

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


@dataclass(frozen=True)
class Viewport:
    bbox: tuple[float, float, float, float] | None  # minlon, minlat, maxlon, maxlat (WGS84)
    zoom: int


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


def _bbox(raw: str, errors: dict[str, list[str]]) -> tuple[float, float, float, float] | None:
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


def _viewport(params, errors: dict[str, list[str]]) -> Viewport | None:
    zoom = _zoom(params.get("zoom"), errors)
    bbox = None
    if params.get("bbox"):
        bbox = _bbox(params["bbox"], errors)
    elif zoom is not None and zoom >= PUNTEN_VANAF_ZOOM:
        errors["bbox"] = [f"Vanaf zoom {PUNTEN_VANAF_ZOOM} (losse meldingen) is bbox verplicht."]
    if zoom is None or "bbox" in errors:
        return None
    return Viewport(bbox=bbox, zoom=zoom)


_lokaal = threading.local()


def _naar_rd() -> CoordTransform:
    """WGS84 → RD, built once per thread: building it asks PROJ to find and set up the pipeline, which
    costs ~20 ms (bench/map_api.py); using it costs microseconds. GDAL transforms are not thread-safe,
    hence one per thread."""
    ct = getattr(_lokaal, "naar_rd", None)
    if ct is None:
        ct = _lokaal.naar_rd = CoordTransform(SpatialReference(4326), SpatialReference(RD_SRID))
    return ct


def rd_box_van(bbox: tuple[float, float, float, float]) -> RdBox | None:
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


def _snap(box: RdBox, cel: int) -> RdBox:
    return (
        math.floor(box[0] / cel) * cel,
        math.floor(box[1] / cel) * cel,
        math.ceil(box[2] / cel) * cel,
        math.ceil(box[3] / cel) * cel,
    )


def _geojson(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/geo+json")
    # Staff data behind a login: never in a shared cache.
    response["Cache-Control"] = "private, no-cache"
    return response


def _positive_int(params, name: str, errors: dict[str, list[str]], default: int | None) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or int(raw) < 1:
        errors[name] = [f"'{raw}' is geen geldige waarde voor '{name}'; gebruik een geheel getal vanaf 1."]
        return default
    return int(raw)


_LEEG_GRID = (
    b'{"type": "FeatureCollection", "aggregatie": "grid", "cel_m": %d, "aantal": 0, "volgende": null, "features": []}'
)
_LEEG_PUNTEN = b'{"type": "FeatureCollection", "aggregatie": null, "aantal": 0, "volgende": null, "features": []}'

_FILTER_PARAMETERS = [
    OpenApiParameter("van", OpenApiTypes.DATE, description="observed_at from this day (Amsterdam), inclusive"),
    OpenApiParameter("tot", OpenApiTypes.DATE, description="observed_at up to and including this day (Amsterdam)"),
    OpenApiParameter("stadsdeel", str, description="stadsdeel codes (e.g. T,F); the melding's buurt lies in one"),
    OpenApiParameter("wijk", str, description="wijk codes (e.g. TD)"),
    OpenApiParameter("buurt", str, description="buurt codes (e.g. TD02)"),
    OpenApiParameter("locatie_type", str, description="location type codes (e.g. garagebox,portiek)"),
    OpenApiParameter("waarneming", str, description="observation codes; matches a melding with any of them"),
    OpenApiParameter("status", str, description="nieuw, in_behandeling, afgehandeld, afgewezen"),
    OpenApiParameter("kanaal", str, description="web, sms, telefoon, import"),
    OpenApiParameter("melder_rol", str, description="reporter role codes (e.g. bewoner,school)"),
]
_LIST_NOTE = " Every code parameter takes a comma-separated list and may be repeated; values are OR, parameters AND."

_BBOX = OpenApiParameter(
    "bbox", str, description="minlon,minlat,maxlon,maxlat in WGS84. Required from zoom 16; optional (whole city) below."
)
_FOUT = OpenApiResponse(OpenApiTypes.OBJECT, 'parameter → list of Dutch messages, e.g. {"bbox": ["…"]}')
_GEEN_TOEGANG = OpenApiResponse(description="not logged in, or not coordinator/approver/auditor/admin")


class KaartMeldingenView(APIView):
    permission_classes = [CoordinatieToegang]

    @extend_schema(
        operation_id="kaart_meldingen",
        summary="Meldingen on the coordinator map: a grid below zoom 16, single points from zoom 16",
        description=(
            "GeoJSON FeatureCollection in WGS84, assembled by PostGIS. Below zoom 16 `aggregatie` is "
            "`grid`: Points at the mean position of the meldingen in each square cell of `cel_m` metres "
            "(RD grid; 1000 m at zoom 12, halving per zoom step) with `aantal` and the count per status. "
            "From zoom 16 `aggregatie` is null: one Point per melding (newest first, 500 a page) with "
            "`aantal` (total in the bbox) and `volgende` (URL of the next page, or null)." + _LIST_NOTE
        ),
        parameters=[
            _BBOX,
            OpenApiParameter("zoom", OpenApiTypes.NUMBER, required=True, description="map zoom level, 0-24"),
            OpenApiParameter("pagina", OpenApiTypes.INT, description="page number from 1 (points only)"),
            OpenApiParameter(
                "na", OpenApiTypes.INT, description="keyset cursor set by `volgende`: only ids below this"
            ),
            *_FILTER_PARAMETERS,
        ],
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                "GeoJSON FeatureCollection",
                examples=[
                    OpenApiExample(
                        "grid",
                        {
                            "type": "FeatureCollection",
                            "aggregatie": "grid",
                            "cel_m": 1000,
                            "aantal": 3,
                            "volgende": None,
                            "features": [
                                {
                                    "type": "Feature",
                                    "geometry": {"type": "Point", "coordinates": [4.95301, 52.3125]},
                                    "properties": {
                                        "aantal": 3,
                                        "status": {"nieuw": 2, "in_behandeling": 1, "afgehandeld": 0, "afgewezen": 0},
                                    },
                                }
                            ],
                        },
                    ),
                    OpenApiExample(
                        "points",
                        {
                            "type": "FeatureCollection",
                            "aggregatie": None,
                            "aantal": 812,
                            "volgende": "http://127.0.0.1:8000/api/v1/kaart/meldingen?bbox=4.95,52.31,4.955,52.314&zoom=17&pagina=2&na=81234",
                            "features": [
                                {
                                    "type": "Feature",
                                    "id": 81734,
                                    "geometry": {"type": "Point", "coordinates": [4.953012, 52.312507]},
                                    "properties": {
                                        "id": 81734,
                                        "meldcode": "7KQ2M9XH4T",
                                        "status": "nieuw",
                                        "locatie_type": "speelplek",
                                        "kanaal": "web",
                                        "observed_at": "2026-11-21T20:00:00+00:00",
                                    },
                                }
                            ],
                        },
                    ),
                ],
            ),
            400: _FOUT,
            403: _GEEN_TOEGANG,
        },
    )
    def get(self, request):
        errors: dict[str, list[str]] = {}
        try:
            melding_filter = melding_filter_uit_query(request.query_params)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            melding_filter = None
        viewport = _viewport(request.query_params, errors)
        pagina = _positive_int(request.query_params, "pagina", errors, 1)
        na = _positive_int(request.query_params, "na", errors, None)
        rd_box = None
        if viewport is not None and viewport.bbox is not None:
            rd_box = rd_box_van(viewport.bbox)
            if viewport.zoom >= PUNTEN_VANAF_ZOOM and rd_box is not None:
                breedte, hoogte = rd_box[2] - rd_box[0], rd_box[3] - rd_box[1]
                if max(breedte, hoogte) > MAX_PUNTEN_BBOX_M:
                    errors["bbox"] = [
                        f"Dit gebied ({breedte / 1000:.1f} bij {hoogte / 1000:.1f} km) is te groot voor losse "
                        f"meldingen (maximaal {MAX_PUNTEN_BBOX_M // 1000} km per zijde); zoom verder in."
                    ]
        if errors or viewport is None or melding_filter is None:
            return Response(errors, status=400)

        if viewport.zoom < PUNTEN_VANAF_ZOOM:
            cel = cel_m_voor_zoom(viewport.zoom)
            if viewport.bbox is not None and rd_box is None:
                return _geojson(_LEEG_GRID % cel)
            # Whole cells only: a cell at the edge of the view is counted complete, so panning does
            # not change its number or move its marker.
            box = _snap(rd_box, cel) if rd_box is not None else None
            return _geojson(meldingen_kaart_grid_gecached(filter=melding_filter, rd_box=box, cel_m=cel))

        if rd_box is None:
            return _geojson(_LEEG_PUNTEN)
        volgende = {"bbox": request.query_params["bbox"], "zoom": request.query_params["zoom"]}
        volgende.update(melding_filter.als_dict())
        volgende["pagina"] = str(pagina + 1)
        basis = request.build_absolute_uri(f"{request.path}?{urlencode(volgende, safe=',')}&na=")
        body = meldingen_kaart_punten(
            filter=melding_filter,
            rd_box=rd_box,
            pagina=Pagina(grootte=PAGINA_GROOTTE, na=na, nummer=pagina, volgende_basis=basis),
        )
        return _geojson(body)


class HotspotsView(APIView):
    permission_classes = [CoordinatieToegang]

    @extend_schema(
        operation_id="hotspots_lijst",
        summary="Hotspots as GeoJSON polygons (WGS84), highest score first",
        description=(
            "Properties: id, score, meldingen, status, buurt_code, trend, dagen, eerste_melding, "
            "laatste_melding, locatie_types, waarnemingen. Without `status`: the living hotspots "
            "(opkomend, actief, in_aanpak, afkoelend). An area filter selects hotspots whose polygon "
            "intersects the area (so a hotspot across a buurt border appears in both buurten)." + _LIST_NOTE
        ),
        parameters=[
            OpenApiParameter("status", str, description="opkomend, actief, in_aanpak, afkoelend, opgelost"),
            OpenApiParameter("stadsdeel", str, description="stadsdeel codes"),
            OpenApiParameter("wijk", str, description="wijk codes"),
            OpenApiParameter("buurt", str, description="buurt codes"),
            OpenApiParameter("bbox", str, description="minlon,minlat,maxlon,maxlat (WGS84); polygons intersecting it"),
        ],
        responses={
            (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT, "GeoJSON FeatureCollection"),
            400: _FOUT,
            403: _GEEN_TOEGANG,
        },
    )
    def get(self, request):
        errors: dict[str, list[str]] = {}
        try:
            hotspot_filter = hotspot_filter_uit_query(request.query_params)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            hotspot_filter = None
        bbox = _bbox(request.query_params["bbox"], errors) if request.query_params.get("bbox") else None
        if errors or hotspot_filter is None:
            return Response(errors, status=400)
        rd_box = rd_box_van(bbox) if bbox is not None else None
        if bbox is not None and rd_box is None:
            return _geojson(b'{"type": "FeatureCollection", "features": []}')
        return _geojson(hotspots_kaart(filter=hotspot_filter, rd_box=rd_box))
