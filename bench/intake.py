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
import gc
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402 - after the path fix, so this runs as a plain script
from bench.harness import (  # noqa: E402
    AMS,
    DAGDELEN,
    FREQUENTIES,
    GROUPS,
    LOCATIE_TYPES,
    MELDER_ROLLEN,
    OMSCHRIJVINGEN,
    WAARNEMINGEN,
    Proc,
    bench_backends,
    cpu_delta,
    cpu_snapshot,
    database_prepare,
    fmt_ms,
    free_port,
    http,
    http_status,
    log,
    machine_facts,
    pct,
    pg_conninfo,
    start_gunicorn,
    wait_idle,
)

DEFAULT_DB_URL = harness.BENCH_DB_URL
TARGET_RATE = 150.0
TARGET_P95_MS = 100.0
BUSY_OTHER = 20.0  # % CPU used by processes outside the benchmark above which a result is flagged

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


# ============================================================================================
# Load generator (runs in its own process: `intake.py _loadgen CONFIG.json`)
# ============================================================================================

_THANKS_RE = re.compile(rb'id="meldcode">([A-Za-z0-9]+)<')
_MELDCODE_RE = re.compile(rb'"meldcode"\s*:\s*"([A-Za-z0-9]+)"')
_COOKIE_RE = re.compile(rb"\r\nset-cookie:\s*csrftoken=([^;\r\n]+)", re.I)
_FORMTOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUMMARY_RE = re.compile(rb'<li><a href="#veld-[^"]*">([^<]*)</a></li>')


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
    if http_status(resp) != 200:
        raise RuntimeError(f"GET /melden/ answered {http_status(resp)}")
    cookie = _COOKIE_RE.search(resp)
    formtoken = _FORMTOKEN_RE.search(resp)
    if not cookie or not formtoken:
        return b"", b"@" * 64
    return cookie.group(1), formtoken.group(1)


async def _loadgen(cfg: dict) -> dict:
    rng = random.Random(cfg["seed"])
    host, port, timeout = cfg["host"], cfg["port"], cfg["timeout"]
    kind, rate, clients = cfg["kind"], cfg["rate"], cfg["clients"]
    total_s = cfg["warmup"] + cfg["duration"]
    payloads = _Payloads(cfg, rng)

    tokens: list[tuple[bytes, bytes]] = []
    if kind in ("form", "form-adres"):
        for _ in range(16):
            tokens.append(_tokens_from(await http(host, port, payloads.get_form(), timeout)))

    n_pre = int((rate or 400) * total_s * 1.3) + 100 if not clients else int(2000 * total_s)
    if kind == "api":
        pre = [payloads.api() for _ in range(min(n_pre, 20000))]
    else:
        pre = [payloads.form_body(kind == "form-adres") for _ in range(min(n_pre, 20000))]

    gc.collect()
    gc.freeze()  # the pre-built payloads live all run long; keep the cyclic collector off them
    records: list[tuple] = []  # (t_sched, t_start, t_post_start, t_end, status, code, error)

    async def one(i: int, t_sched: float) -> None:
        t_start = time.monotonic()
        t_post = t_start
        status, code, err = -1, None, ""
        try:
            if kind == "api":
                resp = await http(host, port, pre[i % len(pre)], timeout)
                status = http_status(resp)
                if status == 201:
                    m = _MELDCODE_RE.search(resp)
                    code = m.group(1).decode() if m else None
            else:
                if kind == "form-get":
                    cookie, formtoken = _tokens_from(await http(host, port, payloads.get_form(), timeout))
                    t_post = time.monotonic()
                else:
                    cookie, formtoken = tokens[i % len(tokens)]
                resp = await http(host, port, payloads.form(pre[i % len(pre)], cookie, formtoken), timeout)
                status = http_status(resp)
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
        records.append((t_sched, t_start, t_post, time.monotonic(), status, code, err))

    def started(t0: float) -> None:
        print(f"START {t0:.6f}", flush=True)

    if clients:
        t0 = time.monotonic() + 0.2
        started(t0)
        stop_at = t0 + total_s
        counter = iter(range(10**9))

        async def client() -> None:
            while time.monotonic() < stop_at:
                i = next(counter)
                await one(i, time.monotonic())

        await asyncio.sleep(max(0.0, t0 - time.monotonic()))
        await asyncio.gather(*(client() for _ in range(clients)))
    else:
        t0 = await harness.open_loop(
            one,
            rate=rate,
            seconds=total_s,
            rng=rng,
            arrivals=cfg["arrivals"],
            max_inflight=cfg["max_inflight"],
            dropped=lambda t: records.append((t, t, t, t, -2, None, "dropped: too many requests in flight")),
            timeout=timeout,
            start=started,
        )
    return {"t0": t0, "records": records}


def loadgen_main(config_path: str) -> None:
    cfg = json.loads(Path(config_path).read_text())
    result = asyncio.run(_loadgen(cfg))
    Path(cfg["result_file"]).write_text(json.dumps(result))
    print("DONE", flush=True)


# ============================================================================================
# Orchestrator
# ============================================================================================


def server_env(args, db_url: str, pdok_url: str, workers: int) -> dict[str, str]:
    return harness.server_env(
        db_url,
        workers=workers,
        CACHE_KEY_PREFIX="wwbench",
        PDOK_LOCATIESERVER_URL=pdok_url,
        GEOCODER_CACHE_SECONDS=str(args.geocoder_cache_seconds),
        GUNICORN_THREADS=str(args.threads),
    )


def prepare_database(args, env: dict) -> None:
    database_prepare(args.database_url, env, reload_areas=args.reload_areas)
    set_melding_count(args)


def set_melding_count(args) -> None:
    harness.meldingen_aantal_zetten(args.database_url, args.meldingen, trim=not args.no_reset)


def write_points(args, path: Path, n: int = 4000) -> None:
    import psycopg

    sql, params = harness.willekeurige_punten_sql(n, 4326)
    with psycopg.connect(pg_conninfo(args.database_url)) as conn:
        pts = [(round(y, 7), round(x, 7)) for _, x, y in conn.execute(sql, params).fetchall()]
    path.write_text(json.dumps(pts))


# -------------------------------------------------------------------------------- processes


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
        facts = machine_facts(args.database_url)
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
