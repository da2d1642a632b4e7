"""The clustering: counted meldingen in the window become clusters, all in PostGIS.

Method (docs/architecture.md, "Hotspots"): DBSCAN evaluated on a 50 m grid. A counted melding is a
core point when the counted meldingen within `EPS_M` of its grid cell's centre reach its wijk's local
minpoints k = max(5, ⌈λ + 3√λ⌉), λ the wijk's expected count in such a disc. Core cells (cells holding
at least one melding and passing the test) within `VERBIND_CELLEN` cells of each other form one
cluster; its members are the counted meldingen in its cells. Every step is a GROUP BY or a hash join
over cells, so the whole run is linear in the window's size; only the connected-components step calls
`ST_ClusterDBSCAN`, over the core cells rather than over the points.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

VENSTER_DAGEN = 90
EPS_M = 150
CEL_M = 50
MINPOINTS_VLOER = 5
# Margin over the expected background count, in standard deviations of a Poisson count.
MARGE_SIGMA = 3
# Core cells this many cells apart (centre to centre) still belong to one cluster: a gap of one empty
# cell is bridged, two are not (100-112 m, below EPS_M so that two places 200 m apart stay two).
VERBIND_CELLEN = 2.25
HALFWAARDE_DAGEN = 14
BIJNA_GELIJK_M = 25
BIJNA_GELIJK_MIN = 30
BUFFER_M = 25
ZWARE_WAARNEMINGEN = ("ronselen", "geweld")
KWETSBARE_PLEKKEN = ("speelplek", "school", "zorglocatie")


def _offsets(straal_cellen: float) -> list[tuple[int, int]]:
    r = int(straal_cellen)
    return [(dx, dy) for dx in range(-r, r + 1) for dy in range(-r, r + 1) if dx * dx + dy * dy <= straal_cellen**2]


# Cells whose centres lie within EPS_M of a cell's centre: 29 cells, 72,500 m² against the disc's 70,686.
BUREN = _offsets(EPS_M / CEL_M)
BUREN_VALUES = ",".join(f"({dx},{dy})" for dx, dy in BUREN)
DISC_M2 = len(BUREN) * CEL_M * CEL_M

# Step 1: the window's candidates (not afgewezen, not a duplicate) with their cell and wijk. Only
# what the grid needs; the members' attributes are read at the end, for the members only.
VENSTER_SQL = f"""
CREATE TEMP TABLE hotspot_venster ON COMMIT DROP AS
SELECT m.id, m.locatie, m.observed_at, b.wijk_id,
       floor(ST_X(m.locatie) / {CEL_M})::int AS cx, floor(ST_Y(m.locatie) / {CEL_M})::int AS cy
FROM meldingen_melding m JOIN meldingen_buurt b ON b.code = m.buurt_id
WHERE m.observed_at > %(start)s AND m.observed_at <= %(as_of)s
  AND m.status <> 'afgewezen' AND m.duplicaat_van_id IS NULL
"""  # noqa: S608 (constants only; values are parameters)

# Step 2: the local minpoints per wijk from its count over its area (n · f = λ).
K_SQL = f"greatest({MINPOINTS_VLOER}, ceil(n * f + {MARGE_SIGMA} * sqrt(n * f)))::int"
DREMPEL_SQL = f"""
CREATE TEMP TABLE hotspot_drempel ON COMMIT DROP AS
SELECT w.code AS wijk_id, coalesce(n.n, 0) AS n, {DISC_M2}::float / nullif(ST_Area(w.geometrie), 0) AS f, 0 AS k
FROM meldingen_wijk w
LEFT JOIN (SELECT wijk_id, count(*) AS n FROM hotspot_venster GROUP BY wijk_id) n ON n.wijk_id = w.code;
UPDATE hotspot_drempel SET k = {K_SQL}
"""  # noqa: S608

# Step 3: the core cells. A cell's threshold is the highest k among its meldingen's wijken (at a wijk
# border the stricter one). Near-identical reports (within BIJNA_GELIJK_M and BIJNA_GELIJK_MIN of an
# earlier counted one) only matter where a cell could pass, so they are looked up (GiST on the table)
# only around cells that pass on the raw counts, and those cells are then tested again without them.
KERN_SQL = f"""
CREATE TEMP TABLE hotspot_cel ON COMMIT DROP AS
SELECT v.cx, v.cy, count(*) AS n, max(d.k) AS k
FROM hotspot_venster v JOIN hotspot_drempel d ON d.wijk_id = v.wijk_id
GROUP BY v.cx, v.cy;

CREATE TEMP TABLE hotspot_kandidaatcel ON COMMIT DROP AS
SELECT c.cx, c.cy, c.k
FROM hotspot_cel c
CROSS JOIN (VALUES {BUREN_VALUES}) AS o(dx, dy)
JOIN hotspot_cel b ON b.cx = c.cx + o.dx AND b.cy = c.cy + o.dy
GROUP BY c.cx, c.cy, c.k
HAVING sum(b.n) >= c.k;

CREATE TEMP TABLE hotspot_dubbel ON COMMIT DROP AS
SELECT v.id, v.cx, v.cy
FROM hotspot_venster v
JOIN (SELECT DISTINCT k.cx + o.dx AS cx, k.cy + o.dy AS cy
      FROM hotspot_kandidaatcel k CROSS JOIN (VALUES {BUREN_VALUES}) AS o(dx, dy)) r
  ON r.cx = v.cx AND r.cy = v.cy
WHERE EXISTS (
    SELECT 1 FROM meldingen_melding w
    WHERE ST_DWithin(w.locatie, v.locatie, {BIJNA_GELIJK_M})
      AND w.observed_at >= v.observed_at - interval '{BIJNA_GELIJK_MIN} minutes'
      AND w.observed_at > %(start)s
      AND (w.observed_at, w.id) < (v.observed_at, v.id)
      AND w.status <> 'afgewezen' AND w.duplicaat_van_id IS NULL
);

UPDATE hotspot_drempel d SET n = d.n - x.n, k = greatest({MINPOINTS_VLOER}, ceil((d.n - x.n) * f + {MARGE_SIGMA} * sqrt((d.n - x.n) * f)))::int
FROM (SELECT v.wijk_id, count(*) AS n FROM hotspot_dubbel u JOIN hotspot_venster v USING (id) GROUP BY v.wijk_id) x
WHERE x.wijk_id = d.wijk_id;

CREATE TEMP TABLE hotspot_kern ON COMMIT DROP AS
WITH drempel AS (
    SELECT v.cx, v.cy, max(d.k) AS k
    FROM hotspot_venster v JOIN hotspot_kandidaatcel USING (cx, cy) JOIN hotspot_drempel d ON d.wijk_id = v.wijk_id
    GROUP BY v.cx, v.cy
),
telt AS (
    SELECT c.cx, c.cy, c.n - coalesce(d.n, 0) AS n
    FROM hotspot_cel c
    LEFT JOIN (SELECT cx, cy, count(*) AS n FROM hotspot_dubbel GROUP BY cx, cy) d USING (cx, cy)
)
SELECT k.cx, k.cy
FROM drempel k
JOIN telt zelf ON zelf.cx = k.cx AND zelf.cy = k.cy AND zelf.n > 0
CROSS JOIN (VALUES {BUREN_VALUES}) AS o(dx, dy)
JOIN telt b ON b.cx = k.cx + o.dx AND b.cy = k.cy + o.dy
GROUP BY k.cx, k.cy, k.k
HAVING sum(b.n) >= k.k;
"""  # noqa: S608

# Step 4: connected core cells are one cluster; its members are the counted meldingen in its cells.
LEDEN_SQL = f"""
CREATE TEMP TABLE hotspot_leden ON COMMIT DROP AS
WITH c AS (
    SELECT cx, cy,
           ST_ClusterDBSCAN(ST_MakePoint(cx, cy), eps := {VERBIND_CELLEN}, minpoints := 1)
               OVER (ORDER BY cx, cy) AS c
    FROM hotspot_kern
),
leden AS (
    SELECT v.id, c.c
    FROM hotspot_venster v JOIN c USING (cx, cy)
    WHERE v.id NOT IN (SELECT id FROM hotspot_dubbel)
),
groot AS (
    -- a cluster needs the floor's number of counted meldingen; numbered by its lowest melding id so
    -- that the numbering does not depend on the grid's origin or the order of the rows
    SELECT c, min(id) AS eerste FROM leden GROUP BY c HAVING count(*) >= {MINPOINTS_VLOER}
)
SELECT l.id, (dense_rank() OVER (ORDER BY g.eerste))::int - 1 AS cid
FROM leden l JOIN groot g USING (c);
CREATE INDEX ON hotspot_leden (id);
ANALYZE hotspot_leden;
"""  # noqa: S608

# Step 5: per cluster its polygon, counts, score, trend inputs and dominant kinds, for members only.
STATS_SQL = f"""
WITH leden AS (
    SELECT l.cid, m.id, m.locatie, m.observed_at, m.locatie_type_id, m.waarnemingen,
           (CASE WHEN m.waarnemingen && %(zwaar)s THEN 2.0 ELSE 1.0 END)
           * (CASE WHEN m.locatie_type_id = ANY(%(kwetsbaar)s) THEN 1.5 ELSE 1.0 END)
           * power(0.5, extract(epoch FROM %(as_of)s - m.observed_at) / 86400.0 / {HALFWAARDE_DAGEN}) AS bijdrage
    FROM hotspot_leden l JOIN meldingen_melding m ON m.id = l.id
),
per_cluster AS (
    SELECT cid,
           ST_Buffer(ST_ConvexHull(ST_Collect(locatie)), {BUFFER_M}) AS polygon,
           count(*) AS n,
           count(DISTINCT (observed_at AT TIME ZONE 'Europe/Amsterdam')::date) AS dagen,
           sum(bijdrage) AS gewogen,
           min(observed_at) AS eerste, max(observed_at) AS laatste,
           count(*) FILTER (WHERE observed_at > %(as_of)s - interval '14 days') AS n14,
           count(*) FILTER (WHERE observed_at <= %(as_of)s - interval '14 days'
                            AND observed_at > %(as_of)s - interval '42 days') AS n28
    FROM leden GROUP BY cid
),
types AS (
    SELECT cid, jsonb_agg(jsonb_build_array(code, n) ORDER BY n DESC, code) AS j FROM (
        SELECT cid, locatie_type_id AS code, count(*) AS n,
               row_number() OVER (PARTITION BY cid ORDER BY count(*) DESC, locatie_type_id) AS r
        FROM leden GROUP BY cid, locatie_type_id
    ) x WHERE r <= 3 GROUP BY cid
),
waarn AS (
    SELECT cid, jsonb_agg(jsonb_build_array(code, n) ORDER BY n DESC, code) AS j FROM (
        SELECT cid, code, count(*) AS n,
               row_number() OVER (PARTITION BY cid ORDER BY count(*) DESC, code) AS r
        FROM leden, unnest(waarnemingen) AS code GROUP BY cid, code
    ) x WHERE r <= 3 GROUP BY cid
)
SELECT p.cid, ST_AsEWKB(p.polygon), p.n, p.dagen,
       p.gewogen * sqrt(p.dagen::float / p.n) AS score,
       p.eerste, p.laatste, p.n14, p.n28,
       coalesce(t.j, '[]'::jsonb)::text, coalesce(w.j, '[]'::jsonb)::text,
       (SELECT b.code FROM meldingen_buurt b WHERE ST_Contains(b.geometrie, ST_Centroid(p.polygon))
        ORDER BY b.code LIMIT 1)
FROM per_cluster p LEFT JOIN types t USING (cid) LEFT JOIN waarn w USING (cid)
ORDER BY p.cid
"""  # noqa: S608


@dataclass
class Cluster:
    cid: int
    polygon: GEOSGeometry
    n: int
    dagen: int
    score: float
    eerste: datetime
    laatste: datetime
    trend: str
    locatie_types: list
    waarnemingen: list
    buurt_id: str | None


def trend_bepalen(n14: int, n28: int) -> str:
    """Last 14 days against the 28 before, per day; a 1.5x change either way counts as a trend."""
    per_dag_nu, per_dag_toen = n14 / 14, n28 / 28
    if per_dag_nu > 1.5 * per_dag_toen:
        return "stijgend"
    if per_dag_nu * 1.5 < per_dag_toen:
        return "dalend"
    return "stabiel"


def parameters(as_of: datetime) -> dict:
    return {
        "start": as_of - timedelta(days=VENSTER_DAGEN),
        "as_of": as_of,
        "zwaar": list(ZWARE_WAARNEMINGEN),
        "kwetsbaar": list(KWETSBARE_PLEKKEN),
    }


def _uitvoeren(cursor, sql: str, params: dict) -> None:
    # psycopg 3 binds parameters server-side, which allows one statement per call.
    for statement in (s.strip() for s in sql.split(";\n")):
        if statement:
            cursor.execute(statement, params if "%(" in statement else None)


def clusters_bepalen(*, as_of: datetime) -> list[Cluster]:
    """The clusters of counted meldingen observed in the window ending at `as_of`.

    Must run inside a transaction: it leaves the temporary table `hotspot_leden` (melding id, cluster
    index) and `hotspot_drempel` (wijk, minpoints) for the caller, dropped at commit.
    """
    params = parameters(as_of)
    with connection.cursor() as cursor:
        for table in ("leden", "kern", "dubbel", "kandidaatcel", "cel", "drempel", "venster"):
            cursor.execute(f"DROP TABLE IF EXISTS hotspot_{table}")
        for sql in (VENSTER_SQL, "ANALYZE hotspot_venster", DREMPEL_SQL, KERN_SQL, LEDEN_SQL, STATS_SQL):
            _uitvoeren(cursor, sql, params)
        rows = cursor.fetchall()
    return [
        Cluster(
            cid=cid,
            polygon=GEOSGeometry(memoryview(bytes(wkb))),
            n=n,
            dagen=dagen,
            score=round(float(score), 6),
            eerste=eerste,
            laatste=laatste,
            trend=trend_bepalen(n14, n28),
            locatie_types=json.loads(types),
            waarnemingen=json.loads(waarn),
            buurt_id=buurt,
        )
        for cid, wkb, n, dagen, score, eerste, laatste, n14, n28, types, waarn, buurt in rows
    ]
