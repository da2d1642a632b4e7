"""A believable demo city for ``manage.py seed_demo``: meldingen with real hotspots and a true history.

The picture follows DOMAIN.md: most reports concentrate in Zuidoost (T) and Nieuw-West (F), a few
smaller hotspots in Centrum and Noord, and background noise over the whole city in proportion to the
people living there (``Buurt.inwoners``). Each hotspot has the place types and observations that fit
it (garage boxes → opslag/aanloop, a playground → dealen/ronselen); the garage boxes at Ganzenhoef go
quiet two thirds into the period while Kraaiennest nearby picks up, so the demo shows displacement.

Seeding is a list of steps (``seed_meldingen`` now; users, partners and actions later), each idempotent
on its own: the demo meldingen carry ``import_sleutel = sha256("demo:<seed>:<i>")``, and a step that
finds its marker leaves the database alone. A different ``--seed`` is a different city; use it on a
fresh database. Everything comes from one seeded ``random.Random`` (meldcodes included, so a demo can
be reproduced; never seed a production database) plus a PostGIS seed for points inside buurten.

Meldingen and their history are bulk inserted for speed; every history row is a step that
workflow.ALLOWED permits, with the times it would have had, ending in the melding's status.
"""

import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from meldingen.models import RD_SRID, Buurt, Kanaal, LocatieType, MelderRol, Melding, MeldingEvent
from meldingen.selectors import buurt_codes_voor_punten
from meldingen.services import MELDCODE_ALPHABET, MELDCODE_LENGTH, point_rd
from meldingen.validation import dagdeel_for
from meldingen.workflow import AfwijsReden, MeldingStatus, is_allowed
from privacy.anonymity import truncate_to_hour

DEFAULT_SEED = 2019  # the year the programme started
DEFAULT_MELDINGEN = 4000
PERIOD = timedelta(days=182)
HOTSPOT_SHARE = 0.62
# Any constant works; it keeps two seed_demo runs from interleaving.
ADVISORY_LOCK = 0x57575F44454D4F

S = MeldingStatus


@dataclass(frozen=True)
class Hotspot:
    naam: str
    lat: float
    lon: float
    spread_m: float  # standard deviation around the centre
    weight: float
    locatie_types: dict[str, float]
    waarnemingen: dict[str, float]  # chance that a reporter ticks each
    teksten: tuple[str, ...] = ()
    active: tuple[float, float] = (0.0, 1.0)  # part of the period, 0 = six months ago, 1 = now


HOTSPOTS = (
    # Zuidoost
    Hotspot("Bijlmerplein", 52.3125, 4.9530, 90, 14, {"straat": 6, "horeca_winkel": 3, "portiek": 1, "parkeerplaats": 1},
            {"dealen": 0.85, "intimidatie": 0.4, "gebruik": 0.25, "aanloop": 0.2, "geweld": 0.06},
            ("Bij de winkels wordt openlijk gedeald.", "Groep jongens bij de ingang van het winkelcentrum, spreken mensen aan.")),
    Hotspot("Garageboxen Ganzenhoef", 52.3140, 4.9690, 70, 9, {"garagebox": 7, "parkeerplaats": 2, "portiek": 1},
            {"opslag": 0.75, "aanloop": 0.7, "dealen": 0.3, "intimidatie": 0.1},
            ("Bij de garageboxen achter de flat gaat het de hele nacht door.", "Box staat vaak open, er worden tassen in en uit gedragen."),
            active=(0.0, 0.65)),
    Hotspot("Kraaiennest", 52.3075, 4.9775, 80, 8, {"speelplek": 4, "portiek": 3, "garagebox": 2, "straat": 1},
            {"dealen": 0.7, "ronselen": 0.45, "opslag": 0.3, "aanloop": 0.3, "intimidatie": 0.2},
            ("Sinds kort staan ze hier, eerst stonden ze bij Ganzenhoef.", "Kinderen van de basisschool worden aangesproken."),
            active=(0.5, 1.0)),
    Hotspot("Speelveld Holendrecht", 52.3005, 4.9630, 80, 7, {"speelplek": 6, "school": 2, "park": 2},
            {"dealen": 0.7, "ronselen": 0.55, "gebruik": 0.2, "intimidatie": 0.2},
            ("Op het voetbalveld wordt na schooltijd gedeald.", "Jongeren krijgen geld om pakketjes weg te brengen.")),
    # Nieuw-West
    Hotspot("Plein '40-'45", 52.3773, 4.8020, 90, 12, {"straat": 5, "speelplek": 3, "horeca_winkel": 2},
            {"dealen": 0.8, "ronselen": 0.35, "intimidatie": 0.35, "geweld": 0.05},
            ("Na de markt blijft een groep hangen en wordt er gedeald.", "Scooters rijden over het plein, korte overdrachten.")),
    Hotspot("Osdorpplein", 52.3586, 4.8057, 110, 9, {"straat": 4, "horeca_winkel": 3, "parkeerplaats": 3},
            {"dealen": 0.75, "aanloop": 0.45, "gebruik": 0.25, "intimidatie": 0.15},
            ("In de parkeergarage onder het winkelcentrum steeds dezelfde auto.", "Lachgas en overdrachten bij de achteringang.")),
    Hotspot("Garageboxen Slotermeer", 52.3775, 4.8144, 70, 7, {"garagebox": 7, "portiek": 2, "parkeerplaats": 1},
            {"opslag": 0.75, "aanloop": 0.6, "dealen": 0.25},
            ("Er wordt 's nachts iets uit de boxen gehaald.", "Veel verkeer bij de boxen, niemand zet er een auto neer.")),
    Hotspot("Spookwoningen Geuzenveld", 52.3822, 4.7909, 100, 6, {"spookwoning": 4, "woning": 4, "portiek": 2},
            {"aanloop": 0.85, "opslag": 0.35, "dealen": 0.35, "intimidatie": 0.1},
            ("Niemand woont er echt, maar de hele dag komen er mensen.", "Rolluiken altijd dicht, steeds andere bezoekers."),
            active=(0.2, 1.0)),
    # Centrum and Noord, smaller
    Hotspot("Nieuwmarkt en Zeedijk", 52.3735, 4.9005, 100, 4, {"straat": 6, "horeca_winkel": 2, "portiek": 2},
            {"dealen": 0.8, "gebruik": 0.4, "intimidatie": 0.15},
            ("Toeristen worden aangesproken om iets te kopen.",)),
    Hotspot("Speelplaats Banne", 52.4020, 4.9235, 80, 3, {"speelplek": 5, "park": 3, "school": 1},
            {"dealen": 0.65, "ronselen": 0.4, "gebruik": 0.35}, ("Lachgaspatronen in de zandbak.",), active=(0.3, 1.0)),
    Hotspot("Portieken Vogelbuurt", 52.3870, 4.9190, 70, 2.5, {"portiek": 5, "woning": 3},
            {"aanloop": 0.7, "dealen": 0.5, "intimidatie": 0.25}, ("Trappenhuis wordt gebruikt om af te spreken.",)),
)  # fmt: skip

# Background reports: where people see dealing anywhere in the city, and what they see at such a place.
LOCATIE_WEIGHTS = {
    "straat": 28, "portiek": 14, "speelplek": 10, "park": 10, "parkeerplaats": 8, "woning": 8,
    "horeca_winkel": 7, "garagebox": 5, "spookwoning": 3, "school": 3, "buurtcentrum": 2,
    "zorglocatie": 1, "overig": 1,
}  # fmt: skip
WAARNEMINGEN_PER_LOCATIE = {
    "speelplek": {"dealen": 0.6, "ronselen": 0.35, "gebruik": 0.3, "intimidatie": 0.25},
    "school": {"dealen": 0.5, "ronselen": 0.5, "intimidatie": 0.2},
    "zorglocatie": {"dealen": 0.5, "gebruik": 0.5, "intimidatie": 0.2},
    "buurtcentrum": {"dealen": 0.5, "intimidatie": 0.35, "ronselen": 0.25},
    "garagebox": {"opslag": 0.7, "aanloop": 0.6, "dealen": 0.2},
    "spookwoning": {"aanloop": 0.8, "opslag": 0.35, "dealen": 0.3},
    "woning": {"aanloop": 0.8, "dealen": 0.4, "intimidatie": 0.1},
    "portiek": {"dealen": 0.5, "gebruik": 0.4, "intimidatie": 0.35, "opslag": 0.15},
    "parkeerplaats": {"dealen": 0.6, "aanloop": 0.5, "gebruik": 0.2},
    "park": {"dealen": 0.6, "gebruik": 0.45, "intimidatie": 0.2},
    "straat": {"dealen": 0.7, "intimidatie": 0.3, "gebruik": 0.25, "aanloop": 0.2, "geweld": 0.05},
    "horeca_winkel": {"dealen": 0.55, "aanloop": 0.45, "intimidatie": 0.2},
    "overig": {"dealen": 0.4, "overig": 0.6},
}
TEKSTEN = {
    "dealen": ("Er wordt hier bijna elke avond gedeald.", "Korte ontmoetingen, iets wordt doorgegeven en ze gaan weer.",
               "Steeds dezelfde jongens die iets overhandigen.",
               # a few texts that give their writer away, as real ones do: the queue flags them (issue 14)
               "Ik zie het elke avond vanuit mijn raam gebeuren."),
    "aanloop": ("Veel scooters die even stoppen en weer wegrijden.", "Auto's met draaiende motor, steeds stapt iemand even in.",
                "De hele avond komen en gaan er mensen.",
                "Mijn buurman krijgt de hele nacht bezoek."),
    "opslag": ("Ze verstoppen iets in de bosjes bij de ingang.", "Tassen gaan de berging in en worden later opgehaald."),
    "ronselen": ("Jonge kinderen worden aangesproken en krijgen geld.", "Scholieren worden als loopjongen gebruikt."),
    "intimidatie": ("Groep hangt in de portiek, bewoners durven er niet langs.", "Wie er iets van zegt wordt uitgescholden.",
                    "Ze staan in onze portiek, ik durf niet meer naar buiten."),
    "geweld": ("Gisteravond ruzie, er werd een mes getrokken.", "Er werd iemand geslagen bij de ingang."),
    "gebruik": ("Lachgaspatronen en naalden op de grond.", "Spuiten gevonden bij de bankjes."),
    "overig": ("Verdachte situatie, ik weet niet precies wat er gebeurt.",),
}  # fmt: skip
ROL_WEIGHTS = {"bewoner": 50, "onbekend": 20, "ondernemer": 7, "school": 5, "zorg": 5, "jongerenwerk": 6, "anders": 5}
# Who tends to report from such a place.
ROL_BIJ_LOCATIE = {
    "school": "school",
    "speelplek": "jongerenwerk",
    "buurtcentrum": "jongerenwerk",
    "zorglocatie": "zorg",
    "horeca_winkel": "ondernemer",
}
KANAAL_WEIGHTS = {Kanaal.WEB: 60, Kanaal.SMS: 22, Kanaal.TELEFOON: 12, Kanaal.IMPORT: 6}
FREQUENTIE_HOTSPOT = {"dagelijks": 40, "meerdere_keren": 40, "eenmalig": 10, "": 10}
FREQUENTIE_ACHTERGROND = {"eenmalig": 35, "meerdere_keren": 35, "dagelijks": 10, "": 20}
# Hour of observation: dealing is an evening and night business; around schools and playgrounds the
# afternoon counts too.
UUR_WEIGHTS = (6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 5, 7, 10, 12, 12, 12, 10, 8)
UUR_WEIGHTS_OVERDAG = (2, 1, 1, 1, 1, 1, 1, 2, 3, 3, 4, 5, 7, 8, 9, 9, 8, 7, 7, 6, 5, 4, 3, 2)
OVERDAG_LOCATIES = {"school", "speelplek", "buurtcentrum"}
TOELICHTING = {
    S.AFGEHANDELD: ("Extra toezicht ingezet in de avonduren.", "Straatcoaches zijn een aantal weken langsgegaan.",
                    "Boxen gecontroleerd met de woningcorporatie.", "Verlichting verbeterd en bosjes gesnoeid.",
                    "Besproken in het buurtoverleg; politie is op de hoogte."),
    AfwijsReden.DUBBEL: ("Zelfde plek en tijd als een eerdere melding.",),
    AfwijsReden.GEEN_DRUGSOVERLAST: ("Gaat over parkeeroverlast, doorgezet naar het stadsdeel.", "Burenruzie, geen drugsoverlast."),
    AfwijsReden.SPAM: ("Testbericht.", "Geen inhoud."),
    "heropend": ("Er wordt opnieuw overlast gemeld op deze plek.", "Afwijzing was onterecht."),
}  # fmt: skip


# Demo logins only; `make run` documents it and --password / DEMO_PASSWORD override it.
DEFAULT_PASSWORD = "weerbaar-demo"  # noqa: S105


class DemoSeedError(RuntimeError):
    """The database lacks what the demo builds on (areas, code lists)."""


@dataclass
class StepResult:
    """What one seeding step did, as lines for the command to print."""

    naam: str
    created: int = 0
    lines: list[str] = field(default_factory=list)


def demo_seed(
    *,
    meldingen: int = DEFAULT_MELDINGEN,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    password: str = DEFAULT_PASSWORD,
) -> list[StepResult]:
    """Runs every seeding step in order; each step is idempotent on its own."""
    now = now or timezone.now()
    from .acties import seed_acties

    return [
        seed_meldingen(count=meldingen, seed=seed, now=now),
        seed_beheerder(password=password),
        seed_acties(now=now),
    ]


def seed_beheerder(*, password: str) -> StepResult:
    """One staff superuser for the admin, and the role accounts of the coordination screens
    (demo/gebruikers.py: one user per role, one partner user per organisation).

    Passwords are (re)set on every run so the printed logins always work.
    """
    from django.contrib.auth import get_user_model

    from .gebruikers import seed_gebruikers

    user, created = get_user_model().objects.get_or_create(
        username="beheerder", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    rollen_created, regels = seed_gebruikers(password=password)
    return StepResult(
        naam="logins",
        created=int(created) + rollen_created,
        lines=[f"beheer: http://127.0.0.1:8000/beheer/  beheerder / {password}", *regels],
    )


def demo_sleutel(seed: int, index: int) -> str:
    return hashlib.sha256(f"demo:{seed}:{index}".encode()).hexdigest()


@dataclass
class _Concept:
    """A melding before it has a database row."""

    index: int
    groep: str  # hotspot name, or buurt code for background noise: where duplicates come from
    x: float
    y: float
    buurt_id: str | None
    locatie_type: str
    waarnemingen: list[str]
    observed_at: datetime
    ontvangen_op: datetime
    kanaal: str
    melder_rol: str
    frequentie: str
    omschrijving: str
    locatie_omschrijving: str
    path: list[tuple[str, str, datetime]] = field(default_factory=list)  # (naar, reden, when)
    origineel: "_Concept | None" = None
    melding: Melding | None = None


@transaction.atomic
def seed_meldingen(*, count: int, seed: int, now: datetime) -> StepResult:
    """Creates ``count`` demo meldingen over the last six months, unless this seed's demo exists."""
    result = StepResult(naam="meldingen")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
    if Melding.objects.filter(import_sleutel=demo_sleutel(seed, 0)).exists():
        result.lines.append(f"demo meldingen (seed {seed}) already present; nothing added")
        return result
    _check_reference_data()
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not a secret
    concepts = _hotspot_concepts(rng, round(count * HOTSPOT_SHARE), now) + _background_concepts(
        rng, count - round(count * HOTSPOT_SHARE), now
    )
    # In time order, so ids grow with time, an original precedes its duplicates, and the marker
    # (index 0) is the oldest demo melding.
    concepts.sort(key=lambda c: (c.ontvangen_op, c.observed_at, c.index))
    for index, concept in enumerate(concepts):
        concept.index = index
    _plan_histories(rng, concepts, now)
    _insert(rng, concepts, seed)

    result.created = len(concepts)
    result.lines += _summary(concepts, seed)
    return result


def _summary(concepts: list[_Concept], seed: int) -> list[str]:
    stadsdeel_van = dict(Buurt.objects.values_list("code", "wijk__stadsdeel_id"))
    per_stadsdeel = Counter(stadsdeel_van[c.buurt_id] for c in concepts)
    statuses = Counter(c.path[-1][0] for c in concepts)
    hotspots = Counter(c.groep for c in concepts if not c.groep.startswith("buurt:"))
    newest: dict[str, str] = {}
    for concept in reversed(concepts):
        newest.setdefault(concept.path[-1][0], concept.melding.meldcode)
    return [
        f"created {len(concepts)} demo meldingen (seed {seed}) over the last {PERIOD.days} days",
        "per stadsdeel: " + ", ".join(f"{code} {n}" for code, n in sorted(per_stadsdeel.items())),
        "per status: " + ", ".join(f"{status} {statuses[status]}" for status in S.values),
        "hotspots: " + ", ".join(f"{naam} {n}" for naam, n in hotspots.most_common()),
        "try a meldcode: " + ", ".join(f"{status} {newest[status]}" for status in S.values if status in newest),
    ]


def _check_reference_data() -> None:
    if not Buurt.objects.filter(inwoners__gt=0).exists():
        raise DemoSeedError("no buurten with inwoners: run `manage.py load_gebieden` first")
    for model, needed in ((LocatieType, LOCATIE_WEIGHTS), (MelderRol, ROL_WEIGHTS)):
        missing = set(needed) - set(model.objects.values_list("code", flat=True))
        if missing:
            raise DemoSeedError(f"{model.__name__} lacks the codes {', '.join(sorted(missing))}")


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _waarnemingen(rng: random.Random, chances: dict[str, float]) -> list[str]:
    chosen = [code for code, chance in chances.items() if rng.random() < chance]
    return chosen or [max(chances, key=chances.__getitem__)]


def _moments(rng: random.Random, active: tuple[float, float], locatie_type: str, now: datetime):
    """(observed_at, ontvangen_op): reports grow a little over the period as trust grows."""
    while True:
        t = rng.uniform(*active)
        if rng.random() < 0.7 + 0.3 * t:
            break
    day = timezone.localtime(now - PERIOD * (1 - t))
    hours = UUR_WEIGHTS_OVERDAG if locatie_type in OVERDAG_LOCATIES else UUR_WEIGHTS
    hour = rng.choices(range(24), weights=hours)[0]
    observed = day.replace(hour=hour, minute=rng.randrange(0, 60, 5), second=0, microsecond=0)
    while observed > now - timedelta(minutes=15):
        observed -= timedelta(days=1)
    # Most people report the same evening; some wait until the next day or the weekend.
    delay = rng.choice(
        (timedelta(minutes=rng.uniform(5, 180)), timedelta(hours=rng.uniform(3, 24)), timedelta(days=rng.uniform(1, 5)))
    )
    received = truncate_to_hour(min(observed + delay, now))
    return observed, received


def _attributes(rng: random.Random, locatie_type: str, waarnemingen: list[str], extra_teksten=()) -> dict:
    rollen = dict(ROL_WEIGHTS)
    if locatie_type in ROL_BIJ_LOCATIE:
        rollen[ROL_BIJ_LOCATIE[locatie_type]] += 25
    tekst = ""
    if rng.random() < 0.45:
        pool = list(extra_teksten) + list(TEKSTEN[rng.choice(waarnemingen)])
        tekst = rng.choice(pool)
    return {"kanaal": _pick(rng, KANAAL_WEIGHTS), "melder_rol": _pick(rng, rollen), "omschrijving": tekst}


def _hotspot_concepts(rng: random.Random, count: int, now: datetime) -> list[_Concept]:
    centres = [point_rd(lat=hotspot.lat, lon=hotspot.lon) for hotspot in HOTSPOTS]
    concepts = []
    for index in range(count):
        number = rng.choices(range(len(HOTSPOTS)), weights=[h.weight for h in HOTSPOTS])[0]
        hotspot, centre = HOTSPOTS[number], centres[number]
        locatie_type = _pick(rng, hotspot.locatie_types)
        waarnemingen = _waarnemingen(rng, hotspot.waarnemingen)
        observed, received = _moments(rng, hotspot.active, locatie_type, now)
        concepts.append(
            _Concept(
                index=index,
                groep=hotspot.naam,
                x=rng.gauss(centre.x, hotspot.spread_m),
                y=rng.gauss(centre.y, hotspot.spread_m),
                buurt_id=None,
                locatie_type=locatie_type,
                waarnemingen=waarnemingen,
                observed_at=observed,
                ontvangen_op=received,
                frequentie=_pick(rng, FREQUENTIE_HOTSPOT),
                locatie_omschrijving=hotspot.naam if rng.random() < 0.5 else "",
                **_attributes(rng, locatie_type, waarnemingen, hotspot.teksten),
            )
        )
    # Place every point in its buurt in one query; a point that strays outside the city (or into no
    # buurt) goes back to its hotspot's centre, which lies in one.
    buurten = buurt_codes_voor_punten([(c.x, c.y) for c in concepts] + [(p.x, p.y) for p in centres])
    centre_buurt = dict(zip((h.naam for h in HOTSPOTS), buurten[len(concepts) :], strict=True))
    for concept, buurt in zip(concepts, buurten[: len(concepts)], strict=True):
        if buurt is None:
            centre = centres[[h.naam for h in HOTSPOTS].index(concept.groep)]
            concept.x, concept.y, buurt = centre.x, centre.y, centre_buurt[concept.groep]
        concept.buurt_id = buurt
    return concepts


def _background_concepts(rng: random.Random, count: int, now: datetime) -> list[_Concept]:
    """Noise in proportion to the people living in a buurt, at uniform points inside its polygon."""
    buurten = list(Buurt.objects.filter(inwoners__gt=0).order_by("code").values_list("code", "inwoners"))
    picks = Counter(rng.choices([code for code, _n in buurten], weights=[n for _code, n in buurten], k=count))
    codes = sorted(picks)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT b.code, ST_X(d.geom), ST_Y(d.geom)
            FROM {Buurt._meta.db_table} b
            JOIN unnest(%s::text[], %s::int[]) AS c(code, n) ON c.code = b.code
            CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(b.geometrie, c.n, %s)) AS d
            ORDER BY b.code, d.path
            """,  # noqa: S608 -- the table name is ours, values are parameters
            [codes, [picks[code] for code in codes], rng.randrange(1, 2**31)],
        )
        points = cursor.fetchall()
    concepts = []
    for index, (code, x, y) in enumerate(points):
        locatie_type = _pick(rng, LOCATIE_WEIGHTS)
        waarnemingen = _waarnemingen(rng, WAARNEMINGEN_PER_LOCATIE[locatie_type])
        observed, received = _moments(rng, (0.0, 1.0), locatie_type, now)
        concepts.append(
            _Concept(
                index=index,
                groep=f"buurt:{code}",
                x=x,
                y=y,
                buurt_id=code,
                locatie_type=locatie_type,
                waarnemingen=waarnemingen,
                observed_at=observed,
                ontvangen_op=received,
                frequentie=_pick(rng, FREQUENTIE_ACHTERGROND),
                locatie_omschrijving="",
                **_attributes(rng, locatie_type, waarnemingen),
            )
        )
    return concepts


def _plan_histories(rng: random.Random, concepts: list[_Concept], now: datetime) -> None:
    """Gives every concept a path of status changes, older meldingen further along.

    Expects ``concepts`` sorted by ontvangen_op, so an original is always planned before its duplicates.
    """
    latest_original: dict[str, _Concept] = {}
    for concept in concepts:
        age = now - concept.ontvangen_op
        if age < timedelta(days=2):
            weights = {"nieuw": 88, "behandeling": 10, "spam": 2}
        elif age < timedelta(days=7):
            weights = {"nieuw": 45, "behandeling": 40, "afgehandeld": 2, "afgewezen": 13}
        elif age < timedelta(days=28):
            weights = {"nieuw": 6, "behandeling": 45, "afgehandeld": 32, "afgewezen": 15, "heropend": 2}
        else:
            weights = {"nieuw": 2, "behandeling": 18, "afgehandeld": 61, "afgewezen": 15, "heropend": 4}
        plan = _pick(rng, weights)
        reden = ""
        if plan == "spam":
            plan, reden = "afgewezen", AfwijsReden.SPAM
        elif plan == "afgewezen":
            reden = _pick(rng, {AfwijsReden.DUBBEL: 50, AfwijsReden.GEEN_DRUGSOVERLAST: 30, AfwijsReden.SPAM: 20})
            original = latest_original.get(concept.groep)
            if reden == AfwijsReden.DUBBEL:
                if original and concept.ontvangen_op - original.ontvangen_op < timedelta(days=14):
                    concept.origineel = original
                else:
                    reden = AfwijsReden.GEEN_DRUGSOVERLAST
        if concept.origineel is None:
            latest_original[concept.groep] = concept
        steps: list[tuple[str, str]] = []
        if plan in ("behandeling", "afgehandeld") or (plan == "afgewezen" and rng.random() < 0.3):
            steps.append((S.IN_BEHANDELING, ""))
        if plan == "afgehandeld":
            steps.append((S.AFGEHANDELD, ""))
        elif plan == "afgewezen":
            steps.append((S.AFGEWEZEN, reden))
        elif plan == "heropend" and rng.random() < 0.5:
            # handled, then reported again
            steps += [(S.IN_BEHANDELING, ""), (S.AFGEHANDELD, ""), (S.IN_BEHANDELING, "")]
        elif plan == "heropend":
            # rejected by mistake
            steps += [(S.AFGEWEZEN, AfwijsReden.GEEN_DRUGSOVERLAST), (S.NIEUW, ""), (S.IN_BEHANDELING, "")]
        concept.path = [(S.NIEUW, "", concept.ontvangen_op), *_timed(rng, concept.ontvangen_op, steps, now)]


def _timed(rng: random.Random, start: datetime, steps: list[tuple[str, str]], now: datetime):
    """Spreads the steps after ``start`` with plausible gaps, squeezed to end before ``now``."""
    gaps = []
    for naar, _reden in steps:
        if naar == S.AFGEHANDELD:
            gaps.append(timedelta(days=rng.uniform(2, 30)))
        else:
            gaps.append(timedelta(hours=rng.uniform(1, 72)))
    room = (now - start) * 0.95
    total = sum(gaps, timedelta())
    scale = min(1.0, room / total) if total else 1.0
    moment, timed = start, []
    for (naar, reden), gap in zip(steps, gaps, strict=True):
        moment = moment + gap * scale
        timed.append((naar, reden, moment.replace(microsecond=0)))
    return timed


def _insert(rng: random.Random, concepts: list[_Concept], seed: int) -> None:
    """Originals first, then the duplicates pointing at them, then the whole history."""
    codes: set[str] = set()
    for concept in concepts:
        while True:
            meldcode = "".join(rng.choice(MELDCODE_ALPHABET) for _ in range(MELDCODE_LENGTH))
            if meldcode not in codes:
                codes.add(meldcode)
                break
        status, reden, _when = concept.path[-1]
        concept.melding = Melding(
            meldcode=meldcode,
            status=status,
            afwijs_reden=reden if status == S.AFGEWEZEN else "",
            kanaal=concept.kanaal,
            locatie=Point(concept.x, concept.y, srid=RD_SRID),
            buurt_id=concept.buurt_id,
            locatie_omschrijving=concept.locatie_omschrijving,
            locatie_type_id=concept.locatie_type,
            waarnemingen=concept.waarnemingen,
            observed_at=concept.observed_at,
            dagdeel=dagdeel_for(concept.observed_at),
            frequentie=concept.frequentie,
            melder_rol_id=concept.melder_rol,
            omschrijving=concept.omschrijving,
            ontvangen_op=concept.ontvangen_op,
            import_sleutel=demo_sleutel(seed, concept.index),
        )
    Melding.objects.bulk_create([c.melding for c in concepts if c.origineel is None], batch_size=1000)
    for concept in concepts:
        if concept.origineel is not None:
            concept.melding.duplicaat_van = concept.origineel.melding
    Melding.objects.bulk_create([c.melding for c in concepts if c.origineel is not None], batch_size=1000)

    events = []
    for concept in concepts:
        van = ""
        for naar, reden, when in concept.path:
            if van and not is_allowed(van, naar):
                raise AssertionError(f"demo history breaks the workflow: {van} → {naar}")
            toelichting = ""
            if naar == S.AFGEWEZEN:
                toelichting = rng.choice(TOELICHTING[reden])
            elif naar == S.AFGEHANDELD:
                toelichting = rng.choice(TOELICHTING[S.AFGEHANDELD])
            elif van in (S.AFGEHANDELD, S.AFGEWEZEN):
                toelichting = rng.choice(TOELICHTING["heropend"])
            events.append(
                MeldingEvent(
                    melding=concept.melding, van=van, naar=naar, reden=reden, toelichting=toelichting, created_at=when
                )
            )
            van = naar
    MeldingEvent.objects.bulk_create(events, batch_size=2000)
