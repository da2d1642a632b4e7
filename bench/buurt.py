"""Issue 16's target for the public buurt page: with 100,000 meldingen and 10,000 actions, ``GET
/buurt/<code>/`` answers with p95 <= 100 ms uncached, over HTTP to gunicorn; and the open-data feed's cold
build, timed once.

What it does:

1. Prepares its own database (``weerbarewijken_bench_buurt``: migrated, areas loaded) and fills it anew on
   every run (earlier runs' meldingen and actions are truncated; fixed seed, times relative to now):
   ``--meldingen`` meldingen with COPY, 20 % of them in the ten busiest buurten and the rest over the
   other buurten by population, at random points inside their buurt, received over the last 14 months
   (on the hour), mostly 'nieuw' / 'in behandeling', some rejected as spam and a few duplicates, with their
   history; then ``--acties`` actions with COPY, anchored on a melding (its buurt and point) and mostly
   linked to 1-3 meldingen of that buurt, 60 % completed (outcome set, completed within the last 14
   months), of every type, 13b closures with and without a public decision. VACUUM ANALYZE afterwards.
2. Profiles the busiest buurt's page in this process (Django test client, every query captured): the
   time of each query, and its server-side execution time from EXPLAIN ANALYZE.
3. Starts gunicorn (config/gunicorn.conf.py, ``--workers``) on a free loopback port with a cache key
   prefix of its own for this run (so nothing from earlier runs or other databases is found in Redis).
4. Offers ``--rate`` page requests per second for ``--seconds`` seconds, open loop (Poisson arrivals;
   latency counted from the scheduled send time), round robin over the ten busiest buurten and a random
   ``--steekproef`` of the others. Uncached: each request is a fresh GET without If-None-Match and the
   view renders every time (the page's Cache-Control and ETag only help browsers and proxies).
5. Requests ``/open-data/buurtcijfers.json`` once cold (the first request builds it; then it is cached in
   Redis per data version) and once warm, and reports both times and its size.

Usage::

    .venv/bin/python bench/buurt.py
    .venv/bin/python bench/buurt.py --rate 40 --seconds 60 --steekproef 100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from bench import harness

DEFAULT_DB_URL = "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/weerbarewijken_bench_buurt"
DOEL_P95_MS = 100.0
DRUK = 10  # the busiest buurten, which get DRUK_AANDEEL of the meldingen between them
DRUK_AANDEEL = 0.20
MAANDEN = 14
# The bench's login is never used to log in; a fresh random password each run.
WACHTWOORD = secrets.token_urlsafe(16)

# Action types and how often they occur; the public ones (buurtschouw, extra_toezicht, ...) most.
TYPE_GEWICHT = {
    "buurtschouw": 20, "extra_toezicht": 20, "cameratoezicht": 8, "fysieke_aanpassing": 8, "box_controle": 8,
    "straatcoaches": 8, "sluiting_13b": 10, "adresonderzoek": 9, "huurmaatregel": 9,
}  # fmt: skip
OPEN_STATUSSEN = {
    "toegewezen": 10, "geaccepteerd": 8, "in_uitvoering": 10, "voorgesteld": 5, "wacht_op_akkoord": 2,
    "geannuleerd": 3, "geweigerd": 2,
}  # fmt: skip
UITKOMSTEN = ["uitgevoerd", "uitgevoerd", "uitgevoerd", "deels_uitgevoerd", "niets_aangetroffen", "niet_uitvoerbaar"]
PUBLIEKE_SAMENVATTINGEN = [
    "",
    "Samen met bewoners is de buurt gelopen; de verlichting bij het speelveld wordt vervangen.",
    "Er is op wisselende tijden extra gesurveilleerd rond het plein.",
    "De bosjes bij de ingang zijn gesnoeid en er is een hek geplaatst.",
]


def verzoek(pad: str) -> bytes:
    """A fresh GET like a browser's first visit: no If-None-Match, no cookie."""
    return (
        f"GET {pad} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nAccept-Language: nl\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


# ============================================================================================ seeding


def _meldcodes(rng: random.Random, n: int) -> list[str]:
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    codes: set[str] = set()
    while len(codes) < n:
        codes.add("".join(rng.choice(alphabet) for _ in range(10)))
    uit = sorted(codes)
    rng.shuffle(uit)
    return uit


def _verdeling(rng: random.Random, buurten: list[tuple[str, int]], n: int) -> tuple[dict[str, int], list[str]]:
    """How many meldingen each buurt gets: DRUK_AANDEEL over DRUK busy buurten (picked among the
    populated ones), the rest over all others by population (at least a little everywhere)."""
    bewoond = [code for code, inwoners in buurten if inwoners >= 1000]
    druk = rng.sample(bewoond, DRUK)
    aantallen = dict.fromkeys((code for code, _i in buurten), 0)
    per_druk = round(n * DRUK_AANDEEL / DRUK)
    for code in druk:
        aantallen[code] = per_druk
    rest = [(code, max(inwoners, 200)) for code, inwoners in buurten if code not in druk]
    over = n - per_druk * DRUK
    gekozen = rng.choices([c for c, _w in rest], weights=[w for _c, w in rest], k=over)
    for code in gekozen:
        aantallen[code] += 1
    return {c: k for c, k in aantallen.items() if k}, druk


def meldingen_zaaien(conn, rng: random.Random, n: int) -> dict:
    """`n` meldingen with COPY (the tables were emptied); returns what the actions are seeded from."""
    buurten = conn.execute("select code, coalesce(inwoners, 0) from meldingen_buurt order by code").fetchall()
    aantallen, druk = _verdeling(rng, buurten, n)
    codes = list(aantallen)
    # Random points inside each buurt (deterministic: ST_GeneratePoints with a seed).
    punten: dict[str, list[tuple[float, float]]] = {}
    for code, x, y in conn.execute(
        """select b.code, st_x(p.geom), st_y(p.geom)
           from unnest(%s::text[], %s::int[]) as k(code, n)
           join meldingen_buurt b on b.code = k.code
           cross join lateral st_dump(st_generatepoints(b.geometrie, k.n, 16)) p""",
        [codes, [aantallen[c] for c in codes]],
    ):
        punten.setdefault(code, []).append((x, y))
    plekken = [r[0] for r in conn.execute("select code from meldingen_locatietype order by volgorde, code")]
    waarnemingen = [r[0] for r in conn.execute("select code from meldingen_waarneming order by volgorde, code")]
    rollen = [r[0] for r in conn.execute("select code from meldingen_melderrol order by code")]
    plek_gewicht = [6 if p in ("woning", "portiek", "straat") else 3 if p == "spookwoning" else 2 for p in plekken]

    nu = datetime.now(UTC)
    meldcodes = _meldcodes(rng, n)
    rijen, meta = [], []
    volgorde = [(code, xy) for code in codes for xy in punten[code]]
    rng.shuffle(volgorde)
    for i, (buurt, (x, y)) in enumerate(volgorde):
        ontvangen = (nu - timedelta(seconds=rng.randint(0, MAANDEN * 30 * 86400 + 7 * 86400))).replace(
            minute=0, second=0, microsecond=0
        )
        observed = ontvangen - timedelta(minutes=rng.randint(0, 72 * 60))
        uur = observed.astimezone(harness.AMS).hour
        dagdeel = "nacht" if uur < 6 else "ochtend" if uur < 12 else "middag" if uur < 18 else "avond"
        r = rng.random()
        status, reden = (
            ("nieuw", "") if r < 0.38
            else ("in_behandeling", "") if r < 0.82
            else ("afgehandeld", "") if r < 0.88
            else ("afgewezen", "spam") if r < 0.98
            else ("afgewezen", "dubbel")
        )  # fmt: skip
        plek = rng.choices(plekken, plek_gewicht)[0]
        rijen.append(
            (
                meldcodes[i], status, reden, rng.choices(["web", "sms", "telefoon"], [85, 10, 5])[0],
                f"SRID=28992;POINT({x:.2f} {y:.2f})", "",
                "{" + ",".join(rng.sample(waarnemingen, rng.choice([1, 1, 1, 2, 2, 3]))) + "}",
                observed, dagdeel, rng.choice(harness.FREQUENTIES), rng.choice(harness.OMSCHRIJVINGEN), ontvangen,
                buurt, plek, rng.choice(rollen),
            )
        )  # fmt: skip
        meta.append((buurt, x, y, plek, status))
    cols = (
        "meldcode, status, afwijs_reden, kanaal, locatie, locatie_omschrijving, waarnemingen, observed_at, "
        "dagdeel, frequentie, omschrijving, ontvangen_op, buurt_id, locatie_type_id, melder_rol_id"
    )
    with conn.cursor() as cur, cur.copy(f"copy meldingen_melding ({cols}) from stdin") as copy:
        for rij in rijen:
            copy.write_row(rij)
    # Identity restarted and one COPY in order: the ids are 1..n in the order of `rijen`.
    eerste, laatste = conn.execute("select min(id), max(id) from meldingen_melding").fetchone()
    assert (eerste, laatste) == (1, n), (eerste, laatste)
    # A duplicate points at an earlier melding of its buurt (or stays a plain rejection if it is the first).
    conn.execute(
        """update meldingen_melding d set duplicaat_van_id = o.vorige
           from (select id, lag(id) over (partition by buurt_id order by id) as vorige from meldingen_melding) o
           where d.id = o.id and d.afwijs_reden = 'dubbel' and o.vorige is not null"""
    )
    conn.execute(
        "update meldingen_melding set afwijs_reden = 'spam' where afwijs_reden = 'dubbel' and duplicaat_van_id is null"
    )
    # The history every melding has: filed, and its status changes.
    conn.execute(
        """insert into meldingen_meldingevent (melding_id, van, naar, reden, toelichting, created_at)
           select id, '', 'nieuw', '', '', ontvangen_op from meldingen_melding
           union all
           select id, 'nieuw', case when status = 'afgehandeld' then 'in_behandeling' else status end,
                  afwijs_reden, '', ontvangen_op + interval '5 hours'
           from meldingen_melding where status <> 'nieuw'
           union all
           select id, 'in_behandeling', 'afgehandeld', '', '', ontvangen_op + interval '3 days'
           from meldingen_melding where status = 'afgehandeld'"""
    )
    per_buurt: dict[str, list[int]] = {}
    for i, (buurt, *_rest) in enumerate(meta, start=1):
        per_buurt.setdefault(buurt, []).append(i)
    return {"meta": meta, "per_buurt": per_buurt, "druk": druk}


def acties_zaaien(conn, rng: random.Random, n: int, meldingen: dict, door_id: int) -> None:
    """`n` actions with COPY, each anchored on a counted melding (its buurt, mostly its point) and
    mostly linked to it and up to two more of its buurt."""
    typen = {
        code: (convenant, soorten)
        for code, convenant, soorten in conn.execute("select code, convenant_id, partner_soorten from acties_actietype")
    }
    orgs: dict[str, list[str]] = {}
    for code, soort in conn.execute("select code, soort from accounts_organisatie where actief order by code"):
        orgs.setdefault(soort, []).append(code)
    meta, per_buurt = meldingen["meta"], meldingen["per_buurt"]
    geteld = [i for i, m in enumerate(meta, start=1) if m[4] != "afgewezen"]
    type_codes = [t for t in TYPE_GEWICHT if t in typen]
    nu = datetime.now(UTC)
    vandaag = nu.astimezone(harness.AMS).date()
    rijen, koppels = [], []
    for actie_id in range(1, n + 1):
        anker = rng.choice(geteld)
        buurt, x, y, _plek, _status = meta[anker - 1]
        type_code = rng.choices(type_codes, [TYPE_GEWICHT[t] for t in type_codes])[0]
        convenant, soorten = typen[type_code]
        kandidaten = [o for s in soorten for o in orgs.get(s, [])] or orgs.get("politie", [None])
        verantwoordelijke = rng.choice(kandidaten)
        if rng.random() < 0.60:
            status = "afgerond"
        else:
            status = rng.choices(list(OPEN_STATUSSEN), list(OPEN_STATUSSEN.values()))[0]
        if status == "afgerond":
            # Mostly within the page's year; some older, which the page must leave out.
            afgerond = nu - timedelta(seconds=rng.randint(0, 425 * 86400))
            aangemaakt = afgerond - timedelta(seconds=rng.randint(86400, 60 * 86400))
        else:
            afgerond = None
            aangemaakt = nu - timedelta(seconds=rng.randint(0, 120 * 86400))
        bij_partner = status not in ("voorgesteld", "wacht_op_akkoord")
        toegewezen = aangemaakt + timedelta(hours=1) if bij_partner else None
        besluit = None
        if type_code == "sluiting_13b":
            keuze = rng.random()
            basis = (afgerond or aangemaakt).astimezone(harness.AMS).date()
            if keuze < 0.45:
                besluit = min(basis + timedelta(days=rng.randint(0, 20)), vandaag)  # public
            elif keuze < 0.60:
                besluit = vandaag + timedelta(days=rng.randint(1, 30))  # public later
            # else: no public decision yet
        # The point of the action: the anchor's (the dwelling check then looks at the linked meldingen);
        # sometimes an address too, sometimes neither (then it is not about a dwelling).
        r = rng.random()
        punt = None if r < 0.15 else f"SRID=28992;POINT({x:.2f} {y:.2f})"
        adres = "" if r < 0.15 or r > 0.40 else f"Voorbeeldstraat {rng.randint(1, 200)}"
        rijen.append(
            (
                actie_id, type_code, convenant, status, "spoed" if rng.random() < 0.1 else "normaal",
                verantwoordelijke, adres, "", punt, toegewezen,
                toegewezen + timedelta(days=3) if toegewezen else None,
                toegewezen + timedelta(days=30) if toegewezen else None,
                afgerond, rng.choice(UITKOMSTEN) if status == "afgerond" else "", "",
                f"Samenvatting voor de partner {actie_id}",
                rng.choice(PUBLIEKE_SAMENVATTINGEN) if status == "afgerond" else "", "", besluit,
                door_id, aangemaakt, afgerond or aangemaakt, buurt,
            )
        )  # fmt: skip
        if rng.random() < 0.80:  # linked to meldingen of its buurt
            gekoppeld = {anker}
            buren = per_buurt[buurt]
            for _k in range(rng.choice([0, 0, 1, 2])):
                gekoppeld.add(rng.choice(buren))
            koppels.extend((actie_id, m) for m in sorted(gekoppeld))
    cols = (
        "id, type_id, convenant_id, status, urgentie, verantwoordelijke_id, adres, bag_id, punt, toegewezen_op, "
        "deadline_accepteren, deadline_afronden, afgerond_op, uitkomst, uitkomst_tekst, partner_samenvatting, "
        "publieke_samenvatting, interne_notitie, besluit_openbaar_op, voorgesteld_door_id, aangemaakt_op, "
        "bijgewerkt_op, buurt_id"
    )
    with conn.cursor() as cur:
        with cur.copy(f"copy acties_actie ({cols}) from stdin") as copy:
            for rij in rijen:
                copy.write_row(rij)
        with cur.copy("copy acties_actie_meldingen (actie_id, melding_id) from stdin") as copy:
            for koppel in koppels:
                copy.write_row(koppel)
    conn.execute("select setval(pg_get_serial_sequence('acties_actie', 'id'), %s)", [n])


def zaaien(db_url: str, aantal_meldingen: int, aantal_acties: int, door_id: int) -> dict:
    import psycopg

    rng = random.Random(16)
    t = time.monotonic()
    with psycopg.connect(harness.pg_conninfo(db_url)) as conn:
        # Earlier runs' rows (history and audit are append-only: triggers off for this transaction).
        conn.execute("set local session_replication_role = replica")
        conn.execute(
            "truncate meldingen_melding, meldingen_meldingevent, meldingen_meldingfoto, acties_actie, "
            "acties_actie_meldingen, acties_actie_hotspot_meldingen, acties_actieevent, outbox_handledevent, "
            "outbox_event restart identity cascade"
        )
        meldingen = meldingen_zaaien(conn, rng, aantal_meldingen)
        harness.log(f"{aantal_meldingen} meldingen in {time.monotonic() - t:.1f}s")
        t2 = time.monotonic()
        acties_zaaien(conn, rng, aantal_acties, meldingen, door_id)
        harness.log(f"{aantal_acties} actions in {time.monotonic() - t2:.1f}s")
        conn.commit()
        conn.autocommit = True
        # VACUUM too: the visibility map of a table that autovacuum has long since passed (steady state).
        for tabel in ("meldingen_melding", "meldingen_meldingevent", "acties_actie", "acties_actie_meldingen"):
            conn.execute(f"vacuum (analyze) {tabel}")
        samenvatting = conn.execute(
            """select
                 (select count(*) from meldingen_melding),
                 (select count(*) from meldingen_melding where status <> 'afgewezen' and duplicaat_van_id is null),
                 (select count(*) from meldingen_melding where status = 'afgewezen'),
                 (select count(*) from meldingen_melding where duplicaat_van_id is not null),
                 (select count(*) from meldingen_melding where buurt_id = any(%(druk)s)),
                 (select count(distinct buurt_id) from meldingen_melding),
                 (select count(*) from meldingen_meldingevent),
                 (select count(*) from acties_actie),
                 (select count(*) from acties_actie where status = 'afgerond'),
                 (select count(*) from acties_actie a join acties_actietype t on t.code = a.type_id
                   where a.status = 'afgerond' and t.publiek_zichtbaar and a.afgerond_op >= now() - interval '365 days'
                     and (not t.openbaar_na_besluit or a.besluit_openbaar_op <= current_date)),
                 (select count(*) from acties_actie where type_id = 'sluiting_13b'),
                 (select count(*) from acties_actie where type_id = 'sluiting_13b'
                   and besluit_openbaar_op <= current_date),
                 (select count(*) from acties_actie_meldingen),
                 (select count(distinct actie_id) from acties_actie_meldingen),
                 (select count(distinct am.actie_id) from acties_actie_meldingen am
                   join meldingen_melding m on m.id = am.melding_id
                   where m.locatie_type_id in ('woning', 'spookwoning')),
                 (select count(*) from acties_actie where buurt_id = any(%(druk)s))""",
            {"druk": meldingen["druk"]},
        ).fetchone()
    sleutels = [
        "meldingen", "geteld", "afgewezen", "duplicaten", "meldingen_druk", "buurten", "events", "acties",
        "afgerond", "publiek_jaar", "sluitingen", "sluitingen_openbaar", "koppels", "acties_gekoppeld",
        "acties_woning", "acties_druk",
    ]  # fmt: skip
    return {"druk": meldingen["druk"], **dict(zip(sleutels, samenvatting, strict=True))}


# ============================================================================================ measuring


def _etiket(sql: str) -> str:
    """A query's name in the report: its main table (outside subqueries) and what it does."""
    buiten, vorige = sql, None
    while buiten != vorige:
        vorige, buiten = buiten, re.sub(r"\([^()]*\)", "", buiten)
    tabel = re.search(r'\bFROM\s+"?(\w+)"?', buiten, re.I)
    naam = tabel.group(1) if tabel else sql.split()[0]
    extra = [w for w, teken in (("unnest", "unnest("), ("EXISTS", "EXISTS(")) if teken in sql]
    if "GROUP BY" in sql:
        extra.append("GROUP BY")
    return naam + (f" ({', '.join(extra)})" if extra else "")


class SqlKlok:
    """Django execute wrapper: every query's SQL and its time as the app sees it (round trip included)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - t) * 1000
            self.queries.append((context["connection"].ops.last_executed_query(context["cursor"], sql, params), ms))

    def som(self) -> float:
        return sum(ms for _sql, ms in self.queries)


def _fase(fasen: dict, klok: SqlKlok, naam: str, f, *args, **kwargs):
    """Calls f, noting its time and the SQL part of it under `naam`."""
    t, sql0 = time.perf_counter(), klok.som()
    uit = f(*args, **kwargs)
    fasen.setdefault(naam, []).append(((time.perf_counter() - t) * 1000, klok.som() - sql0))
    return uit


def pagina_profiel(code: str, herhaal: int = 9) -> tuple[list[str], int]:
    """The page of one buurt in this process: each query's time (median over `herhaal` renders) and its
    server-side execution time (EXPLAIN ANALYZE, timing off), then the view's phases and the whole
    request through the test client (middleware included), each with the SQL part of it."""
    from django.db import connection
    from django.shortcuts import render
    from django.test import Client, RequestFactory
    from django.utils import translation

    from acties.selectors import buurt_publieke_acties
    from meldingen.selectors import buurt_info
    from publiek.buurt import K, buurt_maanden
    from publiek.buurt_views import _tabel
    from publiek.grafiek import maanden_grafiek

    pad = f"/buurt/{code}/"
    client = Client(SERVER_NAME="127.0.0.1")
    for _ in range(2):
        assert client.get(pad).status_code == 200, pad
    pagina: list[tuple[float, float]] = []
    per_query: list[list[float]] = []
    sqls: list[str] = []
    for _ in range(herhaal):
        klok = SqlKlok()
        t = time.perf_counter()
        with connection.execute_wrapper(klok):
            antwoord = client.get(pad)
        pagina.append(((time.perf_counter() - t) * 1000, klok.som()))
        assert antwoord.status_code == 200, (pad, antwoord.status_code)
        sqls = [sql for sql, _ms in klok.queries]
        per_query = per_query or [[] for _q in sqls]
        assert len(per_query) == len(sqls), "the page's queries differ between renders"
        for i, (_sql, ms) in enumerate(klok.queries):
            per_query[i].append(ms)

    # The view's phases, called directly (as publiek.buurt_views.buurt does).
    verzoek_ = RequestFactory(SERVER_NAME="127.0.0.1").get(pad)
    fasen: dict[str, list[tuple[float, float]]] = {}
    with translation.override("nl"):
        for _ in range(herhaal):
            klok = SqlKlok()
            with connection.execute_wrapper(klok):
                info = _fase(fasen, klok, "buurt_info", buurt_info, code=code)
                maanden = _fase(fasen, klok, "buurt_maanden (counts, disclosure)", buurt_maanden, buurt_code=info.code)
                grafiek = _fase(fasen, klok, "maanden_grafiek", maanden_grafiek, maanden)
                acties = _fase(fasen, klok, "buurt_publieke_acties", buurt_publieke_acties, buurt_code=info.code)
                tabel = _fase(fasen, klok, "table cells", _tabel, maanden)
                context = {"buurt": info, "tabel": tabel, "grafiek": grafiek, "acties": acties, "k": K}
                _fase(fasen, klok, "template render", render, verzoek_, "publiek/buurt/buurt.html", context)

    regels = [f"{'query':<52}{'ms':>8}{'exec ms':>9}"]
    with connection.cursor() as cur:
        for sql, ts in zip(sqls, per_query, strict=True):
            uitvoering = "-"
            if sql.lstrip().upper().startswith("SELECT"):
                cur.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
                plan = cur.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                uitvoering = f"{plan[0]['Execution Time']:.2f}"
            regels.append(f"{_etiket(sql)[:52]:<52}{statistics.median(ts):>8.2f}{uitvoering:>9}")
    regels += ["", f"{'phase':<52}{'ms':>8}{'SQL ms':>9}"]
    for naam, waarden in fasen.items():
        regels.append(
            f"{naam:<52}{statistics.median(w[0] for w in waarden):>8.2f}{statistics.median(w[1] for w in waarden):>9.2f}"
        )
    regels.append(
        f"{'whole request (test client, middleware, ' + str(len(sqls)) + ' queries)':<52}"
        f"{statistics.median(w[0] for w in pagina):>8.2f}{statistics.median(w[1] for w in pagina):>9.2f}"
    )
    return regels, len(antwoord.content)


async def belasting(port: int, paden: list[tuple[str, bytes]], rate: float, seconds: float) -> dict:
    rijen: dict[str, list[float]] = {}
    fouten: dict[str, int] = {}
    groottes: list[int] = []
    rng = random.Random(16)

    async def send(i: int, t_gepland: float) -> None:
        soort, payload = paden[i % len(paden)]
        try:
            antwoord = await harness.http("127.0.0.1", port, payload, timeout=10)
            status = harness.http_status(antwoord)
            groottes.append(len(harness.http_body(antwoord)))
        except (OSError, TimeoutError):
            status = -1
        ms = (time.monotonic() - t_gepland) * 1000
        rijen.setdefault(soort, []).append(ms)
        rijen.setdefault("ALL", []).append(ms)
        if status != 200:
            fouten[f"{soort} {status}"] = fouten.get(f"{soort} {status}", 0) + 1

    await harness.open_loop(send, rate=rate, seconds=seconds, rng=rng)
    return {"rijen": rijen, "fouten": fouten, "groottes": groottes}


def ophalen(port: int, pad: str) -> tuple[int, int, float]:
    t = time.perf_counter()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{pad}")
    with urllib.request.urlopen(req, timeout=120) as antwoord:  # noqa: S310 (loopback)
        inhoud = antwoord.read()
        status = antwoord.status
    return status, len(inhoud), (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    ap.add_argument("--meldingen", type=int, default=100_000)
    ap.add_argument("--acties", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=20.0, help="offered page requests per second (default 20)")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--steekproef", type=int, default=40, help="random buurten besides the busiest (default 40)")
    ap.add_argument("--wacht", type=float, default=120.0, help="at most this long for an idle machine (default 120 s)")
    args = ap.parse_args()

    begin = time.perf_counter()
    # A cache key prefix of this run's own: the feed is built cold, nothing is found from earlier runs.
    prefix = f"bench-buurt-{secrets.token_hex(4)}"
    harness.database_prepare(args.database_url)
    harness.django_setup(args.database_url, DJANGO_ALLOWED_HOSTS="127.0.0.1", CACHE_KEY_PREFIX=prefix)

    from accounts.roles import Rol
    from accounts.services import gebruiker_zetten
    from acties.selectors import buurt_publieke_acties

    door, _ = gebruiker_zetten(username="bench-coordinator", password=WACHTWOORD, rol=Rol.COORDINATOR)
    data = zaaien(args.database_url, args.meldingen, args.acties, door.pk)

    import psycopg

    with psycopg.connect(harness.pg_conninfo(args.database_url)) as conn:
        drukste = [
            r[0]
            for r in conn.execute(
                "select buurt_id from meldingen_melding group by 1 order by count(*) desc, 1 limit %s", [DRUK]
            )
        ]
        overige = [r[0] for r in conn.execute("select code from meldingen_buurt order by code") if r[0] not in drukste]
        busiest_n, busiest_acties = conn.execute(
            "select (select count(*) from meldingen_melding where buurt_id = %(b)s),"
            " (select count(*) from acties_actie where buurt_id = %(b)s)",
            {"b": drukste[0]},
        ).fetchone()
    steekproef = random.Random(7).sample(overige, min(args.steekproef, len(overige)))
    getoond = buurt_publieke_acties(buurt_code=drukste[0])
    profiel, pagina_bytes = pagina_profiel(drukste[0])

    # Round robin: the busy ones and the sample interleaved, in a fixed shuffled order.
    paden = [(f"busiest {len(drukste)} buurten", verzoek(f"/buurt/{c}/")) for c in drukste] + [
        (f"random {len(steekproef)} buurten", verzoek(f"/buurt/{c}/")) for c in steekproef
    ]
    random.Random(3).shuffle(paden)

    env = harness.server_env(args.database_url, workers=args.workers, CACHE_KEY_PREFIX=prefix)
    port = harness.free_port()
    tmp = Path(tempfile.mkdtemp(prefix="buurt_bench_"))
    proc = harness.start_gunicorn(env, port, args.workers, tmp, ready_path=f"/buurt/{drukste[0]}/")
    try:
        harness.wait_idle(args.wacht)
        for _soort, payload in paden:  # warm-up: each buurt once
            asyncio.run(harness.http("127.0.0.1", port, payload, timeout=10))
        groepen = {
            "gunicorn": {proc.pid},
            "postgres": harness.bench_backends(args.database_url),
            "loadgen": {os.getpid()},
        }
        load_voor = os.getloadavg()[0]
        c0 = harness.cpu_snapshot(groepen)
        uitkomst = asyncio.run(belasting(port, paden, args.rate, args.seconds))
        # The workers reconnect when their connection is DATABASE_CONN_MAX_AGE old: new backends count too.
        groepen["postgres"] |= harness.bench_backends(args.database_url)
        cpu = harness.cpu_delta(c0, harness.cpu_snapshot(groepen))
        load_na = os.getloadavg()[0]
        feed_status, feed_bytes, feed_koud = ophalen(port, "/open-data/buurtcijfers.json")
        feed_status2, _b, feed_warm = ophalen(port, "/open-data/buurtcijfers.json")
    finally:
        proc.stop()

    rijen = uitkomst["rijen"]
    p95 = harness.pct(rijen["ALL"], 95)
    gehaald = p95 <= DOEL_P95_MS and not uitkomst["fouten"]
    groottes = uitkomst["groottes"]
    server_cpu = cpu["gunicorn"] + cpu["postgres"] + cpu["redis"]
    elders = max(0.0, cpu["_busy"] - server_cpu - cpu["loadgen"])
    uit = [
        "bench/buurt.py: the public buurt page, uncached, and the open-data feed",
        *harness.machine_facts(args.database_url),
        f"data       {data['meldingen']} meldingen over {data['buurten']} buurten, last {MAANDEN} months "
        f"({data['geteld']} counted, {data['afgewezen']} rejected of which {data['duplicaten']} duplicates; "
        f"{data['events']} history rows); {data['meldingen_druk']} in the {DRUK} busiest buurten",
        f"           {data['acties']} actions, {data['afgerond']} completed, {data['publiek_jaar']} public on a "
        f"buurt page (public type, completed within a year, 13b decision public); {data['sluitingen']} 13b "
        f"closures, {data['sluitingen_openbaar']} with a public decision; {data['acties_gekoppeld']} linked to "
        f"{data['koppels']} meldingen, {data['acties_woning']} of them to a dwelling; "
        f"{data['acties_druk']} in the busiest buurten",
        f"busiest    buurt {drukste[0]}: {busiest_n} meldingen, {busiest_acties} actions, the page lists "
        f"{len(getoond)} ({sum(1 for a in getoond if not a.samenvatting)} without a summary: on a dwelling, or none "
        "written); "
        f"page {pagina_bytes / 1024:.0f} KB",
        f"method     gunicorn ({args.workers} workers) on loopback, open loop at {args.rate:.0f} req/s for "
        f"{args.seconds:.0f} s (Poisson), latency from the scheduled send; round robin over the {DRUK} busiest "
        f"and {len(steekproef)} random buurten; every request a fresh GET without If-None-Match, no page "
        f"cache; load average {load_voor:.2f} before, {load_na:.2f} after",
        "",
        *harness.percentielen_tabel(rijen, kop="GET /buurt/<code>/", breedte=28),
        "",
        f"answered   {len(rijen['ALL'])} requests, not 200: {uitkomst['fouten'] or 'none'}; page size "
        f"{min(groottes, default=0) / 1024:.0f}-{max(groottes, default=0) / 1024:.0f} KB",
        f"cpu        during the load: gunicorn {cpu['gunicorn']:.1f} s, PostgreSQL {cpu['postgres']:.1f} s, Redis "
        f"{cpu['redis']:.1f} s, load generator {cpu['loadgen']:.1f} s, other processes {elders:.1f} s, of "
        f"{cpu['_total']:.0f} core-seconds; server CPU per request {server_cpu / max(1, len(rijen['ALL'])) * 1000:.1f} ms",
        *(
            [
                f"NOISY      other processes used {elders / max(1e-9, cpu['_total']):.0%} of the machine during "
                "the load: the latencies above are not this page's alone; run again on a quiet machine"
            ]
            if elders > 0.05 * cpu["_total"]
            else []
        ),
        "",
        f"profile    the busiest buurt's page ({drukste[0]}), in this process (Django test client):",
        *(f"           {regel}".rstrip() for regel in profiel),
        "",
        f"feed       GET /open-data/buurtcijfers.json cold (built): {feed_koud:.0f} ms, status {feed_status}, "
        f"{feed_bytes / 1024:.0f} KB; warm (Redis): {feed_warm:.0f} ms, status {feed_status2}",
        "",
        f"target     buurt page p95 <= {DOEL_P95_MS:.0f} ms uncached at {args.rate:.0f} req/s: "
        f"{'PASS' if gehaald else 'FAIL'} (p95 {p95:.1f} ms)",
        f"total      {time.perf_counter() - begin:.0f} s",
    ]
    print("\n".join(uit))


if __name__ == "__main__":
    main()
