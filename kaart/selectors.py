"""Map data for the coordinator screen: GeoJSON assembled by PostgreSQL, returned as bytes.

The meldingen themselves come from `meldingen.selectors` as querysets whose SQL is embedded here
(`_sql`); this module writes the aggregation and the JSON around them and names no table of another
app but the areas (tests/test_architectuur.py). Hotspot polygons: `hotspots.selectors.hotspots_kaart`.

Every function here answers with one query whose single row is the complete response body (built
with json_build_object / json_agg / ST_AsGeoJSON). Python neither loops over features nor parses the
JSON again; at 100,000 meldingen that is the difference between a few and a few hundred milliseconds
(bench/map_api.py).

Geometry is stored in EPSG:28992 (RD New); the grid is laid in RD metres and everything that leaves
is transformed to WGS84 (EPSG:4326).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet

from meldingen.models import RD_SRID, Melding, referentie_sql
from meldingen.selectors import MeldingFilter, meldingen_alle, meldingen_gefilterd, meldingen_versie
from meldingen.workflow import MeldingStatus

logger = logging.getLogger(__name__)

# (xmin, ymin, xmax, ymax) in RD metres.
RdBox = tuple[float, float, float, float]


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    """The queryset's SELECT and parameters, to embed as a subquery in hand-written SQL."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _meldingen(*, filter: MeldingFilter, rd_box: RdBox | None) -> QuerySet[Melding]:
    qs = meldingen_gefilterd(filter=filter)
    if rd_box is not None:
        # `&&` against an RD rectangle: exact for points, and answered by the GiST index on locatie.
        box = Polygon.from_bbox(rd_box)
        box.srid = RD_SRID
        qs = qs.filter(locatie__bboverlaps=box)
    return qs


@functools.cache
def stad_extent() -> RdBox | None:
    """The RD extent of all buurten, where every melding lies (it is placed in its buurt at intake).
    Kept per process: the areas change once a year at most."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geometrie) AS e FROM meldingen_buurt) x"
        )
        row = cursor.fetchone()
    return None if row[0] is None else tuple(row)


def bedekt_de_stad(rd_box: RdBox) -> bool:
    stad = stad_extent()
    return (
        stad is not None
        and rd_box[0] <= stad[0]
        and rd_box[1] <= stad[1]
        and rd_box[2] >= stad[2]
        and rd_box[3] >= stad[3]
    )


def meldingen_kaart_grid(*, filter: MeldingFilter, rd_box: RdBox | None, cel_m: int) -> bytes:
    """The matching meldingen counted per square cell of `cel_m` metres of an RD grid anchored at
    (0, 0), so a cell is the same cell whichever part of the city is in view.

    Each cell is a Point at the mean position of its members (where the reports are, not the cell's
    middle) with `aantal` and the count per status (every status present, zero or not, so clients
    need no defaults). `rd_box` should already be snapped outward to whole cells (see
    `kaart.api`), so a cell at the edge of the view is counted complete.
    """
    if rd_box is not None and bedekt_de_stad(rd_box):
        # A view of the whole city: testing 100,000 points against it costs ~15 ms and removes none.
        rd_box = None
    inner, params = _sql(_meldingen(filter=filter, rd_box=rd_box).values_list("status", "locatie"))
    per_status = ", ".join("%s, coalesce(sum(n) FILTER (WHERE status = %s), 0)" for _ in MeldingStatus.values)
    status_params = tuple(p for s in MeldingStatus.values for p in (s, s))
    # Two steps: first (cell, status) with only counts and sums, a small hash table even at
    # 100,000 rows; then the few hundred cells get their JSON. ST_X/ST_Y are read once per row.
    sql = f"""
        WITH m AS ({inner}),
        p AS (SELECT status, ST_X(locatie) AS x, ST_Y(locatie) AS y FROM m),
        s AS (
            SELECT floor(x / %s) AS gx, floor(y / %s) AS gy, status, count(*) AS n, sum(x) AS sx, sum(y) AS sy
            FROM p GROUP BY 1, 2, 3
        ),
        c AS (
            SELECT gx, gy, sum(n) AS n, sum(sx) / sum(n) AS x, sum(sy) / sum(n) AS y,
                   json_build_object({per_status}) AS st
            FROM s GROUP BY gx, gy
        )
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'aggregatie', 'grid',
            'cel_m', %s,
            'aantal', coalesce(sum(n), 0),
            'volgende', NULL,
            'features', coalesce(json_agg(json_build_object(
                'type', 'Feature',
                'geometry', ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakePoint(x, y), %s), 4326), 5)::json,
                'properties', json_build_object('aantal', n, 'status', st)
            ) ORDER BY gy DESC, gx), '[]'::json)
        )::text
        FROM c
    """  # noqa: S608 (the only interpolations are our own SQL fragments)
    all_params = (*params, cel_m, cel_m, *status_params, cel_m, RD_SRID)
    return _one(sql, all_params)


def meldingen_kaart_grid_gecached(*, filter: MeldingFilter, rd_box: RdBox | None, cel_m: int) -> bytes:
    """`meldingen_kaart_grid` through the cache, keyed by the data version (`meldingen_versie`).

    The grid is O(meldingen) to compute (~40 ms per 100,000 on an idle core) and the same for every
    coordinator, while meldingen change a few times an hour: a new melding or a status change gives
    a new version and so a fresh grid at once. What the version cannot see (an id committed out of
    order by two concurrent filings, a location edited in the admin, retention coarsening a point)
    is bounded by `KAART_GRID_CACHE_SECONDS`.
    """
    if rd_box is not None and bedekt_de_stad(rd_box):
        rd_box = None  # every whole-city view shares one entry
    ttl = settings.KAART_GRID_CACHE_SECONDS
    if ttl <= 0:
        return meldingen_kaart_grid(filter=filter, rd_box=rd_box, cel_m=cel_m)
    sleutel = f"{meldingen_versie()}|{cel_m}|{rd_box}|{filter.als_query()}"
    key = "kaart:grid:" + hashlib.sha256(sleutel.encode()).hexdigest()[:32]
    try:
        body = cache.get(key)
    except Exception:
        # The cache only saves work: without Redis the map still answers, just slower.
        logger.warning("kaart: cache niet bereikbaar", exc_info=True)
        return meldingen_kaart_grid(filter=filter, rd_box=rd_box, cel_m=cel_m)
    if body is None:
        body = meldingen_kaart_grid(filter=filter, rd_box=rd_box, cel_m=cel_m)
        with contextlib.suppress(Exception):
            cache.set(key, body, ttl)
    return body


@dataclass(frozen=True)
class Pagina:
    grootte: int
    # Keyset: only meldingen with an id below this (the last id of the previous page).
    na: int | None
    # The next page's URL up to and including `na=`; the database appends the last id of this page.
    volgende_basis: str
    # Page number from 1; only used (as an OFFSET) for a URL without `na`, typed or bookmarked.
    nummer: int = 1


def meldingen_kaart_punten(*, filter: MeldingFilter, rd_box: RdBox, pagina: Pagina) -> bytes:
    """The matching meldingen in `rd_box` as Points, newest first (by id), one page at a time.

    Paging is by keyset (`id < na`, which `volgende` carries), not OFFSET: a melding filed or
    re-triaged while a client walks the pages neither appears twice nor pushes another one off a
    page. A bare `pagina=N` without `na` still works, as an OFFSET. `aantal` is the total in the
    box, whatever the page.
    """
    # Only ids are collected for the count and the page (a dense 10 km view holds 60,000 and more);
    # the page's 501 rows are then read by primary key.
    inner, params = _sql(_meldingen(filter=filter, rd_box=rd_box).values_list("id"))
    rijen, rij_params = _sql(
        meldingen_alle().values_list("id", "status", "locatie_type_id", "kanaal", "observed_at", "locatie")
    )
    sql = f"""
        WITH m AS MATERIALIZED ({inner}),
        p AS (
            SELECT id FROM m WHERE %s::int IS NULL OR id < %s::int
            ORDER BY id DESC LIMIT %s OFFSET %s
        ),
        q AS (
            SELECT r.id, r.status, r.locatie_type_id, r.kanaal, r.observed_at, r.locatie,
                   row_number() OVER (ORDER BY r.id DESC) AS rang
            FROM ({rijen}) r JOIN p ON p.id = r.id
        )
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'aggregatie', NULL,
            'aantal', (SELECT count(*) FROM m),
            'volgende', CASE WHEN count(*) > %s THEN %s::text || (min(id) FILTER (WHERE rang <= %s))::text END,
            'features', coalesce(json_agg(json_build_object(
                'type', 'Feature',
                'id', id,
                'geometry', ST_AsGeoJSON(ST_Transform(locatie, 4326), 6)::json,
                'properties', json_build_object(
                    'id', id, 'referentie', {referentie_sql("id")}, 'status', status, 'locatie_type', locatie_type_id,
                    'kanaal', kanaal, 'observed_at', observed_at
                )
            ) ORDER BY id DESC) FILTER (WHERE rang <= %s), '[]'::json)
        )::text
        FROM q
    """  # noqa: S608
    n = pagina.grootte
    # One row more than the page tells whether there is a next page without a second query.
    offset = 0 if pagina.na is not None else (pagina.nummer - 1) * n
    all_params = (*params, pagina.na, pagina.na, n + 1, offset, *rij_params, n, pagina.volgende_basis, n, n)
    return _one(sql, all_params)


def _one(sql: str, params: tuple) -> bytes:
    with transaction.atomic(), connection.cursor() as cursor:
        _planner_settings(cursor)
        cursor.execute(sql, params)
        (body,) = cursor.fetchone()
    return body.encode()


def _planner_settings(cursor) -> None:
    """For this transaction only (set_config(..., true) is SET LOCAL), in one round trip:

    - jit off: PostGIS functions carry high planner costs, so a query over 100,000 rows looks
      expensive enough for PostgreSQL's JIT, which then spends ~250 ms compiling a query that runs
      in ~40 ms (bench/map_api.py --explain).
    - work_mem 32MB: the planner cannot know that floor(ST_X(locatie) / cel) has a few hundred values,
      assumes one group per row, and with the default 4MB sorts 100,000 rows on disk instead of
      hashing them in memory (~150 ms against ~10 ms).
    """
    cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)")
