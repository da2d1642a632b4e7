"""Reads of meldingen: every query on this app's tables that another app needs lives here (or in a
`MeldingQuerySet` method). Other apps call these; raw SQL elsewhere reads meldingen only through
`geteld_relatie_sql` (tests/test_architectuur.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.gis.db.models.functions import AsGeoJSON, Distance, Transform
from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncWeek
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import (
    RD_SRID,
    Buurt,
    Kanaal,
    LocatieType,
    MelderRol,
    Melding,
    MeldingAanvulling,
    MeldingEvent,
    MeldingFoto,
    MeldingQuerySet,
    Stadsdeel,
    Waarneming,
    Wijk,
    referentie,
    referentie_id,
)
from .services import meldcode_normalize
from .workflow import PUBLIC_LABELS, AfwijsReden, MeldingStatus
from .zelfverraad import Zelfverraad, tekst_zelfverraad

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def geteld_sql(alias: str = "") -> str:
    """`Melding.objects.geteld()` as a SQL condition for raw queries (clustering, incremental step,
    bench): the one place outside the queryset that spells out which meldingen count."""
    p = f"{alias}." if alias else ""
    return f"{p}status <> '{MeldingStatus.AFGEWEZEN.value}' AND {p}duplicaat_van_id IS NULL"


def clusterbaar_relatie_sql() -> str:
    """The counted meldingen with a real point, as a relation for the hotspot clustering's raw SQL: one
    filed with only its buurt (`locatie_onnauwkeurig`) would pile up on the buurt's centre point."""
    return f"(SELECT * FROM {Melding._meta.db_table} WHERE {geteld_sql()} AND NOT locatie_onnauwkeurig)"  # noqa: S608


def geteld_relatie_sql() -> str:
    """The counted meldingen as a relation for another app's raw SQL (`FROM {geteld_relatie_sql()} m`),
    so the hotspot SQL names neither this app's table nor the rule. A plain subquery: PostgreSQL pulls
    it up into the outer query, so the indexes on locatie and observed_at serve as before."""
    return f"(SELECT * FROM {Melding._meta.db_table} WHERE {geteld_sql()})"  # noqa: S608 (our own names)


@dataclass(frozen=True)
class PubliekeStatus:
    """What anyone holding the meldcode may see: never the report's text, photos or exact place."""

    meldcode: str
    status: str
    status_label: str
    toelichting: str
    buurt_naam: str
    ontvangen_op: str  # the hour of filing, as a date only
    buurt_code: str = ""
    # The note a coordinator wrote for the reporters when closing the melding (acties_meldingen_afsluiten
    # passes it through the covenant's disclosure rule first).
    notitie: str = ""
    acties: tuple = ()
    melding_id: int = 0  # for the composing layer (publiek), never shown

    @property
    def ontvangen_datum(self) -> dt.date:
        return dt.date.fromisoformat(self.ontvangen_op)


def melding_public_status(*, meldcode: str) -> PubliekeStatus | None:
    code = meldcode_normalize(meldcode)
    melding = (
        Melding.objects.select_related("buurt", "duplicaat_van")
        .only(
            "meldcode",
            "status",
            "afwijs_reden",
            "ontvangen_op",
            "buurt__naam",
            "duplicaat_van__status",
            "duplicaat_van__id",
        )
        .filter(meldcode=code)
        .first()
    )
    if melding is None:
        return None
    status = melding.status
    toelichting = notitie = ""
    if melding.afwijs_reden == AfwijsReden.DUBBEL and melding.duplicaat_van is not None:
        # Somebody else reported the same; the reporter follows that case.
        status = melding.duplicaat_van.status
        toelichting = _("Deze plek was al gemeld. Uw melding is samengevoegd met die eerdere melding.")
    elif status == MeldingStatus.NIEUW:
        toelichting = _("We hebben uw melding ontvangen. Een coördinator bekijkt uw melding zo snel mogelijk.")
    elif status == MeldingStatus.IN_BEHANDELING:
        toelichting = _("Uw melding wordt behandeld en meegenomen in de aanpak van deze buurt.")
    elif status == MeldingStatus.AFGEHANDELD:
        toelichting = _("Uw melding is afgehandeld. Dank u wel dat u dit liet weten.")
        notitie = (
            MeldingEvent.objects.filter(melding_id=melding.pk, naar=MeldingStatus.AFGEHANDELD)
            .order_by("-created_at", "-id")
            .values_list("toelichting", flat=True)
            .first()
            or ""
        )
    else:
        toelichting = _("Uw melding is bekeken en afgesloten.")
    return PubliekeStatus(
        meldcode=melding.meldcode,
        status=status,
        status_label=str(PUBLIC_LABELS[status]),
        toelichting=str(toelichting),
        buurt_naam=melding.buurt.naam,
        ontvangen_op=melding.ontvangen_op.date().isoformat(),
        buurt_code=melding.buurt_id,
        notitie=notitie,
        # A duplicate's reporter follows the earlier melding, its actions included.
        melding_id=melding.duplicaat_van_id or melding.pk if melding.afwijs_reden == AfwijsReden.DUBBEL else melding.pk,
    )


def melding_events_na(*, melding_id: int, na_event_id: int) -> list[tuple[int, str]]:
    """(id, van) of a melding's history rows after `na_event_id`, oldest first: what a subscriber to
    status texts has not been told yet."""
    return list(
        MeldingEvent.objects.filter(melding_id=melding_id, pk__gt=na_event_id).order_by("pk").values_list("pk", "van")
    )


def meldingen_as_geojson(*, queryset: QuerySet[Melding], limit: int) -> dict:
    """A GeoJSON FeatureCollection (WGS84) of the newest `limit` meldingen of a queryset, for staff maps.

    Coordinates are transformed and serialised by PostGIS; Python only joins the strings.
    """
    rows = (
        queryset.order_by("-ontvangen_op", "-id")
        .annotate(geojson=AsGeoJSON(Transform("locatie", 4326), precision=6))
        .values_list("pk", "meldcode", "status", "geojson")[:limit]
    )
    features = [
        {"type": "Feature", "id": pk, "properties": {"meldcode": code, "status": status}, "geometry": json.loads(geom)}
        for pk, code, status, geom in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def buurt_codes_voor_punten(punten: list[tuple[float, float]]) -> list[str | None]:
    """The buurt holding each RD point (x, y), in one query; None outside every buurt. On a border the
    lowest code wins, so the answer does not depend on the table's order."""
    if not punten:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (SELECT b.code FROM {Buurt._meta.db_table} b
                    WHERE ST_Contains(b.geometrie, ST_SetSRID(ST_MakePoint(p.x, p.y), %s))
                    ORDER BY b.code LIMIT 1)
            FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS p(x, y, i)
            ORDER BY p.i
            """,  # noqa: S608 -- the table name is ours, values are parameters
            [RD_SRID, [p[0] for p in punten], [p[1] for p in punten]],
        )
        return [row[0] for row in cursor.fetchall()]


# --- the coordinator's filter -----------------------------------------------------------------

# The parameters of `MeldingFilter`, in URL order; `kaart.filters` parses them from a query string.
FILTER_CODE_VELDEN = ("stadsdeel", "wijk", "buurt", "locatie_type", "waarneming", "status", "kanaal", "melder_rol")
FILTER_VELDEN = ("van", "tot", "ontvangen_van", "ontvangen_tot", *FILTER_CODE_VELDEN)


@dataclass(frozen=True)
class MeldingFilter:
    """A validated filter on meldingen (the coordinator's map and queue). Code tuples are sorted and
    without duplicates, so two URLs that mean the same give equal filters (and the same `als_query()`).
    Built from a query string by `kaart.filters.melding_filter_uit_query`; applied by `meldingen_filteren`."""

    van: dt.date | None = None
    tot: dt.date | None = None
    # The day it came in (issue 17), beside the day it was seen: a morning's triage asks "what came in
    # since Friday", not "what happened since Friday".
    ontvangen_van: dt.date | None = None
    ontvangen_tot: dt.date | None = None
    stadsdeel: tuple[str, ...] = ()
    wijk: tuple[str, ...] = ()
    buurt: tuple[str, ...] = ()
    locatie_type: tuple[str, ...] = ()
    waarneming: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    kanaal: tuple[str, ...] = ()
    melder_rol: tuple[str, ...] = ()

    @property
    def is_leeg(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def als_dict(self) -> dict[str, str]:
        """The filter as query parameters (only those set), codes comma-joined, dates ISO."""
        uit: dict[str, str] = {}
        for name in FILTER_VELDEN:
            value = getattr(self, name)
            if not value:
                continue
            uit[name] = value.isoformat() if isinstance(value, dt.date) else ",".join(value)
        return uit

    def als_query(self) -> str:
        """The query string (without `?`) that `kaart.filters.melding_filter_uit_query` reads back to
        this filter; empty for the empty filter. Commas stay readable in the URL."""
        return urlencode(self.als_dict(), safe=",")


_CODE_MODELLEN = {
    "stadsdeel": Stadsdeel,
    "wijk": Wijk,
    "buurt": Buurt,
    "locatie_type": LocatieType,
    "waarneming": Waarneming,
    "melder_rol": MelderRol,
}


def codes_bestaand(*, soort: str, codes: tuple[str, ...]) -> set[str]:
    """Which of `codes` exist as a `soort` (an area, a code list, a status or a channel). Only the codes
    asked for are looked up (by primary key), so an unfiltered map costs no query here."""
    if soort == "status":
        return set(codes) & set(MeldingStatus.values)
    if soort == "kanaal":
        return set(codes) & set(Kanaal.values)
    # PostgreSQL text cannot hold a NUL byte: asked for, it raises instead of finding nothing (a 500
    # found by the schema fuzzer). No code contains one, so such a value is simply unknown.
    codes = tuple(code for code in codes if "\x00" not in code)
    if not codes:
        return set()
    return set(_CODE_MODELLEN[soort]._default_manager.filter(pk__in=codes).values_list("pk", flat=True))


def filter_keuzes() -> dict[str, list[tuple[str, str]]]:
    """The options of every filter control as (code, label), in the filter's order."""
    return {
        "stadsdeel": list(Stadsdeel.objects.values_list("code", "naam")),
        "wijk": [(c, f"{n} ({c})") for c, n in Wijk.objects.values_list("code", "naam")],
        "buurt": [(c, f"{n} ({c})") for c, n in Buurt.objects.values_list("code", "naam")],
        "locatie_type": [(c.code, c.label) for c in LocatieType.objects.all()],
        "waarneming": [(c.code, c.label) for c in Waarneming.objects.all()],
        "status": [(code, str(label)) for code, label in MeldingStatus.choices],
        "kanaal": [(code, str(label)) for code, label in Kanaal.choices],
        "melder_rol": [(c.code, c.label) for c in MelderRol.objects.all()],
    }


def gebied_ouders() -> dict[str, dict[str, str]]:
    """Per wijk and buurt code the codes of the areas it lies in: {"wijk": {wijk: stadsdeel}, "buurt":
    {buurt: wijk}}, so the filter can offer only the wijken and buurten of a chosen stadsdeel."""
    return {
        "wijk": dict(Wijk.objects.values_list("code", "stadsdeel_id")),
        "buurt": dict(Buurt.objects.values_list("code", "wijk_id")),
    }


def _begin_van_dag(dag: dt.date) -> dt.datetime:
    return dt.datetime.combine(dag, dt.time.min, tzinfo=AMSTERDAM)


def meldingen_filteren(queryset: QuerySet[Melding], filter: MeldingFilter) -> QuerySet[Melding]:
    """The meldingen of `queryset` that match `filter`.

    Areas are resolved through the buurt (`buurt_id IN (subquery)`), not by geometry: every melding
    is placed in its buurt at intake, and a code comparison is far cheaper than ST_Contains.
    """
    f = filter
    qs = queryset
    if f.van:
        qs = qs.filter(observed_at__gte=_begin_van_dag(f.van))
    if f.tot:
        # Inclusive: up to the start of the next day in Amsterdam (23 or 25 hours on DST days).
        qs = qs.filter(observed_at__lt=_begin_van_dag(f.tot + dt.timedelta(days=1)))
    if f.ontvangen_van:
        qs = qs.filter(ontvangen_op__gte=_begin_van_dag(f.ontvangen_van))
    if f.ontvangen_tot:
        qs = qs.filter(ontvangen_op__lt=_begin_van_dag(f.ontvangen_tot + dt.timedelta(days=1)))
    if f.buurt:
        qs = qs.filter(buurt_id__in=f.buurt)
    if f.wijk:
        qs = qs.filter(buurt_id__in=Buurt.objects.filter(wijk_id__in=f.wijk).values("code"))
    if f.stadsdeel:
        qs = qs.filter(buurt_id__in=Buurt.objects.filter(wijk__stadsdeel_id__in=f.stadsdeel).values("code"))
    if f.locatie_type:
        qs = qs.filter(locatie_type_id__in=f.locatie_type)
    if f.waarneming:
        qs = qs.filter(waarnemingen__overlap=list(f.waarneming))
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.kanaal:
        qs = qs.filter(kanaal__in=f.kanaal)
    if f.melder_rol:
        qs = qs.filter(melder_rol_id__in=f.melder_rol)
    return qs


def meldingen_gefilterd(*, filter: MeldingFilter) -> QuerySet[Melding]:
    """All meldingen matching `filter`, unordered (for the map's SQL to embed)."""
    return meldingen_filteren(Melding.objects.order_by(), filter)


def meldingen_alle() -> QuerySet[Melding]:
    """Every melding, unordered: the map embeds its SQL to read a page of rows by primary key."""
    return Melding.objects.order_by()


# --- the coordinator's queue and melding page --------------------------------------------------

# "The system proposes candidates within 100 m and 14 days" (issue 5).
DUBBEL_STRAAL_M = 100
DUBBEL_DAGEN = 14
MAX_KANDIDATEN = 5
# "Nearby reports" on the melding page.
OMGEVING_STRAAL_M = 250
OMGEVING_DAGEN = 90
MAX_OMGEVING = 25
_WGS84_GEOJSON = AsGeoJSON(Transform("locatie", 4326), precision=6)


# The queue's orders (issue 17); the first is the default: oldest first, so nothing waits forever.
WACHTRIJ_SORTERINGEN: dict[str, tuple[str, ...]] = {
    "ontvangen": ("ontvangen_op", "id"),
    "-ontvangen": ("-ontvangen_op", "-id"),
    "waargenomen": ("observed_at", "id"),
    "-waargenomen": ("-observed_at", "-id"),
    "buurt": ("buurt__naam", "ontvangen_op", "id"),
}


def meldingen_wachtrij(
    *, filter: MeldingFilter, sortering: str = "ontvangen", nieuw_na: int | None = None
) -> QuerySet[Melding]:
    """New meldingen within the screen's filter (its own status filter is ignored: the queue is what
    waits for triage), in one of WACHTRIJ_SORTERINGEN; with `nieuw_na`, only those filed after the
    melding with that id (new since the coordinator's previous visit)."""
    qs = meldingen_filteren(Melding.objects.all(), dataclasses.replace(filter, status=(MeldingStatus.NIEUW,)))
    if nieuw_na is not None:
        qs = qs.filter(pk__gt=nieuw_na)
    return (
        qs.select_related("buurt__wijk__stadsdeel", "locatie_type", "melder_rol")
        .annotate(punt=Transform("locatie", 4326))
        .order_by(*WACHTRIJ_SORTERINGEN.get(sortering, WACHTRIJ_SORTERINGEN["ontvangen"]))
    )


@dataclass(frozen=True)
class Kandidaat:
    id: int
    meldcode: str
    status: str
    observed_at: dt.datetime
    afstand_m: int
    locatie_type: str
    omschrijving: str = ""  # the reporter's words, beside the melding's own in the queue (issue 17)

    @property
    def referentie(self) -> str:
        return referentie(self.id)

    @property
    def status_label(self) -> str:
        return str(MeldingStatus(self.status).label)


_KANDIDATEN_SQL = f"""
SELECT m.id, c.id, c.meldcode, c.status, c.observed_at, c.afstand, c.locatie_type_id, c.omschrijving
FROM {Melding._meta.db_table} m
CROSS JOIN LATERAL (
    SELECT c.id, c.meldcode, c.status, c.observed_at, c.locatie_type_id, c.omschrijving,
           ST_Distance(c.locatie, m.locatie) AS afstand
    FROM {Melding._meta.db_table} c
    WHERE c.id <> m.id
      AND ST_DWithin(c.locatie, m.locatie, {DUBBEL_STRAAL_M})
      AND c.observed_at BETWEEN m.observed_at - interval '{DUBBEL_DAGEN} days'
                            AND m.observed_at + interval '{DUBBEL_DAGEN} days'
      -- an original is an earlier report that itself counts (not rejected, not a duplicate)
      AND (c.ontvangen_op, c.id) < (m.ontvangen_op, m.id)
      AND {geteld_sql("c")}
    ORDER BY afstand, abs(extract(epoch FROM c.observed_at - m.observed_at)), c.id
    LIMIT {MAX_KANDIDATEN}
) c
WHERE m.id = ANY(%s)
ORDER BY m.id, c.afstand, c.id
"""  # noqa: S608 (constants only)


def melding_dubbel_kandidaten(*, melding_ids: list[int]) -> dict[int, list[Kandidaat]]:
    """Per melding: earlier reports within 100 m whose observation lies within 14 days of its own,
    nearest first. A rejected report (duplicates included) is never an original. One query for the
    whole page."""
    uit: dict[int, list[Kandidaat]] = defaultdict(list)
    if not melding_ids:
        return uit
    with connection.cursor() as cursor:
        cursor.execute(_KANDIDATEN_SQL, [list(melding_ids)])
        for mid, cid, code, status, observed, afstand, lt, tekst in cursor.fetchall():
            uit[mid].append(Kandidaat(cid, code, status, observed, round(afstand), lt, tekst))
    return uit


def melding_voor_staf(*, pk: int) -> Melding:
    return (
        Melding.objects.select_related("buurt__wijk__stadsdeel", "locatie_type", "melder_rol", "duplicaat_van")
        .annotate(punt=Transform("locatie", 4326))
        .get(pk=pk)
    )


def melding_met_id(*, pk: int) -> Melding | None:
    return Melding.objects.filter(pk=pk).first()


def melding_met_code(*, meldcode: str) -> Melding | None:
    code = meldcode_normalize(meldcode)
    return Melding.objects.filter(meldcode=code).first() if code else None


def melding_hoogste_id() -> int:
    """The id of the newest melding (0 when there is none): ids only grow, so a later melding has a higher one."""
    return Melding.objects.order_by("-id").values_list("id", flat=True).first() or 0


def melding_zoeken(*, term: str) -> Melding | None:
    """The melding a member of staff typed: its staff reference ("M-000402") or, as a caller reads it out,
    its meldcode. Staff may search by the meldcode; pages then name the melding by its reference."""
    pk = referentie_id(term)
    if pk is not None:
        return Melding.objects.filter(pk=pk).first()
    return melding_met_code(meldcode=term)


def meldingen_met_ids(*, ids) -> MeldingQuerySet:
    """The meldingen with these ids (a list or an id subquery), in order of filing."""
    return Melding.objects.filter(pk__in=ids).order_by("ontvangen_op", "id")


def melding_status_vergrendeld(*, pk: int) -> str:
    """The melding's status with its row locked until the end of the caller's transaction."""
    return Melding.objects.select_for_update().only("status").get(pk=pk).status


def melding_laatste_stap(*, melding_id: int) -> tuple[str, str] | None:
    """(from, to) of the melding's last status change (not its creation), or None."""
    rij = (
        MeldingEvent.objects.filter(melding_id=melding_id)
        .exclude(van="")
        .order_by("-created_at", "-id")
        .values_list("van", "naar")
        .first()
    )
    return (rij[0], rij[1]) if rij else None


def melding_status_voor_afwijzing(*, melding_id: int) -> str:
    """Where a rejected melding was before its (last) rejection: nieuw or in_behandeling."""
    van = (
        MeldingEvent.objects.filter(melding_id=melding_id, naar=MeldingStatus.AFGEWEZEN)
        .order_by("-created_at", "-id")
        .values_list("van", flat=True)
        .first()
    )
    return MeldingStatus.IN_BEHANDELING if van == MeldingStatus.IN_BEHANDELING else MeldingStatus.NIEUW


def melding_historie(*, melding: Melding) -> QuerySet[MeldingEvent]:
    return melding.events.select_related("actor").order_by("created_at", "id")


def melding_laatste_event_id(*, melding_id: int) -> int:
    return MeldingEvent.objects.filter(melding_id=melding_id).aggregate(m=Max("id"))["m"] or 0


def melding_duplicaten(*, melding: Melding) -> QuerySet[Melding]:
    """The reports marked as duplicates of this one, in order of filing."""
    return melding.duplicaten.order_by("ontvangen_op")


def melding_fotos(*, melding: Melding) -> QuerySet[MeldingFoto]:
    return melding.fotos.all()


def melding_aanvullingen(*, melding_id: int) -> QuerySet[MeldingAanvulling]:
    """What the reporter added later (issue 17), oldest first."""
    return MeldingAanvulling.objects.filter(melding_id=melding_id).order_by("ontvangen_op", "id")


def meldingen_foto_ids(*, melding_ids: list[int]) -> dict[int, list[int]]:
    """Per melding the ids of its photos (additions' too), in the order they came; one query."""
    uit: dict[int, list[int]] = defaultdict(list)
    for melding_id, foto_id in (
        MeldingFoto.objects.filter(melding_id__in=melding_ids)
        .exclude(bestand="")
        .order_by("id")
        .values_list("melding_id", "id")
    ):
        uit[melding_id].append(foto_id)
    return uit


def melding_foto(*, pk: int) -> MeldingFoto:
    return MeldingFoto.objects.select_related("melding").get(pk=pk)


def meldingen_in_de_buurt(*, melding: Melding) -> list[Melding]:
    """Other reports within 250 m and 90 days of this one's observation, nearest first."""
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


def waarneming_labels() -> dict[str, str]:
    return {c.code: c.label for c in Waarneming.objects.all()}


def locatie_type_labels() -> dict[str, str]:
    return {c.code: c.label for c in LocatieType.objects.all()}


# --- a set of meldingen given by an id subquery (a hotspot's members) ------------------------------


def meldingen_per_week(*, ids) -> dict[dt.date, int]:
    """How many of the meldingen `ids` (a list or an id subquery) were observed per week (Monday,
    Amsterdam time); only weeks with reports."""
    rijen = (
        Melding.objects.filter(pk__in=ids)
        .annotate(week=TruncWeek("observed_at", tzinfo=AMSTERDAM))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    return {r["week"].date(): r["n"] for r in rijen}


def meldingen_kenmerken(*, ids) -> list[tuple[str, list[str], str]]:
    """(locatie_type, waarnemingen, dagdeel) of each of the meldingen `ids`."""
    return list(Melding.objects.filter(pk__in=ids).values_list("locatie_type_id", "waarnemingen", "dagdeel"))


def meldingen_lijst(*, ids, limit: int) -> list[Melding]:
    """The newest `limit` of the meldingen `ids`, with their point as WGS84 GeoJSON (`geojson`)."""
    return list(
        Melding.objects.filter(pk__in=ids)
        .select_related("locatie_type")
        .annotate(geojson=_WGS84_GEOJSON)
        .order_by("-observed_at", "-id")[:limit]
    )


# --- map data version -------------------------------------------------------------------------


def meldingen_versie() -> str:
    """Changes whenever a melding is filed or changes status: every creation and every status change
    writes a MeldingEvent (meldingen/services.py), and every melding has an id. Two primary-key
    lookups, well under a millisecond."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {MeldingEvent._meta.db_table}), (SELECT max(id) FROM {Melding._meta.db_table})"  # noqa: S608
        )
        event_id, melding_id = cursor.fetchone()
    return f"{event_id or 0}.{melding_id or 0}"


# Reports from one channel filed within this long of the first of a group count as one source (issue 14,
# the safeguard against malicious reports). The filing hour is the finest time kept (anonymity), so the
# window is one hour beyond the first report's hour: a burst at 10:58 and 11:02 is one source.
BRON_VENSTER = dt.timedelta(hours=1)


def meldingen_bronnen(*, ids) -> list[list[int]]:
    """The independent sources among these meldingen: groups of melding ids, one group per source.

    Two reports are not independent when they came through the same channel within BRON_VENSTER of the
    first report of their group (a burst of SMS or form posts from one person). Rejected meldingen
    (spam, not dealing) and duplicates are no source of their own. Reports through different channels, or an
    hour or more apart, count as independent: with hours as the finest time kept, that is the most this
    can tell without keeping what anonymity forbids.
    """
    gegevens = meldingen_bron_gegevens(ids=ids)
    return bronnen_groeperen((pk, kanaal, ontvangen) for pk, (kanaal, ontvangen) in gegevens.items())


def meldingen_bron_gegevens(*, ids) -> dict[int, tuple[str, dt.datetime]]:
    """What independence is judged on, per counted melding (rejected and duplicates left out): its
    channel and filing hour. One query for any number of meldingen (the approver's queue)."""
    rijen = (
        Melding.objects.filter(pk__in=ids, duplicaat_van__isnull=True)
        .exclude(status=MeldingStatus.AFGEWEZEN)
        .values_list("pk", "kanaal", "ontvangen_op")
    )
    return {pk: (kanaal, ontvangen) for pk, kanaal, ontvangen in rijen}


def bronnen_groeperen(rijen) -> list[list[int]]:
    """(id, channel, filing hour) rows into sources (see meldingen_bronnen)."""
    bronnen: list[list[int]] = []
    begin: tuple[str, dt.datetime] | None = None
    for pk, kanaal, ontvangen in sorted(rijen, key=lambda r: (r[1], r[2], r[0])):
        if begin is not None and kanaal == begin[0] and ontvangen - begin[1] <= BRON_VENSTER:
            bronnen[-1].append(pk)
        else:
            bronnen.append([pk])
            begin = (kanaal, ontvangen)
    return bronnen


def stadsdeel_keuzes() -> list[tuple[str, str]]:
    return list(Stadsdeel.objects.order_by("naam").values_list("code", "naam"))


# The harassment flag (issue 14): reports about one spot (within INTIMIDATIE_STRAAL_M, an address and
# its door) in a short time. Either at least INTIMIDATIE_KANAAL_N through one channel within
# INTIMIDATIE_KANAAL_VENSTER of each other (one person sending again and again), or at least
# INTIMIDATIE_TOTAAL_N through any channel within INTIMIDATIE_TOTAAL_VENSTER (a campaign). Filing hours
# are the finest time kept, so the windows are in whole hours.
INTIMIDATIE_STRAAL_M = 25
INTIMIDATIE_KANAAL_N = 3
INTIMIDATIE_KANAAL_VENSTER = dt.timedelta(hours=2)
INTIMIDATIE_TOTAAL_N = 5
INTIMIDATIE_TOTAAL_VENSTER = dt.timedelta(hours=24)

INTIMIDATIE_SQL = """
SELECT m.id,
       count(o.id) FILTER (WHERE o.kanaal = m.kanaal AND o.ontvangen_op BETWEEN m.ontvangen_op - %(kanaal_venster)s
                                                                        AND m.ontvangen_op + %(kanaal_venster)s),
       count(o.id)
FROM meldingen_melding m
JOIN meldingen_melding o
  ON o.id <> m.id
 AND ST_DWithin(o.locatie, m.locatie, %(straal)s)
 AND o.ontvangen_op BETWEEN m.ontvangen_op - %(totaal_venster)s AND m.ontvangen_op + %(totaal_venster)s
 AND o.status <> 'afgewezen'
WHERE m.id = ANY(%(ids)s)
GROUP BY m.id
"""


@dataclass(frozen=True)
class IntimidatieSignaal:
    """Reports about the same spot near this one's filing: through its own channel within the short
    window, and through any channel within the day (this melding included in both)."""

    zelfde_kanaal: int
    totaal: int


def meldingen_intimidatie(*, ids: list[int]) -> dict[int, IntimidatieSignaal]:
    """The meldingen among `ids` that may be harassment of whoever lives at the spot, one query for a
    queue page. Only flagged ones are in the result."""
    if not ids:
        return {}
    params: dict[str, object] = {
        "ids": list(ids),
        "straal": INTIMIDATIE_STRAAL_M,
        "kanaal_venster": INTIMIDATIE_KANAAL_VENSTER,
        "totaal_venster": INTIMIDATIE_TOTAAL_VENSTER,
    }
    with connection.cursor() as cursor:
        cursor.execute(INTIMIDATIE_SQL, params)  # type: ignore[arg-type]  # psycopg adapts timedelta
        rijen = cursor.fetchall()
    signalen = {}
    for pk, kanaal, totaal in rijen:
        signaal = IntimidatieSignaal(zelfde_kanaal=kanaal + 1, totaal=totaal + 1)
        if signaal.zelfde_kanaal >= INTIMIDATIE_KANAAL_N or signaal.totaal >= INTIMIDATIE_TOTAAL_N:
            signalen[pk] = signaal
    return signalen


def meldingen_zelfverraad(*, meldingen: Iterable[Melding]) -> dict[int, Zelfverraad]:
    """The meldingen whose free text may reveal their reporter (issue 14), keyed by id; only flagged
    ones are in the result. Computed on read from the text already loaded: the rules are cheap, change
    with their examples, and a stored flag would outlive the text's own deletion."""
    signalen = {}
    for melding in meldingen:
        if melding.tekst_verwijderd_op:
            continue
        signaal = tekst_zelfverraad(melding.omschrijving, locatie=melding.locatie_omschrijving)
        if signaal:
            signalen[melding.pk] = signaal
    return signalen


# --- public figures per buurt (issue 16) ------------------------------------------------------------
# Raw counts only: what may be shown of them (at least 5 reports, nothing recoverable by subtracting) is
# decided above, in publiek/drempel.py. Months are calendar months in Amsterdam time.

BUURT_TELLING_SQL = """
SELECT m.buurt_id, date_trunc('month', m.ontvangen_op AT TIME ZONE %(tz)s)::date AS maand, {kolom}, count(*)
FROM meldingen_melding m {join}
WHERE {geteld} AND m.ontvangen_op >= %(van)s AND m.ontvangen_op < %(tot)s {buurt}
GROUP BY 1, 2, 3
"""


@dataclass
class MaandTelling:
    totaal: int = 0
    plekken: dict[str, int] = dataclasses.field(default_factory=dict)
    waarnemingen: dict[str, int] = dataclasses.field(default_factory=dict)


def buurten_maandtellingen(
    *, van: dt.date, tot: dt.date, buurt_code: str | None = None
) -> dict[str, dict[dt.date, MaandTelling]]:
    """Counted meldingen (not rejected, not a duplicate) per buurt and calendar month received in
    [van, tot): the total, per kind of place (one per melding: they add up to the total) and per
    observation (a melding names one or more). Months without meldingen are absent."""
    tz = ZoneInfo("Europe/Amsterdam")
    params: dict[str, Any] = {
        "tz": "Europe/Amsterdam",
        "van": dt.datetime.combine(van, dt.time.min, tzinfo=tz),
        "tot": dt.datetime.combine(tot, dt.time.min, tzinfo=tz),
        "buurt": buurt_code,
    }
    filter_buurt = "AND m.buurt_id = %(buurt)s" if buurt_code is not None else ""
    uit: dict[str, dict[dt.date, MaandTelling]] = defaultdict(lambda: defaultdict(MaandTelling))
    with connection.cursor() as cursor:
        cursor.execute(
            BUURT_TELLING_SQL.format(kolom="m.locatie_type_id", join="", geteld=geteld_sql("m"), buurt=filter_buurt),
            params,
        )
        for buurt, maand, plek, n in cursor.fetchall():
            telling = uit[buurt][maand]
            telling.plekken[plek] = n
            telling.totaal += n
        cursor.execute(
            BUURT_TELLING_SQL.format(
                kolom="w.code",
                join="CROSS JOIN LATERAL unnest(m.waarnemingen) AS w(code)",
                geteld=geteld_sql("m"),
                buurt=filter_buurt,
            ),
            params,
        )
        for buurt, maand, waarneming, n in cursor.fetchall():
            uit[buurt][maand].waarnemingen[waarneming] = n
    return {b: dict(maanden) for b, maanden in uit.items()}


def codelijst_publiek(soort: str) -> list[tuple[str, str]]:
    """(code, label) of every kind of place (`plekken`) or observation (`waarnemingen`) in the code list, in
    the form's order; retired ones too, since older meldingen name them. The public figures have a cell
    for each, so a hidden cell is one of many, not the only one missing."""
    model = LocatieType if soort == "plekken" else Waarneming
    return [(c.code, c.label) for c in model.objects.order_by("volgorde", "code")]


@dataclass(frozen=True)
class BuurtInfo:
    code: str
    naam: str
    wijk_naam: str
    stadsdeel_code: str
    stadsdeel_naam: str


def _buurt_info(qs) -> list[BuurtInfo]:
    return [
        BuurtInfo(*rij)
        for rij in qs.values_list("code", "naam", "wijk__naam", "wijk__stadsdeel_id", "wijk__stadsdeel__naam")
    ]


def buurt_info(*, code: str) -> BuurtInfo | None:
    rijen = _buurt_info(Buurt.objects.filter(code=code))
    return rijen[0] if rijen else None


def buurten_alle() -> list[BuurtInfo]:
    """Every buurt with its wijk and stadsdeel, by stadsdeel and then buurt name."""
    return _buurt_info(Buurt.objects.order_by("wijk__stadsdeel__naam", "naam"))


def buurten_met_naam(*, zoekterm: str, aantal: int = 20) -> list[BuurtInfo]:
    """Buurten whose name contains the search term (case and accents as typed), best match first."""
    zoekterm = zoekterm.strip()
    if not zoekterm:
        return []
    qs = Buurt.objects.filter(naam__icontains=zoekterm).order_by("naam")[:aantal]
    rijen = _buurt_info(qs)
    return sorted(
        rijen, key=lambda b: (b.naam.lower() != zoekterm.lower(), not b.naam.lower().startswith(zoekterm.lower()))
    )


def buurt_bij_punt(*, lat: float, lon: float) -> BuurtInfo | None:
    """The buurt a WGS84 point lies in (a geocoded street or postcode), or None outside the city."""
    from django.contrib.gis.geos import Point

    punt = Point(lon, lat, srid=4326)
    punt.transform(RD_SRID)
    rijen = _buurt_info(Buurt.objects.filter(geometrie__contains=punt)[:1])
    return rijen[0] if rijen else None


def melding_samenvatting(*, melding: Melding) -> str:
    """One line of what was reported, for the reporter's thank-you page: what, where (kind of place and
    buurt), when. Never the text or the exact place."""
    waarnemingen = waarneming_labels()
    wat = ", ".join(waarnemingen.get(w, w) for w in melding.waarnemingen).lower() or _("drugsoverlast")
    plek = locatie_type_labels().get(melding.locatie_type_id, "").lower()
    buurt = Buurt.objects.filter(pk=melding.buurt_id).values_list("naam", flat=True).first() or ""
    wanneer = date_format(melding.observed_at.astimezone(ZoneInfo("Europe/Amsterdam")), "j F Y")
    return _("U meldde: %(wat)s — %(plek)s in %(buurt)s, gezien op %(wanneer)s, %(dagdeel)s.") % {
        "wat": wat,
        "plek": plek,
        "buurt": buurt,
        "wanneer": wanneer,
        "dagdeel": melding.get_dagdeel_display().lower(),
    }
