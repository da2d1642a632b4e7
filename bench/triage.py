"""Issue 17's timed triage: a coordinator works through 40 new meldingen with the keyboard only, in
headless Chromium against gunicorn: accept, reject, mark a duplicate and close with a message for the
reporter, ten of each, one after the other as they come in the queue. With JavaScript on, the target is
no full page reload and at most 0.5 s per melding on average (key press until the card has left the
queue and the next card has the focus). The script exits 1 when the target is missed.

What it does:

1. Prepares its own database (``weerbarewijken_bench_triage``: migrated, areas loaded), empties its
   meldingen and files 40 new ones at the centre of 40 different buurten (received an hour apart, so
   the queue's order is known), and for each one to be marked a duplicate an earlier original 20 m
   away that is already being handled (so it is the preselected candidate). A coordinator login
   without a second factor (exempt, as the demo logins are), with a fresh random password.
2. Collects the static files and starts gunicorn (config/gunicorn.conf.py, DEBUG off) on a free port.
3. Logs in, opens the queue, presses ``j`` and then per melding: ``a``; ``r`` Tab Enter (the first
   reason); ``d`` Tab Enter (the preselected candidate); ``c``, a message, Tab Enter. It waits until
   the card is gone and a card (or the message) has the focus, and counts the main frame's navigations.
4. Checks the database: every melding has the status its step gives.

``--herladen`` runs the same with ``fetch`` removed from the page, so wachtrij.js falls back to
ordinary form posts and a full page reload per step: the behaviour before issue 17 ("before").

Usage::

    .venv/bin/python bench/triage.py
    .venv/bin/python bench/triage.py --herladen
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from bench import harness

DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/weerbarewijken_bench_triage"
CHROMIUM = "/usr/bin/chromium"
DOEL_S = 0.5
AANTAL = 40
STAPPEN = ("accepteren", "afwijzen", "dubbel", "afhandelen")
VERWACHT = {"accepteren": "in_behandeling", "afwijzen": "afgewezen", "dubbel": "afgewezen", "afhandelen": "afgehandeld"}
NAAM = "bench-triage"
WACHTWOORD = secrets.token_urlsafe(16)
BERICHT = "Bekeken met de wijkagent; er is hier nu geen handel gezien."


def zaaien() -> dict[int, str]:
    """The 40 meldingen (and the originals of the duplicates); returns melding id → its step."""
    from datetime import timedelta

    from django.contrib.gis.geos import Point
    from django.db import connection
    from django.utils import timezone

    from accounts.roles import Rol
    from accounts.services import gebruiker_zetten, tweefactor_vrijstellen
    from meldingen.models import RD_SRID, Buurt, Melding
    from meldingen.services import meldcode_generate
    from privacy.anonymity import truncate_to_hour

    with connection.cursor() as cur:
        cur.execute("TRUNCATE meldingen_melding CASCADE")
    user, _ = gebruiker_zetten(username=NAAM, password=WACHTWOORD, rol=Rol.COORDINATOR)
    tweefactor_vrijstellen(user=user, reden="bench/triage.py")
    # Buurten far enough apart that no two of the 40 are each other's duplicate candidates (100 m).
    buurten = list(Buurt.objects.order_by("code")[:: max(1, Buurt.objects.count() // (AANTAL + 5))][:AANTAL])
    begin = truncate_to_hour(timezone.now()) - timedelta(hours=AANTAL + 2)
    stappen: dict[int, str] = {}

    def melding(punt: Point, buurt: Buurt, uur: int, status: str = "nieuw") -> Melding:
        return Melding.objects.create(
            meldcode=meldcode_generate(), status=status, kanaal="web", locatie=punt, buurt=buurt,
            locatie_type_id="speelplek", waarnemingen=["dealen"], observed_at=begin + timedelta(hours=uur),
            dagdeel="avond", frequentie="dagelijks", melder_rol_id="bewoner",
            ontvangen_op=begin + timedelta(hours=uur), omschrijving="Er wordt gehandeld bij het speelveld.",
        )  # fmt: skip

    for i, buurt in enumerate(buurten):
        punt = buurt.geometrie.point_on_surface
        punt.srid = RD_SRID
        stap = STAPPEN[i % len(STAPPEN)]
        if stap == "dubbel":
            # received before the queue starts, and handled: the preselected original
            melding(Point(punt.x + 20, punt.y, srid=RD_SRID), buurt, -1, status="in_behandeling")
        stappen[melding(punt, buurt, i + 1).pk] = stap
    return stappen


def toetsen(page, stap: str) -> None:
    k = page.keyboard
    if stap == "accepteren":
        k.press("a")
    elif stap == "afwijzen":
        k.press("r")
        k.press("Tab")
        k.press("Enter")
    elif stap == "dubbel":
        k.press("d")
        k.press("Tab")
        k.press("Enter")
    else:
        k.press("c")
        k.type(BERICHT)
        k.press("Tab")
        k.press("Enter")


def triageren(base: str, stappen: dict[int, str], *, herladen: bool) -> dict:
    from playwright.sync_api import sync_playwright

    tijden: dict[str, list[float]] = {s: [] for s in STAPPEN}
    navigaties = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        context = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 900})
        # Only this server: the map's tiles (127.0.0.1:9) fail at once, nothing leaves the machine.
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        if herladen:
            context.add_init_script("delete window.fetch;")
        page = context.new_page()
        page.goto(f"{base}/account/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(NAAM)
        page.get_by_label("Wachtwoord").fill(WACHTWOORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        page.goto(f"{base}/coordinatie/", wait_until="load")
        page.wait_for_selector(".kaartje")

        def teller(frame) -> None:
            nonlocal navigaties
            if frame == page.main_frame:
                navigaties += 1

        page.on("framenavigated", teller)
        page.keyboard.press("j")
        page.wait_for_function("() => document.activeElement && document.activeElement.classList.contains('kaartje')")
        for _ in range(len(stappen)):
            actief = page.evaluate(
                "() => { const k = document.activeElement.closest('.kaartje'); return k && k.dataset.id; }"
            )
            if actief is None:
                raise RuntimeError(
                    "no card has the focus: "
                    + page.evaluate("() => document.getElementById('wachtrij-bericht').textContent")
                    + f" ({page.locator('.kaartje').count()} cards left)"
                )
            kaart_id = int(actief)
            stap = stappen[kaart_id]
            t = time.perf_counter()
            toetsen(page, stap)
            try:
                page.wait_for_selector(f"#melding-{kaart_id}", state="detached", timeout=10_000)
            except Exception as exc:
                bericht = page.evaluate("() => document.getElementById('wachtrij-bericht').textContent")
                actief = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
                raise RuntimeError(f"{stap} on card {kaart_id} did not finish: {bericht!r}; focus on {actief}") from exc
            page.wait_for_function(
                "() => { const a = document.activeElement; if (document.readyState !== 'complete') return false;"
                " return !document.querySelector('.kaartje')"
                " || (a && (a.classList.contains('kaartje') || a.id === 'wachtrij-bericht')); }"
            )
            tijden[stap].append(time.perf_counter() - t)
        browser.close()
    return {"tijden": tijden, "navigaties": navigaties}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    ap.add_argument("--herladen", action="store_true", help="without fetch: a full page reload per step (before)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--wacht", type=float, default=120.0, help="at most this long for an idle machine (default 120 s)")
    args = ap.parse_args()

    harness.database_prepare(args.database_url)
    harness.django_setup(args.database_url, DJANGO_ALLOWED_HOSTS="127.0.0.1")
    stappen = zaaien()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=harness.ROOT, env=harness.server_env(args.database_url, workers=args.workers), check=True,
    )  # fmt: skip
    env = harness.server_env(
        args.database_url, workers=args.workers, CACHE_KEY_PREFIX=f"bench-triage-{secrets.token_hex(4)}"
    )
    port = harness.free_port()
    tmp = Path(tempfile.mkdtemp(prefix="triage_bench_"))
    proc = harness.start_gunicorn(env, port, args.workers, tmp, ready_path="/account/inloggen/")
    try:
        harness.wait_idle(args.wacht)
        uitkomst = triageren(f"http://127.0.0.1:{port}", stappen, herladen=args.herladen)
    finally:
        proc.stop()

    from meldingen.models import Melding

    statussen = dict(Melding.objects.filter(pk__in=stappen).values_list("pk", "status"))
    fout = [pk for pk, stap in stappen.items() if statussen.get(pk) != VERWACHT[stap]]
    alle = [t for ts in uitkomst["tijden"].values() for t in ts]
    gemiddeld = statistics.mean(alle)
    print("bench/triage.py: 40 meldingen triaged with the keyboard in headless Chromium")
    print("\n".join(harness.machine_facts(args.database_url)))
    print(
        f"mode       {'--herladen: no fetch, a full page reload per step (before issue 17)' if args.herladen else 'JavaScript on, steps sent with fetch (issue 17)'}"
    )
    print(f"{'step':<14}{'n':>4}{'mean s':>9}{'p50 s':>8}{'max s':>8}")
    for stap, ts in uitkomst["tijden"].items():
        print(f"{stap:<14}{len(ts):>4}{statistics.mean(ts):>9.3f}{statistics.median(ts):>8.3f}{max(ts):>8.3f}")
    print(f"{'all':<14}{len(alle):>4}{gemiddeld:>9.3f}{statistics.median(alle):>8.3f}{max(alle):>8.3f}")
    print(
        f"total      {sum(alle):.1f} s for {len(alle)} meldingen; full page loads during the triage: {uitkomst['navigaties']}"
    )
    print(f"database   {len(stappen) - len(fout)} of {len(stappen)} meldingen have the status their step gives")
    gehaald = gemiddeld <= DOEL_S and uitkomst["navigaties"] == 0 and not fout
    print(
        f"target     no full page reload and <= {DOEL_S} s per melding on average: "
        f"{'PASS' if gehaald else 'FAIL'} ({gemiddeld:.3f} s, {uitkomst['navigaties']} reloads)"
    )
    sys.exit(0 if gehaald else 1)


if __name__ == "__main__":
    main()
