"""Reads of the coordination screens. This app queries only its own tables (the audit trail); meldingen
and hotspots are read through `meldingen.selectors` and `hotspots.selectors`, which the views call
directly. What is here composes their answers for a page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from hotspots.models import Hotspot
from hotspots.selectors import hotspot_melding_ids
from meldingen.models import Dagdeel, referentie_id
from meldingen.selectors import (
    locatie_type_labels,
    meldingen_kenmerken,
    meldingen_lijst,
    meldingen_per_week,
    waarneming_labels,
)

from .models import Inzage, InzagePagina, Notitie, WachtrijBezoek

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# --- hotspot page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    begin: dt.date
    aantal: int
    procent: int  # of the busiest week, for the bar


def hotspot_tijdlijn(*, hotspot: Hotspot) -> list[Week]:
    """Reports per week (Monday, Amsterdam time) of the hotspot's member meldingen, empty weeks included."""
    per_week = meldingen_per_week(ids=hotspot_melding_ids(hotspot=hotspot))
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
    rijen = meldingen_kenmerken(ids=hotspot_melding_ids(hotspot=hotspot))
    totaal = len(rijen)
    types = Counter(r[0] for r in rijen)
    waarn = Counter(w for r in rijen for w in r[1])
    dagdelen = Counter(r[2] for r in rijen)
    return {
        "locatie_type": _aandelen(types, locatie_type_labels(), totaal),
        "waarneming": _aandelen(waarn, waarneming_labels(), totaal),
        "dagdeel": _aandelen(dagdelen, {k: str(v) for k, v in Dagdeel.choices}, totaal),
    }


def hotspot_leden(*, hotspot: Hotspot, limit: int = 100) -> list:
    """The newest members of the hotspot, with their point as GeoJSON, for its page and map."""
    return meldingen_lijst(ids=hotspot_melding_ids(hotspot=hotspot), limit=limit)


def melding_notities(*, melding_id: int) -> QuerySet[Notitie]:
    return Notitie.objects.filter(melding_id=melding_id).select_related("auteur")


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
        pk = referentie_id(code) or (int(code) if code.isdigit() else None)  # a reference, or the admin's id
        if pk is not None:
            gezien |= Q(melding_id=pk) | Q(melding_ids__contains=[pk])
        qs = qs.filter(gezien)
    if van:
        qs = qs.filter(tijdstip__gte=dt.datetime.combine(van, dt.time.min, tzinfo=AMSTERDAM))
    if tot:
        qs = qs.filter(tijdstip__lt=dt.datetime.combine(tot + dt.timedelta(days=1), dt.time.min, tzinfo=AMSTERDAM))
    return qs.order_by("-tijdstip", "-id")


def wachtrij_grens(*, gebruiker) -> int:
    """The id above which meldingen are new since `gebruiker`'s previous visit to the queue (read only:
    an export is not a visit)."""
    return WachtrijBezoek.objects.filter(gebruiker=gebruiker).values_list("grens", flat=True).first() or 0


# A queue's thumbnails are served for this long after the load that showed (and recorded) them.
DUIMNAGEL_GELDIG = dt.timedelta(hours=1)


def foto_in_wachtrij_getoond(*, gebruiker, foto_id: int) -> bool:
    """Whether a queue load of `gebruiker` in the last hour showed this photo: its audit row names it, so
    serving the thumbnail needs no row of its own."""
    return Inzage.objects.filter(
        gebruiker=gebruiker,
        pagina=InzagePagina.WACHTRIJ,
        foto_ids__contains=[foto_id],
        tijdstip__gte=timezone.now() - DUIMNAGEL_GELDIG,
    ).exists()
