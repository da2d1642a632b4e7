"""The benches' shared harness: their own database, gunicorn on a free port, the open-loop load generator
and the percentile table. The scripts in bench/ import it (``from bench import harness``); the app and
the tests never do.

- Database: ``database_prepare`` creates the bench's own database with PostGIS when it is missing,
  migrates it and loads the city's areas once; ``django_setup`` points this process's Django at it.
- Server: ``server_env`` (DEBUG off, loopback only, development secrets), ``Proc`` (a child in its own
  session, stopped by its own id) and ``start_gunicorn`` (``config/gunicorn.conf.py`` on a free port,
  returned once every worker answers).
- Load: ``open_loop`` sends at Poisson (or evenly spaced) arrivals at a fixed offered rate and counts
  latency from the *scheduled* send time, so a server that falls behind cannot hide it; ``http`` is
  one raw HTTP/1.1 request on a fresh loopback connection.
- Measuring: ``pct`` (nearest rank), ``percentielen_tabel``, CPU accounting per process group,
  ``wait_idle`` and the machine facts every report starts with.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
AMS = ZoneInfo("Europe/Amsterdam")
# The database of the intake and SMS benches (the others have their own: see their DEFAULT_DB_URL).
BENCH_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/weerbarewijken_bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ============================================================================================ database


def pg_conninfo(db_url: str) -> str:
    parts = urlsplit(db_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def pg_dbname(db_url: str) -> str:
    return urlsplit(db_url).path.lstrip("/")


def manage(env: dict, *argv: str) -> None:
    t = time.monotonic()
    # its output is progress, like the rest on stderr: stdout is the report's
    subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env, check=True, stdout=sys.stderr)  # noqa: S603
    log(f"manage.py {' '.join(argv)}: {time.monotonic() - t:.1f}s")


def database_prepare(db_url: str, env: dict | None = None, *, reload_areas: bool = False) -> None:
    """The bench's own database, ready: created with PostGIS if missing, migrated, the areas loaded
    (once; ``reload_areas`` loads them again)."""
    import psycopg

    env = dict(env or os.environ, DATABASE_URL=db_url)
    env.setdefault("DJANGO_LOCAL_RUN", "1")
    name = pg_dbname(db_url)
    if name in ("weerbarewijken", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the database {name!r} for a bench: give the bench its own")
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
    if buurten == 0 or reload_areas:
        manage(env, "load_gebieden")
    else:
        log(f"{buurten} buurten already loaded")


# Stored meldingen for the benches that need a filled table (intake, SMS): code lists as seeded by the
# migrations (the bench database is migrated, so they exist).
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


def willekeurige_punten_sql(n: int, srid: int) -> tuple[str, list]:
    # Population-weighted: most reports come from where people live. Every buurt gets at least a few.
    sql = """
        with w as (select code, geometrie, greatest(coalesce(inwoners, 0), 200)::float8 as wt
                   from meldingen_buurt),
             k as (select code, geometrie, ceil(%s * wt / sum(wt) over ())::int + 1 as k from w),
             p as (select code, (st_dump(st_generatepoints(geometrie, k))).geom as g from k)
        select code, st_x(st_transform(g, %s)), st_y(st_transform(g, %s)) from p order by random() limit %s
    """
    return sql, [n, srid, srid, n]


def meldingen_aantal_zetten(db_url: str, target: int, *, trim: bool = True) -> None:
    """Exactly `target` stored meldingen (with their history) in the bench database: rows left by earlier
    runs are deleted newest first (unless not `trim`), missing ones are bulk-inserted with COPY at
    random points inside the buurten, weighted by population."""
    import psycopg

    rng = random.Random(12345)
    t = time.monotonic()
    with psycopg.connect(pg_conninfo(db_url)) as conn:
        have = conn.execute("select count(*) from meldingen_melding").fetchone()[0]
        if have > target and trim:
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
            # Their outbox events (a run without a worker leaves them open); nothing else refers to them.
            conn.execute(
                "create temp table gone_events on commit drop as select id from outbox_event"
                " where type like 'melding.%%' and object_id in (select id from gone)"
            )
            conn.execute("delete from outbox_handledevent where event_id in (select id from gone_events)")
            conn.execute("delete from outbox_event where id in (select id from gone_events)")
            conn.commit()
            log(f"deleted {surplus} meldingen left by earlier runs")
            have = target
        if have < target:
            missing = target - have
            sql, params = willekeurige_punten_sql(missing, 28992)
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


def django_setup(db_url: str, **env: str) -> None:
    """Django in this process, on the bench's database (and any other settings given)."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_LOCAL_RUN", "1")  # development secrets on this machine (config/settings.py)
    import django

    django.setup()


# ============================================================================================ server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(db_url: str, *, workers: int, **extra: str) -> dict[str, str]:
    """The environment of a bench server: DEBUG off, loopback only, access log off; `extra` on top."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_DEBUG="0",
        DJANGO_LOCAL_RUN="1",  # plain HTTP on loopback with development secrets (config/settings.py)
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="config.settings",
        MAP_TILES_URL="http://127.0.0.1:9/{z}/{x}/{y}.png",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_THREADS="1",
        GUNICORN_ACCESS_LOG="/dev/null",
        GUNICORN_LOG_LEVEL="warning",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


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


def http_get(port: int, path: str, timeout: float = 2.0, headers: dict | None = None) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
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


def start_gunicorn(env: dict, port: int, workers: int, tmp: Path, *, ready_path: str = "/melden/") -> Proc:
    """gunicorn with config/gunicorn.conf.py on 127.0.0.1:port, returned when every worker is up and
    has answered a few requests (Django imported, database and Redis connections open)."""
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    argv = [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
    proc = Proc(argv, env, tmp / "gunicorn.log")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.popen.returncode}); see {proc.log_path}")
        with contextlib.suppress(OSError):
            if http_get(port, ready_path) == 200 and len(children_of(proc.pid)) >= workers:
                break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {proc.log_path}")
    for _ in range(workers * 6):
        http_get(port, ready_path)
    return proc


# ============================================================================================ load

_CL_RE = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)


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


async def http(host: str, port: int, payload: bytes, timeout: float) -> bytes:
    """One raw HTTP/1.1 request (the caller's bytes) on a fresh connection; the raw response."""
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    transport = None
    try:
        async with asyncio.timeout(timeout):
            transport, _ = await loop.create_connection(lambda: _HttpExchange(payload, fut), host, port)
            return await fut
    finally:
        if transport is not None and not transport.is_closing():
            transport.abort()


def http_status(resp: bytes) -> int:
    try:
        return int(resp[9:12])
    except ValueError:
        return -1


def http_body(resp: bytes) -> bytes:
    return resp[resp.find(b"\r\n\r\n") + 4 :]


async def open_loop(
    send: Callable[[int, float], Awaitable[None]],
    *,
    rate: float,
    seconds: float,
    rng: random.Random,
    arrivals: str = "poisson",
    max_inflight: int | None = None,
    dropped: Callable[[float], None] | None = None,
    timeout: float = 10.0,
    start: Callable[[float], None] | None = None,
) -> float:
    """Open loop: calls ``send(i, t_scheduled)`` at Poisson (or evenly spaced) arrivals of `rate` per
    second for `seconds`, whether or not earlier requests have come back. With `max_inflight`, an
    arrival beyond that many unfinished requests is not sent but reported to ``dropped(t_scheduled)``.
    ``start(t0)`` is called with the first scheduled moment before anything is sent. Waits for the
    stragglers (at most `timeout` + 2 s) and returns t0 (``time.monotonic()`` clock)."""
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task] = set()
    t0 = time.monotonic() + 0.2
    if start is not None:
        start(t0)
    t, i, end = t0, 0, t0 + seconds
    while t < end:
        delay = t - time.monotonic()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        if max_inflight is not None and len(tasks) >= max_inflight:
            if dropped is not None:
                dropped(t)
        else:
            task = loop.create_task(send(i, t))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        i += 1
        t += rng.expovariate(rate) if arrivals == "poisson" else 1.0 / rate
    if tasks:
        await asyncio.wait(tasks, timeout=timeout + 2)
    return t0


# ============================================================================================ measuring


def pct(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank (the smallest value with at least p % of them at or below)."""
    if not values:
        return math.nan
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]


def fmt_ms(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:.1f}"


def percentielen_tabel(rijen: dict[str, list[float]], *, kop: str = "", breedte: int = 28) -> list[str]:
    """One line per name: n, p50, p95, p99 and max of its latencies in ms; ``ALL``, if present, last."""
    head = f"{kop:<{breedte}}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    lines = [head, "-" * len(head)]
    for naam in [*(k for k in rijen if k != "ALL"), *(["ALL"] if "ALL" in rijen else [])]:
        vals = sorted(rijen[naam])
        if naam == "ALL":
            lines.append("-" * len(head))
        hoogste = vals[-1] if vals else math.nan
        lines.append(
            f"{naam:<{breedte}}{len(vals):>6}{pct(vals, 50):>9.1f}{pct(vals, 95):>9.1f}{pct(vals, 99):>9.1f}{hoogste:>9.1f}"
        )
    return lines


CLK_TCK = os.sysconf("SC_CLK_TCK")
GROUPS = ("gunicorn", "postgres", "redis", "loadgen", "fake-pdok", "py-spy")


def cpu_ticks(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rfind(")") + 2 :].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    return 0


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


def machine_facts(db_url: str) -> list[str]:
    import importlib.metadata as md

    import psycopg

    with psycopg.connect(pg_conninfo(db_url)) as conn:
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
