"""Map data for the coordinator screen (issue 5) and the hotspot layer (issue 4). Staff only.

The views parse and validate the query string, then hand one selector the work; the body comes back
from PostgreSQL as finished GeoJSON bytes (kaart/selectors.py). See docs/api.md for the contract.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import CoordinatieToegang
from acties.selectors import acties_kaart
from hotspots.selectors import hotspots_kaart

from .filters import hotspot_filter_uit_query, melding_filter_uit_query
from .kaartbeeld import PAGINA_GROOTTE, bbox_uit_query, kaartbeeld_uit_query
from .selectors import Pagina, meldingen_kaart_grid_gecached, meldingen_kaart_punten


def _geojson(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/geo+json")
    # Staff data behind a login: never in a shared cache.
    response["Cache-Control"] = "private, no-cache"
    return response


_LEEG_GRID = (
    b'{"type": "FeatureCollection", "aggregatie": "grid", "cel_m": %d, "aantal": 0, "volgende": null, "features": []}'
)
_LEEG_PUNTEN = b'{"type": "FeatureCollection", "aggregatie": null, "aantal": 0, "volgende": null, "features": []}'

_FILTER_PARAMETERS = [
    OpenApiParameter("van", OpenApiTypes.DATE, description="observed_at from this day (Amsterdam), inclusive"),
    OpenApiParameter("tot", OpenApiTypes.DATE, description="observed_at up to and including this day (Amsterdam)"),
    OpenApiParameter(
        "ontvangen_van", OpenApiTypes.DATE, description="received (ontvangen_op) from this day, inclusive"
    ),
    OpenApiParameter("ontvangen_tot", OpenApiTypes.DATE, description="received up to and including this day"),
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
GEBIED_PARAMETERS = ("stadsdeel", "wijk", "buurt")
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
                                        "referentie": "M-081734",
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
        melding_filter = beeld = None
        try:
            melding_filter = melding_filter_uit_query(request.query_params)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            beeld = kaartbeeld_uit_query(request.query_params)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors or beeld is None or melding_filter is None:
            return Response(errors, status=400)

        if not beeld.punten:
            if beeld.buiten_rd:
                return _geojson(_LEEG_GRID % beeld.cel_m)
            body = meldingen_kaart_grid_gecached(filter=melding_filter, rd_box=beeld.grid_box, cel_m=beeld.cel_m)
            return _geojson(body)

        if beeld.rd_box is None:
            return _geojson(_LEEG_PUNTEN)
        volgende = {"bbox": request.query_params["bbox"], "zoom": request.query_params["zoom"]}
        volgende.update(melding_filter.als_dict())
        volgende["pagina"] = str(beeld.pagina + 1)
        basis = request.build_absolute_uri(f"{request.path}?{urlencode(volgende, safe=',')}&na=")
        pagina = Pagina(grootte=PAGINA_GROOTTE, na=beeld.na, nummer=beeld.pagina, volgende_basis=basis)
        return _geojson(meldingen_kaart_punten(filter=melding_filter, rd_box=beeld.rd_box, pagina=pagina))


def _gebied_parameters(bbox_betekent: str) -> list[OpenApiParameter]:
    """The area filters the hotspot and action layers share (kaart.filters.GEBIED_PARAMETERS)."""
    return [
        OpenApiParameter("stadsdeel", str, description="stadsdeel codes"),
        OpenApiParameter("wijk", str, description="wijk codes"),
        OpenApiParameter("buurt", str, description="buurt codes"),
        OpenApiParameter("bbox", str, description=f"minlon,minlat,maxlon,maxlat (WGS84); {bbox_betekent}"),
    ]


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
            *_gebied_parameters("polygons intersecting it"),
        ],
        responses={
            (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT, "GeoJSON FeatureCollection"),
            400: _FOUT,
            403: _GEEN_TOEGANG,
        },
    )
    def get(self, request):
        return _gebiedslaag(
            request, hotspot_filter_uit_query, lambda f, rd_box: hotspots_kaart(filter=f, rd_box=rd_box)
        )


class ActiesKaartView(APIView):
    permission_classes = [CoordinatieToegang]

    @extend_schema(
        operation_id="kaart_acties",
        summary="Actions on the coordinator map as GeoJSON points (WGS84), overdue first",
        description=(
            "Open actions, and finished (afgerond) ones up to 90 days after their last change; cancelled "
            "actions are left out. An action's point is its address, else a point inside its target "
            "area, else inside its hotspot; an action with none of these is not on the map. Properties: "
            "id, klasse (te_laat, open, afgerond), status, status_label, type, partner, urgentie, "
            "deadline (completion deadline, ISO 8601 or null), hotspot (id or null). At most 2000 "
            "features. The area filters select actions whose buurt lies in the area." + _LIST_NOTE
        ),
        parameters=_gebied_parameters("points inside it"),
        responses={
            (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT, "GeoJSON FeatureCollection"),
            400: _FOUT,
            403: _GEEN_TOEGANG,
        },
    )
    def get(self, request):
        def kaart(gebied, rd_box):
            return json.dumps(
                acties_kaart(rd_box=rd_box, stadsdeel=gebied.stadsdeel, wijk=gebied.wijk, buurt=gebied.buurt),
                ensure_ascii=False,
            ).encode()

        # The area parameters parse and validate as for hotspots; a hotspot `status` is not one of ours.
        return _gebiedslaag(
            request, lambda q: hotspot_filter_uit_query({k: q.getlist(k) for k in GEBIED_PARAMETERS}), kaart
        )


def _gebiedslaag(request, filter_uit_query, kaart) -> HttpResponse:
    """A layer of an area filter and an optional bbox: both validated together (one 400 naming every bad
    parameter), an empty collection for a view outside RD's area, else `kaart(filter, rd_box)`'s body."""
    errors: dict[str, list[str]] = {}
    gebied = None
    bbox = rd_box = None
    try:
        gebied = filter_uit_query(request.query_params)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        bbox, rd_box = bbox_uit_query(request.query_params)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors or gebied is None:
        return Response(errors, status=400)
    if bbox is not None and rd_box is None:
        return _geojson(b'{"type": "FeatureCollection", "features": []}')
    return _geojson(kaart(gebied, rd_box))
