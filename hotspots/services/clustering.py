"""The clustering: counted meldingen in the window become clusters, all in PostGIS.

Method (docs/architecture.md, "Hotspots"): DBSCAN evaluated on a 75 m grid. A counted melding is a
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
from functools import cache
from typing import cast

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import connection

from meldingen.models import RD_SRID
from meldingen.selectors import clusterbaar_relatie_sql

# 60 days, not 90: a new place is found sooner and a place that went quiet leaves sooner (the quality
# bench: PAI 103 → 123, SF capture stays above 50 %).
VENSTER_DAGEN = 60
EPS_M = 150
CEL_M = 75
MINPOINTS_VLOER = 5
# Margin over the expected background count, in standard deviations of a Poisson count.
MARGE_SIGMA = 3
# Core cells this many cells apart (centre to centre) still belong to one cluster: neighbours and
# diagonal neighbours (75-106 m), so two places about 200 m apart stay two.
VERBIND_CELLEN = 1.5
HALFWAARDE_DAGEN = 14
BIJNA_GELIJK_M = 25
BIJNA_GELIJK_MIN = 30
BUFFER_M = 25
# ST_ConcaveHull's share of convexity (1 is the convex hull): the hull follows the members' shape, so
# an L-shaped or elongated hotspot does not claim the empty corner (quality bench: PAI 123 → 134 at the
# same recall and precision, SF capture 51 %).
HULL_CONVEX = 0.5
# Per sort or hash inside the recompute's transaction (PostgreSQL's default is 4 MB).
WORK_MEM_MB = 64
# Fewer counted reports than this in the last 14 days is falling, whatever came before: a place that
# went quiet weeks ago and then caught one stray report is cooling down, not active.
TREND_MIN_14 = 2
ZWARE_WAARNEMINGEN = ("ronselen", "geweld")
KWETSBARE_PLEKKEN = ("speelplek", "school", "zorglocatie")


# A small wijk's own rate is a poor estimate: a single hotspot can make up most of its reports (and the
# second pass only takes out reports in cells that already passed). So the wijk's rate is pulled toward
# its stadsdeel's, as if the wijk had KRIMP_M2 more area at the stadsdeel's rate: a wijk of 2 km² (the
# city's mean) keeps two thirds of its own figure, one of 0.3 km² a fifth.
KRIMP_M2 = 1_000_000


@dataclass(frozen=True)
class ClusterParameters:
    """The method's parameters as data: the recompute uses the defaults (the constants above); the
    quality bench (bench/hotspot_quality.py) measures variants by passing another instance."""

    venster_dagen: int = VENSTER_DAGEN
    eps_m: float = EPS_M
    cel_m: float = CEL_M
    minpoints_vloer: int = MINPOINTS_VLOER
    marge_sigma: float = MARGE_SIGMA
    verbind_cellen: float = VERBIND_CELLEN
    halfwaarde_dagen: float = HALFWAARDE_DAGEN
    bijna_gelijk_m: float = BIJNA_GELIJK_M
    bijna_gelijk_min: int = BIJNA_GELIJK_MIN
    buffer_m: float = BUFFER_M
    hull_convex: float = HULL_CONVEX
    krimp_m2: float = KRIMP_M2
    trend_min_14: int = TREND_MIN_14
    # The core threshold k(λ): "sigma" is λ + m√λ with the point itself in the count; "poisson" the
    # upper Poisson quantile of the *other* reports in the disc (Cornish-Fisher: λ + z√λ + (z² - 1)/6)
    # plus the point itself, within one report of the exact quantile for λ in 0.3..10 at z = 3.72.
    drempel: str = "sigma"

    def __post_init__(self) -> None:
        if self.drempel not in ("sigma", "poisson"):
            raise ValueError(f"drempel must be 'sigma' or 'poisson', not {self.drempel!r}")

    @property
    def buren(self) -> list[tuple[int, int]]:
        """Cells whose centres lie within eps_m of a cell's centre: 13 cells at 150/75 m, 73,125 m²
        against the disc's 70,686."""
        straal_cellen = self.eps_m / self.cel_m
        r = int(straal_cellen)
        return [(dx, dy) for dx in range(-r, r + 1) for dy in range(-r, r + 1) if dx * dx + dy * dy <= straal_cellen**2]

    @property
    def disc_m2(self) -> float:
        return len(self.buren) * self.cel_m * self.cel_m


STANDAARD = ClusterParameters()


# Step 1: the window's counted meldingen (meldingen.selectors: not afgewezen, not a duplicate) with their cell, buurt and wijk, read in
# one sequential pass (the window is most of the table when it matters).
def _venster_sql(p: ClusterParameters) -> str:
    return f"""
CREATE TEMP TABLE hotspot_venster ON COMMIT DROP AS
SELECT id, x, y, observed_at, buurt_id, locatie_type_id, waarnemingen,
       floor(x / {p.cel_m})::int AS cx, floor(y / {p.cel_m})::int AS cy, {", ".join(_sleutel(g, p) for g in range(4))}
FROM (
    SELECT m.id, ST_X(m.locatie) AS x, ST_Y(m.locatie) AS y, date_part('epoch', m.observed_at) AS t,
           m.observed_at, m.buurt_id, m.locatie_type_id, m.waarnemingen
    FROM {clusterbaar_relatie_sql()} m
    WHERE m.observed_at > %(start)s AND m.observed_at <= %(as_of)s
    -- a fence for the planner: the geometry is decoded once per row, not once per use of x and y
    OFFSET 0
) m
"""  # noqa: S608 (constants only; values are parameters)


# Step 2: near-identical reports: within BIJNA_GELIJK_M and BIJNA_GELIJK_MIN of an earlier one (by
# time, then id). Four grids of space-time boxes (4·BIJNA_GELIJK_M square, 4·BIJNA_GELIJK_MIN long),
# each shifted by one BIJNA_GELIJK_M and one BIJNA_GELIJK_MIN along the diagonal: a close pair crosses
# at most one box boundary per dimension, so at most three grids separate it and the fourth holds it in
# one box. Grouping by box (hash aggregates, no sort, no neighbour search) finds the few reports that
# have company, and only those are compared pairwise.
def _sleutel(g: int, p: ClusterParameters) -> str:
    """The box of grid g (0-3) as one bigint: x box, y box and time box."""
    m, seconden = p.bijna_gelijk_m, 60 * p.bijna_gelijk_min
    return (
        f"(floor((x + {g * m}) / {4 * m})::bigint * 1000000 + floor((y + {g * m}) / {4 * m})::bigint) * 1000000"
        f" + floor((t + {g * seconden}) / {4 * seconden})::bigint AS s{g}"
    )


# Per grid, in its own statement (so each hash table is freed before the next: at 1M reports one holds
# ~120 MB): the reports in boxes that hold more than one report. Then those are compared pairwise
# within their box.
PAAR_SQL = """
CREATE TEMP TABLE hotspot_paar{g} ON COMMIT DROP AS
SELECT v.id, v.x, v.y, v.observed_at, v.s{g} AS s FROM hotspot_venster v
WHERE v.s{g} IN (SELECT s{g} FROM hotspot_venster GROUP BY s{g} HAVING count(*) > 1);
"""
PAREN_SQL = """SELECT a.id AS a, a.x, a.y, a.observed_at AS t, b.id AS b, b.x AS bx, b.y AS by, b.observed_at AS bt
    FROM hotspot_paar{g} a JOIN hotspot_paar{g} b ON b.s = a.s"""
PAREN = "\n    UNION ALL\n    ".join(PAREN_SQL.format(g=g) for g in range(4))


def _dubbel_sql(p: ClusterParameters) -> str:
    paar_tabellen = "".join(PAAR_SQL.format(g=g) for g in range(4))
    return f"""{paar_tabellen}
CREATE TEMP TABLE hotspot_dubbel ON COMMIT DROP AS
SELECT DISTINCT a AS id FROM (
    {PAREN}
) paren
WHERE (bt, b) < (t, a)
  AND bt >= t - interval '{p.bijna_gelijk_min} minutes'
  AND (x - bx) ^ 2 + (y - by) ^ 2 <= {p.bijna_gelijk_m} ^ 2;
DELETE FROM hotspot_venster v USING hotspot_dubbel d WHERE d.id = v.id
"""  # noqa: S608


# Step 3: the counted reports per cell and buurt, and per cell; everything after this reads these.
CELLEN_SQL = """
CREATE TEMP TABLE hotspot_celbuurt ON COMMIT DROP AS
SELECT cx, cy, buurt_id, count(*)::int AS n, min(id) AS eerste FROM hotspot_venster GROUP BY cx, cy, buurt_id;
CREATE TEMP TABLE hotspot_cel ON COMMIT DROP AS
SELECT cx, cy, sum(n)::int AS n, min(eerste) AS eerste FROM hotspot_celbuurt GROUP BY cx, cy
"""


# Step 3b: the local minpoints per buurt: k = max(5, ⌈λ + 3√λ⌉) for the larger of two expected counts in
# a disc: the wijk's counted reports spread over the wijk (pulled toward the stadsdeel's rate, below),
# and the city's counted reports spread by population (the buurt's share of inhabitants over the buurt's
# area). The second matters in a dense buurt of a wijk with parks, water or offices, where the wijk mean
# underestimates the background and chance clusters pass. On the second pass the wijk's count leaves
# out the reports in core cells.
def _k(lam: str, p: ClusterParameters) -> str:
    if p.drempel == "poisson":
        return f"greatest({p.minpoints_vloer}, ceil(1 + {lam} + ({p.marge_sigma}^2 - 1) / 6.0 + {p.marge_sigma} * sqrt({lam})))::int"
    return f"greatest({p.minpoints_vloer}, ceil({lam} + {p.marge_sigma} * sqrt({lam})))::int"


def _wijk_lambda(p: ClusterParameters, *, zonder_kern: bool) -> str:
    """(wijk_id, lambda): the expected counted reports in a disc from the wijk's and stadsdeel's rates."""
    filter_ = (
        "WHERE NOT EXISTS (SELECT 1 FROM hotspot_kern k WHERE k.cx = cb.cx AND k.cy = cb.cy)" if zonder_kern else ""
    )
    return f"""(
    WITH per_wijk AS (
        SELECT w.code AS wijk_id, w.stadsdeel_id, ST_Area(w.geometrie) AS opp, coalesce(n.n, 0) AS n
        FROM meldingen_wijk w
        LEFT JOIN (
            SELECT b.wijk_id, sum(cb.n)::bigint AS n
            FROM hotspot_celbuurt cb JOIN meldingen_buurt b ON b.code = cb.buurt_id
            {filter_}
            GROUP BY b.wijk_id
        ) n ON n.wijk_id = w.code
    ),
    per_stadsdeel AS (SELECT stadsdeel_id, sum(n) / nullif(sum(opp), 0) AS dichtheid FROM per_wijk GROUP BY 1)
    SELECT w.wijk_id, (w.n + coalesce(s.dichtheid, 0) * {p.krimp_m2}) / (w.opp + {p.krimp_m2}) * {p.disc_m2} AS lambda
    FROM per_wijk w JOIN per_stadsdeel s USING (stadsdeel_id)
)"""  # noqa: S608


def _drempel_sql(p: ClusterParameters) -> str:
    return f"""
CREATE TEMP TABLE hotspot_drempel ON COMMIT DROP AS
SELECT b.code AS buurt_id, b.wijk_id,
       n.lambda::float AS f_wijk,
       tot.n * coalesce(b.inwoners, 0) / nullif(bev.inw, 0) * {p.disc_m2} / nullif(ST_Area(b.geometrie), 0) AS l_bev,
       0 AS k
FROM meldingen_buurt b
JOIN {_wijk_lambda(p, zonder_kern=False)} n ON n.wijk_id = b.wijk_id
CROSS JOIN (SELECT sum(n)::float AS n FROM hotspot_cel) tot
CROSS JOIN (SELECT sum(inwoners)::float AS inw FROM meldingen_buurt) bev;
UPDATE hotspot_drempel SET k = greatest({_k("f_wijk", p)}, {_k("coalesce(l_bev, 0)", p)})
"""  # noqa: S608


# Step 4: the core cells: cells holding counted reports whose disc holds the cell's threshold (the
# highest k among its reports' buurten: at a border the stricter one). The disc sums do not depend on
# the thresholds, so they are summed once (one hash aggregate of the cells spread over their 13 offsets)
# and both passes only compare.
def _kern_sql(p: ClusterParameters) -> str:
    return f"""
CREATE TEMP TABLE hotspot_som ON COMMIT DROP AS
-- each cell's count spread over the 13 cells whose disc holds it (empty cells get a sum too; the core
-- test keeps only cells with reports): one hash aggregate, no join
SELECT c.cx + o.dx AS cx, c.cy + o.dy AS cy, sum(c.n)::int AS som
FROM hotspot_cel c CROSS JOIN (VALUES {",".join(f"({dx},{dy})" for dx, dy in p.buren)}) AS o(dx, dy)
GROUP BY 1, 2;
{KERN_TEST_SQL}
"""  # noqa: S608


KERN_TEST_SQL = """
CREATE TEMP TABLE hotspot_kern ON COMMIT DROP AS
SELECT s.cx, s.cy
FROM hotspot_som s
JOIN (SELECT cb.cx, cb.cy, max(d.k) AS k FROM hotspot_celbuurt cb JOIN hotspot_drempel d USING (buurt_id)
      GROUP BY cb.cx, cb.cy) k USING (cx, cy)
WHERE s.som >= k.k
"""


# Step 4b, the second pass: a hotspot raises its own wijk's background (and so does the place a
# hotspot was chased from, for the place it moved to). Count each wijk again without the reports in
# the first pass's core cells, and run the core test once more with those thresholds.
def _tweede_pass_sql(p: ClusterParameters) -> str:
    return f"""
UPDATE hotspot_drempel d SET k = greatest({_k("r.lambda", p)}, {_k("coalesce(d.l_bev, 0)", p)})
FROM {_wijk_lambda(p, zonder_kern=True)} r
WHERE r.wijk_id = d.wijk_id;
DROP TABLE hotspot_kern;
{KERN_TEST_SQL}
"""  # noqa: S608


# Step 5: connected core cells are one cluster; its members are the counted meldingen in its cells.
# Sizes and numbering come from the cells' counts and lowest ids, so only the final step touches the
# members (one hash join of the window with the few core cells).
def _leden_sql(p: ClusterParameters) -> str:
    return f"""
CREATE TEMP TABLE hotspot_kerncel ON COMMIT DROP AS
SELECT k.cx, k.cy, c.n, c.eerste,
       ST_ClusterDBSCAN(ST_MakePoint(k.cx, k.cy), eps := {p.verbind_cellen}, minpoints := 1) OVER (ORDER BY k.cx, k.cy) AS c
FROM hotspot_kern k JOIN hotspot_cel c USING (cx, cy);
CREATE TEMP TABLE hotspot_cluster ON COMMIT DROP AS
-- a cluster needs the floor's number of counted meldingen; numbered by its lowest melding id so that
-- the numbering does not depend on the grid's origin or the order of the rows
SELECT c, (dense_rank() OVER (ORDER BY min(eerste)))::int - 1 AS cid
FROM hotspot_kerncel GROUP BY c HAVING sum(n) >= {p.minpoints_vloer};
ANALYZE hotspot_kerncel;
CREATE TEMP TABLE hotspot_leden ON COMMIT DROP AS
SELECT v.id, g.cid, v.x, v.y, v.observed_at, v.locatie_type_id, v.waarnemingen
FROM hotspot_venster v
JOIN (SELECT k.cx, k.cy, g.cid FROM hotspot_kerncel k JOIN hotspot_cluster g USING (c)) g USING (cx, cy);
"""  # noqa: S608


# Step 6: per cluster its polygon, counts, score, trend inputs and dominant kinds, for members only.
def _stats_sql(p: ClusterParameters) -> str:
    return f"""
WITH per_cluster AS MATERIALIZED (  -- the hull once, not once per use of the polygon
    SELECT cid,
           ST_Buffer(ST_ConcaveHull(ST_Collect(ST_SetSRID(ST_MakePoint(x, y), {RD_SRID})), {p.hull_convex}), {p.buffer_m})
               AS polygon,
           count(*) AS n,
           count(DISTINCT (observed_at AT TIME ZONE 'Europe/Amsterdam')::date) AS dagen,
           sum((CASE WHEN waarnemingen && %(zwaar)s THEN 2.0 ELSE 1.0 END)
               * (CASE WHEN locatie_type_id = ANY(%(kwetsbaar)s) THEN 1.5 ELSE 1.0 END)
               * power(0.5, date_part('epoch', %(as_of)s - observed_at) / 86400.0 / {p.halfwaarde_dagen})) AS gewogen,
           min(observed_at) AS eerste, max(observed_at) AS laatste,
           count(*) FILTER (WHERE observed_at > %(as_of)s - interval '14 days') AS n14,
           count(*) FILTER (WHERE observed_at <= %(as_of)s - interval '14 days'
                            AND observed_at > %(as_of)s - interval '42 days') AS n28
    FROM hotspot_leden GROUP BY cid
),
types AS (
    SELECT cid, jsonb_agg(jsonb_build_array(code, n) ORDER BY n DESC, code) AS j FROM (
        SELECT cid, locatie_type_id AS code, count(*) AS n,
               row_number() OVER (PARTITION BY cid ORDER BY count(*) DESC, locatie_type_id) AS r
        FROM hotspot_leden GROUP BY cid, locatie_type_id
    ) x WHERE r <= 3 GROUP BY cid
),
waarn AS (
    SELECT cid, jsonb_agg(jsonb_build_array(code, n) ORDER BY n DESC, code) AS j FROM (
        SELECT cid, code, sum(n) AS n,
               row_number() OVER (PARTITION BY cid ORDER BY sum(n) DESC, code) AS r
        -- the few distinct combinations per cluster first, then unnested
        FROM (SELECT cid, waarnemingen, count(*) AS n FROM hotspot_leden GROUP BY cid, waarnemingen) a,
             unnest(waarnemingen) AS code
        GROUP BY cid, code
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
    polygon: Polygon  # ST_Buffer of a hull: always one polygon
    n: int
    dagen: int
    score: float
    eerste: datetime
    laatste: datetime
    trend: str
    locatie_types: list
    waarnemingen: list
    buurt_id: str | None


@cache
def _statements(p: ClusterParameters) -> tuple[str, ...]:
    """The run's SQL for these parameters, built once per parameter set."""
    return (
        _venster_sql(p),
        _dubbel_sql(p),
        CELLEN_SQL,
        _drempel_sql(p),
        _kern_sql(p),
        _tweede_pass_sql(p),
        _leden_sql(p),
        _stats_sql(p),
    )


def trend_bepalen(n14: int, n28: int, *, trend_min_14: int = TREND_MIN_14) -> str:
    """Last 14 days against the 28 before, per day; a 1.5x change either way counts as a trend."""
    if n14 < trend_min_14:
        return "dalend"
    per_dag_nu, per_dag_toen = n14 / 14, n28 / 28
    if per_dag_nu > 1.5 * per_dag_toen:
        return "stijgend"
    if per_dag_nu * 1.5 < per_dag_toen:
        return "dalend"
    return "stabiel"


def _query_parameters(as_of: datetime, p: ClusterParameters) -> dict:
    return {
        "start": as_of - timedelta(days=p.venster_dagen),
        "as_of": as_of,
        "zwaar": list(ZWARE_WAARNEMINGEN),
        "kwetsbaar": list(KWETSBARE_PLEKKEN),
    }


def _uitvoeren(cursor, sql: str, params: dict) -> None:
    # psycopg 3 binds parameters server-side, which allows one statement per call.
    for statement in (s.strip() for s in sql.split(";\n")):
        if statement:
            cursor.execute(statement, params if "%(" in statement else None)


def clusters_bepalen(*, as_of: datetime, parameters: ClusterParameters = STANDAARD) -> list[Cluster]:
    """The clusters of counted meldingen observed in the window ending at `as_of`.

    Must run inside a transaction: it leaves the temporary table `hotspot_leden` (melding id, cluster
    index) and `hotspot_drempel` (buurt, minpoints) for the caller, dropped at commit.
    """
    params = _query_parameters(as_of, parameters)
    with connection.cursor() as cursor:
        for table in (
            *("leden", "cluster", "kerncel", "kern", "som", "cel", "celbuurt", "drempel", "dubbel"),
            *("paar0", "paar1", "paar2", "paar3", "venster"),
        ):
            cursor.execute(f"DROP TABLE IF EXISTS hotspot_{table}")
        # The sorts and hash joins below stay in memory with this; it ends with the transaction.
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM_MB}MB'")
        # The planner's row estimates for the temporary tables are rough; compiling for them cost more
        # than running the queries (about a second).
        cursor.execute("SET LOCAL jit = off")
        # Nor does it know the temporary tables' sizes (analysing them costs more than it saves), and it
        # guesses merge joins that sort 100,000s of rows where a hash of the smaller side is a fraction.
        cursor.execute("SET LOCAL enable_mergejoin = off")
        for sql in _statements(parameters):
            _uitvoeren(cursor, sql, params)
        rows = cursor.fetchall()
    return [
        Cluster(
            cid=cid,
            polygon=cast(Polygon, GEOSGeometry(memoryview(bytes(wkb)))),
            n=n,
            dagen=dagen,
            score=round(float(score), 6),
            eerste=eerste,
            laatste=laatste,
            trend=trend_bepalen(n14, n28, trend_min_14=parameters.trend_min_14),
            locatie_types=json.loads(types),
            waarnemingen=json.loads(waarn),
            buurt_id=buurt,
        )
        for cid, wkb, n, dagen, score, eerste, laatste, n14, n28, types, waarn, buurt in rows
    ]
