"""Seeded scenarios for the hotspot detection's quality bar (issue 4), over the real buurten.

``scenario_maken(config=..., as_of=...)`` writes meldingen into the current database (the caller owns
the transaction and the database: the bench wipes its own, tests run inside their test transaction)
and returns the ground truth:

* planted hotspots (`Geplant`), each with one or two phases (`Fase`: centre in RD, radius, active
  interval ``[begin, eind)``); a moved hotspot has two: the old place goes quiet on the disruption
  date and the new one, 250-500 m away, starts a few days later;
* the "future" reports of the 30 days after ``as_of`` (not written to the database; they are what the
  hotspots and the kernel-density baseline are asked to predict).

What is planted, per config (``ScenarioConfig``):

* hotspots of varying strength (reports per week), spread (radius 30-150 m; points Gaussian with
  sigma = radius / 2, cut at the radius), start and duration, in turn over the stadsdelen (Centrum
  and West are dense, Noord, Nieuw-West, Zuidoost and Weesp sparse), at least ``MIN_AFSTAND_M``
  apart. Kinds: ``lang`` (months, still active), ``nieuw`` (started 6-12 days before as-of),
  ``kort`` (three weeks, active at as-of), ``recent_geeindigd`` (ended 2-20 days before as-of),
  ``geeindigd`` (ended 45-80 days before), ``verplaatst`` (moved after a disruption 25-50 days before);
* background noise weighted by the buurt's population (``Buurt.inwoners``), uniform inside the buurt
  (``ST_GeneratePoints``): ``ruis_per_halfjaar`` reports per 182 days city-wide;
* exact duplicates (``duplicaat_van``, afgewezen with reden ``dubbel``), near-identical re-reports
  (within 15 m and 3-28 minutes of the first, status nieuw, not linked: the counting rule must collapse
  them), reports rejected as spam / not about drugs, and "spam bursts": a dozen rejected reports at
  one spot, which must never become a hotspot.

Recall's denominator (``beoordelen``): the planted places active at as-of with at least
GT_MIN_MELDINGEN counted reports in 90 days and, given the method's window, detectable in it: an oracle
that knows the place's centre and radius counts the counted reports in that disc in the window and
compares them with the background the generator itself puts there (``Toets``: P(X >= n) < GT_ALPHA for
X ~ Poisson(expected background)). A place no test could tell from chance is listed, not counted.

Everything comes from one ``random.Random(seed)`` and PostGIS' seeded ``ST_GeneratePoints``, so a seed
is one scenario. Rows are written with one ``INSERT … SELECT FROM unnest(…)`` per batch (originals,
then duplicates pointing at them); no history rows (``MeldingEvent``), which the detection never reads.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection

from demo.services import LOCATIE_WEIGHTS, UUR_WEIGHTS, WAARNEMINGEN_PER_LOCATIE
from meldingen.models import RD_SRID
from meldingen.selectors import buurt_codes_voor_punten
from meldingen.services import MELDCODE_ALPHABET, MELDCODE_LENGTH
from meldingen.validation import dagdeel_for
from privacy.anonymity import truncate_to_hour

AS_OF = datetime(2026, 6, 30, 21, 0, tzinfo=UTC)
VERLEDEN = timedelta(days=182)
TOEKOMST = timedelta(days=30)
# Ground truth, fixed here so a parameter sweep of the method never moves the goalposts.
GT_VENSTER = timedelta(days=90)
# A planted hotspot with fewer counted reports than this in the window is no pattern yet (the domain's
# own floor: "fewer than five reports are not a pattern worth a coordinator's time").
GT_MIN_MELDINGEN = 5
# A planted place is a hotspot to find only when an oracle that knows its centre and radius would tell
# it from the background: the counted reports in its disc (its own and the others that fell there) in
# the method's window are improbable under the generator's own background rate, P(X >= n) < GT_ALPHA for
# X ~ Poisson(expected background in the disc). Method-independent; see docs/hotspot-quality.md.
GT_ALPHA = 1e-3
MIN_AFSTAND_M = 700
VERPLAATSING_M = (250, 500)
# Stadsdelen in the order hotspots are placed: the programme's focus first, then the rest.
STADSDELEN = ("T", "F", "A", "N", "E", "M", "K", "S", "T", "F")

SOORTEN_STANDAARD = (
    "lang", "verplaatst", "nieuw", "lang", "geeindigd", "kort", "lang", "recent_geeindigd",
    "verplaatst", "lang", "nieuw", "lang", "kort", "geeindigd", "lang", "verplaatst",
)  # fmt: skip


@dataclass(frozen=True)
class ScenarioConfig:
    naam: str = "normaal"
    seed: int = 1
    hotspots: int = 16
    soorten: tuple[str, ...] = SOORTEN_STANDAARD
    ruis_per_halfjaar: int = 3000
    kans_duplicaat: float = 0.06
    kans_bijna_hotspot: float = 0.15
    kans_bijna_ruis: float = 0.04
    kans_afgewezen: float = 0.05
    spam_uitbarstingen: int = 2
    # multiplies every hotspot's reports per week (a weaker or stronger city)
    sterkte: float = 1.0


@dataclass(frozen=True)
class Fase:
    x: float
    y: float
    straal_m: float
    begin: datetime
    eind: datetime  # exclusive; may lie after as_of (still going on)

    def actief_op(self, moment: datetime) -> bool:
        return self.begin <= moment < self.eind


@dataclass
class Geplant:
    nummer: int
    soort: str
    stadsdeel: str
    buurt: str
    per_week: float
    fasen: list[Fase]
    # counted (not rejected, not a copy) reports of the last phase in (as_of - 90 d, as_of]
    n_venster: int = 0
    # for the detectability test: the moments of the last phase's counted reports, of the other
    # counted reports inside its disc (noise, another place), the buurt of its centre, and the
    # generator's expected counted background per day in its disc
    eigen_tijden: list[datetime] = field(default_factory=list)
    andere_tijden: list[datetime] = field(default_factory=list)
    buurt_huidig: str | None = None
    achtergrond_per_dag: float = 0.0

    @property
    def huidig(self) -> Fase:
        return self.fasen[-1]


@dataclass
class Scenario:
    config: ScenarioConfig
    as_of: datetime
    geplant: list[Geplant]
    toekomst: list[tuple[float, float]]
    aantallen: dict[str, int] = field(default_factory=dict)


@dataclass
class _Rij:
    x: float
    y: float
    observed_at: datetime
    soort: str  # hotspot, ruis, bijna, duplicaat, spam
    status: str = "nieuw"
    afwijs_reden: str = ""
    origineel: int | None = None  # index of the row a duplicate points at
    buurt: str | None = None
    groep: int | None = None  # planted hotspot number and phase, for the ground-truth count
    fase: int | None = None
    origineel_punt: tuple | None = None  # a re-report's first report: its fallback place


def _tijdstip(rng: random.Random, dag_start: datetime, dag_eind: datetime) -> datetime:
    """A moment between the two, on a uniformly chosen day, at an evening-heavy hour."""
    dagen = max((dag_eind - dag_start).total_seconds() / 86400, 1e-6)
    dag = dag_start + timedelta(days=rng.uniform(0, dagen))
    uur = rng.choices(range(24), weights=UUR_WEIGHTS)[0]
    moment = dag.replace(hour=uur, minute=rng.randrange(60), second=0, microsecond=0)
    return min(max(moment, dag_start), dag_eind - timedelta(minutes=1))


def _aankomsten(rng: random.Random, per_week: float, begin: datetime, eind: datetime) -> list[datetime]:
    """A Poisson process of `per_week` reports per week on [begin, eind), evening-heavy."""
    tijden, t = [], begin
    while True:
        t = t + timedelta(days=rng.expovariate(per_week / 7))
        if t >= eind:
            return tijden
        uur = rng.choices(range(24), weights=UUR_WEIGHTS)[0]
        moment = t.replace(hour=uur, minute=rng.randrange(60), second=0, microsecond=0)
        if begin <= moment < eind:
            tijden.append(moment)


def _kandidaten(seed: int) -> list[tuple[str, str, int, float, float]]:
    """(stadsdeel, buurt, inwoners, x, y): eight seeded points inside each inhabited buurt."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT w.stadsdeel_id, b.code, b.inwoners, ST_X(d.geom), ST_Y(d.geom)
            FROM meldingen_buurt b JOIN meldingen_wijk w ON w.code = b.wijk_id
            CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(b.geometrie, 8, %s)) d
            WHERE b.inwoners >= 500
            ORDER BY b.code, d.path
            """,
            [seed],
        )
        return cursor.fetchall()


def _plan(rng: random.Random, soort: str, as_of: datetime) -> tuple[float, list[tuple[datetime, datetime]]]:
    """Reports per week and the phase intervals of one planted hotspot of this kind."""
    d = lambda a, b: timedelta(days=rng.uniform(a, b))  # noqa: E731
    eind_toekomst = as_of + TOEKOMST + timedelta(days=1)
    if soort == "lang":
        return rng.uniform(1.5, 6), [(as_of - d(60, 170), eind_toekomst)]
    if soort == "nieuw":
        return rng.uniform(6, 12), [(as_of - d(6, 12), eind_toekomst)]
    if soort == "kort":
        begin = as_of - d(10, 18)
        return rng.uniform(4, 8), [(begin, begin + timedelta(days=21))]
    if soort == "recent_geeindigd":
        eind = as_of - d(2, 20)
        return rng.uniform(2, 6), [(eind - d(40, 80), eind)]
    if soort == "geeindigd":
        eind = as_of - d(45, 80)
        return rng.uniform(2, 6), [(eind - d(40, 80), eind)]
    if soort == "verplaatst":
        verstoring = as_of - d(25, 50)
        return rng.uniform(2.5, 6), [(as_of - d(120, 170), verstoring), (verstoring + d(1, 5), eind_toekomst)]
    raise ValueError(soort)


def _dichtbij(p: tuple[float, float], q: tuple[float, float], m: float) -> bool:
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 < m * m


def _hotspots_plaatsen(rng: random.Random, config: ScenarioConfig, as_of: datetime) -> list[Geplant]:
    kandidaten = _kandidaten(config.seed)
    per_stadsdeel: dict[str, list] = {}
    for k in kandidaten:
        per_stadsdeel.setdefault(k[0], []).append(k)
    geplant: list[Geplant] = []
    bezet: list[tuple[float, float]] = []
    for nummer in range(config.hotspots):
        soort = config.soorten[nummer % len(config.soorten)]
        stadsdeel = STADSDELEN[nummer % len(STADSDELEN)]
        per_week, intervallen = _plan(rng, soort, as_of)
        for _poging in range(200):
            sd, buurt, _inw, x, y = rng.choices(
                per_stadsdeel[stadsdeel], weights=[k[2] for k in per_stadsdeel[stadsdeel]]
            )[0]
            if any(_dichtbij((x, y), b, MIN_AFSTAND_M) for b in bezet):
                continue
            centra = [(x, y)]
            if len(intervallen) == 2:
                # the new place: another inhabited spot 250-500 m away, clear of the other hotspots
                verder = [
                    (k[3], k[4])
                    for k in kandidaten
                    if not _dichtbij((k[3], k[4]), (x, y), VERPLAATSING_M[0])
                    and _dichtbij((k[3], k[4]), (x, y), VERPLAATSING_M[1])
                    and not any(_dichtbij((k[3], k[4]), b, MIN_AFSTAND_M) for b in bezet)
                ]
                if not verder:
                    continue
                centra.append(rng.choice(verder))
            break
        else:
            raise RuntimeError(f"no room for hotspot {nummer} in stadsdeel {stadsdeel}")
        straal = math.exp(rng.uniform(math.log(30), math.log(150)))
        fasen = [
            Fase(x=cx, y=cy, straal_m=round(straal, 1), begin=b, eind=e)
            for (cx, cy), (b, e) in zip(centra, intervallen, strict=True)
        ]
        bezet += centra
        geplant.append(
            Geplant(
                nummer=nummer, soort=soort, stadsdeel=sd, buurt=buurt, per_week=per_week * config.sterkte, fasen=fasen
            )
        )
    return geplant


def _achtergrond_per_dag(config: ScenarioConfig, fasen: list[Fase]) -> list[float]:
    """The generator's own expected counted background per day inside each phase's disc.

    Noise is drawn per buurt in proportion to its inhabitants and uniform over the buurt's polygon, at
    ``ruis_per_halfjaar`` / 182 a day city-wide, and a share ``kans_afgewezen`` of it is rejected; the
    disc's expectation is the sum over the buurten it overlaps of rate x overlap area."""
    if not fasen:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH b AS (
                SELECT geometrie, inwoners / sum(inwoners) OVER ()::float / ST_Area(geometrie) AS per_m2
                FROM meldingen_buurt WHERE inwoners > 0
            )
            SELECT p.i, coalesce(sum(b.per_m2 * ST_Area(ST_Intersection(b.geometrie, p.disc))), 0)
            FROM (SELECT i, ST_Buffer(ST_SetSRID(ST_MakePoint(x, y), %s), r, 32) AS disc
                  FROM unnest(%s::float8[], %s::float8[], %s::float8[]) WITH ORDINALITY AS u(x, y, r, i)) p
            LEFT JOIN b ON ST_Intersects(b.geometrie, p.disc)
            GROUP BY p.i ORDER BY p.i
            """,
            [RD_SRID, [f.x for f in fasen], [f.y for f in fasen], [f.straal_m for f in fasen]],
        )
        aandeel = [float(r[1]) for r in cursor.fetchall()]
    per_dag = config.ruis_per_halfjaar / 182 * (1 - config.kans_afgewezen)
    return [per_dag * a for a in aandeel]


def poisson_staart(n: int, mu: float) -> float:
    """P(X >= n) for X ~ Poisson(mu)."""
    if n <= 0:
        return 1.0
    term = som = math.exp(-mu)
    for i in range(1, n):
        term *= mu / i
        som += term
    return max(0.0, 1.0 - som)


def _punt_rond(rng: random.Random, fase: Fase) -> tuple[float, float]:
    while True:
        dx, dy = rng.gauss(0, fase.straal_m / 2), rng.gauss(0, fase.straal_m / 2)
        if dx * dx + dy * dy <= fase.straal_m**2:
            return fase.x + dx, fase.y + dy


def _ruis(rng: random.Random, config: ScenarioConfig, as_of: datetime) -> list[_Rij]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, inwoners FROM meldingen_buurt WHERE inwoners > 0 ORDER BY code")
        buurten = cursor.fetchall()
    totaal = round(config.ruis_per_halfjaar * (VERLEDEN + TOEKOMST) / timedelta(days=182))
    keuze: dict[str, int] = {}
    for code in rng.choices([b[0] for b in buurten], weights=[b[1] for b in buurten], k=totaal):
        keuze[code] = keuze.get(code, 0) + 1
    codes = sorted(keuze)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT b.code, ST_X(d.geom), ST_Y(d.geom)
            FROM meldingen_buurt b
            JOIN unnest(%s::text[], %s::int[]) AS c(code, n) ON c.code = b.code
            CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(b.geometrie, c.n, %s)) AS d
            ORDER BY b.code, d.path
            """,
            [codes, [keuze[c] for c in codes], rng.randrange(1, 2**31)],
        )
        punten = cursor.fetchall()
    return [
        _Rij(x=x, y=y, observed_at=_tijdstip(rng, as_of - VERLEDEN, as_of + TOEKOMST), soort="ruis", buurt=code)
        for code, x, y in punten
    ]


def _spam(rng: random.Random, config: ScenarioConfig, as_of: datetime, bezet: list) -> list[_Rij]:
    kandidaten = _kandidaten(config.seed + 1)
    rijen = []
    for _ in range(config.spam_uitbarstingen):
        _sd, buurt, _inw, x, y = rng.choice(
            [k for k in kandidaten if not any(_dichtbij((k[3], k[4]), b, 500) for b in bezet)]
        )
        begin = as_of - timedelta(days=rng.uniform(5, 60))
        for _i in range(12):
            hoek, r = rng.uniform(0, 2 * math.pi), 40 * math.sqrt(rng.random())
            rijen.append(
                _Rij(
                    x=x + r * math.cos(hoek),
                    y=y + r * math.sin(hoek),
                    observed_at=_tijdstip(rng, begin, begin + timedelta(days=10)),
                    soort="spam",
                    status="afgewezen",
                    afwijs_reden="spam",
                    buurt=buurt,
                )
            )
    return rijen


def _kopieen(rng: random.Random, config: ScenarioConfig, rijen: list[_Rij], as_of: datetime) -> list[_Rij]:
    """Exact duplicates (linked, rejected as dubbel) and near-identical re-reports (unlinked); a copy
    never lies after `as_of` (it was made before the moment we look)."""
    extra = []
    for index, rij in enumerate(rijen):
        if rij.soort not in ("hotspot", "ruis"):
            continue
        if rng.random() < config.kans_duplicaat:
            extra.append(
                _Rij(
                    x=rij.x + rng.uniform(-3, 3),
                    y=rij.y + rng.uniform(-3, 3),
                    observed_at=min(rij.observed_at + timedelta(minutes=rng.randint(0, 120)), as_of),
                    soort="duplicaat",
                    status="afgewezen",
                    afwijs_reden="dubbel",
                    origineel=index,
                )
            )
        kans = config.kans_bijna_hotspot if rij.soort == "hotspot" else config.kans_bijna_ruis
        if rng.random() < kans:
            for k in range(rng.randint(1, 3)):
                hoek, r = rng.uniform(0, 2 * math.pi), 15 * math.sqrt(rng.random())
                extra.append(
                    _Rij(
                        x=rij.x + r * math.cos(hoek),
                        y=rij.y + r * math.sin(hoek),
                        observed_at=min(rij.observed_at + timedelta(minutes=3 + 8 * k + rng.randint(0, 4)), as_of),
                        soort="bijna",
                        origineel_punt=(rij.x, rij.y, rij.buurt),
                    )
                )
    return extra


def _meldcode(rng: random.Random, gebruikt: set[str]) -> str:
    while True:
        code = "".join(rng.choice(MELDCODE_ALPHABET) for _ in range(MELDCODE_LENGTH))
        if code not in gebruikt:
            gebruikt.add(code)
            return code


KOLOMMEN = ("c", "s", "r", "dup", "k", "x", "y", "b", "lt", "w", "o", "d", "mr", "ont")
INSERT_SQL = """
INSERT INTO meldingen_melding (meldcode, status, afwijs_reden, duplicaat_van_id, kanaal, locatie, buurt_id,
    locatie_omschrijving, locatie_type_id, waarnemingen, observed_at, dagdeel, frequentie, melder_rol_id,
    omschrijving, ontvangen_op)
SELECT u.c, u.s, u.r, u.dup, u.k, ST_SetSRID(ST_MakePoint(u.x, u.y), %s), u.b, '', u.lt,
       string_to_array(u.w, ',')::varchar[], u.o, u.d, '', u.mr, '', u.ont
FROM unnest(%s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::float8[], %s::float8[], %s::text[],
            %s::text[], %s::text[], %s::timestamptz[], %s::text[], %s::text[], %s::timestamptz[])
     AS u(c, s, r, dup, k, x, y, b, lt, w, o, d, mr, ont)
RETURNING meldcode, id
"""


def meldingen_schrijven(rng: random.Random, rijen: list[_Rij], *, kanaal: str = "web") -> dict[int, int]:
    """Bulk-inserts the rows (originals first, then the duplicates); returns row index -> melding id."""
    gebruikt: set[str] = set()
    codes = [_meldcode(rng, gebruikt) for _ in rijen]
    ids: dict[int, int] = {}
    for ronde in (False, True):
        batch = [i for i, r in enumerate(rijen) if (r.origineel is not None) == ronde]
        kolommen: dict[str, list] = {k: [] for k in KOLOMMEN}
        for i in batch:
            r = rijen[i]
            lt = rng.choices(list(LOCATIE_WEIGHTS), weights=list(LOCATIE_WEIGHTS.values()))[0]
            kansen = WAARNEMINGEN_PER_LOCATIE[lt]
            waarn = [c for c, p in kansen.items() if rng.random() < p] or [max(kansen, key=kansen.__getitem__)]
            for k, v in (
                ("c", codes[i]),
                ("s", r.status),
                ("r", r.afwijs_reden),
                ("dup", ids[r.origineel] if r.origineel is not None else None),
                ("k", kanaal),
                ("x", r.x),
                ("y", r.y),
                ("b", r.buurt),
                ("lt", lt),
                ("w", ",".join(waarn)),
                ("o", r.observed_at),
                ("d", dagdeel_for(r.observed_at)),
                (
                    "mr",
                    "onbekend" if kanaal == "import" else rng.choice(("bewoner", "bewoner", "onbekend", "ondernemer")),
                ),
                ("ont", truncate_to_hour(r.observed_at + timedelta(minutes=rng.randint(5, 600)))),
            ):
                kolommen[k].append(v)
        if not batch:
            continue
        with connection.cursor() as cursor:
            cursor.execute(INSERT_SQL, [RD_SRID, *kolommen.values()])
            per_code = dict(cursor.fetchall())
        for i in batch:
            ids[i] = per_code[codes[i]]
    return ids


def scenario_maken(*, config: ScenarioConfig, as_of: datetime = AS_OF) -> Scenario:
    """Writes one seeded scenario's meldingen (observed before `as_of`) and returns its ground truth."""
    rng = random.Random(config.seed)  # noqa: S311 -- a seeded simulation, not a secret
    geplant = _hotspots_plaatsen(rng, config, as_of)
    rijen: list[_Rij] = []
    for h in geplant:
        for f, fase in enumerate(h.fasen):
            tempo = h.per_week * (rng.uniform(0.7, 1.0) if f == 1 else 1.0)
            for moment in _aankomsten(rng, tempo, fase.begin, min(fase.eind, as_of + TOEKOMST)):
                x, y = _punt_rond(rng, fase)
                rijen.append(_Rij(x=x, y=y, observed_at=moment, soort="hotspot", groep=h.nummer, fase=f))
    # points of a hotspot at the city's edge that fall outside every buurt move halfway to the centre,
    # then onto it (the centre lies in an inhabited buurt)
    for _ronde in range(3):
        zonder = [r for r in rijen if r.buurt is None]
        for r, b in zip(zonder, buurt_codes_voor_punten([(r.x, r.y) for r in zonder]), strict=True):
            r.buurt = b
            if b is None:
                fase = geplant[r.groep].fasen[r.fase]
                r.x, r.y = (r.x + fase.x) / 2, (r.y + fase.y) / 2
    for r in rijen:
        if r.buurt is None:
            fase = geplant[r.groep].fasen[r.fase]
            r.x, r.y, r.buurt = fase.x, fase.y, geplant[r.groep].buurt
    rijen += _ruis(rng, config, as_of)
    for r in rijen:
        if r.soort in ("hotspot", "ruis") and rng.random() < config.kans_afgewezen:
            r.status, r.afwijs_reden = "afgewezen", rng.choice(("spam", "geen_drugsoverlast"))
        elif r.soort in ("hotspot", "ruis"):
            r.status = rng.choice(("nieuw", "in_behandeling", "afgehandeld"))
    rijen.sort(key=lambda r: r.observed_at)
    verleden = [r for r in rijen if r.observed_at <= as_of]
    toekomst = [(r.x, r.y) for r in rijen if r.observed_at > as_of and r.status != "afgewezen"]
    verleden += _spam(rng, config, as_of, [(f.x, f.y) for h in geplant for f in h.fasen])
    verleden += _kopieen(rng, config, verleden, as_of)
    bijna = [r for r in verleden if r.soort == "bijna"]
    for r, b in zip(bijna, buurt_codes_voor_punten([(r.x, r.y) for r in bijna]), strict=True):
        r.buurt = b
        if b is None:
            r.x, r.y, r.buurt = r.origineel_punt
    for r in verleden:
        if r.origineel is not None:
            r.buurt = verleden[r.origineel].buurt
    meldingen_schrijven(rng, verleden)
    venster_start = as_of - GT_VENSTER
    for r in verleden:
        if r.soort == "hotspot" and r.status != "afgewezen" and r.observed_at > venster_start:
            h = geplant[r.groep]
            if r.fase == len(h.fasen) - 1:
                h.n_venster += 1
    # what the detectability test needs (no draws from rng: a seed stays the same scenario)
    huidig = [h.huidig for h in geplant]
    for h, b, mu in zip(
        geplant,
        buurt_codes_voor_punten([(f.x, f.y) for f in huidig]),
        _achtergrond_per_dag(config, huidig),
        strict=True,
    ):
        h.buurt_huidig, h.achtergrond_per_dag = b, mu
    for r in verleden:
        if r.soort not in ("hotspot", "ruis") or r.status == "afgewezen":
            continue
        for h in geplant:
            if r.soort == "hotspot" and r.groep == h.nummer and r.fase == len(h.fasen) - 1:
                h.eigen_tijden.append(r.observed_at)
            elif _dichtbij((r.x, r.y), (h.huidig.x, h.huidig.y), h.huidig.straal_m):
                h.andere_tijden.append(r.observed_at)
    aantallen: dict[str, int] = {}
    for r in verleden:
        soort = "afgewezen" if r.soort in ("hotspot", "ruis") and r.status == "afgewezen" else r.soort
        aantallen[soort] = aantallen.get(soort, 0) + 1
    aantallen["toekomst"] = len(toekomst)
    return Scenario(config=config, as_of=as_of, geplant=geplant, toekomst=toekomst, aantallen=aantallen)


# --- the matching rule ------------------------------------------------------------------------------
# A planted place and a reported polygon are the same hotspot when the polygon contains the place's
# centre or lies within MATCH_M of it (the method's eps; fixed here so a parameter sweep does not move it).
MATCH_M = 150
# A hotspot that ended this recently may still be reported as living: its reports are days old and the
# method only calls a place opgelost after the quiet period (HOTSPOT_QUIET_DAYS, 28 d).
RECENT = timedelta(days=28)


@dataclass(frozen=True)
class Toets:
    """The oracle's test of one planted place in a window: counted reports in its disc, own and others,
    the background expected there, and P(X >= eigen + anderen) under that background."""

    eigen: int
    anderen: int
    verwacht: float
    p: float

    @property
    def aantoonbaar(self) -> bool:
        return self.p < GT_ALPHA


def toetsen(h: Geplant, as_of: datetime, venster: timedelta) -> Toets:
    start = as_of - venster
    eigen = sum(start < t <= as_of for t in h.eigen_tijden)
    anderen = sum(start < t <= as_of for t in h.andere_tijden)
    mu = h.achtergrond_per_dag * venster / timedelta(days=1)
    return Toets(eigen, anderen, mu, poisson_staart(eigen + anderen, mu))


@dataclass
class Beoordeling:
    """Recall over the planted hotspots active at as-of with at least GT_MIN_MELDINGEN counted reports
    (and, given a window, detectable in it: `Toets`); precision over the living reported hotspots."""

    verwacht: int  # planted, active at as-of, >= GT_MIN_MELDINGEN counted reports (and detectable)
    gevonden: int
    gerapporteerd: int  # living hotspots
    terecht: int
    gemist: list[Geplant]
    onterecht: list[dict]  # the false positives: id, status, n, dagen, buurt
    # reported hotspots over a place that ended more than RECENT ago, labelled afkoelend: true (the
    # method says it is cooling down), counted apart to show how long a place lingers
    afkoelend_oud: int = 0
    # planted places covered by more than one reported hotspot (a split)
    gesplitst: int = 0
    # active places with >= GT_MIN_MELDINGEN counted reports that the oracle could not tell from the
    # background in the window (left out of recall), and which of them were found all the same
    uitgesloten: list[Geplant] = field(default_factory=list)
    uitgesloten_gevonden: int = 0
    toetsen: dict[int, Toets] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.gevonden / self.verwacht if self.verwacht else 1.0

    @property
    def recall_alle(self) -> float:
        """Recall without the detectability test (the domain's floor only)."""
        n = self.verwacht + len(self.uitgesloten)
        return (self.gevonden + self.uitgesloten_gevonden) / n if n else 1.0

    @property
    def precision(self) -> float:
        return self.terecht / self.gerapporteerd if self.gerapporteerd else 1.0


def levende_hotspots() -> list[dict]:
    from hotspots.models import Hotspot
    from hotspots.workflow import LEVEND

    return list(
        Hotspot.objects.filter(status__in=LEVEND)
        .order_by("id")
        .values("id", "polygon", "status", "aantal_meldingen", "aantal_dagen", "buurt_id", "laatste_melding")
    )


def beoordelen(
    scenario: Scenario, hotspots: list[dict] | None = None, *, venster: timedelta | None = None
) -> Beoordeling:
    """Applies the matching rule to the living hotspots (by default: those in the database now).

    With `venster` (the method's window), recall counts only the places the oracle's Poisson test
    (`toetsen`) finds in that window; the others are listed in `uitgesloten`, never hidden."""
    from django.contrib.gis.geos import Point

    hotspots = levende_hotspots() if hotspots is None else hotspots
    as_of = scenario.as_of
    fasen = [(h, f, Point(f.x, f.y, srid=RD_SRID)) for h in scenario.geplant for f in h.fasen]
    afstand = {(hs["id"], id(f)): hs["polygon"].distance(p) for hs in hotspots for _h, f, p in fasen}

    actief = [h for h in scenario.geplant if h.huidig.actief_op(as_of) and h.n_venster >= GT_MIN_MELDINGEN]
    toetsen_ = {h.nummer: toetsen(h, as_of, venster) for h in actief} if venster else {}
    verwacht = [h for h in actief if not venster or toetsen_[h.nummer].aantoonbaar]
    uitgesloten = [h for h in actief if venster and not toetsen_[h.nummer].aantoonbaar]
    gemist, gesplitst = [], 0
    for h in verwacht:
        treffers = [hs for hs in hotspots if afstand[hs["id"], id(h.huidig)] <= MATCH_M]
        if not treffers:
            gemist.append(h)
        gesplitst += len(treffers) > 1
    uitgesloten_gevonden = sum(any(afstand[hs["id"], id(h.huidig)] <= MATCH_M for hs in hotspots) for h in uitgesloten)
    terecht, afkoelend_oud, onterecht = 0, 0, []
    for hs in hotspots:
        dichtbij = [(h, f) for h, f, _p in fasen if afstand[hs["id"], id(f)] <= MATCH_M and f.begin <= as_of]
        if any(f.eind > as_of - RECENT for _h, f in dichtbij):
            terecht += 1
        elif dichtbij and hs["status"] == "afkoelend":
            terecht += 1
            afkoelend_oud += 1
        else:
            fp = {k: hs[k] for k in ("id", "status", "aantal_meldingen", "aantal_dagen", "buurt_id", "laatste_melding")}
            # the nearest planted place, to tell a stale hotspot from one made of noise
            fp["dichtst"] = min(
                ((round(afstand[hs["id"], id(f)]), h.soort, (as_of - f.eind).days) for h, f, _p in fasen),
                default=None,
            )
            onterecht.append(fp)
    return Beoordeling(
        verwacht=len(verwacht),
        gevonden=len(verwacht) - len(gemist),
        gerapporteerd=len(hotspots),
        terecht=terecht,
        gemist=gemist,
        onterecht=onterecht,
        afkoelend_oud=afkoelend_oud,
        gesplitst=gesplitst,
        uitgesloten=uitgesloten,
        uitgesloten_gevonden=uitgesloten_gevonden,
        toetsen=toetsen_,
    )
