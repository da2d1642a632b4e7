"""Reads of the coordination screens. The queue's per-melding suggestions (duplicate candidates, nearby
hotspots) are one query each for the whole page, not one per melding."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from hotspots.models import Hotspot, HotspotEvent, HotspotMelding, HotspotScore
from hotspots.workflow import LEVEND
from kaart.filters import MeldingFilter, meldingen_filteren
from meldingen.models import Dagdeel, LocatieType, Melding, Waarneming
from meldingen.workflow import MeldingStatus

from .models import Inzage

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# "The system proposes candidates within 100 m and 14 days" (issue 5).
DUBBEL_STRAAL_M = 100
DUBBEL_DAGEN = 14
MAX_KANDIDATEN = 5
# A hotspot is offered for linking when its polygon lies this close to the melding.
HOTSPOT_STRAAL_M = 100
MAX_HOTSPOTS = 3
# "Nearby reports" on the melding page.
OMGEVING_STRAAL_M = 250
OMGEVING_DAGEN = 90
MAX_OMGEVING = 25
_WGS84_GEOJSON = AsGeoJSON(Transform("locatie", 4326), precision=6)


def wachtrij(*, filter: MeldingFilter) -> QuerySet[Melding]:
    """New meldingen, oldest first, within the screen's filter (its own status filter is ignored: the
    queue is what waits for triage)."""
    qs = meldingen_filteren(Melding.objects.all(), dataclasses.replace(filter, status=(MeldingStatus.NIEUW,)))
    return (
        qs.select_related("buurt__wijk__stadsdeel", "locatie_type", "melder_rol")
        .annotate(punt=Transform("locatie", 4326))
        .order_by("ontvangen_op", "id")
    )


@dataclass(frozen=True)
class Kandidaat:
    id: int
    meldcode: str
    status: str
    observed_at: dt.datetime
    afstand_m: int
    locatie_type: str


_KANDIDATEN_SQL = f"""
SELECT m.id, c.id, c.meldcode, c.status, c.observed_at, c.afstand, c.locatie_type_id
FROM meldingen_melding m
CROSS JOIN LATERAL (
    SELECT c.id, c.meldcode, c.status, c.observed_at, c.locatie_type_id,
           ST_Distance(c.locatie, m.locatie) AS afstand
    FROM meldingen_melding c
    WHERE c.id <> m.id
      AND ST_DWithin(c.locatie, m.locatie, {DUBBEL_STRAAL_M})
      AND c.observed_at BETWEEN m.observed_at - interval '{DUBBEL_DAGEN} days'
                            AND m.observed_at + interval '{DUBBEL_DAGEN} days'
      -- an original is an earlier report that is itself not rejected (nor a duplicate)
      AND (c.ontvangen_op, c.id) < (m.ontvangen_op, m.id)
      AND c.status <> 'afgewezen'
    ORDER BY afstand, abs(extract(epoch FROM c.observed_at - m.observed_at)), c.id
    LIMIT {MAX_KANDIDATEN}
) c
WHERE m.id = ANY(%s)
ORDER BY m.id, c.afstand, c.id
"""  # noqa: S608 (constants only)


def dubbel_kandidaten(*, melding_ids: list[int]) -> dict[int, list[Kandidaat]]:
    """Per melding: earlier reports within 100 m whose observation lies within 14 days of its own,
    nearest first. A rejected report (duplicates included) is never an original."""
    uit: dict[int, list[Kandidaat]] = defaultdict(list)
    if not melding_ids:
        return uit
    with connection.cursor() as cursor:
        cursor.execute(_KANDIDATEN_SQL, [list(melding_ids)])
        for mid, cid, code, status, observed, afstand, lt in cursor.fetchall():
            uit[mid].append(Kandidaat(cid, code, status, observed, round(afstand), lt))
    return uit


@dataclass(frozen=True)
class HotspotKeuze:
    id: int
    status: str
    score: float
    afstand_m: int
    buurt_naam: str


_HOTSPOTS_SQL = f"""
SELECT m.id, h.id, h.status, h.score, h.afstand, h.naam
FROM meldingen_melding m
CROSS JOIN LATERAL (
    SELECT h.id, h.status, h.score, ST_Distance(h.polygon, m.locatie) AS afstand, coalesce(b.naam, '') AS naam
    FROM hotspots_hotspot h
    LEFT JOIN meldingen_buurt b ON b.code = h.buurt_id
    WHERE h.status = ANY(%s) AND ST_DWithin(h.polygon, m.locatie, {HOTSPOT_STRAAL_M})
      AND NOT EXISTS (SELECT 1 FROM hotspots_hotspotmelding hm WHERE hm.hotspot_id = h.id AND hm.melding_id = m.id)
    ORDER BY afstand, h.score DESC, h.id
    LIMIT {MAX_HOTSPOTS}
) h
WHERE m.id = ANY(%s)
ORDER BY m.id, h.afstand, h.id
"""  # noqa: S608 (constants only)


def hotspot_keuzes(*, melding_ids: list[int]) -> dict[int, list[HotspotKeuze]]:
    """Per melding: living hotspots whose polygon lies within 100 m and that it is not yet part of."""
    uit: dict[int, list[HotspotKeuze]] = defaultdict(list)
    if not melding_ids:
        return uit
    with connection.cursor() as cursor:
        cursor.execute(_HOTSPOTS_SQL, [sorted(LEVEND), list(melding_ids)])
        for mid, hid, status, score, afstand, naam in cursor.fetchall():
            uit[mid].append(HotspotKeuze(hid, status, score, round(afstand), naam))
    return uit


def melding_voor_staf(*, pk: int) -> Melding:
    return (
        Melding.objects.select_related("buurt__wijk__stadsdeel", "locatie_type", "melder_rol", "duplicaat_van")
        .annotate(punt=Transform("locatie", 4326))
        .get(pk=pk)
    )


def melding_historie(*, melding: Melding):
    return melding.events.select_related("actor").order_by("created_at", "id")


def melding_hotspots(*, melding: Melding) -> QuerySet[Hotspot]:
    ids = HotspotMelding.objects.filter(melding=melding).values("hotspot_id")
    return Hotspot.objects.filter(pk__in=ids).select_related("buurt").order_by("-score", "id")


def meldingen_in_de_buurt(*, melding: Melding) -> list[Melding]:
    """Other reports within 250 m and 90 days of this one's observation, nearest first."""
    from django.contrib.gis.db.models.functions import Distance
    from django.contrib.gis.measure import D

    venster = dt.timedelta(days=OMGEVING_DAGEN)
    return list(
        Melding.objects.filter(
            locatie__dwithin=(melding.locatie, D(m=OMGEVING_STRAAL_M)),
            observed_at__range=(melding.observed_at - venster, melding.observed_at + venster),
        )
        .exclude(pk=melding.pk)
        .select_related("locatie_type")
        .annotate(afstand=Distance("locatie", melding.locatie), geojson=_WGS84_GEOJSON)
        .order_by("afstand", "-observed_at")[:MAX_OMGEVING]
    )


# --- hotspot page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    begin: dt.date
    aantal: int
    procent: int  # of the busiest week, for the bar


def hotspot_tijdlijn(*, hotspot: Hotspot) -> list[Week]:
    """Reports per week (Monday, Amsterdam time) of the hotspot's member meldingen, empty weeks included."""
    rijen = (
        Melding.objects.filter(pk__in=HotspotMelding.objects.filter(hotspot=hotspot).values("melding_id"))
        .annotate(week=TruncWeek("observed_at", tzinfo=AMSTERDAM))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    per_week = {r["week"].date(): r["n"] for r in rijen}
    if not per_week:
        return []
    hoogste = max(per_week.values())
    weken, dag = [], min(per_week)
    while dag <= max(per_week):
        n = per_week.get(dag, 0)
        weken.append(Week(dag, n, round(100 * n / hoogste)))
        dag += dt.timedelta(days=7)
    return weken


@dataclass(frozen=True)
class Aandeel:
    code: str
    label: str
    aantal: int
    procent: int


def _aandelen(teller: Counter, labels: dict[str, str], totaal: int) -> list[Aandeel]:
    return [
        Aandeel(code, labels.get(code, code), n, round(100 * n / totaal) if totaal else 0)
        for code, n in teller.most_common()
    ]


def hotspot_verdeling(*, hotspot: Hotspot) -> dict[str, list[Aandeel]]:
    """The members by place kind, observation (a report may have several) and part of the day."""
    rijen = list(
        Melding.objects.filter(pk__in=HotspotMelding.objects.filter(hotspot=hotspot).values("melding_id")).values_list(
            "locatie_type_id", "waarnemingen", "dagdeel"
        )
    )
    totaal = len(rijen)
    types = Counter(r[0] for r in rijen)
    waarn = Counter(w for r in rijen for w in r[1])
    dagdelen = Counter(r[2] for r in rijen)
    return {
        "locatie_type": _aandelen(types, {c.code: c.label for c in LocatieType.objects.all()}, totaal),
        "waarneming": _aandelen(waarn, {c.code: c.label for c in Waarneming.objects.all()}, totaal),
        "dagdeel": _aandelen(dagdelen, {k: str(v) for k, v in Dagdeel.choices}, totaal),
    }


def hotspot_leden(*, hotspot: Hotspot, limit: int = 100) -> list[Melding]:
    return list(
        Melding.objects.filter(pk__in=HotspotMelding.objects.filter(hotspot=hotspot).values("melding_id"))
        .select_related("locatie_type")
        .annotate(geojson=_WGS84_GEOJSON)
        .order_by("-observed_at", "-id")[:limit]
    )


def hotspot_identiteit(*, hotspot: Hotspot) -> dict:
    """Where the hotspot came from and went: its own events, hotspots merged into it or split from it,
    and the one it was merged into."""
    return {
        "events": list(HotspotEvent.objects.filter(hotspot=hotspot).select_related("ander").order_by("as_of", "id")),
        "verwijzingen": list(
            HotspotEvent.objects.filter(ander=hotspot).exclude(hotspot=hotspot).order_by("as_of", "id")
        ),
        "samengevoegd_uit": list(Hotspot.objects.filter(samengevoegd_in=hotspot).order_by("id")),
        "samengevoegd_in": hotspot.samengevoegd_in,
        "scores": list(HotspotScore.objects.filter(hotspot=hotspot).order_by("-as_of")[:12]),
    }


# --- audit trail ----------------------------------------------------------------------------


def inzage_zoeken(
    *,
    gebruiker: str = "",
    meldcode: str = "",
    pagina: str = "",
    van: dt.date | None = None,
    tot: dt.date | None = None,
) -> QuerySet[Inzage]:
    qs = Inzage.objects.all()
    if pagina:
        qs = qs.filter(pagina=pagina)
    if gebruiker:
        qs = qs.filter(gebruikersnaam__iexact=gebruiker.strip())
    if meldcode:
        # A queue row names the melding among others; it counts as having seen it too.
        code = meldcode.strip().upper()
        gezien = Q(meldcode=code) | Q(meldcodes__contains=[code])
        if code.isdigit():  # a melding's database id, as the admin shows it in its URLs
            gezien |= Q(melding_id=int(code)) | Q(melding_ids__contains=[int(code)])
        qs = qs.filter(gezien)
    if van:
        qs = qs.filter(tijdstip__gte=dt.datetime.combine(van, dt.time.min, tzinfo=AMSTERDAM))
    if tot:
        qs = qs.filter(tijdstip__lt=dt.datetime.combine(tot + dt.timedelta(days=1), dt.time.min, tzinfo=AMSTERDAM))
    return qs.order_by("-tijdstip", "-id")
