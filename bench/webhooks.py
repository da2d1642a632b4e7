"""Issue 15's webhook target: a fan-out of 1,000 events to 5 receivers (5,000 signed deliveries) drained
in <= 60 s on 2 cores.

What it does:

1. Prepares its own database (``ww_bench_webhooks``) with ``--acties`` actions (bench/acties.py's insert)
   and registers ``--ontvangers`` endpoints of the police, each a threaded HTTP server on loopback in a
   separate process that answers 200 and counts what it got.
2. Records ``--events`` `actie.status_gewijzigd` events for police tickets in the outbox, then times:
   the outbox dispatch (the handler makes one message per event and endpoint) and the drain: ``--workers``
   processes each running the delivery sweep (``berichten_herplannen``: row lock with SKIP LOCKED, sign,
   POST, log the attempt) until nothing waits, as Celery workers would run ``webhook_afleveren``.
3. Checks that every receiver got every message exactly once.

Usage::

    .venv/bin/python bench/webhooks.py
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from bench import harness

DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/ww_bench_webhooks"
DOEL_S = 60.0
# The delivery plans follow-up tasks on commit; they go to a broker database of the bench's own, emptied
# afterwards, so no worker of `make run` ever sees them.
BROKER = "redis://127.0.0.1:6379/13"

ONTVANGER = r"""
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
teller = {}
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            sleutel = (self.server.server_address[1], self.headers["webhook-id"])
            teller[sleutel] = teller.get(sleutel, 0) + 1
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):
        with lock:
            n, dubbel = len(teller), sum(1 for v in teller.values() if v > 1)
        body = f"{n} {dubbel}".encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
servers = []
for poort in map(int, sys.argv[1:]):
    s = ThreadingHTTPServer(("127.0.0.1", poort), H); s.daemon_threads = True
    threading.Thread(target=s.serve_forever, daemon=True).start(); servers.append(s)
print("klaar", flush=True)
threading.Event().wait()
"""


def _werker(db_url: str) -> int:
    harness.django_setup(
        db_url, DJANGO_ALLOWED_HOSTS="127.0.0.1", WEBHOOK_LOOPBACK_TOEGESTAAN="1", CELERY_BROKER_URL=BROKER
    )
    from integrations.webhooks import berichten_herplannen

    rondes = 0
    while True:
        uitkomst = berichten_herplannen(max_berichten=200)
        rondes += 1
        if not uitkomst or set(uitkomst) <= {"bezig"}:
            return rondes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    ap.add_argument("--acties", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000)
    ap.add_argument("--ontvangers", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    begin = time.perf_counter()
    harness.database_prepare(args.database_url)
    harness.meldingen_aantal_zetten(args.database_url, 5_000)
    harness.django_setup(
        args.database_url, DJANGO_ALLOWED_HOSTS="127.0.0.1", WEBHOOK_LOOPBACK_TOEGESTAAN="1", CELERY_BROKER_URL=BROKER
    )

    import urllib.request

    from django.db import connection

    from accounts.models import Organisatie
    from acties.events import ACTIE_STATUS_GEWIJZIGD
    from acties.models import Actie
    from bench.acties import acties_maken
    from integrations.models import WebhookAbonnement, WebhookBericht
    from integrations.webhooks import abonnement_maken
    from outbox.services import events_dispatch, events_record

    acties_maken(args.acties, 5_000)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE integrations_webhookpoging, integrations_webhookbericht, integrations_webhookabonnement CASCADE"
        )
    politie = Organisatie.objects.get(code="politie")
    tickets = list(
        Actie.objects.filter(verantwoordelijke=politie, status="toegewezen").values_list("id", flat=True)[: args.events]
    )
    tickets = (tickets * (args.events // max(1, len(tickets)) + 1))[: args.events]

    poorten = [harness.free_port() for _i in range(args.ontvangers)]
    tmp = Path(tempfile.mkdtemp(prefix="webhook_bench_"))
    ontvanger = harness.Proc(
        [sys.executable, "-c", ONTVANGER, *map(str, poorten)], dict(os.environ), tmp / "ontvangers.log"
    )
    time.sleep(1.0)
    for poort in poorten:
        abonnement_maken(organisatie=politie, url=f"http://127.0.0.1:{poort}/hook")
    try:
        t0 = time.perf_counter()
        events_record(
            events=[(ACTIE_STATUS_GEWIJZIGD, pk, {"naar": "toegewezen", "organisatie": "politie"}) for pk in tickets]
        )
        events_dispatch(max_events=args.events * 2)
        t_fanout = time.perf_counter() - t0
        berichten = WebhookBericht.objects.count()
        connection.close()
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            pool.map(_werker, [args.database_url] * args.workers)
        t_totaal = time.perf_counter() - t0
        # one process serves all receivers and counts (port, webhook-id) pairs for all of them
        with urllib.request.urlopen(f"http://127.0.0.1:{poorten[0]}/", timeout=5) as antwoord:
            ontvangen, dubbel = map(int, antwoord.read().split())
        afgeleverd = WebhookBericht.objects.filter(status="afgeleverd").count()
        wachtend = WebhookBericht.objects.exclude(status="afgeleverd").count()
    finally:
        ontvanger.stop()
        import redis

        redis.Redis.from_url(BROKER).flushdb()

    uit = [
        "bench/webhooks.py: webhook fan-out and delivery",
        *harness.machine_facts(args.database_url),
        f"data       {args.events} events (actie.status_gewijzigd) x {args.ontvangers} endpoints "
        f"({WebhookAbonnement.objects.count()} registered) = {berichten} messages",
        f"method     outbox dispatch in this process, then {args.workers} worker processes running the delivery "
        "sweep (row lock SKIP LOCKED, HMAC signature, HTTP POST, attempt log) against threaded receivers in "
        "another process on loopback",
        "",
        f"fan-out    {t_fanout:.1f} s (outbox dispatch: {berichten} messages recorded)",
        f"drain      {t_totaal:.1f} s from the first event to the last delivery; {afgeleverd} delivered "
        f"({afgeleverd / max(t_totaal, 1e-9):.0f}/s), {wachtend} not delivered",
        f"receivers  {ontvangen} distinct (endpoint, webhook-id) pairs received, {dubbel} received more than once",
        "",
        f"target     1,000 events to 5 receivers drained in <= {DOEL_S:.0f} s: "
        f"{'PASS' if t_totaal <= DOEL_S and wachtend == 0 and ontvangen == berichten else 'FAIL'}",
        f"total      {time.perf_counter() - begin:.0f} s",
    ]
    print("\n".join(uit))


if __name__ == "__main__":
    main()
