"""Hotspot speed benchmark: the full recompute against the bare ST_ClusterDBSCAN query, the incremental
step, and the worker's peak memory.

What it does, per size in ``--sizes`` (default 100,000 and 1,000,000 meldingen):

1. Fills its own database (default ``ww_hotspot_bench``; ``--database-url`` overrides; created with
   PostGIS, migrated and loaded with the real buurten when missing) with exactly that many meldingen,
   all observed inside the method's window (60 days) that ends at the as-of moment, generated in SQL with a fixed
   seed: 70 % background noise at random points inside the buurten weighted by population
   (``ST_GeneratePoints``), 30 % in Gaussian clusters (one per 1,000 meldingen, sd 40-120 m).
2. Measures, alternating so that a busy machine hurts both alike (``--repeat`` rounds, median kept):
   * ``bare``: ``ST_ClusterDBSCAN(locatie, eps := 150, minpoints := 5)`` over the same window's points
     (not afgewezen, not a duplicate), the query the issue compares against, its labels counted in SQL
     so no rows travel to Python;
   * ``recompute``: ``hotspots.services.hotspot_recompute`` in a separate worker process, first on an
     empty hotspot table at the as-of moment (``cold``: every hotspot and each of the tens of thousands
     of memberships is written, with their foreign-key checks at commit: a new installation's first
     run), then 15 minutes later (``steady``: the next beat run over the slid window, which is what
     the recompute costs every 15 minutes from then on).
   The worker reports its own peak RSS (``ru_maxrss``) and that of its PostgreSQL backend (VmHWM).
3. Times the incremental step (``hotspot_assign``) for ``--incremental`` new meldingen, half of them
   inside living hotspots and half at random places, each inserted just before it is assigned.
4. Prints one table with the figures and PASS/MISS against the issue's targets: the recurring (steady)
   recompute <= 1.5x the bare query; both runs <= 3 s at 100k and <= 30 s at 1M; incremental p95
   <= 25 ms; peak memory <= 1 GB. The cold run's ratio is printed beside it, not judged: it is a
   one-off load of all memberships (docs/architecture.md, "Hotspots").
   ``--stappen`` also prints the slowest SQL statements of the last steady run.

Usage::

    .venv/bin/python bench/hotspot_speed.py                       # 100k and 1M
    .venv/bin/python bench/hotspot_speed.py --sizes 100000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import database_prepare, django_setup, log, pct  # noqa: E402 - after the path fix

DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/ww_hotspot_bench"
AS_OF = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
PY = str(ROOT / ".venv" / "bin" / "python")


def venster_dagen() -> int:
    """The method's window (after Django is set up): the bench fills and measures exactly that window."""
    from hotspots.services import ClusterParameters

    return ClusterParameters().venster_dagen


VULLEN_SQL = """
SELECT setseed(0.4242);
CREATE TEMP TABLE bench_punt (locatie geometry(Point, 28992), observed_at timestamptz, buurt text);
-- small pieces of the buurten make the point-in-polygon lookups of the cluster points cheap
CREATE TEMP TABLE bench_buurtdeel AS SELECT code, ST_Subdivide(geometrie, 64) AS geom FROM meldingen_buurt;
CREATE INDEX ON bench_buurtdeel USING gist (geom);
-- background: points inside the populated buurten, weighted by population
INSERT INTO bench_punt (locatie, observed_at, buurt)
SELECT (ST_Dump(ST_GeneratePoints(b.geometrie, greatest(1, round(%(ruis)s::float * b.inwoners / t.totaal))::int, 42))).geom,
       NULL, b.code
FROM meldingen_buurt b, (SELECT sum(inwoners)::float AS totaal FROM meldingen_buurt WHERE inwoners > 0) t
WHERE b.inwoners > 0;
-- clusters: centres at population-weighted places (a sample of the background points), Gaussian spread
WITH centra AS (
    SELECT locatie AS c, 40 + 80 * random() AS sd FROM bench_punt ORDER BY random() LIMIT %(clusters)s
),
n AS (SELECT %(per_cluster)s::int AS n)
INSERT INTO bench_punt (locatie, observed_at)
SELECT ST_SetSRID(ST_MakePoint(ST_X(c) + sd * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()),
                               ST_Y(c) + sd * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())), 28992),
       NULL
FROM centra, n, generate_series(1, n.n);
UPDATE bench_punt SET observed_at = %(as_of)s - random() * (%(venster)s * interval '1 day' - interval '1 hour');
"""

INSERT_SQL = """
WITH codes AS (
    SELECT (SELECT array_agg(code ORDER BY code) FROM meldingen_locatietype) AS lt,
           (SELECT array_agg(code ORDER BY code) FROM meldingen_waarneming) AS wn
),
p AS (
    SELECT p.locatie, p.observed_at,
           coalesce(p.buurt, (SELECT b.code FROM bench_buurtdeel b WHERE ST_Intersects(b.geom, p.locatie) LIMIT 1)) AS buurt
    FROM bench_punt p
)
INSERT INTO meldingen_melding (meldcode, status, afwijs_reden, kanaal, locatie, buurt_id, locatie_omschrijving,
    locatie_type_id, waarnemingen, observed_at, dagdeel, frequentie, melder_rol_id, omschrijving, ontvangen_op)
SELECT 'B' || lpad(row_number() OVER (ORDER BY p.observed_at)::text, 9, '0'), 'nieuw', '', 'web', p.locatie, p.buurt, '',
       codes.lt[1 + floor(random() * array_length(codes.lt, 1))::int],
       ARRAY[codes.wn[1 + floor(random() * array_length(codes.wn, 1))::int]],
       p.observed_at, 'avond', '', 'onbekend', '', date_trunc('hour', p.observed_at) + interval '1 hour'
FROM p, codes
WHERE p.buurt IS NOT NULL
ORDER BY p.observed_at
LIMIT %(n)s
"""

LEEG_SQL = """
TRUNCATE hotspots_hotspotscore, hotspots_hotspotevent, hotspots_hotspotmelding, hotspots_hotspotkandidaat,
         hotspots_hotspot, meldingen_meldingevent, meldingen_meldingfoto, meldingen_melding CASCADE
"""


def meldingen_vullen(n: int) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(LEEG_SQL)
        # Some generated points fall outside every buurt (cluster tails into the IJ, the city's edge):
        # generate a margin and keep the first n by time.
        ruis, in_clusters = round(n * 0.7 * 1.3), round(n * 0.3 * 1.3)
        clusters = max(1, n // 1000)
        cur.execute(
            VULLEN_SQL,
            {
                "ruis": ruis,
                "clusters": clusters,
                "per_cluster": max(1, in_clusters // clusters),
                "as_of": AS_OF,
                "venster": venster_dagen(),
            },
        )
        cur.execute(INSERT_SQL, {"n": n})
        cur.execute("SELECT count(*) FROM meldingen_melding")
        stored = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_punt, bench_buurtdeel")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE meldingen_melding")
    return stored


BARE_SQL = """
SELECT count(DISTINCT c), count(c) FROM (
    SELECT ST_ClusterDBSCAN(locatie, eps := 150, minpoints := 5) OVER () AS c
    FROM meldingen_melding
    WHERE observed_at > %(start)s AND observed_at <= %(as_of)s AND {geteld}
) x
"""


def bare_meten() -> tuple[float, int, int]:
    from django.db import connection

    from meldingen.selectors import geteld_sql

    sql = BARE_SQL.format(geteld=geteld_sql())
    with connection.cursor() as cur:
        t = time.perf_counter()
        cur.execute(sql, {"start": AS_OF - timedelta(days=venster_dagen()), "as_of": AS_OF})
        clusters, geclusterd = cur.fetchone()
        return time.perf_counter() - t, clusters, geclusterd


STEADY_NA = timedelta(minutes=15)


def worker_main(db_url: str, leeg: bool, stappen: bool = False) -> None:
    """Runs one recompute as a worker would, and reports its time and peak memory as JSON."""
    import resource

    django_setup(db_url)
    from django.db import connection

    from hotspots.models import Hotspot
    from hotspots.services import hotspot_recompute

    with connection.cursor() as cur:
        if leeg:
            cur.execute(
                "TRUNCATE hotspots_hotspotscore, hotspots_hotspotevent, hotspots_hotspotmelding, "
                "hotspots_hotspotkandidaat, hotspots_hotspot CASCADE"
            )
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    tijden: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            tijden.append((time.perf_counter() - t0, " ".join(sql.split())[:70]))

    t = time.perf_counter()
    with connection.execute_wrapper(timer):
        res = hotspot_recompute(as_of=AS_OF if leeg else AS_OF + STEADY_NA)
    duur = time.perf_counter() - t
    vmhwm = 0
    with open(f"/proc/{backend}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                vmhwm = int(line.split()[1])
    print(
        json.dumps(
            {
                "seconds": duur,
                "clusters": res.clusters if res else None,
                "levend": Hotspot.objects.exclude(status="opgelost").count(),
                "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "backend_kb": vmhwm,
                "stappen": [(round(d * 1000, 1), q) for d, q in sorted(tijden, reverse=True)[:12]] if stappen else [],
                "sql_s": sum(d for d, _ in tijden),
            }
        )
    )


def recompute_meten(db_url: str, *, leeg: bool, stappen: bool = False) -> dict:
    out = subprocess.run(  # noqa: S603
        [PY, __file__, "_worker", "--database-url", db_url]
        + (["--leeg"] if leeg else [])
        + (["--stappen"] if stappen else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


INCREMENTEEL_INSERT = """
INSERT INTO meldingen_melding (meldcode, status, afwijs_reden, kanaal, locatie, buurt_id, locatie_omschrijving,
    locatie_type_id, waarnemingen, observed_at, dagdeel, frequentie, melder_rol_id, omschrijving, ontvangen_op)
SELECT %(code)s, 'nieuw', '', 'web', p, (SELECT code FROM meldingen_buurt WHERE ST_Intersects(geometrie, p) LIMIT 1), '',
       'portiek', ARRAY['dealen'], %(t)s, 'avond', '', 'onbekend', '', date_trunc('hour', %(t)s::timestamptz)
FROM (SELECT %(punt)s::geometry AS p) x
RETURNING id
"""


def incrementeel_meten(aantal: int) -> list[float]:
    import random

    from django.db import connection, transaction

    from hotspots.services import hotspot_assign

    rng = random.Random(7)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_AsEWKT(ST_PointOnSurface(polygon)) FROM hotspots_hotspot WHERE status <> 'opgelost' ORDER BY id"
        )
        binnen = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT ST_AsEWKT((ST_Dump(ST_GeneratePoints(ST_Union(geometrie), %s, 3))).geom) FROM meldingen_buurt "
            "WHERE inwoners > 0",
            [aantal],
        )
        buiten = [r[0] for r in cur.fetchall()]
    tijden = []
    for i in range(aantal):
        punt = rng.choice(binnen) if (i % 2 == 0 and binnen) else buiten[i % len(buiten)]
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(INCREMENTEEL_INSERT, {"code": f"I{i:09d}", "punt": punt, "t": AS_OF})
            melding_id = cur.fetchone()[0]
        t = time.perf_counter()
        hotspot_assign(melding_id=melding_id)
        tijden.append((time.perf_counter() - t) * 1000)
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM hotspots_hotspotkandidaat WHERE melding_id IN (SELECT id FROM meldingen_melding WHERE meldcode LIKE 'I%%')"
        )
        cur.execute(
            "DELETE FROM hotspots_hotspotmelding WHERE melding_id IN (SELECT id FROM meldingen_melding WHERE meldcode LIKE 'I%%')"
        )
        cur.execute("DELETE FROM meldingen_melding WHERE meldcode LIKE 'I%%'")
    return tijden


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", nargs="?", default="bench", choices=["bench", "_worker"])
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--incremental", type=int, default=400)
    ap.add_argument("--leeg", action="store_true")
    ap.add_argument("--stappen", action="store_true", help="print the slowest statements of the last steady run")
    args = ap.parse_args()
    if args.mode == "_worker":
        worker_main(args.database_url, args.leeg, args.stappen)
        return

    database_prepare(args.database_url)
    django_setup(args.database_url)
    rows = []
    t0 = time.time()
    for n in [int(s) for s in args.sizes.split(",") if s]:
        log(f"filling {n} meldingen")
        stored = meldingen_vullen(n)
        bare, cold, steady = [], [], []
        for r in range(args.repeat):
            b, nclusters, geclusterd = bare_meten()
            bare.append(b)
            log(f"n={stored} round {r + 1}: bare {b:.2f} s ({nclusters} clusters, {geclusterd} points in them)")
            c = recompute_meten(args.database_url, leeg=True)
            cold.append(c)
            s = recompute_meten(args.database_url, leeg=False, stappen=args.stappen)
            steady.append(s)
            log(
                f"n={stored} round {r + 1}: recompute cold {c['seconds']:.2f} s (SQL {c['sql_s']:.2f}), "
                f"steady {s['seconds']:.2f} s (SQL {s['sql_s']:.2f}), {s['levend']} living hotspots"
            )
        incr = incrementeel_meten(args.incremental)
        rows.append((stored, bare, cold, steady, incr))

    limiet = {100_000: 3.0, 1_000_000: 30.0}
    print()
    print(
        f"{'meldingen':>10} {'bare s':>7} {'cold s':>7} {'x bare':>7} {'steady s':>8} {'x bare':>7} {'target':>12} "
        f"{'hotspots':>8} {'worker MB':>9} {'pg MB':>6} {'incr p50':>8} {'incr p95':>8} {'incr p99':>8}  verdict"
    )
    print("-" * 140)
    for stored, bare, cold, steady, incr in rows:
        mb = statistics.median(bare)
        mc = statistics.median(c["seconds"] for c in cold)
        ms = statistics.median(s["seconds"] for s in steady)
        rss = max(max(c["rss_kb"] for c in cold), max(s["rss_kb"] for s in steady)) / 1024
        pg = max(max(c["backend_kb"] for c in cold), max(s["backend_kb"] for s in steady)) / 1024
        n_target = min(limiet, key=lambda k: abs(k - stored))
        limit = limiet[n_target]
        worst = max(mc, ms)
        ok_ratio = ms <= 1.5 * mb
        ok_abs = worst <= limit
        ok_mem = rss <= 1024 and pg <= 1024
        ok_incr = pct(incr, 95) <= 25
        verdict = " ".join(
            [
                "PASS" if ok_ratio else "MISS",
                "ratio,",
                "PASS" if ok_abs else "MISS",
                f"<={limit:.0f}s,",
                "PASS" if ok_mem else "MISS",
                "mem,",
                "PASS" if ok_incr else "MISS",
                "incr",
            ]
        )
        print(
            f"{stored:>10} {mb:>7.2f} {mc:>7.2f} {mc / mb:>7.2f} {ms:>8.2f} {ms / mb:>7.2f} {'<=1.5x, ' + str(int(limit)) + 's':>12} "
            f"{steady[-1]['levend']:>8} {rss:>9.0f} {pg:>6.0f} {pct(incr, 50):>8.2f} {pct(incr, 95):>8.2f} {pct(incr, 99):>8.2f}  {verdict}"
        )
    print()
    print(
        f"medians of {args.repeat} rounds; cold = first recompute on an empty hotspot table (not judged on the ratio), "
        f"steady = the next run 15 min later (ratio judged); incremental = hotspot_assign per new melding "
        f"(n={args.incremental}), ms"
    )
    if args.stappen:
        for stored, _b, _c, steady, _i in rows:
            print(f"\nslowest statements of the last steady run at {stored} meldingen (ms):")
            for ms_, q in steady[-1]["stappen"]:
                print(f"  {ms_:8.1f}  {q}")
    print(f"wall time {time.time() - t0:.0f}s on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
