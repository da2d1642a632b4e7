"""The incremental step on commit of a new melding: join a living hotspot, or register a candidate."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection

from meldingen.selectors import clusterbaar_relatie_sql

from ..workflow import LEVEND
from .clustering import EPS_M, MINPOINTS_VLOER, VENSTER_DAGEN

logger = logging.getLogger(__name__)

# One statement: the strongest living hotspot whose polygon holds the melding (GiST on the polygon)
# gets it as a member; counts and the last report move at once, score and trend at the next recompute.
ASSIGN_SQL = f"""
WITH m AS (
    SELECT m.id, m.locatie, m.observed_at FROM {clusterbaar_relatie_sql()} m
    WHERE m.id = %(melding_id)s
),
h AS (
    SELECT h.id FROM hotspots_hotspot h, m
    WHERE h.status = ANY(%(levend)s) AND ST_Intersects(h.polygon, m.locatie)
    ORDER BY h.score DESC, h.id LIMIT 1
),
ins AS (
    INSERT INTO hotspots_hotspotmelding (hotspot_id, melding_id, handmatig, gekoppeld_door)
    SELECT h.id, m.id, false, '' FROM h, m
    ON CONFLICT DO NOTHING
    RETURNING hotspot_id
)
UPDATE hotspots_hotspot SET aantal_meldingen = aantal_meldingen + 1,
       laatste_melding = greatest(laatste_melding, (SELECT observed_at FROM m))
WHERE id IN (SELECT hotspot_id FROM ins)
RETURNING id
"""  # noqa: S608 (our own SQL; values are parameters)

# Outside every hotspot: count the counted meldingen within EPS_M over the window (GiST on locatie)
# against the buurt's threshold from the last recompute, and register a candidate when it is reached.
KANDIDAAT_SQL = f"""
WITH m AS (
    SELECT m.id, m.locatie, m.observed_at, m.buurt_id FROM {clusterbaar_relatie_sql()} m
    WHERE m.id = %(melding_id)s
      AND NOT EXISTS (SELECT 1 FROM hotspots_hotspotmelding hm WHERE hm.melding_id = m.id)
),
telling AS (
    SELECT m.id, coalesce(d.minpoints, {MINPOINTS_VLOER}) AS k,
           (SELECT count(*) FROM {clusterbaar_relatie_sql()} w
            WHERE ST_DWithin(w.locatie, m.locatie, {EPS_M})
              AND w.observed_at > m.observed_at - interval '{VENSTER_DAGEN} days') AS n
    FROM m LEFT JOIN hotspots_hotspotdrempel d ON d.buurt_id = m.buurt_id
)
INSERT INTO hotspots_hotspotkandidaat (melding_id, buren, minpoints, geregistreerd_op)
SELECT id, n, k, now() FROM telling WHERE n >= k
ON CONFLICT (melding_id) DO UPDATE SET buren = excluded.buren, minpoints = excluded.minpoints
RETURNING melding_id
"""  # noqa: S608 (constants only; values are parameters)

# A candidate asks for a recompute this soon, once per such period, so a new place shows up within
# minutes instead of waiting for the 15-minute beat run.
VERVROEGD_NA_S = 60


def hotspot_assign(*, melding_id: int) -> int | None:
    """Joins the melding to the strongest living hotspot whose polygon holds it and returns that
    hotspot's id. Otherwise, when the melding's neighbourhood reaches its buurt's threshold, registers
    it as a candidate and schedules an early recompute; returns None. Idempotent.
    """
    with connection.cursor() as cursor:
        cursor.execute(ASSIGN_SQL, {"melding_id": melding_id, "levend": sorted(LEVEND)})
        row = cursor.fetchone()
        if row:
            return row[0]
        cursor.execute(KANDIDAAT_SQL, {"melding_id": melding_id})
        kandidaat = cursor.fetchone()
    if kandidaat:
        recompute_vervroegen()
    return None


def recompute_vervroegen() -> None:
    from ..tasks import hotspots_recompute

    if cache.add("hotspots:recompute-vervroegd", 1, VERVROEGD_NA_S):
        try:
            hotspots_recompute.apply_async(countdown=VERVROEGD_NA_S, retry=False)
        except Exception:  # a dead broker: the beat run picks the place up anyway
            logger.warning("could not schedule an early hotspot recompute", exc_info=True)
