"""Reads of the hotspots app: every query on this app's tables that another app needs lives here."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db import connection, transaction
from django.db.models import QuerySet

from meldingen.models import RD_SRID

from .models import Hotspot, HotspotEvent, HotspotMelding, HotspotScore
from .workflow import LEVEND

_GEOJSON_SQL = """
SELECT h.id, coalesce(s.score, h.score), coalesce(s.aantal_meldingen, h.aantal_meldingen),
       coalesce(s.status, h.status), h.buurt_id, h.trend, h.aantal_dagen, h.eerste_melding, h.laatste_melding,
       h.locatie_types::text, h.waarnemingen::text, ST_AsGeoJSON(ST_Transform(h.polygon, 4326), 6)
FROM hotspots_hotspot h
{join}
ORDER BY 2 DESC, h.id
"""


def hotspots_geojson(*, as_of: datetime | None = None) -> dict:
    """A GeoJSON FeatureCollection in WGS84. Without `as_of`: every living hotspot as it is now; with
    `as_of`: the hotspots scored by the recompute at that moment, with that run's score and status
    (the polygon is the hotspot's current one)."""
    if as_of is None:
        sql = _GEOJSON_SQL.format(
            join="LEFT JOIN (SELECT NULL::int AS hotspot_id, NULL::float AS score, NULL::int AS aantal_meldingen, NULL::varchar AS status) s ON false WHERE h.status = ANY(%(levend)s)"
        )
    else:
        sql = _GEOJSON_SQL.format(
            join="JOIN hotspots_hotspotscore s ON s.hotspot_id = h.id AND s.as_of = %(as_of)s WHERE s.status = ANY(%(levend)s)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of, "levend": sorted(LEVEND)})
        rows = cursor.fetchall()
    features = []
    for hid, score, n, status, buurt, trend, dagen, eerste, laatste, types, waarn, geom in rows:
        features.append(
            {
                "type": "Feature",
                "id": hid,
                "geometry": json.loads(geom),
                "properties": {
                    "id": hid,
                    "score": round(score, 3),
                    "meldingen": n,
                    "status": status,
                    "buurt_code": buurt,
                    "trend": trend,
                    "dagen": dagen,
                    "eerste_melding": eerste.isoformat() if eerste else None,
                    "laatste_melding": laatste.isoformat() if laatste else None,
                    "locatie_types": json.loads(types),
                    "waarnemingen": json.loads(waarn),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def scores_bestaan(*, as_of: datetime) -> bool:
    return HotspotScore.objects.filter(as_of=as_of).exists()


# --- the coordinator's screens -------------------------------------------------------------------

# A hotspot is offered for linking when its polygon lies this close to the melding.
HOTSPOT_STRAAL_M = 100
MAX_HOTSPOTS = 3


@dataclass(frozen=True)
class HotspotKeuze:
    id: int
    status: str
    score: float
    afstand_m: int
    buurt_naam: str


# The meldingen come in as (id, x, y) in RD, so this reads only hotspot tables (and the buurt's name).
_KEUZES_SQL = f"""
SELECT m.id, h.id, h.status, h.score, h.afstand, h.naam
FROM (SELECT id, ST_SetSRID(ST_MakePoint(x, y), {RD_SRID}) AS locatie
      FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS p(id, x, y)) m
CROSS JOIN LATERAL (
    SELECT h.id, h.status, h.score, ST_Distance(h.polygon, m.locatie) AS afstand, coalesce(b.naam, '') AS naam
    FROM hotspots_hotspot h
    LEFT JOIN meldingen_buurt b ON b.code = h.buurt_id
    WHERE h.status = ANY(%s) AND ST_DWithin(h.polygon, m.locatie, {HOTSPOT_STRAAL_M})
      AND NOT EXISTS (SELECT 1 FROM hotspots_hotspotmelding hm WHERE hm.hotspot_id = h.id AND hm.melding_id = m.id)
    ORDER BY afstand, h.score DESC, h.id
    LIMIT {MAX_HOTSPOTS}
) h
ORDER BY m.id, h.afstand, h.id
"""  # noqa: S608 (constants only)


def hotspot_keuzes(*, meldingen: Iterable) -> dict[int, list[HotspotKeuze]]:
    """Per melding (anything with `pk` and an RD `locatie`): living hotspots whose polygon lies within
    100 m and that it is not yet part of. One query for the whole page."""
    uit: dict[int, list[HotspotKeuze]] = defaultdict(list)
    punten = [(m.pk, m.locatie.x, m.locatie.y) for m in meldingen]
    if not punten:
        return uit
    with connection.cursor() as cursor:
        cursor.execute(
            _KEUZES_SQL,
            [[p[0] for p in punten], [p[1] for p in punten], [p[2] for p in punten], sorted(LEVEND)],
        )
        for mid, hid, status, score, afstand, naam in cursor.fetchall():
            uit[mid].append(HotspotKeuze(hid, status, score, round(afstand), naam))
    return uit


def hotspot_status(*, pk: int) -> str | None:
    return Hotspot.objects.filter(pk=pk).values_list("status", flat=True).first()


def melding_hotspots(*, melding_id: int) -> QuerySet[Hotspot]:
    """The hotspots the melding is a member of, strongest first."""
    ids = HotspotMelding.objects.filter(melding_id=melding_id).values("hotspot_id")
    return Hotspot.objects.filter(pk__in=ids).select_related("buurt").order_by("-score", "id")


def hotspot_voor_staf(*, pk: int) -> Hotspot:
    """The hotspot with its area and its polygon as WGS84 GeoJSON (`polygon_geojson`)."""
    return (
        Hotspot.objects.select_related("buurt__wijk__stadsdeel", "samengevoegd_in")
        .annotate(polygon_geojson=AsGeoJSON(Transform("polygon", 4326), precision=6))
        .get(pk=pk)
    )


def hotspot_polygon(*, pk: int):
    """The hotspot's polygon as it is now (EPSG:28992)."""
    return Hotspot.objects.values_list("polygon", flat=True).get(pk=pk)


def hotspot_melding_ids(*, hotspot: Hotspot) -> QuerySet:
    """The ids of the hotspot's members, as a subquery for `meldingen.selectors`."""
    return HotspotMelding.objects.filter(hotspot=hotspot).values("melding_id")


def hotspot_aantal_leden(*, hotspot: Hotspot) -> int:
    return HotspotMelding.objects.filter(hotspot=hotspot).count()


def hotspot_identiteit(*, hotspot: Hotspot) -> dict:
    """Where the hotspot came from and went: its own events, hotspots merged into it or split from it,
    and the one it was merged into."""
    return {
        "events": list(HotspotEvent.objects.filter(hotspot=hotspot).select_related("ander").order_by("as_of", "id")),
        "verwijzingen": list(
            HotspotEvent.objects.filter(ander=hotspot).exclude(hotspot=hotspot).order_by("as_of", "id")
        ),
        "samengevoegd_uit": list(Hotspot.objects.filter(samengevoegd_in=hotspot).order_by("id")),
        "samengevoegd_in": hotspot.samengevoegd_in,
        "scores": list(HotspotScore.objects.filter(hotspot=hotspot).order_by("-as_of")[:12]),
    }


# --- map data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HotspotFilter:
    """Filter of GET /api/v1/hotspots (parsed by `kaart.filters.hotspot_filter_uit_query`). Without
    `status`: the living hotspots (`LEVEND`)."""

    status: tuple[str, ...] = tuple(sorted(LEVEND))
    stadsdeel: tuple[str, ...] = ()
    wijk: tuple[str, ...] = ()
    buurt: tuple[str, ...] = ()


def hotspots_kaart(*, filter: HotspotFilter, rd_box: tuple[float, float, float, float] | None = None) -> bytes:
    """Hotspot polygons (WGS84) with the properties of `hotspots_geojson`, highest score first, as the
    finished GeoJSON body (one query, built by PostgreSQL).

    Area filters select hotspots whose polygon intersects the area, not only those whose centroid's
    buurt is in it: a hotspot on a square split by a buurt border matters to both sides, and
    displacement across a border is exactly what coordinators must see (DOMAIN.md). Values within a
    parameter are alternatives; different parameters must all hold, as in `kaart.filters`.
    """
    where = ["h.status = ANY(%s)"]
    params: list = [list(filter.status)]
    gebieden = (
        ("buurt", "SELECT geometrie FROM meldingen_buurt WHERE code = ANY(%s)"),
        ("wijk", "SELECT geometrie FROM meldingen_wijk WHERE code = ANY(%s)"),
        ("stadsdeel", "SELECT geometrie FROM meldingen_stadsdeel WHERE code = ANY(%s)"),
    )
    for name, area_sql in gebieden:
        codes = getattr(filter, name)
        if codes:
            exists = f"EXISTS (SELECT 1 FROM ({area_sql}) g WHERE ST_Intersects(g.geometrie, h.polygon))"  # noqa: S608
            where.append(exists)
            params.append(list(codes))
    if rd_box is not None:
        where.append("ST_Intersects(h.polygon, ST_MakeEnvelope(%s, %s, %s, %s, %s))")
        params.extend([*rd_box, RD_SRID])
    sql = f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(json_agg(json_build_object(
                'type', 'Feature',
                'id', h.id,
                'geometry', ST_AsGeoJSON(ST_Transform(h.polygon, 4326), 6)::json,
                'properties', json_build_object(
                    'id', h.id,
                    'score', round(h.score::numeric, 3),
                    'meldingen', h.aantal_meldingen,
                    'status', h.status,
                    'buurt_code', h.buurt_id,
                    'trend', h.trend,
                    'dagen', h.aantal_dagen,
                    'eerste_melding', h.eerste_melding,
                    'laatste_melding', h.laatste_melding,
                    'locatie_types', h.locatie_types,
                    'waarnemingen', h.waarnemingen
                )
            ) ORDER BY h.score DESC, h.id), '[]'::json)
        )::text
        FROM hotspots_hotspot h
        WHERE {" AND ".join(where)}
    """  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        # As for the meldingen map (kaart/selectors.py): PostGIS's planner costs would switch on a JIT
        # that compiles longer than the query runs. SET LOCAL, this transaction only.
        cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)")
        cursor.execute(sql, tuple(params))
        (body,) = cursor.fetchone()
    return body.encode()
