"""The public buurt figures and actions (issue 16), composed from meldingen's counts, acties' completed
actions and the disclosure rule in publiek/drempel.py. Reads only; the pages and the open-data feed
both take their figures from `buurt_maanden`, so the feed can never say more than a page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from meldingen.selectors import buurten_maandtellingen, codelijst_publiek, meldingen_versie

from .drempel import VERBORGEN_BESCHERMING, VERBORGEN_KLEIN, Cel, K, tabel_beschermen

# Complete calendar months only: the current month's figure would grow day by day, and the difference
# between two days' pages would tell when a report came in.
AANTAL_MAANDEN = 12
FEED_CACHE_SECONDEN = 10 * 60


@dataclass(frozen=True)
class Deel:
    code: str
    label: str
    cel: Cel


@dataclass(frozen=True)
class Maand:
    maand: dt.date  # the first day
    totaal: Cel
    plekken: list[Deel]
    waarnemingen: list[Deel]

    @property
    def plekken_getoond(self) -> list[Deel]:
        return [d for d in self.plekken if d.cel.getoond]

    @property
    def waarnemingen_getoond(self) -> list[Deel]:
        return [d for d in self.waarnemingen if d.cel.getoond]


def maanden_periode(vandaag: dt.date | None = None) -> list[dt.date]:
    """The first days of the AANTAL_MAANDEN complete months before this one, oldest first."""
    vandaag = vandaag or timezone.localdate()
    jaar, maand = vandaag.year, vandaag.month
    uit = []
    for _i in range(AANTAL_MAANDEN):
        maand -= 1
        if maand == 0:
            jaar, maand = jaar - 1, 12
        uit.append(dt.date(jaar, maand, 1))
    return uit[::-1]


def _alles_verborgen(delen: dict[str, int]) -> dict[str, Cel]:
    return {k: Cel(None, VERBORGEN_KLEIN if v < K else VERBORGEN_BESCHERMING) for k, v in delen.items()}


def maand_beschermen(totaal: int, plekken: dict[str, int], waarnemingen: dict[str, int]):
    """One buurt-month as it may be published: (total, places, observations). The two tables share the
    total; if either can only be protected by hiding it, both lose it (and all their parts)."""
    totaal_p, plek_cellen = tabel_beschermen(totaal, plekken, som=True)
    totaal_w, waarneming_cellen = tabel_beschermen(totaal, waarnemingen, som=False)
    if totaal_p.getoond and totaal_w.getoond:
        return totaal_p, plek_cellen, waarneming_cellen
    verborgen = totaal_p if not totaal_p.getoond else totaal_w
    return verborgen, _alles_verborgen(plekken), _alles_verborgen(waarnemingen)


def _maanden(tellingen: dict, maanden: list[dt.date], plek_codes, waarneming_codes) -> list[Maand]:
    uit = []
    for begin in maanden:
        telling = tellingen.get(begin)
        totaal = telling.totaal if telling else 0
        plekken = {code: (telling.plekken.get(code, 0) if telling else 0) for code, _l in plek_codes}
        waarnemingen = {code: (telling.waarnemingen.get(code, 0) if telling else 0) for code, _l in waarneming_codes}
        totaal_cel, plek_cellen, waarneming_cellen = maand_beschermen(totaal, plekken, waarnemingen)
        uit.append(
            Maand(
                maand=begin,
                totaal=totaal_cel,
                plekken=[Deel(code, label, plek_cellen[code]) for code, label in plek_codes],
                waarnemingen=[Deel(code, label, waarneming_cellen[code]) for code, label in waarneming_codes],
            )
        )
    return uit


def _tot(maanden: list[dt.date]) -> dt.date:
    laatste = maanden[-1]
    return dt.date(laatste.year + (laatste.month == 12), laatste.month % 12 + 1, 1)


def buurt_maanden(*, buurt_code: str, vandaag: dt.date | None = None) -> list[Maand]:
    """The published figures of one buurt, month by month, oldest first."""
    maanden = maanden_periode(vandaag)
    tellingen = buurten_maandtellingen(van=maanden[0], tot=_tot(maanden), buurt_code=buurt_code)
    return _maanden(
        tellingen.get(buurt_code, {}), maanden, codelijst_publiek("plekken"), codelijst_publiek("waarnemingen")
    )


def buurten_maanden(*, buurt_codes: list[str], vandaag: dt.date | None = None) -> dict[str, list[Maand]]:
    """The same for every buurt in `buurt_codes` (the open-data feed), in one pass over the meldingen."""
    maanden = maanden_periode(vandaag)
    tellingen = buurten_maandtellingen(van=maanden[0], tot=_tot(maanden))
    plek_codes, waarneming_codes = codelijst_publiek("plekken"), codelijst_publiek("waarnemingen")
    return {code: _maanden(tellingen.get(code, {}), maanden, plek_codes, waarneming_codes) for code in buurt_codes}


def feed_versie() -> str:
    """Changes when a melding is filed or changes status, or a month closes: the feed's cache key."""
    return f"{meldingen_versie()}.{maanden_periode()[-1].isoformat()}"


def feed_cache(bouwen, *, soort: str):
    """The feed in one format, rebuilt at most once per FEED_CACHE_SECONDEN or when the data changed."""
    sleutel = f"open-data:{soort}:{feed_versie()}"
    inhoud = cache.get(sleutel)
    if inhoud is None:
        inhoud = bouwen()
        cache.set(sleutel, inhoud, FEED_CACHE_SECONDEN)
    return inhoud
