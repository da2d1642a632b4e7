"""Map data benchmark: GET /api/v1/kaart/meldingen against a real gunicorn with 100,000 stored meldingen.

What it does, in order (progress on stderr, the report on stdout):

1. Prepares its own database (default ``weerbarewijken_map_bench``; ``BENCH_DATABASE_URL`` or ``--database-url``
   override): creates it with PostGIS if missing, ``manage.py migrate``, ``manage.py load_gebieden``
   (skipped when the buurten are there), and fills ``meldingen_melding`` with exactly ``--meldingen``
   rows (default 100,000) in one INSERT … SELECT inside PostgreSQL: 80 % at random points inside
   the real buurten weighted by population (``ST_GeneratePoints``), 20 % in ten dense clusters of
   1,000-3,000 reports within 150 m of known squares (Bijlmerplein, Osdorpplein, …), with
   realistic statuses, channels, codes, one year of ``observed_at`` and short free texts (the rows
   are as wide as real ones, which matters for a scan). A run that finds exactly that data again
   reuses it (``--reload`` forces a new fill). No history rows: the map never reads them.
2. Starts gunicorn with ``config/gunicorn.conf.py`` on a free loopback port (DEBUG off, access log
   off) and a coordinator session made with Django's session store, so every request goes through
   the whole stack: middleware, session, role check, DRF, the selector's one query.
3. Warm-up requests, then ``--requests`` rounds of sequential GETs, one per scenario per round (round
   robin, so noise from elsewhere on the shared box hits every scenario alike), each on a fresh
   connection (gunicorn's sync worker closes after each response); latency is from sending the
   request to the last byte.
4. Prints n, p50, p95, p99 (ms), the payload (KB, uncompressed) and the server CPU per request
   (gunicorn workers + their PostgreSQL backends, from /proc; measured in a separate pass after the
   timed one) per scenario, with PASS / MISS against issue 5's targets: city-wide (zoom 12, a
   screen's bbox around the whole city) p95 <= 150 ms and <= 300 KB; street level (zoom 17, ~300 m
   bbox on the Bijlmerplein, the densest cluster) p95 <= 50 ms. Exits non-zero only when something
   crashes, never for a missed target.

The grid is cached per data version (kaart/selectors.py), so repeating the city view measures the
cache after the first request. ``city z12 uncached`` asks for a filter nobody asked for before on
every request (a different ``van`` before all data), so it measures computing the grid over all
100,000 meldingen each time: the cost after every change to the data.

``--explain`` also prints EXPLAIN (ANALYZE, BUFFERS) of the SQL behind the city and street views.

Usage::

    .venv/bin/python bench/map_api.py                    # 100,000 meldingen, 200 requests per scenario
    .venv/bin/python bench/map_api.py --requests 500 --explain
    .venv/bin/python bench/map_api.py --drop             # drop the bench database afterwards

The box is 2 cores shared with whatever else runs; the report prints the load average before and
after so a noisy run can be recognised.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402 - after the path fix, so this runs as a plain script
from bench.harness import (  # noqa: E402
    Proc,
    children_of,
    cpu_ticks,
    database_prepare,
    free_port,
    log,
    pct,
    pg_conninfo,
    pg_dbname,
    start_gunicorn,
    wait_idle,
)

DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/weerbarewijken_map_bench"

# (name, lat, lon, reports): dense places, all inside Amsterdam's buurten.
CLUSTERS = [
    ("Bijlmerplein", 52.3125, 4.9530, 3000),
    ("Osdorpplein", 52.3594, 4.8003, 2600),
    ("Plein '40-'45", 52.3773, 4.8020, 2400),
    ("Kraaiennest", 52.2995, 4.9715, 2200),
    ("Mercatorplein", 52.3665, 4.8495, 2000),
    ("Zeedijk", 52.3755, 4.9010, 1900),
    ("Van der Pekstraat", 52.3860, 4.9190, 1700),
    ("Dapperbuurt", 52.3635, 4.9270, 1600),
    ("Ganzenhoef", 52.3165, 4.9765, 1400),
    ("Rembrandtplein", 52.3663, 4.8966, 1200),
]
CLUSTER_STRAAL_M = 150
# What a 1920 x 1080 screen at zoom 12 (23 m/px) shows around Amsterdam: the whole city and more.
CITY_BBOX = "4.57,52.26,5.23,52.48"


def _street_bbox(lat: float, lon: float, halve_m: float = 150) -> str:
    import math

    dlat = halve_m / 111_320
    dlon = halve_m / (111_320 * math.cos(math.radians(lat)))
    return f"{lon - dlon:.6f},{lat - dlat:.6f},{lon + dlon:.6f},{lat + dlat:.6f}"


_90_DAGEN = (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=90)).isoformat()
STREET_BBOX = _street_bbox(52.3125, 4.9530)  # ~300 m square on the Bijlmerplein, the densest cluster

# Every request a filter nobody asked for before (a `van` before all data, so all 100,000 count):
# the grid is computed, never served from the cache.
_KOUD = [
    f"bbox={CITY_BBOX}&zoom=12&van={(datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=400 + i)).isoformat()}"
    for i in range(1000)
]

# name, query (or a list: request i uses item i), target p95 ms, target KB (None: no target, for information)
SCENARIOS = [
    ("city z12", f"bbox={CITY_BBOX}&zoom=12", 150.0, 300.0),
    ("city z12 uncached", _KOUD, 150.0, 300.0),
    ("city z12 no bbox", "zoom=12", None, None),
    # the open meldingen of the last 90 days: a likely default view of the triage screen
    ("city z12 filtered", f"bbox={CITY_BBOX}&zoom=12&status=nieuw,in_behandeling&van={_90_DAGEN}", None, None),
    ("district z14", "bbox=4.93,52.29,5.01,52.33&zoom=14", None, None),
    ("street z17", f"bbox={STREET_BBOX}&zoom=17", 50.0, None),
    ("street z17 page 2", None, None, None),  # the `volgende` URL of the street view
    ("street z17 filtered", f"bbox={STREET_BBOX}&zoom=17&waarneming=dealen&status=nieuw", None, None),
]


def server_env(args) -> dict[str, str]:
    return harness.server_env(
        args.database_url,
        workers=args.workers,
        CACHE_URL=args.cache_url,
        CELERY_BROKER_URL=args.cache_url,
        CELERY_RESULT_BACKEND=args.cache_url,
        CACHE_KEY_PREFIX="wwmapbench",
    )


# -------------------------------------------------------------------------------- data

# One INSERT … SELECT: points and attributes drawn by PostgreSQL (setseed makes a rerun identical).
FILL_SQL = """
WITH
w AS (SELECT code, geometrie, greatest(coalesce(inwoners, 0), 200)::float8 AS wt FROM meldingen_buurt),
k AS (SELECT code, geometrie, ceil(%(spread)s * wt / sum(wt) OVER ())::int AS k FROM w),
spread AS (
    SELECT code AS buurt_id, (ST_Dump(ST_GeneratePoints(geometrie, k, 20261122))).geom AS g FROM k WHERE k > 0
    LIMIT %(spread)s
),
centres AS (
    SELECT c.n, ST_Transform(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326), 28992) AS centre
    FROM jsonb_to_recordset(%(clusters)s::jsonb) AS c(lat float8, lon float8, n int)
),
cluster_pts AS (
    SELECT ST_Translate(centre, r * cos(t), r * sin(t)) AS g
    FROM (SELECT centre, %(straal)s * sqrt(random()) AS r, 2 * pi() * random() AS t
          FROM centres, generate_series(1, centres.n)) s
),
clustered AS (
    SELECT b.code AS buurt_id, p.g FROM cluster_pts p
    JOIN meldingen_buurt b ON ST_Contains(b.geometrie, p.g)
),
alle AS (
    SELECT buurt_id, g, row_number() OVER () AS i, random() AS r_status, random() AS r_kanaal,
           random() AS r_type, random() AS r_waarn, random() AS r_rol, random() AS r_tekst,
           now() - random() * interval '365 days' AS observed
    FROM (SELECT * FROM spread UNION ALL SELECT * FROM clustered) x
)
INSERT INTO meldingen_melding (
    meldcode, status, afwijs_reden, kanaal, locatie, buurt_id, locatie_omschrijving, locatie_type_id,
    waarnemingen, observed_at, dagdeel, frequentie, melder_rol_id, omschrijving, ontvangen_op
)
SELECT 'BM' || lpad(i::text, 8, '0'),
       CASE WHEN r_status < 0.70 THEN 'nieuw' WHEN r_status < 0.85 THEN 'in_behandeling'
            WHEN r_status < 0.96 THEN 'afgehandeld' ELSE 'afgewezen' END,
       CASE WHEN r_status >= 0.96 THEN (CASE WHEN r_status < 0.98 THEN 'spam' ELSE 'geen_drugsoverlast' END) ELSE '' END,
       CASE WHEN r_kanaal < 0.85 THEN 'web' WHEN r_kanaal < 0.95 THEN 'sms' ELSE 'telefoon' END,
       g, buurt_id, '',
       (ARRAY['speelplek','school','zorglocatie','buurtcentrum','garagebox','spookwoning','woning','portiek',
              'parkeerplaats','park','straat','horeca_winkel','overig'])[1 + floor(r_type * 13)::int],
       (CASE floor(r_waarn * 8)::int
            WHEN 0 THEN ARRAY['dealen'] WHEN 1 THEN ARRAY['dealen', 'aanloop'] WHEN 2 THEN ARRAY['aanloop']
            WHEN 3 THEN ARRAY['opslag', 'aanloop'] WHEN 4 THEN ARRAY['ronselen', 'dealen']
            WHEN 5 THEN ARRAY['intimidatie', 'geweld'] WHEN 6 THEN ARRAY['gebruik']
            ELSE ARRAY['dealen', 'intimidatie', 'gebruik'] END)::varchar[],
       observed,
       CASE WHEN extract(hour FROM observed AT TIME ZONE 'Europe/Amsterdam') < 6 THEN 'nacht'
            WHEN extract(hour FROM observed AT TIME ZONE 'Europe/Amsterdam') < 12 THEN 'ochtend'
            WHEN extract(hour FROM observed AT TIME ZONE 'Europe/Amsterdam') < 18 THEN 'middag' ELSE 'avond' END,
       (ARRAY['eenmalig','meerdere_keren','dagelijks'])[1 + floor(r_kanaal * 3)::int],
       (ARRAY['bewoner','bewoner','bewoner','school','zorg','ondernemer','jongerenwerk','anders','onbekend'])[1 + floor(r_rol * 9)::int],
       (ARRAY['', '',
              'Elke avond staan er jongens bij de ingang van de portiek, auto''s stoppen kort en rijden weer weg.',
              'Scooters rijden af en aan bij de garageboxen achter het speelveld, vooral na schooltijd.',
              'Er wordt iets overhandigd bij het bankje in het park. Kinderen spelen er vlakbij.',
              'Veel aanloop bij de woning op de begane grond, steeds andere mensen die maar een minuut blijven.'])[1 + floor(r_tekst * 6)::int],
       least(date_trunc('hour', observed + random() * interval '48 hours'), date_trunc('hour', now()))
FROM alle
ORDER BY observed
"""


def prepare_database(args, env: dict) -> None:
    database_prepare(args.database_url, env)
    fill(args)


def fill(args) -> None:
    import psycopg

    n = args.meldingen
    n_cluster = sum(c[3] for c in CLUSTERS)
    clusters = [{"lat": lat, "lon": lon, "n": k} for _name, lat, lon, k in CLUSTERS]
    marker = f"map-bench n={n} clusters={n_cluster}"
    with psycopg.connect(pg_conninfo(args.database_url), autocommit=True) as conn:
        have = conn.execute("select count(*) from meldingen_melding").fetchone()[0]
        comment = conn.execute("select obj_description('meldingen_melding'::regclass, 'pg_class')").fetchone()[0]
        if have == n and comment == marker and not args.reload:
            log(f"{have} meldingen from an earlier run reused (--reload to fill again)")
            return
        t = time.monotonic()
        conn.execute("truncate meldingen_melding cascade")
        conn.execute("select setseed(0.2026)")
        # The clusters lose the few points that fall outside every buurt (water); the spread makes up.
        spread = n - n_cluster
        for _ in range(3):
            have = conn.execute("select count(*) from meldingen_melding").fetchone()[0]
            if have >= n:
                break
            conn.execute(
                FILL_SQL,
                {"spread": spread, "clusters": json.dumps(clusters), "straal": CLUSTER_STRAAL_M},
            )
            clusters, spread = [], n - conn.execute("select count(*) from meldingen_melding").fetchone()[0]
            if spread <= 0:
                break
        extra = conn.execute("select count(*) from meldingen_melding").fetchone()[0] - n
        if extra > 0:
            conn.execute(
                "delete from meldingen_melding where id in (select id from meldingen_melding order by id desc limit %s)",
                [extra],
            )
        conn.execute(f"comment on table meldingen_melding is '{marker}'")
        conn.execute("vacuum analyze meldingen_melding")
        final = conn.execute("select count(*) from meldingen_melding").fetchone()[0]
        log(f"filled {final} meldingen in {time.monotonic() - t:.1f}s ({n_cluster} in clusters)")


# -------------------------------------------------------------------------------- server and session


def django_setup(args) -> None:
    harness.django_setup(args.database_url, CACHE_URL=args.cache_url, CACHE_KEY_PREFIX="wwmapbench")


def coordinator_session() -> str:
    """A logged-in coordinator's session key, made the way django.contrib.auth.login makes one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.services import tweefactor_vrijstellen

    user, _ = get_user_model().objects.get_or_create(username="bench-coordinator")
    user.groups.add(Group.objects.get(name="coordinator"))
    # The bench's own database only: without this the second login step (STAFF_2FA_VERPLICHT) answers 403.
    tweefactor_vrijstellen(user=user, reden="bench/map_api.py, own bench database")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def fetch(port: int, path: str, cookie: str) -> tuple[int, bytes, float]:
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    return resp.status, body, (time.perf_counter() - t) * 1000


def wait_ready(proc: Proc, port: int, cookie: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.popen.returncode}); see {proc.log_path}")
        with contextlib.suppress(OSError):
            status, body, _ = fetch(port, "/api/v1/kaart/meldingen?zoom=5", cookie)
            if status == 200:
                return
            if status != 502:
                raise RuntimeError(f"map endpoint answered {status}: {body[:300]!r}")
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {proc.log_path}")


# -------------------------------------------------------------------------------- measuring


@dataclass
class Result:
    name: str
    n: int
    p50: float
    p95: float
    p99: float
    kb: float
    features: int
    aantal: int
    target_ms: float | None
    target_kb: float | None
    cpu_ms: float = 0.0

    @property
    def verdict(self) -> str:
        if self.target_ms is None and self.target_kb is None:
            return "-"
        ok = (self.target_ms is None or self.p95 <= self.target_ms) and (
            self.target_kb is None or self.kb <= self.target_kb
        )
        return "PASS" if ok else "MISS"

    @property
    def target(self) -> str:
        parts = []
        if self.target_ms is not None:
            parts.append(f"p95<={self.target_ms:.0f}ms")
        if self.target_kb is not None:
            parts.append(f"<={self.target_kb:.0f}KB")
        return " ".join(parts) or "-"


def run_all(port: int, cookie: str, scenarios: list[tuple[str, str | list[str], float | None, float | None]], n: int,
            warmup: int) -> list[Result]:  # fmt: skip
    """Round robin over the scenarios, so a burst of load from elsewhere on the box hits all of them
    alike instead of ruining one."""

    def pad(path, i: int) -> str:
        return path if isinstance(path, str) else path[i % len(path)]

    for i in range(warmup):
        for _name, path, _ms, _kb in scenarios:
            fetch(port, pad(path, -1 - i), cookie)
    times: dict[str, list[float]] = {name: [] for name, *_ in scenarios}
    bodies: dict[str, bytes] = {}
    for i in range(n):
        for name, path, _ms, _kb in scenarios:
            status, body, ms = fetch(port, pad(path, i), cookie)
            if status != 200:
                raise RuntimeError(f"{name}: HTTP {status}: {body[:300]!r}")
            times[name].append(ms)
            bodies[name] = body
    results = []
    for name, _path, target_ms, target_kb in scenarios:
        doc = json.loads(bodies[name])
        t = times[name]
        kb = len(bodies[name]) / 1024
        r = Result(name, n, pct(t, 50), pct(t, 95), pct(t, 99), kb, len(doc["features"]), doc.get("aantal", 0),
                   target_ms, target_kb)  # fmt: skip
        results.append(r)
    return results


def server_cpu_ms(args, port: int, cookie: str, gunicorn: Proc, path, n: int) -> float:
    """CPU milliseconds per request spent by the gunicorn workers and their PostgreSQL backends: unlike
    latency, this hardly depends on what else the shared box is doing."""
    import psycopg

    with psycopg.connect(pg_conninfo(args.database_url), autocommit=True) as conn:
        backends = [
            r[0]
            for r in conn.execute(
                "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
            ).fetchall()
        ]
        pids = [gunicorn.pid, *children_of(gunicorn.pid), *backends]
        before = sum(cpu_ticks(p) for p in pids)
        for i in range(n):
            fetch(port, path if isinstance(path, str) else path[(i + 500) % len(path)], cookie)
        after = sum(cpu_ticks(p) for p in pids)
    return (after - before) * 1000 / harness.CLK_TCK / n


def explain(args) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the selector SQL behind the city and the street view."""
    from django.db import connection, transaction
    from django.http import QueryDict

    from kaart import kaartbeeld, selectors
    from kaart.filters import melding_filter_uit_query

    out = []
    real_one = selectors._one

    def explaining(sql, params):
        with transaction.atomic(), connection.cursor() as cur:
            selectors._planner_settings(cur)
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            out.append("\n".join(r[0] for r in cur.fetchall()))
        return real_one(sql, params)

    selectors._one = explaining
    try:
        f = melding_filter_uit_query(QueryDict(""))
        bbox = tuple(float(v) for v in CITY_BBOX.split(","))
        cel = kaartbeeld.cel_m_voor_zoom(12)
        out.append("-- city z12")
        selectors.meldingen_kaart_grid(filter=f, rd_box=kaartbeeld.snap(kaartbeeld.rd_box_van(bbox), cel), cel_m=cel)
        out.append("-- street z17")
        bbox = tuple(float(v) for v in STREET_BBOX.split(","))
        selectors.meldingen_kaart_punten(
            filter=f,
            rd_box=kaartbeeld.rd_box_van(bbox),
            pagina=selectors.Pagina(grootte=500, na=None, volgende_basis="x"),
        )
    finally:
        selectors._one = real_one
    return "\n".join(out)


def report(args, results: list[Result], load0, load1, started: float) -> str:
    import django

    lines = [
        f"map_api bench  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}  ({time.monotonic() - started:.0f}s)",
        f"setup      {args.meldingen} meldingen ({sum(c[3] for c in CLUSTERS)} in {len(CLUSTERS)} dense clusters), "
        f"gunicorn {args.workers} sync workers, Django {django.get_version()}, "
        f"{os.cpu_count()} CPUs, load avg {load0[0]:.2f} before / {load1[0]:.2f} after",
        "method     sequential GETs on fresh loopback connections with a coordinator session cookie; latency from",
        "           send to last byte; KB = uncompressed body; features = in the body; aantal = total matching;",
        f"           srv ms = CPU of gunicorn workers + their PostgreSQL backends per request ({args.cpu_requests} more",
        "           requests per scenario after the timed ones), the figure the load from elsewhere hardly moves",
        "",
        f"{'scenario':<22}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'KB':>8}{'features':>10}{'aantal':>8}{'srv ms':>8}  "
        f"{'target':<20}verdict",
    ]
    for r in results:
        lines.append(
            f"{r.name:<22}{r.n:>5}{r.p50:>9.1f}{r.p95:>9.1f}{r.p99:>9.1f}{r.kb:>8.1f}{r.features:>10}{r.aantal:>8}"
            f"{r.cpu_ms:>8.1f}  "
            f"{r.target:<20}{r.verdict}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    p.add_argument(
        "--cache-url",
        default=os.environ.get("BENCH_CACHE_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")),
        help="Redis for the server's cache (and Celery, unused here)",
    )
    p.add_argument("--meldingen", type=int, default=100_000)
    p.add_argument("--reload", action="store_true", help="fill the meldingen again even when they are there")
    p.add_argument("--requests", type=int, default=200, help="timed requests per scenario (default 200)")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--cpu-requests", type=int, default=40, help="requests per scenario for the CPU figure")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the city and street SQL")
    p.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before timing, wait up to this long for the machine to go quiet (below 15%% of a core for 2 s)",
    )
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    import tempfile

    args = parse_args(argv)
    started = time.monotonic()
    env = server_env(args)
    prepare_database(args, env)
    django_setup(args)
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={coordinator_session()}"
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="map_bench_"))
    proc = start_gunicorn(env, port, args.workers, tmp)
    results: list[Result] = []
    try:
        wait_ready(proc, port, cookie)
        wait_idle(args.wait_idle)
        load0 = os.getloadavg()
        scenarios = []
        for name, query, target_ms, target_kb in SCENARIOS:
            if query is None:
                # the next page of the street view, as the client gets it from `volgende`
                street = f"/api/v1/kaart/meldingen?{next(q for n, q, *_ in SCENARIOS if n == 'street z17')}"
                volgende = json.loads(fetch(port, street, cookie)[1])["volgende"]
                if not volgende:
                    continue
                parts = urlsplit(volgende)
                path = f"{parts.path}?{parts.query}"
            elif isinstance(query, list):
                path = [f"/api/v1/kaart/meldingen?{q}" for q in query]
            else:
                path = f"/api/v1/kaart/meldingen?{query}"
            log(f"{name}: {path if isinstance(path, str) else path[0] + ' …'}")
            scenarios.append((name, path, target_ms, target_kb))
        results = run_all(port, cookie, scenarios, args.requests, args.warmup)
        for r, (_name, path, _ms, _kb) in zip(results, scenarios, strict=True):
            r.cpu_ms = server_cpu_ms(args, port, cookie, proc, path, args.cpu_requests)
        load1 = os.getloadavg()
    finally:
        proc.stop()
    print(report(args, results, load0, load1, started))
    if args.explain:
        print()
        print(explain(args))
    if args.drop:
        from django.db import connections

        connections.close_all()
        import psycopg

        admin = pg_conninfo(args.database_url).rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database "{pg_dbname(args.database_url)}"')
        log(f"dropped {pg_dbname(args.database_url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
