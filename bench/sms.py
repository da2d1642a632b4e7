"""SMS webhook latency benchmark: p50/p95 of POST /integrations/twilio/sms at 50 requests/s.

What it does (progress on stderr, the report on stdout):

1. Prepares the bench database like bench/intake.py (``weerbarewijken_bench``, migrated, areas loaded,
   ``--meldingen`` rows) and removes SMS rows left by earlier runs.
2. Starts the fake PDOK (``python -m tests.fakes.pdok --port N``) and gunicorn with
   ``config/gunicorn.conf.py`` on free loopback ports, PDOK_LOCATIESERVER_URL pointing at the fake and a
   geocoder cache of a day; warms that cache with every place the scenarios use.
3. Offers Poisson arrivals at ``--rate`` per second for ``--warmup`` + ``--duration`` seconds. Each
   arrival is the next message of a conversation whose previous answer has arrived, or the first
   message of a new one from a new sender: one-message reports (report, JA, NEE), guided conversations
   (hallo, address, what, kind, how often, JA, JA to updates), ambiguous addresses (choice 1-3) and
   STATUS lookups. Every request is signed with the twilio library (RequestValidator), like Twilio's.
   Latency runs from the scheduled send time to the full response, one connection per request.
4. Checks every reply against what that step must answer (the summary, a meldcode, ...) and every
   meldcode against the database.

Usage::

    .venv/bin/python bench/sms.py                      # 50/s, 20 s measured, 3 workers
    .venv/bin/python bench/sms.py --rate 100 --workers 2

Exits non-zero only on a crash, never for a missed target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402 - after the path fix, so this runs as a plain script
from bench.harness import (  # noqa: E402
    BENCH_DB_URL,
    Proc,
    database_prepare,
    free_port,
    log,
    machine_facts,
    meldingen_aantal_zetten,
    pct,
    percentielen_tabel,
    pg_conninfo,
    server_env,
    start_gunicorn,
)

TARGET_P95_MS = 150.0
TOKEN = "bench-twilio-token"  # noqa: S105 - signs the bench requests only
PAD = "/integrations/twilio/sms"
PLEKKEN = ["het Bijlmerplein", "het Osdorpplein", "het Plein '40-'45", "de Dam", "Bijlmerplein 1"]
ADRESSEN = ["Kerkstraat 100", "Bijlmerplein 10", "Dam 1", "Osdorpplein 1", "Damrak 1"]


@dataclass
class Stap:
    soort: str  # the kind of message, a row in the report
    body: str
    verwacht: str  # a substring the reply must contain


@dataclass
class Gesprek:
    nummer: str
    stappen: list[Stap]
    volgende: int = 0
    raw: list[bytes] = field(default_factory=list)


def scripts(rng: random.Random, meldcodes: list[str]) -> list[Stap]:
    """One conversation, drawn from the mix."""
    r = rng.random()
    if r < 0.45:
        plek = rng.choice(PLEKKEN)
        tekst = rng.choice(
            [
                f"Elke avond dealen bij de speeltuin op {plek}",
                f"Vaak scooters af en aan bij de garageboxen op {plek}",
                f"Every night dealing at the playground on {plek.removeprefix('het ').removeprefix('de ')}",
            ]
        )
        ja = "YES" if tekst.startswith("Every") else "JA"
        return [
            Stap("1-bericht: melding", tekst, "?"),
            Stap("1-bericht: JA (melding)", ja, "STATUS"),
            Stap("1-bericht: NEE (updates)", "NEE" if ja == "JA" else "NO", "!"),
        ]
    if r < 0.75:
        return [
            Stap("begeleid: hallo", "Hallo", "Wat zag u en waar?"),
            Stap("begeleid: adres", rng.choice(ADRESSEN), "Wat zag u?"),
            Stap("begeleid: wat", rng.choice(["1", "1 5", "2 3"]), "Wat voor plek"),
            Stap("begeleid: soort", str(rng.randint(1, 13)), "Hoe vaak"),
            Stap("begeleid: hoe vaak", str(rng.randint(1, 3)), "Klopt dit?"),
            Stap("begeleid: JA (melding)", "JA", "Meldcode:"),
            Stap("begeleid: JA (updates)", "JA", "u krijgt een sms"),
        ]
    if r < 0.9:
        return [
            Stap("keuze: Kerkstraat", "Dealen in de Kerkstraat", "Welke bedoelt u?"),
            Stap("keuze: nummer", rng.choice(["1", "2", "3"]), "Wat voor plek"),
            Stap("keuze: soort", "11", "Hoe vaak"),
            Stap("keuze: hoe vaak", "3", "Klopt dit?"),
            Stap("keuze: JA (melding)", "JA", "Meldcode:"),
            Stap("keuze: NEE (updates)", "NEE", "bewaren uw nummer niet"),
        ]
    return [Stap("STATUS", f"STATUS {rng.choice(meldcodes)}", "Melding ")]


def signed_request(port: int, nummer: str, body: str, sid: str) -> bytes:
    from twilio.request_validator import RequestValidator

    params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0" * 32, "From": nummer,
              "To": "+3197010203040", "Body": body, "NumMedia": "0"}  # fmt: skip
    url = f"http://127.0.0.1:{port}{PAD}"
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    payload = urlencode(params).encode()
    head = (
        f"POST {PAD} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Twilio-Signature: {signature}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(payload)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + payload


async def roundtrip(port: int, raw: bytes, timeout: float) -> tuple[int, str]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")


async def run_load(args, port: int, meldcodes: list[str]) -> dict:
    """Open loop: Poisson arrivals; each is the next step of a conversation that is ready, or a new one."""
    import html

    rng = random.Random(args.seed)
    total = args.warmup + args.duration
    n_max = int(args.rate * total * 1.3) + 50
    # Conversations built (and signed) before the clock starts; more than can possibly be used.
    pool: list[Gesprek] = []
    for i in range(n_max):
        g = Gesprek(nummer=f"+3161{i:07d}", stappen=scripts(rng, meldcodes))
        g.raw = [signed_request(port, g.nummer, s.body, f"SM{i:08d}{j:02d}{args.seed:022d}")
                 for j, s in enumerate(g.stappen)]  # fmt: skip
        pool.append(g)
    nieuw = iter(pool)
    klaar: list[Gesprek] = []
    records: list[tuple[float, float, str, str]] = []  # scheduled, end, kind, error ('' = ok)
    codes: list[str] = []

    async def one(g: Gesprek, t_sched: float) -> None:
        stap = g.stappen[g.volgende]
        err = ""
        try:
            status, body = await roundtrip(port, g.raw[g.volgende], args.timeout)
            reply = html.unescape(body)
            if status != 200:
                err = f"HTTP {status}"
            elif stap.verwacht not in reply:
                err = f"unexpected reply: {reply[-160:]!r}"
            elif "Meldcode:" in reply or "Code:" in reply:
                codes.append(reply.split("ode: ", 1)[1][:10])
        except (OSError, TimeoutError, IndexError, ValueError) as exc:
            err = f"{type(exc).__name__}: {exc}"
        records.append((t_sched, time.monotonic(), stap.soort, err))
        g.volgende += 1
        if not err and g.volgende < len(g.stappen):
            klaar.append(g)

    def volgende(i: int, t_sched: float):
        # Continue a waiting conversation most of the time; start a new sender otherwise.
        g = klaar.pop(0) if klaar and rng.random() < 0.7 else next(nieuw)
        return one(g, t_sched)

    t0 = await harness.open_loop(volgende, rate=args.rate, seconds=total, rng=rng, timeout=args.timeout)
    return {"t0": t0, "records": records, "codes": codes}


def warm_cache(port: int) -> None:
    """One message per place the scenarios geocode, so the measured run hits a warm geocoder cache."""
    import http.client

    for i, plek in enumerate([*PLEKKEN, *ADRESSEN, "Kerkstraat", "Dam", "Bijlmerplein", "Osdorpplein"]):
        raw = signed_request(port, f"+3162{i:07d}", f"Dealen op {plek}", f"SMwarm{i:04d}{os.getpid():024d}")
        head, _, body = raw.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", PAD, body=body, headers=headers)
        status = conn.getresponse().status
        conn.close()
        if status != 200:
            raise RuntimeError(f"warm-up request answered {status}")


def sms_rows_delete(args) -> None:
    import psycopg

    with psycopg.connect(pg_conninfo(args.database_url), autocommit=True) as conn:
        exists = conn.execute("select to_regclass('integrations_smsabonnement')").fetchone()[0]
        if exists:
            conn.execute("delete from integrations_uitgaandsms")
            conn.execute("delete from integrations_smsabonnement")
            conn.execute("delete from integrations_smsgesprek")
            conn.execute("delete from integrations_smsbericht")


def report(args, facts: list[str], data: dict, workers: int, found: int, started: float) -> str:
    w0, w1 = data["t0"] + args.warmup, data["t0"] + args.warmup + args.duration
    window = [r for r in data["records"] if w0 <= r[0] < w1]
    per_kind: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    samples: list[str] = []
    for t_sched, t_end, kind, err in window:
        if err:
            key = err.split(":")[0]
            errors[key] = errors.get(key, 0) + 1
            if len(samples) < 4:
                samples.append(f"{kind}: {err[:200]}")
            continue
        ms = (t_end - t_sched) * 1000
        per_kind.setdefault(kind, []).append(ms)
        per_kind.setdefault("ALL", []).append(ms)
    lines = ["", "Weerbare Wijken SMS webhook benchmark", "=" * 37, *facts]
    lines.append(
        f"setup      gunicorn {workers} sync workers (config/gunicorn.conf.py), DEBUG=0, geocoder cache warm (fake "
        f"PDOK on loopback), {args.meldingen} meldingen stored"
    )
    lines.append(
        f"load       Poisson arrivals at {args.rate:g}/s, {args.warmup:g}s warm-up excluded, {args.duration:g}s "
        "measured; signed requests; latency from scheduled send to full response; one connection per request"
    )
    lines.append(f"target     p95 < {TARGET_P95_MS:g} ms at {args.rate:g} requests/s, no errors")
    lines.append("")
    order = sorted((k for k in per_kind if k != "ALL"), key=lambda k: (k.split(":")[0], k))
    lines += percentielen_tabel({k: per_kind[k] for k in [*order, "ALL"] if k in per_kind}, kop="message kind")
    n_err = sum(errors.values())
    all_vals = sorted(per_kind.get("ALL", []))
    p95 = pct(all_vals, 95) if all_vals else float("nan")
    lines.append("")
    lines.append(f"requests   {len(window)} in the window ({len(window) / args.duration:.1f}/s), {n_err} errors"
                 + (": " + ", ".join(f"{k} x{v}" for k, v in sorted(errors.items())) if errors else ""))  # fmt: skip
    for s in samples:
        lines.append(f"   e.g.    {s}")
    codes = data["codes"]
    lines.append(f"meldingen  {len(codes)} meldcodes handed out in the whole run, {found} found as rows (kanaal=sms)")
    verdict = "PASS" if p95 < TARGET_P95_MS and n_err == 0 and found == len(codes) else "MISS"
    lines.append(f"verdict    {verdict}: p95 {p95:.1f} ms (target < {TARGET_P95_MS:g} ms), {n_err} errors")
    lines.append(f"wall time  {time.monotonic() - started:.0f}s")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", BENCH_DB_URL))
    p.add_argument("--meldingen", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--rate", type=float, default=50.0)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    return args


def main(argv: list[str]) -> int:
    started = time.monotonic()
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sms-"))
    procs: list[Proc] = []

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        pdok_port = free_port()
        pdok_url = f"http://127.0.0.1:{pdok_port}/bzk/locatieserver/search/v3_1"
        env = server_env(
            args.database_url,
            workers=args.workers,
            TWILIO_AUTH_TOKEN=TOKEN,
            CACHE_KEY_PREFIX=f"wwbench-sms-{os.getpid()}",  # a cold cache and fresh rate-limit counters
            PDOK_LOCATIESERVER_URL=pdok_url,
            GEOCODER_CACHE_SECONDS=str(24 * 60 * 60),
        )
        try:
            sms_rows_delete(args)
        except Exception as exc:  # a fresh database has no tables yet; migrate creates them
            log(f"no SMS rows to delete yet ({type(exc).__name__})")
        database_prepare(args.database_url, env)
        meldingen_aantal_zetten(args.database_url, args.meldingen)
        pdok = Proc([sys.executable, "-m", "tests.fakes.pdok", "--port", str(pdok_port)], env, tmp / "pdok.log")
        procs.append(pdok)
        port = free_port()
        gunicorn = start_gunicorn(env, port, args.workers, tmp)
        procs.append(gunicorn)
        log(f"gunicorn with {args.workers} workers on 127.0.0.1:{port}; fake PDOK on {pdok_port}")
        warm_cache(port)
        import psycopg

        with psycopg.connect(pg_conninfo(args.database_url)) as conn:
            meldcodes = [r[0] for r in conn.execute("select meldcode from meldingen_melding limit 200")]
        facts = machine_facts(args.database_url)
        log(f"load: {args.rate:g}/s for {args.warmup:g}s + {args.duration:g}s")
        data = asyncio.run(run_load(args, port, meldcodes))
        with psycopg.connect(pg_conninfo(args.database_url)) as conn:
            found = conn.execute(
                "select count(*) from meldingen_melding where kanaal = 'sms' and meldcode = any(%s)", [data["codes"]]
            ).fetchone()[0]
        print(report(args, facts, data, args.workers, found, started), flush=True)
        gunicorn.stop()
        procs.remove(gunicorn)
        sms_rows_delete(args)
        meldingen_aantal_zetten(args.database_url, args.meldingen)
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception:
        for path in sorted(tmp.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-15:]
            if tail:
                log(f"last lines of {path.name}:\n    " + "\n    ".join(tail))
        raise
    finally:
        for proc in reversed(procs):
            proc.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
