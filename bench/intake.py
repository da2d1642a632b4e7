"""Intake throughput benchmark: JSON API and public web form against a real gunicorn.

What it does, in order (progress on stderr, the report on stdout):

1. Prepares its own database (default ``weerbarewijken_bench``; ``BENCH_DATABASE_URL`` or
   ``--database-url`` override): creates it with PostGIS if missing, ``manage.py migrate``,
   ``manage.py load_gebieden`` (skipped when the buurten are already there), and sets the number of
   stored meldingen to exactly ``--meldingen`` (default 10,000): rows left by earlier runs are
   deleted newest first, missing ones are bulk-inserted with COPY at random points inside the
   buurten (``ST_GeneratePoints``, weighted by population), each with its history rows.
2. Starts gunicorn with ``config/gunicorn.conf.py`` on a free loopback port (DEBUG off, access log
   to /dev/null, its own cache key prefix) and waits until every worker answers.
3. Per scenario, runs a separate load-generator process (this file, ``_loadgen``): one asyncio
   loop, raw HTTP/1.1 over a fresh loopback connection per request (gunicorn's sync worker closes
   after each response anyway), payloads pre-built before the clock starts, so the client costs a
   few percent of one core. Open loop by default (Poisson arrivals at a fixed offered rate;
   latency counted from the *scheduled* send time, so a server that falls behind cannot hide it),
   or a closed loop of N clients (``--closed-loop N``) to find the ceiling.
4. Counts rows before and after each scenario and looks up every meldcode the server handed out,
   so each 201/200 is proven to be a stored row.
5. Prints one table with throughput, p50/p95/p99, errors, CPU split per process group, and PASS or
   MISS for the target (>= 150 submissions/s with p95 < 100 ms, no errors). Exits non-zero only
   when something crashes, never for a missed target.

Scenarios (``--scenarios``, comma-separated):

* ``api``        POST /api/v1/meldingen, JSON, expects 201 with a meldcode.
* ``form``       POST /melden/, multipart (the form has no CSRF check and sets no cookie since issue 11;
                 against an older server a pool of CSRF tokens is fetched with GET /melden/ before the
                 clock starts), lat/lon given; expects 200: the thank-you page with the meldcode.
* ``form-get``   like ``form`` but every submission first GETs /melden/ (the full browser flow);
                 latency columns are the POST's, the flow's p95 is in the notes.
* ``form-adres`` like ``form`` but with an address instead of lat/lon, geocoded through the loopback
                 fake PDOK (``tests.fakes.pdok``), started for this; the geocoder cache is off
                 (``--geocoder-cache-seconds``) so every submission reaches the geocoder.

Usage::

    .venv/bin/python bench/intake.py                         # defaults: api+form at 150/s and 250/s
    .venv/bin/python bench/intake.py --workers 2,3,4         # sweep worker counts (gunicorn restarted)
    .venv/bin/python bench/intake.py --rates 150 --duration 30 --scenarios api,form,form-get,form-adres
    .venv/bin/python bench/intake.py --closed-loop 8 --rates ''   # ceiling with 8 concurrent clients
    .venv/bin/python bench/intake.py --py-spy /tmp/prof       # also records a py-spy profile per scenario
    .venv/bin/python bench/intake.py --what-if form-choices-cache # measure a suggested change (bench/whatif_wsgi.py)
    .venv/bin/python bench/intake.py --wait-idle 30 --retry-busy 1  # on a shared box: wait for quiet, re-run noisy

Between scenarios the table is trimmed back to ``--meldingen`` rows, so every scenario starts from the
same 10,000. The box is 2 cores shared with whatever else runs: the report shows the CPU used by
processes outside the benchmark ("other") and the server CPU per submission ("srv ms"), which does
not depend on that noise, and the CPU-bound ceiling derived from it. ``--py-spy`` needs py-spy in
the venv (``pip install py-spy``).

Nothing leaves 127.0.0.1: the geocoder URL always points at a loopback port.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/weerbarewijken_bench"
AMS = ZoneInfo("Europe/Amsterdam")
TARGET_RATE = 150.0
TARGET_P95_MS = 100.0
BUSY_OTHER = 20.0  # % CPU used by processes outside the benchmark above which a result is flagged

# Code lists as seeded by meldingen/migrations/0002 (the bench DB is migrated, so they exist).
LOCATIE_TYPES = ["speelplek", "school", "zorglocatie", "buurtcentrum", "garagebox", "spookwoning", "woning",
                 "portiek", "parkeerplaats", "park", "straat", "horeca_winkel", "overig"]  # fmt: skip
WAARNEMINGEN = ["dealen", "aanloop", "opslag", "ronselen", "intimidatie", "geweld", "gebruik", "overig"]
MELDER_ROLLEN = ["bewoner", "school", "zorg", "ondernemer", "jongerenwerk", "anders"]
DAGDELEN = {"nacht": 3, "ochtend": 9, "middag": 15, "avond": 21}
FREQUENTIES = ["eenmalig", "meerdere_keren", "dagelijks"]
OMSCHRIJVINGEN = [
    "",
    "",
    "Elke avond staan er jongens bij de ingang van de portiek, auto's stoppen kort en rijden weer weg.",
    "Scooters rijden af en aan bij de garageboxen achter het speelveld, vooral na schooltijd.",
    "Er wordt iets overhandigd bij het bankje in het park. Kinderen spelen er vlakbij.",
    "Veel aanloop bij de woning op de begane grond, steeds andere mensen die maar een minuut blijven.",
    "Jongeren worden aangesproken door een man in een grijze auto. Ik voel me niet meer veilig op straat.",
    "Lachgasflessen en zakjes op het speelplein, 's ochtends liggen er ook naalden.",
]
# Addresses the fake PDOK resolves to exactly one place in Amsterdam (see tests/fakes/pdok.py).
ADRESSEN = [
    "Bijlmerplein 1",
    "Kerkstraat 100",
    "Damrak 1",
    "Osdorpplein 1",
    "Plein '40-'45 1",
    "Amstel 1",
    "Damstraat 1",
]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ============================================================================================
# Load generator (runs in its own process: `intake.py _loadgen CONFIG.json`)
# ============================================================================================

_CL_RE = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)
_THANKS_RE = re.compile(rb'id="meldcode">([A-Za-z0-9]+)<')
_MELDCODE_RE = re.compile(rb'"meldcode"\s*:\s*"([A-Za-z0-9]+)"')
_COOKIE_RE = re.compile(rb"\r\nset-cookie:\s*csrftoken=([^;\r\n]+)", re.I)
_FORMTOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUMMARY_RE = re.compile(rb'<li><a href="#veld-[^"]*">([^<]*)</a></li>')


class _HttpExchange(asyncio.Protocol):
    """One request on one fresh connection; resolves its future with the raw response bytes."""

    __slots__ = ("buf", "clen", "fut", "hlen", "payload", "transport")

    def __init__(self, payload: bytes, fut: asyncio.Future) -> None:
        self.payload = payload
        self.fut = fut
        self.buf = bytearray()
        self.hlen = -1
        self.clen = -1
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.payload)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if self.hlen < 0:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            self.hlen = end + 4
            m = _CL_RE.search(self.buf, 0, end + 2)
            self.clen = int(m.group(1)) if m else -1
        if self.clen >= 0 and len(self.buf) >= self.hlen + self.clen:
            if not self.fut.done():
                self.fut.set_result(bytes(self.buf))
            self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.fut.done():
            if self.buf and self.hlen >= 0:
                self.fut.set_result(bytes(self.buf))
            else:
                self.fut.set_exception(exc or ConnectionResetError("closed before a response"))


async def _http(loop, host: str, port: int, payload: bytes, timeout: float) -> bytes:
    fut = loop.create_future()
    transport = None
    try:
        async with asyncio.timeout(timeout):
            transport, _ = await loop.create_connection(lambda: _HttpExchange(payload, fut), host, port)
            return await fut
    finally:
        if transport is not None and not transport.is_closing():
            transport.abort()


def _status(resp: bytes) -> int:
    try:
        return int(resp[9:12])
    except ValueError:
        return -1


class _Payloads:
    """Pre-built requests, so that the timed loop only copies bytes."""

    def __init__(self, cfg: dict, rng: random.Random) -> None:
        self.cfg = cfg
        self.rng = rng
        self.host_header = f"{cfg['host']}:{cfg['port']}".encode()
        self.points = json.loads(Path(cfg["points_file"]).read_text())
        self.boundary = f"----benchintake{rng.getrandbits(64):016x}"
        self.today = datetime.now(AMS).date()

    def _common(self) -> dict:
        rng = self.rng
        lat, lon = rng.choice(self.points)
        return {
            "lat": lat,
            "lon": lon,
            "locatie_type": rng.choice(LOCATIE_TYPES),
            "waarnemingen": rng.sample(WAARNEMINGEN, rng.choice([1, 1, 2, 2, 3])),
            "frequentie": rng.choice(FREQUENTIES),
            "melder_rol": rng.choice([*MELDER_ROLLEN, "", ""]),
            "omschrijving": rng.choice(OMSCHRIJVINGEN),
        }

    def api(self) -> bytes:
        d = self._common()
        moment = datetime.now(AMS) - timedelta(minutes=self.rng.randint(30, 60 * 24 * 60))
        body = json.dumps(
            {
                "lat": d["lat"],
                "lon": d["lon"],
                "locatie_type": d["locatie_type"],
                "waarnemingen": d["waarnemingen"],
                "observed_at": moment.isoformat(timespec="seconds"),
                "melder_rol": d["melder_rol"] or "onbekend",
                "frequentie": d["frequentie"],
                "omschrijving": d["omschrijving"],
            }
        ).encode()
        head = (
            b"POST /api/v1/meldingen HTTP/1.1\r\nHost: " + self.host_header + b"\r\n"
            b"Content-Type: application/json\r\nAccept: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
        )
        return head + body

    def form_body(self, with_address: bool) -> bytes:
        """Multipart body with the placeholder @@FORMTOKEN@@ (64 chars, like Django's masked token)."""
        d = self._common()
        datum: date = self.today - timedelta(days=self.rng.randint(1, 60))
        fields: list[tuple[str, str]] = [("csrfmiddlewaretoken", "@" * 64)]
        if with_address:
            fields += [("adres", self.rng.choice(ADRESSEN)), ("lat", ""), ("lon", "")]
        else:
            fields += [("adres", ""), ("lat", f"{d['lat']:.6f}"), ("lon", f"{d['lon']:.6f}")]
        fields += [("locatie_type", d["locatie_type"])]
        fields += [("waarnemingen", w) for w in d["waarnemingen"]]
        fields += [
            ("datum", datum.isoformat()),
            ("dagdeel", self.rng.choice(list(DAGDELEN))),
            ("frequentie", d["frequentie"]),
        ]
        if d["melder_rol"]:
            fields.append(("melder_rol", d["melder_rol"]))
        fields += [("omschrijving", d["omschrijving"]), ("actie", "versturen")]
        parts = []
        for name, value in fields:
            parts.append(
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        # An empty file input, as a browser sends it when no photo is chosen.
        parts.append(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="fotos"; filename=""\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n\r\n".encode()
        )
        parts.append(f"--{self.boundary}--\r\n".encode())
        return b"".join(parts)

    def form(self, body: bytes, cookie: bytes, formtoken: bytes) -> bytes:
        body = body.replace(b"@" * 64, formtoken)
        cookie_header = b"Cookie: csrftoken=" + cookie + b"\r\n" if cookie else b""
        return (
            b"POST /melden/ HTTP/1.1\r\nHost: " + self.host_header + b"\r\n"
            b"Content-Type: multipart/form-data; boundary=" + self.boundary.encode() + b"\r\n"
            b"Content-Length: "
            + str(len(body)).encode()
            + b"\r\n"
            + cookie_header
            + b"Accept: text/html\r\nConnection: close\r\n\r\n"
            + body
        )

    def get_form(self) -> bytes:
        return (
            b"GET /melden/ HTTP/1.1\r\nHost: "
            + self.host_header
            + b"\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
        )


def _tokens_from(resp: bytes) -> tuple[bytes, bytes]:
    """The CSRF cookie and form token of GET /melden/, or empty ones: since issue 11 the residents' form
    has no CSRF check and sets no cookie; an older server still sends both and needs them back."""
    if _status(resp) != 200:
        raise RuntimeError(f"GET /melden/ answered {_status(resp)}")
    cookie = _COOKIE_RE.search(resp)
    formtoken = _FORMTOKEN_RE.search(resp)
    if not cookie or not formtoken:
        return b"", b"@" * 64
    return cookie.group(1), formtoken.group(1)


async def _loadgen(cfg: dict) -> dict:
    loop = asyncio.get_running_loop()
    rng = random.Random(cfg["seed"])
    host, port, timeout = cfg["host"], cfg["port"], cfg["timeout"]
    kind, rate, clients = cfg["kind"], cfg["rate"], cfg["clients"]
    total_s = cfg["warmup"] + cfg["duration"]
    payloads = _Payloads(cfg, rng)

    tokens: list[tuple[bytes, bytes]] = []
    if kind in ("form", "form-adres"):
        for _ in range(16):
            tokens.append(_tokens_from(await _http(loop, host, port, payloads.get_form(), timeout)))

    n_pre = int((rate or 400) * total_s * 1.3) + 100 if not clients else int(2000 * total_s)
    if kind == "api":
        pre = [payloads.api() for _ in range(min(n_pre, 20000))]
    else:
        pre = [payloads.form_body(kind == "form-adres") for _ in range(min(n_pre, 20000))]

    gc.collect()
    gc.freeze()  # the pre-built payloads live all run long; keep the cyclic collector off them
    records: list[tuple] = []  # (t_sched, t_start, t_post_start, t_end, status, code, error)
    inflight = 0

    async def one(i: int, t_sched: float) -> None:
        nonlocal inflight
        inflight += 1
        t_start = time.monotonic()
        t_post = t_start
        status, code, err = -1, None, ""
        try:
            if kind == "api":
                resp = await _http(loop, host, port, pre[i % len(pre)], timeout)
                status = _status(resp)
                if status == 201:
                    m = _MELDCODE_RE.search(resp)
                    code = m.group(1).decode() if m else None
            else:
                if kind == "form-get":
                    cookie, formtoken = _tokens_from(await _http(loop, host, port, payloads.get_form(), timeout))
                    t_post = time.monotonic()
                else:
                    cookie, formtoken = tokens[i % len(tokens)]
                resp = await _http(loop, host, port, payloads.form(pre[i % len(pre)], cookie, formtoken), timeout)
                status = _status(resp)
                if status == 200:
                    m = _THANKS_RE.search(resp)
                    code = m.group(1).decode() if m else None
            if code is None and status not in (201, 200):
                body = resp[resp.find(b"\r\n\r\n") + 4 :]
                summary = _SUMMARY_RE.findall(body)
                err = (b" | ".join(summary) if summary else body[:300]).decode("utf-8", "replace")
        except TimeoutError:
            err = "timeout"
        except (OSError, RuntimeError) as exc:
            err = f"{type(exc).__name__}: {exc}"
        finally:
            inflight -= 1
        records.append((t_sched, t_start, t_post, time.monotonic(), status, code, err))

    tasks: set[asyncio.Task] = set()
    t0 = time.monotonic() + 0.2
    print(f"START {t0:.6f}", flush=True)
    if clients:
        stop_at = t0 + total_s
        counter = iter(range(10**9))

        async def client() -> None:
            while time.monotonic() < stop_at:
                i = next(counter)
                await one(i, time.monotonic())

        await asyncio.sleep(max(0.0, t0 - time.monotonic()))
        await asyncio.gather(*(client() for _ in range(clients)))
    else:
        t, i = t0, 0
        end = t0 + total_s
        while t < end:
            delay = t - time.monotonic()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            if inflight >= cfg["max_inflight"]:
                records.append((t, t, t, t, -2, None, "dropped: too many requests in flight"))
            else:
                task = loop.create_task(one(i, t))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            i += 1
            t += rng.expovariate(rate) if cfg["arrivals"] == "poisson" else 1.0 / rate
        if tasks:
            await asyncio.wait(tasks, timeout=timeout + 2)
    return {"t0": t0, "records": records}


def loadgen_main(config_path: str) -> None:
    cfg = json.loads(Path(config_path).read_text())
    result = asyncio.run(_loadgen(cfg))
    Path(cfg["result_file"]).write_text(json.dumps(result))
    print("DONE", flush=True)


# ============================================================================================
# Orchestrator
# ============================================================================================


def pg_conninfo(db_url: str) -> str:
    parts = urlsplit(db_url)
    scheme = "postgresql"
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def pg_dbname(db_url: str) -> str:
    return urlsplit(db_url).path.lstrip("/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(args, db_url: str, pdok_url: str, workers: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_DEBUG="0",
        DJANGO_LOCAL_RUN="1",  # plain HTTP on loopback with development secrets (config/settings.py)
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="config.settings",
        CACHE_KEY_PREFIX="wwbench",
        PDOK_LOCATIESERVER_URL=pdok_url,
        GEOCODER_CACHE_SECONDS=str(args.geocoder_cache_seconds),
        MAP_TILES_URL="http://127.0.0.1:9/{z}/{x}/{y}.png",
        GUNICORN_WORKERS=str(workers),
        BENCH_WHATIF=args.what_if,
        GUNICORN_THREADS=str(args.threads),
        GUNICORN_ACCESS_LOG="/dev/null",
        GUNICORN_LOG_LEVEL="warning",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env: dict, *argv: str) -> None:
    t = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env, check=True)  # noqa: S603
    log(f"manage.py {' '.join(argv)}: {time.monotonic() - t:.1f}s")


def prepare_database(args, env: dict) -> None:
    import psycopg

    db_url = args.database_url
    name = pg_dbname(db_url)
    admin = pg_conninfo(db_url).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'create database "{name}"')
    with psycopg.connect(pg_conninfo(db_url), autocommit=True) as conn:
        conn.execute("create extension if not exists postgis")
    manage(env, "migrate", "--noinput", "-v", "0")
    with psycopg.connect(pg_conninfo(db_url)) as conn:
        buurten = conn.execute("select count(*) from meldingen_buurt").fetchone()[0]
    if buurten == 0 or args.reload_areas:
        manage(env, "load_gebieden")
    else:
        log(f"{buurten} buurten already loaded (--reload-areas to load again)")
    set_melding_count(args)


def _random_points_sql(n: int, srid: int) -> tuple[str, list]:
    # Population-weighted: most reports come from where people live. Every buurt gets at least a few.
    sql = """
        with w as (select code, geometrie, greatest(coalesce(inwoners, 0), 200)::float8 as wt
                   from meldingen_buurt),
             k as (select code, geometrie, ceil(%s * wt / sum(wt) over ())::int + 1 as k from w),
             p as (select code, (st_dump(st_generatepoints(geometrie, k))).geom as g from k)
        select code, st_x(st_transform(g, %s)), st_y(st_transform(g, %s)) from p order by random() limit %s
    """
    return sql, [n, srid, srid, n]


def set_melding_count(args) -> None:
    import psycopg

    target = args.meldingen
    rng = random.Random(12345)
    t = time.monotonic()
    with psycopg.connect(pg_conninfo(args.database_url)) as conn:
        have = conn.execute("select count(*) from meldingen_melding").fetchone()[0]
        if have > target and not args.no_reset:
            surplus = have - target
            conn.execute(
                "create temp table gone on commit drop as select id from meldingen_melding order by id desc limit %s",
                [surplus],
            )
            # History is append-only (a trigger refuses DELETE): the bench's own database is trimmed with
            # triggers off for this transaction (the local role is a superuser).
            conn.execute("set local session_replication_role = replica")
            conn.execute("delete from meldingen_meldingevent where melding_id in (select id from gone)")
            conn.execute("delete from meldingen_meldingfoto where melding_id in (select id from gone)")
            conn.execute("delete from meldingen_melding where id in (select id from gone)")
            conn.commit()
            log(f"deleted {surplus} meldingen left by earlier runs")
            have = target
        if have < target:
            missing = target - have
            sql, params = _random_points_sql(missing, 28992)
            points = conn.execute(sql, params).fetchall()
            existing = {r[0] for r in conn.execute("select meldcode from meldingen_melding")}
            alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
            now = datetime.now(UTC)
            rows, events = [], []
            for buurt, x, y in points:
                code = "".join(rng.choice(alphabet) for _ in range(10))
                while code in existing:
                    code = "".join(rng.choice(alphabet) for _ in range(10))
                existing.add(code)
                ontvangen = (now - timedelta(seconds=rng.randint(0, 365 * 86400))).replace(
                    minute=0, second=0, microsecond=0
                )
                observed = ontvangen - timedelta(minutes=rng.randint(0, 72 * 60))
                hour = observed.astimezone(AMS).hour
                dagdeel = "nacht" if hour < 6 else "ochtend" if hour < 12 else "middag" if hour < 18 else "avond"
                r = rng.random()
                status, reden = (
                    ("nieuw", "")
                    if r < 0.70
                    else ("in_behandeling", "")
                    if r < 0.85
                    else ("afgehandeld", "")
                    if r < 0.96
                    else ("afgewezen", rng.choice(["spam", "geen_drugsoverlast"]))
                )
                rows.append(
                    (
                        code, status, reden, rng.choices(["web", "sms", "telefoon"], [85, 10, 5])[0],
                        f"SRID=28992;POINT({x:.3f} {y:.3f})", "",
                        "{" + ",".join(rng.sample(WAARNEMINGEN, rng.choice([1, 1, 2, 3]))) + "}",
                        observed, dagdeel, rng.choice(FREQUENTIES), rng.choice(OMSCHRIJVINGEN), ontvangen,
                        buurt, rng.choice(LOCATIE_TYPES), rng.choice([*MELDER_ROLLEN, "onbekend"]),
                    )
                )  # fmt: skip
                events.append((code, status, ontvangen))
            cols = (
                "meldcode, status, afwijs_reden, kanaal, locatie, locatie_omschrijving, waarnemingen, observed_at, "
                "dagdeel, frequentie, omschrijving, ontvangen_op, buurt_id, locatie_type_id, melder_rol_id"
            )
            with conn.cursor() as cur:
                with cur.copy(f"copy meldingen_melding ({cols}) from stdin") as copy:
                    for row in rows:
                        copy.write_row(row)
                ids = dict(
                    cur.execute(
                        "select meldcode, id from meldingen_melding where meldcode = any(%s)", [[r[0] for r in rows]]
                    ).fetchall()
                )
                with cur.copy(
                    "copy meldingen_meldingevent (melding_id, van, naar, reden, toelichting, created_at) from stdin"
                ) as copy:
                    for code, status, ontvangen in events:
                        mid = ids[code]
                        copy.write_row((mid, "", "nieuw", "", "", ontvangen))
                        if status != "nieuw":
                            later = ontvangen + timedelta(hours=rng.randint(1, 200))
                            copy.write_row((mid, "nieuw", status if status != "afgehandeld" else "in_behandeling",
                                            "spam" if status == "afgewezen" else "", "", later))  # fmt: skip
                            if status == "afgehandeld":
                                copy.write_row(
                                    (mid, "in_behandeling", "afgehandeld", "", "", later + timedelta(days=2))
                                )
            conn.commit()
            log(f"inserted {missing} meldingen with COPY in {time.monotonic() - t:.1f}s")
        conn.commit()
        conn.autocommit = True
        conn.execute("analyze meldingen_melding")
        conn.execute("analyze meldingen_meldingevent")
        final = conn.execute("select count(*) from meldingen_melding").fetchone()[0]
    log(f"{final} meldingen stored")


def write_points(args, path: Path, n: int = 4000) -> None:
    import psycopg

    sql, params = _random_points_sql(n, 4326)
    with psycopg.connect(pg_conninfo(args.database_url)) as conn:
        pts = [(round(y, 7), round(x, 7)) for _, x, y in conn.execute(sql, params).fetchall()]
    path.write_text(json.dumps(pts))


# -------------------------------------------------------------------------------- processes


class Proc:
    """A child process in its own session, stopped by its own id (SIGTERM, then SIGKILL)."""

    def __init__(self, argv: list[str], env: dict, log_path: Path, **kw) -> None:
        self.log_path = log_path
        self.log_file = open(log_path, "ab")  # noqa: SIM115
        self.popen = subprocess.Popen(  # noqa: S603
            argv, cwd=ROOT, env=env, stdout=kw.pop("stdout", self.log_file), stderr=self.log_file,
            start_new_session=True, **kw,
        )  # fmt: skip
        self.pid = self.popen.pid

    def stop(self, grace: float = 8.0) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)  # its own session: only its children
                self.popen.wait(5)
        self.log_file.close()


def http_get(port: int, path: str, timeout: float = 2.0) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def children_of(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
                    out.append(int(entry))
    return out


def start_gunicorn(env: dict, port: int, workers: int, tmp: Path) -> Proc:
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    app = "bench.whatif_wsgi:application" if env.get("BENCH_WHATIF") else "config.wsgi:application"
    argv = [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.conf.py", app]
    proc = Proc(argv, env, tmp / "gunicorn.log")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.popen.returncode}); see {proc.log_path}")
        with contextlib.suppress(OSError):
            if http_get(port, "/melden/") == 200 and len(children_of(proc.pid)) >= workers:
                break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {proc.log_path}")
    # Let every worker import Django and open its DB/Redis connections before anything is timed.
    for _ in range(workers * 6):
        http_get(port, "/melden/")
    return proc


# -------------------------------------------------------------------------------- CPU accounting

CLK_TCK = os.sysconf("SC_CLK_TCK")


GROUPS = ("gunicorn", "postgres", "redis", "loadgen", "fake-pdok", "py-spy")


def cpu_snapshot(groups: dict[str, set[int]]) -> dict:
    """CPU seconds per process and its group: gunicorn = master + workers (by parent); postgres = the
    backends of the bench database plus the shared background processes (WAL writer, checkpointer,
    autovacuum...), not other databases' backends; redis by name; anything else only in the total."""
    procs: dict[int, tuple[str, float]] = {}
    gunicorn_roots = groups.get("gunicorn", set())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.find("(") + 1 : stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2 :].split()
        pid, ppid = int(entry), int(fields[1])
        secs = (int(fields[11]) + int(fields[12])) / CLK_TCK
        group = None
        if pid in gunicorn_roots or ppid in gunicorn_roots:
            group = "gunicorn"
        elif comm == "postgres":
            if pid in groups.get("postgres", ()):
                group = "postgres"  # listed by pg_stat_activity: a bench-DB backend or a background worker
            else:
                try:
                    cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
                except OSError:
                    continue
                # "postgres: 15/main: USER DB 127.0.0.1(port) state" for a client backend; no client address
                # for the postmaster and its background processes.
                if b"(" not in cmdline:
                    group = "postgres"
        elif comm.startswith("redis-server"):
            group = "redis"
        else:
            group = next((g for g in ("loadgen", "fake-pdok", "py-spy") if pid in groups.get(g, ())), None)
        if group:
            procs[pid] = (group, secs)
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    return {
        "procs": procs,
        "_busy": (sum(vals[:8]) - vals[3] - vals[4]) / CLK_TCK,
        "_total": sum(vals[:8]) / CLK_TCK,
    }


def bench_backends(db_url: str) -> set[int]:
    """Server processes that work for the benchmark: the bench database's client backends (the gunicorn
    workers' persistent connections) and PostgreSQL's background processes (WAL writer, checkpointer...);
    not other databases' backends, and not this query's own backend."""
    import psycopg

    with psycopg.connect(pg_conninfo(db_url), autocommit=True) as conn:
        rows = conn.execute(
            "select pid from pg_stat_activity where pid <> pg_backend_pid() "
            "and (datname = current_database() or backend_type <> 'client backend')"
        ).fetchall()
    return {r[0] for r in rows}


def cpu_delta(c0: dict, c1: dict) -> dict[str, float]:
    """CPU seconds per group between two snapshots; a process that started meanwhile counts in full,
    one that ended meanwhile is lost (undercounted, never negative)."""
    out = dict.fromkeys(GROUPS, 0.0)
    for pid, (group, secs) in c1["procs"].items():
        before = c0["procs"].get(pid)
        out[group] += secs - before[1] if before and before[1] <= secs else secs
    out["_busy"] = c1["_busy"] - c0["_busy"]
    out["_total"] = c1["_total"] - c0["_total"]
    return out


# -------------------------------------------------------------------------------- scenarios


@dataclass
class Result:
    name: str
    workers: int
    mode: str
    offered: float | None
    clients: int
    window_s: float
    sent: int = 0
    ok: int = 0
    throughput: float = 0.0
    p50: float = math.nan
    p95: float = math.nan
    p99: float = math.nan
    errors: dict[str, int] = field(default_factory=dict)
    verified: str = ""
    cpu: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    def keeps_up(self) -> bool:
        """Open loop: the offered rate is >= the target and (almost) every arrival in the window was
        completed in it (Poisson arrivals make the window's count vary by a few percent, so "ok/s >= 150"
        alone would fail a perfect server half the time). Closed loop: ok/s >= the target."""
        if self.mode == "open":
            return (self.offered or 0) >= TARGET_RATE and self.ok >= 0.98 * self.sent
        return self.throughput >= TARGET_RATE

    def verdict(self) -> str:
        good = self.keeps_up() and self.p95 < TARGET_P95_MS and self.n_errors == 0
        return "PASS" if good else "MISS"


def pct(sorted_vals: list[float], p: float) -> float:
    if not sorted_vals:
        return math.nan
    k = max(0, min(len(sorted_vals) - 1, math.ceil(p / 100 * len(sorted_vals)) - 1))
    return sorted_vals[k]


def wait_idle(max_s: float) -> None:
    """Waits (at most max_s) until the whole machine has been below 15% of one core for 2 s in a row."""
    if max_s <= 0:
        return
    deadline, quiet = time.monotonic() + max_s, 0
    prev = cpu_snapshot({})
    while time.monotonic() < deadline:
        time.sleep(1.0)
        cur = cpu_snapshot({})
        busy = 100 * (cur["_busy"] - prev["_busy"]) / max(1e-9, cur["_total"] - prev["_total"]) * (os.cpu_count() or 1)
        prev = cur
        quiet = quiet + 1 if busy < 15 else 0
        if quiet >= 2:
            return
    log(f"machine still busy after waiting {max_s:g}s; going ahead")


def run_scenario(args, port: int, kind: str, rate: float | None, clients: int, workers: int,
                 tmp: Path, gunicorn: Proc, extra_pids: dict[str, set[int]]) -> Result:  # fmt: skip
    import psycopg

    name = f"{kind}" + (f" @{rate:g}/s" if rate else f" x{clients} closed")
    log(f"scenario {name}, workers={workers}: {args.warmup:g}s warm-up + {args.duration:g}s measured")
    cfg = {
        "host": "127.0.0.1", "port": port, "kind": kind, "rate": rate or 0, "clients": clients,
        "warmup": args.warmup, "duration": args.duration, "timeout": args.timeout, "arrivals": args.arrivals,
        "max_inflight": args.max_inflight, "seed": args.seed, "points_file": str(tmp / "points.json"),
        "result_file": str(tmp / f"result-{kind}-{rate}-{clients}.json"),
    }  # fmt: skip
    cfg_path = tmp / "loadgen.json"
    cfg_path.write_text(json.dumps(cfg))

    conninfo = pg_conninfo(args.database_url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        before = conn.execute("select count(*) from meldingen_melding").fetchone()[0]

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    lg = Proc([sys.executable, str(Path(__file__).resolve()), "_loadgen", str(cfg_path)], env,
              tmp / "loadgen.log", stdout=subprocess.PIPE)  # fmt: skip
    spy = None
    try:
        line = lg.popen.stdout.readline().decode()
        if not line.startswith("START"):
            lg.popen.wait(30)
            raise RuntimeError(f"load generator failed to start; see {tmp / 'loadgen.log'}")
        t0 = float(line.split()[1])
        groups = {"gunicorn": {gunicorn.pid}, "loadgen": {lg.pid}, **extra_pids}
        time.sleep(max(0.0, t0 + args.warmup - time.monotonic()))
        if args.py_spy:
            out = Path(args.py_spy) / f"w{workers}-{kind}-{rate or clients}.{args.py_spy_format}"
            out.parent.mkdir(parents=True, exist_ok=True)
            spy_argv = [shutil.which("py-spy") or str(ROOT / ".venv/bin/py-spy"), "record", "--pid",
                        str(gunicorn.pid), "--subprocesses", "--duration", str(int(args.duration)), "--rate",
                        str(args.py_spy_rate), "--format", args.py_spy_format, "--output", str(out), "--nonblocking"]  # fmt: skip
            spy = Proc(spy_argv, env, tmp / "py-spy.log")
            groups["py-spy"] = {spy.pid}
        groups["postgres"] = bench_backends(args.database_url)
        c0 = cpu_snapshot(groups)
        time.sleep(max(0.0, t0 + args.warmup + args.duration - time.monotonic()))
        c1 = cpu_snapshot(groups)
        rest = lg.popen.stdout.read().decode()
        if lg.popen.wait(args.timeout + 30) != 0 or "DONE" not in rest:
            raise RuntimeError(f"load generator crashed; see {tmp / 'loadgen.log'}")
    finally:
        lg.stop()
        if spy is not None:
            spy.popen.wait(args.duration + 30)
            spy.stop()
    data = json.loads(Path(cfg["result_file"]).read_text())
    records = data["records"]

    w0, w1 = t0 + args.warmup, t0 + args.warmup + args.duration
    res = Result(name, workers, "open" if rate else "closed", rate, clients, args.duration)
    expect = 201 if kind == "api" else 200
    lat, flow, lag = [], [], []
    codes = []
    seen_keys: set[str] = set()
    total_ok = uncertain = 0
    for t_sched, t_start, t_post, t_end, status, code, err in records:
        ok = status == expect and code is not None
        if ok:
            total_ok += 1
            codes.append(code)
        elif status < 0 and not err.startswith("dropped"):
            uncertain += 1  # timed out / connection lost: the server may still have stored it
        if not (w0 <= t_sched < w1):
            continue
        res.sent += 1
        if ok:
            # For form-get the submission latency is the POST's; the flow's is noted.
            lat.append((t_end - (t_post if kind == "form-get" else t_sched)) * 1000)
            flow.append((t_end - t_sched) * 1000)
            lag.append((t_start - t_sched) * 1000)
        else:
            key = err if err in ("timeout",) or err.startswith("dropped") else (
                f"HTTP {status}" if status > 0 else err.split(":")[0])  # fmt: skip
            res.errors[key] = res.errors.get(key, 0) + 1
            if key not in seen_keys and len(seen_keys) < 4:
                seen_keys.add(key)
                res.error_samples.append(f"{key}: {err[:240]!r}")
    done_in_window = sum(1 for r in records if r[4] == expect and r[5] is not None and w0 <= r[3] < w1)
    res.ok = done_in_window
    res.throughput = done_in_window / args.duration
    lat.sort()
    res.p50, res.p95, res.p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
    if kind == "form-get":
        flow.sort()
        res.notes.append(f"GET+POST flow p50/p95 {pct(flow, 50):.1f}/{pct(flow, 95):.1f} ms")
    if lag:
        lag.sort()
        res.notes.append(f"client send lag p99 {pct(lag, 99):.2f} ms")

    time.sleep(0.3)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        after = conn.execute("select count(*) from meldingen_melding").fetchone()[0]
        found = conn.execute("select count(*) from meldingen_melding where meldcode = any(%s)", [codes]).fetchone()[0]
    unique = len(set(codes))
    delta = after - before
    good = found == unique == total_ok and total_ok <= delta <= total_ok + uncertain
    res.verified = (
        f"{'OK' if good else 'MISMATCH'}: {found}/{total_ok} success responses found as rows, rows +{delta}"
        + (f" (incl. {delta - total_ok} from {uncertain} timed-out/aborted requests)" if delta > total_ok else "")
    )

    used = cpu_delta(c0, c1)
    for k in GROUPS:
        res.cpu[k] = 100 * used[k] / args.duration
    res.cpu["all"] = 100 * used["_busy"] / args.duration
    res.cpu["capacity"] = 100 * used["_total"] / args.duration
    ours = sum(res.cpu[k] for k in GROUPS)
    res.cpu["other"] = max(0.0, res.cpu["all"] - ours)
    server = sum(res.cpu[k] for k in ("gunicorn", "postgres", "redis"))  # the fake PDOK is PDOK's CPU, not ours
    res.cpu["server_ms_per_ok"] = 10 * server * args.duration / res.ok if res.ok else math.nan
    if res.cpu["other"] > BUSY_OTHER:
        res.notes.append(
            f"WARNING: processes outside the benchmark used {res.cpu['other']:.0f}% CPU meanwhile (figures pessimistic)"
        )
    return res


# -------------------------------------------------------------------------------- report


def machine_facts(args) -> list[str]:
    import importlib.metadata as md

    import psycopg

    with psycopg.connect(pg_conninfo(args.database_url)) as conn:
        pg = conn.execute("show server_version").fetchone()[0]
        postgis = conn.execute("select postgis_lib_version()").fetchone()[0]
        sync = conn.execute("show synchronous_commit").fetchone()[0]
    try:
        import redis

        rv = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).info("server")["redis_version"]
    except Exception as exc:  # a fact we could not read is reported, not fatal
        rv = f"unknown ({type(exc).__name__})"
    cpu = "?"
    with contextlib.suppress(OSError):
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
             if ln.startswith("model name")), "?")  # fmt: skip
    return [
        f"machine    {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}",
        f"software   Python {platform.python_version()}, Django {md.version('Django')}, "
        f"DRF {md.version('djangorestframework')}, gunicorn {md.version('gunicorn')}, psycopg {md.version('psycopg')}",
        f"services   PostgreSQL {pg} (synchronous_commit={sync}), PostGIS {postgis}, Redis {rv}",
    ]


def fmt_ms(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:.1f}"


def report(args, facts: list[str], results: list[Result], started: float) -> str:
    lines = ["", "Weerbare Wijken intake benchmark", "=" * 32, *facts]
    lines.append(
        f"setup      {args.meldingen} meldingen stored before each scenario run; gunicorn sync workers x threads "
        f"{args.threads}; DEBUG=0; access log off; DATABASE_CONN_MAX_AGE={os.environ.get('DATABASE_CONN_MAX_AGE', '60')}"
    )
    lines.append(
        f"load       {args.arrivals} arrivals (open loop) or N closed-loop clients; {args.warmup:g}s warm-up excluded, "
        f"{args.duration:g}s measured; latency from scheduled send to full response; one connection per request"
    )
    lines.append(f"target     >= {TARGET_RATE:g} submissions/s with p95 < {TARGET_P95_MS:g} ms and no errors")
    ncpu = os.cpu_count() or 1
    lines.append(
        "columns    sent/s = requests whose (Poisson) send time fell in the window; ok/s = successful submissions\n"
        "           completed in the window, per second; target PASS = offered >= 150/s with ok >= 98% of sent (closed\n"
        "           loop: ok/s >= 150), p95 < 100 ms and no errors; srv ms = CPU time of gunicorn +\n"
        "           the bench DB's postgres + redis per successful submission; ceil/s = CPU-bound ceiling from srv ms if\n"
        f"           nothing but the server and the load generator ran ({ncpu} cores); other = CPU of processes outside\n"
        "           the benchmark (other people's jobs on this box): when it is high, ok/s and latency are pessimistic"
    )
    if args.what_if:
        lines.append(
            f"WHAT-IF    served through bench/whatif_wsgi.py with patches: {args.what_if} (not the app as shipped)"
        )
    lines.append("")
    head = (
        f"{'scenario':<22}{'wrk':>4}{'offered/s':>10}{'sent/s':>7}{'ok/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
        f"  {'target':<6}{'srv ms':>7}{'ceil/s':>7}  {'CPU% of ' + str(100 * ncpu) + ': gunicorn  pg redis loadgen other':<41}"
        "  rows"
    )
    lines += [head, "-" * len(head)]
    for r in results:
        c = r.cpu
        ceiling = (ncpu * 1000 - 10 * c["loadgen"]) / c["server_ms_per_ok"] if c["server_ms_per_ok"] > 0 else math.nan
        cpu = (
            f"{c['gunicorn']:17.0f} {c['postgres']:3.0f} {c['redis']:4.0f} {c['loadgen']:7.0f} {c['other']:5.0f}"
            + (f" pdok {c['fake-pdok']:.0f}" if c.get("fake-pdok") else "")
            + (f" py-spy {c['py-spy']:.0f}" if c.get("py-spy") else "")
        )
        lines.append(
            f"{r.name:<22}{r.workers:>4}{(f'{r.offered:g}' if r.offered else '-'):>10}{r.sent / r.window_s:>7.1f}"
            f"{r.throughput:>7.1f}"
            f"{fmt_ms(r.p50):>8}{fmt_ms(r.p95):>8}{fmt_ms(r.p99):>8}{r.n_errors:>7}  {r.verdict():<6}"
            f"{fmt_ms(c['server_ms_per_ok']):>7}{('-' if math.isnan(ceiling) else f'{ceiling:.0f}'):>7}  {cpu:<41}"
            f"  {r.verified.split(':')[0]}"
        )
    lines.append("")
    for r in results:
        detail = [r.verified, *r.notes]
        if r.errors:
            detail.append("errors: " + ", ".join(f"{k} x{v}" for k, v in sorted(r.errors.items())))
        lines.append(f"  {r.name} (w{r.workers}): " + "; ".join(detail))
        for s in r.error_samples:
            lines.append(f"      e.g. {s}")

    # Per scenario kind: the passing run with the highest throughput; if none passed, the run closest to
    # passing (lowest p95 among those offered at least the target rate).
    def rank(r: Result) -> tuple:
        if r.verdict() == "PASS":
            return (2, r.throughput)
        at_target = r.mode == "closed" or (r.offered or 0) >= TARGET_RATE
        return (1 if at_target else 0, -(r.p95 if not math.isnan(r.p95) else math.inf))

    best: dict[str, Result] = {}
    for r in results:
        kind = r.name.split()[0]
        if kind not in best or rank(r) > rank(best[kind]):
            best[kind] = r
    lines.append("")
    for kind, r in best.items():
        lines.append(
            f"verdict    {kind:<11} {r.verdict()}: {r.throughput:.1f}/s at p95 {fmt_ms(r.p95)} ms, {r.n_errors} errors "
            f"({r.name}, {r.workers} workers)"
            + (f"; other processes used {r.cpu['other']:.0f}% CPU meanwhile" if r.cpu["other"] > BUSY_OTHER else "")
        )
    lines.append(f"wall time  {time.monotonic() - started:.0f}s")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    p.add_argument("--meldingen", type=int, default=10_000, help="stored meldingen before each run (default 10000)")
    p.add_argument(
        "--no-reset", action="store_true", help="keep rows from earlier runs instead of trimming to --meldingen"
    )
    p.add_argument("--reload-areas", action="store_true", help="run load_gebieden even when buurten exist")
    p.add_argument("--workers", default="3", help="gunicorn workers; a comma list sweeps (default 3)")
    p.add_argument("--threads", type=int, default=1, help="threads per worker (>1 makes gunicorn use gthread)")
    p.add_argument("--scenarios", default="api,form", help="api, form, form-get, form-adres (default api,form)")
    p.add_argument("--rates", default="150,250", help="offered rates for the open loop, per second (default 150,250)")
    p.add_argument("--closed-loop", type=int, default=0, help="also run a closed loop with N clients per scenario")
    p.add_argument("--arrivals", choices=["poisson", "uniform"], default="poisson")
    p.add_argument("--duration", type=float, default=20.0, help="measured seconds per scenario (default 20)")
    p.add_argument("--warmup", type=float, default=4.0, help="seconds excluded at the start (default 4)")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request timeout in seconds")
    p.add_argument("--max-inflight", type=int, default=256, help="open loop: drop (count as error) beyond this")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--geocoder-cache-seconds", type=int, default=0,
                   help="GEOCODER_CACHE_SECONDS for the server (default 0: form-adres always geocodes)")  # fmt: skip
    p.add_argument("--py-spy", metavar="DIR", help="record a py-spy profile of all workers per scenario into DIR")
    p.add_argument("--py-spy-format", default="speedscope", choices=["speedscope", "flamegraph", "raw"])
    p.add_argument("--py-spy-rate", type=int, default=250)
    p.add_argument("--time-limit", type=float, default=290.0, help="skip remaining scenarios after this many seconds")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument(
        "--what-if",
        default="",
        metavar="PATCHES",
        help="serve bench/whatif_wsgi.py with these in-process patches (transform-cache,\n"
        "codes-local-cache, form-choices-cache) to measure a suggested change; the app code is untouched",
    )
    p.add_argument(
        "--retry-busy",
        type=int,
        default=0,
        metavar="N",
        help="re-run a scenario up to N times when other processes used > 20%% CPU meanwhile; keep the cleanest",
    )
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="S",
        help="before each scenario wait up to S seconds for other processes to go quiet",
    )
    args = p.parse_args(argv)
    args.worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    args.rate_list = [float(r) for r in args.rates.split(",") if r.strip()]
    args.scenario_list = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    bad = set(args.scenario_list) - {"api", "form", "form-get", "form-adres"}
    if bad:
        p.error(f"unknown scenarios: {', '.join(sorted(bad))}")
    return args


def main(argv: list[str]) -> int:
    started = time.monotonic()
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    procs: list[Proc] = []

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        pdok_port = free_port()
        pdok_url = f"http://127.0.0.1:{pdok_port}/bzk/locatieserver/search/v3_1"
        env = server_env(args, args.database_url, pdok_url, args.worker_counts[0])
        prepare_database(args, env)
        write_points(args, tmp / "points.json")
        extra: dict[str, set[int]] = {}
        if "form-adres" in args.scenario_list:
            pdok = Proc([sys.executable, "-m", "tests.fakes.pdok", "--port", str(pdok_port)], env, tmp / "pdok.log")
            procs.append(pdok)
            extra["fake-pdok"] = {pdok.pid}
        facts = machine_facts(args)
        results: list[Result] = []
        plan = [(k, r, 0) for k in args.scenario_list for r in args.rate_list]
        if args.closed_loop:
            plan += [(k, None, args.closed_loop) for k in args.scenario_list]
        for workers in args.worker_counts:
            port = free_port()
            env = server_env(args, args.database_url, pdok_url, workers)
            t = time.monotonic()
            gunicorn = start_gunicorn(env, port, workers, tmp)
            procs.append(gunicorn)
            log(f"gunicorn with {workers} workers up on 127.0.0.1:{port} in {time.monotonic() - t:.1f}s")
            try:
                for kind, rate, clients in plan:
                    kept: Result | None = None
                    for attempt in range(1 + args.retry_busy):
                        needed = args.warmup + args.duration + 5
                        if time.monotonic() - started + needed > args.time_limit:
                            log(f"time limit: skipping {kind} {rate or clients} (raise --time-limit to run it)")
                            break
                        wait_idle(args.wait_idle)
                        res = run_scenario(args, port, kind, rate, clients, workers, tmp, gunicorn, extra)
                        if not args.no_reset:
                            set_melding_count(args)
                        if attempt:
                            res.notes.append(f"attempt {attempt + 1} (earlier attempts had busier neighbours)")
                        if kept is None or res.cpu["other"] < kept.cpu["other"]:
                            kept = res
                        if kept.cpu["other"] <= BUSY_OTHER:
                            break
                        log(f"other processes used {res.cpu['other']:.0f}% CPU during the scenario")
                    if kept is not None:
                        results.append(kept)
            finally:
                gunicorn.stop()
                procs.remove(gunicorn)
        text = report(args, facts, results, started)
        print(text, flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps([r.__dict__ | {"verdict": r.verdict()} for r in results], indent=2))
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception:
        for path in sorted(tmp.glob("*.log")):  # the logs go with the temporary directory: show them first
            tail = path.read_text(errors="replace").splitlines()[-15:]
            if tail:
                log(f"last lines of {path.name}:\n    " + "\n    ".join(tail))
        raise
    finally:
        for proc in reversed(procs):
            proc.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "_loadgen":
        loadgen_main(sys.argv[2])
    else:
        sys.exit(main(sys.argv[1:]))
