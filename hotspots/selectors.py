"""Reads of the hotspots app."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

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
    from .models import HotspotScore

    return HotspotScore.objects.filter(as_of=as_of).exists()
