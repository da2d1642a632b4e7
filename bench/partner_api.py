"""Issue 15's target for the partner API: with 10,000 actions, the list and the detail answer with
p95 <= 100 ms at 50 requests per second, over HTTP to gunicorn (the webhook fan-out target follows with
the webhooks).

What it does:

1. Prepares its own database (``ww_bench_partner_api``: migrated, areas loaded, ``--meldingen``
   meldingen) and makes ``--acties`` actions with bench/acties.py's set-based insert; a police API key.
2. Starts gunicorn (config/gunicorn.conf.py, ``--workers``) on a free loopback port.
3. Offers ``--rate`` requests per second for ``--seconds`` seconds, open loop (Poisson arrivals; latency
   counted from the scheduled send time, so a server that falls behind cannot hide it): half list pages
   (the first page, a page further on through its cursor, a `gewijzigd_na` sync), half details of the
   police's tickets, all with the key; every request writes its audit row as in production.
4. Sends ``--gelijktijdig`` identical POSTs with one Idempotency-Key at once and counts the steps made
   (must be one).

Usage::

    .venv/bin/python bench/partner_api.py
    .venv/bin/python bench/partner_api.py --rate 80 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from bench import harness

DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/ww_bench_partner_api"
DOEL_P95_MS = 100.0


def verzoek(pad: str, key: str, *, methode: str = "GET", body: bytes = b"", extra: str = "") -> bytes:
    kop = (
        f"{methode} {pad} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Api-Key {key}\r\n"
        f"Accept: application/json\r\nConnection: close\r\n{extra}"
    )
    if body:
        kop += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return kop.encode() + b"\r\n" + body


async def belasting(port: int, paden: list[tuple[str, bytes]], rate: float, seconds: float) -> dict:
    rijen: dict[str, list[float]] = {}
    fouten: dict[str, int] = {}
    rng = random.Random(15)

    async def send(i: int, t_gepland: float) -> None:
        soort, payload = paden[i % len(paden)]
        try:
            antwoord = await harness.http("127.0.0.1", port, payload, timeout=10)
            status = harness.http_status(antwoord)
        except (OSError, TimeoutError):
            status = -1
        rijen.setdefault(soort, []).append((time.monotonic() - t_gepland) * 1000)
        if status != 200:
            fouten[f"{soort} {status}"] = fouten.get(f"{soort} {status}", 0) + 1

    await harness.open_loop(send, rate=rate, seconds=seconds, rng=rng)
    return {"rijen": rijen, "fouten": fouten}


async def gelijktijdig(port: int, payload: bytes, n: int) -> list[int]:
    antwoorden = await asyncio.gather(
        *(harness.http("127.0.0.1", port, payload, timeout=20) for _i in range(n)), return_exceptions=True
    )
    return [harness.http_status(a) if isinstance(a, bytes) else -1 for a in antwoorden]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    ap.add_argument("--acties", type=int, default=10_000)
    ap.add_argument("--meldingen", type=int, default=20_000)
    ap.add_argument("--rate", type=float, default=50.0, help="offered requests per second (default 50)")
    ap.add_argument("--seconds", type=float, default=40.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--gelijktijdig", type=int, default=10, help="identical POSTs sent at once")
    args = ap.parse_args()

    begin = time.perf_counter()
    harness.database_prepare(args.database_url)
    harness.meldingen_aantal_zetten(args.database_url, args.meldingen)
    harness.django_setup(args.database_url, DJANGO_ALLOWED_HOSTS="127.0.0.1")

    from accounts.models import Organisatie
    from accounts.services import api_sleutel_maken
    from acties.models import Actie, ActieEvent
    from bench.acties import acties_maken

    aantal = acties_maken(args.acties, args.meldingen)
    politie = Organisatie.objects.get(code="politie")
    _rij, key = api_sleutel_maken(organisatie=politie, naam="bench")
    tickets = list(
        Actie.objects.filter(verantwoordelijke=politie, status__in=["toegewezen", "geaccepteerd", "in_uitvoering",
                                                                    "afgerond", "geweigerd"]).values_list("id", flat=True)
    )  # fmt: skip
    harness.log(f"{aantal} actions, the police has {len(tickets)} tickets")

    env = harness.server_env(args.database_url, workers=args.workers, PARTNER_API_PER_MINUUT="1000000")
    port = harness.free_port()
    tmp = Path(tempfile.mkdtemp(prefix="partner_api_bench_"))
    proc = harness.start_gunicorn(env, port, args.workers, tmp)
    try:
        import urllib.request

        def ophalen(pad: str) -> dict:
            req = urllib.request.Request(f"http://127.0.0.1:{port}{pad}", headers={"Authorization": f"Api-Key {key}"})
            with urllib.request.urlopen(req, timeout=10) as antwoord:  # noqa: S310 (loopback)
                return json.loads(antwoord.read())

        eerste = ophalen("/api/v1/partner/acties?aantal=100")
        verder = eerste["volgende"].split(f"127.0.0.1:{port}", 1)[1]
        midden = ophalen("/api/v1/partner/acties?aantal=100")["resultaten"][50]["bijgewerkt_op"]
        rng = random.Random(1)
        paden: list[tuple[str, bytes]] = []
        for i in range(400):
            if i % 2:
                paden.append(("detail", verzoek(f"/api/v1/partner/acties/{rng.choice(tickets)}", key)))
            else:
                lijst = (
                    "/api/v1/partner/acties?aantal=100",
                    verder,
                    f"/api/v1/partner/acties?aantal=100&gewijzigd_na={midden.replace('+', '%2B')}",
                )[(i // 2) % 3]
                paden.append(("lijst", verzoek(lijst, key)))
        for _soort, payload in paden[:40]:  # warm-up
            asyncio.run(harness.http("127.0.0.1", port, payload, timeout=10))

        uitkomst = asyncio.run(belasting(port, paden, args.rate, args.seconds))

        toegewezen = Actie.objects.filter(verantwoordelijke=politie, status="toegewezen").values_list("id", flat=True)
        doel = toegewezen.first()
        body = json.dumps({"naar": "geaccepteerd"}).encode()
        post = verzoek(
            f"/api/v1/partner/acties/{doel}/transitie", key, methode="POST", body=body,
            extra="Idempotency-Key: bench-gelijktijdig-1\r\n",
        )  # fmt: skip
        statussen = asyncio.run(gelijktijdig(port, post, args.gelijktijdig))
        stappen = ActieEvent.objects.filter(actie_id=doel, naar="geaccepteerd").count()
    finally:
        proc.stop()

    rijen = uitkomst["rijen"]
    p95 = {naam: harness.pct(v, 95) for naam, v in rijen.items()}
    totaal = sum(len(v) for v in rijen.values())
    uit = [
        "bench/partner_api.py: the partner API under load",
        *harness.machine_facts(args.database_url),
        f"data       {aantal} actions; the police key sees {len(tickets)} tickets; pages of 100",
        f"method     gunicorn ({args.workers} workers) on loopback, open loop at {args.rate:.0f} req/s for "
        f"{args.seconds:.0f} s (Poisson), latency from the scheduled send; half list pages (first, cursor, "
        "gewijzigd_na), half details; one audit row per request",
        "",
        *harness.percentielen_tabel(rijen, kop="request", breedte=20),
        "",
        f"answered   {totaal} requests, not 200: {uitkomst['fouten'] or 'none'}",
        f"idempotent {args.gelijktijdig} identical POSTs at once with one Idempotency-Key: statuses "
        f"{sorted(statussen)}, steps made {stappen}",
        "",
        f"target     list and detail p95 <= {DOEL_P95_MS:.0f} ms at {args.rate:.0f} req/s: "
        f"{'PASS' if max(p95.values()) <= DOEL_P95_MS and not uitkomst['fouten'] else 'FAIL'}"
        f" (worst p95 {max(p95.values()):.1f} ms)",
        f"target     one step for concurrent retries: {'PASS' if stappen == 1 else 'FAIL'}",
        f"total      {time.perf_counter() - begin:.0f} s",
    ]
    print("\n".join(uit))


if __name__ == "__main__":
    main()
