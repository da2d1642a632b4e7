"""Outbox dispatcher throughput: how many events a second one dispatcher handles, hotspot step included.

The intake's target is 150 filings a second (bench/intake.py); every filing records one outbox event,
so one dispatcher process must handle at least that many to keep up. What it does:

1. Prepares the bench's own database (``ww_bench_outbox``: migrated, areas loaded), and a living hotspot
   landscape: ``--achtergrond`` counted meldingen spread over the city and a full recompute.
2. Files ``--aantal`` meldingen through ``melding_create`` (the real service, one event each), without
   waking any worker, and reports the filing rate.
3. Times ``events_dispatch()`` over those events (the registered handlers: the hotspot step for each
   new melding), then a second run that must find nothing, and prints events per second.

Usage::

    .venv/bin/python bench/outbox.py                   # 3,000 events
    .venv/bin/python bench/outbox.py --aantal 10000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from bench import harness

DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/ww_bench_outbox"
TARGET_PER_S = 150


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    ap.add_argument("--aantal", type=int, default=3000, help="events to dispatch (default 3000)")
    ap.add_argument("--achtergrond", type=int, default=20000, help="stored meldingen before (default 20000)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    harness.database_prepare(args.database_url)
    harness.meldingen_aantal_zetten(args.database_url, args.achtergrond)
    harness.django_setup(args.database_url)

    from django.db import connection
    from django.utils import timezone

    from hotspots.services import hotspot_recompute
    from meldingen.services import melding_create
    from meldingen.validation import MeldingInvoer
    from outbox import services as outbox
    from outbox.models import Event

    with connection.cursor() as cursor:  # earlier runs' events, so the figures are this run's only
        cursor.execute("TRUNCATE outbox_event CASCADE")
    t = time.perf_counter()
    hotspot_recompute(as_of=timezone.now())
    harness.log(f"recompute: {time.perf_counter() - t:.1f}s")

    outbox.outbox_wekken = lambda: None  # no worker in this bench: the dispatcher is timed alone
    rng = random.Random(args.seed)
    nu = timezone.now()
    t = time.perf_counter()
    for _ in range(args.aantal):
        melding_create(
            invoer=MeldingInvoer(
                lat=52.34 + rng.random() * 0.04,
                lon=4.86 + rng.random() * 0.06,
                locatie_type=rng.choice(harness.LOCATIE_TYPES),
                waarnemingen=[rng.choice(harness.WAARNEMINGEN)],
                observed_at=nu - timedelta(hours=rng.randint(2, 200)),
                dagdeel="avond",
            ),
            kanaal="web",
        )
    filing_s = time.perf_counter() - t
    open_events = Event.objects.filter(done=False).count()

    t = time.perf_counter()
    eerste = outbox.events_dispatch()
    dispatch_s = time.perf_counter() - t
    t = time.perf_counter()
    tweede = outbox.events_dispatch()
    tweede_s = time.perf_counter() - t

    per_s = eerste.afgehandeld / dispatch_s if dispatch_s else 0.0
    print("\n".join(harness.machine_facts(args.database_url)))
    print(
        f"filed      {args.aantal} meldingen through melding_create in {filing_s:.1f}s ({args.aantal / filing_s:.0f}/s)"
    )
    print(f"dispatch   {open_events} open events → {eerste} in {dispatch_s:.2f}s = {per_s:.0f} events/s")
    print(f"again      {tweede} in {tweede_s * 1000:.0f} ms (must handle nothing)")
    ok = per_s >= TARGET_PER_S and tweede.afgehandeld == 0 and eerste.mislukt == 0
    print(
        f"verdict    {'PASS' if ok else 'MISS'}: {per_s:.0f} events/s with the hotspot step (target ≥ {TARGET_PER_S}/s, one process)"
    )


if __name__ == "__main__":
    main()
