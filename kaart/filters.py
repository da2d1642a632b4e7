"""The filter of the coordinator's map and queue, parsed from and written back to a query string.

The URL carries the whole filter state so a view can be shared (issue 5). Parameters, each a
comma-separated list and/or repeated (`status=nieuw,in_behandeling` = `status=nieuw&status=in_behandeling`):

| parameter | meaning |
|---|---|
| `van`, `tot` | ISO dates, inclusive, on `observed_at` as a date in Europe/Amsterdam |
| `stadsdeel`, `wijk`, `buurt` | area codes; the melding's buurt lies in one of them |
| `locatie_type`, `waarneming`, `melder_rol` | codes of the code lists (retired codes too: old meldingen carry them) |
| `status`, `kanaal` | `MeldingStatus` / `Kanaal` values |

Values within one parameter are alternatives (OR; for `waarneming`: the melding's array contains any
of them); different parameters must all hold (AND), so `stadsdeel=T&locatie_type=garagebox` is the
garage boxes in Zuidoost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from hotspots.workflow import LEVEND, HotspotStatus
from meldingen.models import Buurt, Kanaal, LocatieType, MelderRol, Melding, Stadsdeel, Waarneming, Wijk
from meldingen.workflow import MeldingStatus

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# More values than this in one parameter is not a filter anybody clicked together.
MAX_WAARDEN = 100

CODE_PARAMETERS = ("stadsdeel", "wijk", "buurt", "locatie_type", "waarneming", "status", "kanaal", "melder_rol")
PARAMETERS = ("van", "tot", *CODE_PARAMETERS)


@dataclass(frozen=True)
class MeldingFilter:
    """A validated filter. Code tuples are sorted and without duplicates, so two URLs that mean the
    same give equal filters (and the same `als_query()`)."""

    van: dt.date | None = None
    tot: dt.date | None = None
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
        for name in PARAMETERS:
            value = getattr(self, name)
            if not value:
                continue
            uit[name] = value.isoformat() if isinstance(value, dt.date) else ",".join(value)
        return uit

    def als_query(self) -> str:
        """The query string (without `?`) that `melding_filter_uit_query` reads back to this filter;
        empty for the empty filter. Commas stay readable in the URL."""
        return urlencode(self.als_dict(), safe=",")


_LABELS = {
    "stadsdeel": "stadsdeel",
    "wijk": "wijk",
    "buurt": "buurt",
    "locatie_type": "soort plek",
    "waarneming": "waarneming",
    "status": "status",
    "kanaal": "kanaal",
    "melder_rol": "rol van de melder",
}


def _bekende_codes(name: str, codes: tuple[str, ...]) -> set[str]:
    """Which of `codes` exist. Only the codes asked for are looked up (by primary key), so an
    unfiltered map costs no query here."""
    if name == "status":
        return set(codes) & set(MeldingStatus.values)
    if name == "kanaal":
        return set(codes) & set(Kanaal.values)
    # PostgreSQL text cannot hold a NUL byte: asked for, it raises instead of finding nothing (a 500
    # found by the schema fuzzer). No code contains one, so such a value is simply unknown.
    codes = tuple(code for code in codes if "\x00" not in code)
    model = {
        "stadsdeel": Stadsdeel,
        "wijk": Wijk,
        "buurt": Buurt,
        "locatie_type": LocatieType,
        "waarneming": Waarneming,
        "melder_rol": MelderRol,
    }[name]
    return set(model.objects.filter(pk__in=codes).values_list("pk", flat=True))


def _waarden(querydict: Mapping, name: str) -> list[str]:
    raw = querydict.getlist(name) if hasattr(querydict, "getlist") else querydict.get(name)
    if raw is None:
        raw = []
    elif isinstance(raw, str):
        raw = [raw]
    return [part.strip() for item in raw for part in str(item).split(",") if part.strip()]


def _datum(querydict: Mapping, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    waarden = _waarden(querydict, name)
    if not waarden:
        return None
    if len(set(waarden)) > 1:
        errors[name] = [f"Geef één datum voor '{name}', niet {len(set(waarden))}."]
        return None
    try:
        return dt.date.fromisoformat(waarden[0])
    except ValueError:
        errors[name] = [
            f"'{waarden[0]}' is geen geldige datum voor '{name}'; gebruik JJJJ-MM-DD, bijvoorbeeld 2026-11-01."
        ]
        return None


def melding_filter_uit_query(querydict: Mapping) -> MeldingFilter:
    """Parse and validate the filter parameters of a request's GET (a QueryDict, or any mapping of
    name → str or list of str). Other parameters (bbox, zoom, pagina, …) are ignored.

    Raises `ValidationError` with a dict parameter → Dutch messages: unknown codes (all of them
    named), a date that is not JJJJ-MM-DD, `van` after `tot`, too many values.
    """
    errors: dict[str, list[str]] = {}
    van = _datum(querydict, "van", errors)
    tot = _datum(querydict, "tot", errors)
    if van and tot and van > tot:
        errors["van"] = [f"De begindatum ({van.isoformat()}) ligt na de einddatum ({tot.isoformat()})."]

    codes: dict[str, tuple[str, ...]] = {}
    for name in CODE_PARAMETERS:
        waarden = tuple(sorted(set(_waarden(querydict, name))))
        if len(waarden) > MAX_WAARDEN:
            errors[name] = [f"Te veel waarden voor '{name}' ({len(waarden)}); het maximum is {MAX_WAARDEN}."]
            continue
        if waarden:
            bekend = _bekende_codes(name, waarden)
            onbekend = [code for code in waarden if code not in bekend]
            if onbekend:
                lijst = ", ".join(f"'{c}'" for c in onbekend)
                woord = "Onbekende code" if len(onbekend) == 1 else "Onbekende codes"
                errors[name] = [f"{woord} voor {_LABELS[name]}: {lijst}."]
                continue
        codes[name] = waarden
    if errors:
        raise ValidationError(errors)
    return MeldingFilter(van=van, tot=tot, **codes)


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


@dataclass(frozen=True)
class HotspotFilter:
    """Filter of GET /api/v1/hotspots. Without `status`: the living hotspots (`LEVEND`)."""

    status: tuple[str, ...] = tuple(sorted(LEVEND))
    stadsdeel: tuple[str, ...] = ()
    wijk: tuple[str, ...] = ()
    buurt: tuple[str, ...] = ()


def hotspot_filter_uit_query(querydict: Mapping) -> HotspotFilter:
    """Parse `status`, `stadsdeel`, `wijk`, `buurt` like `melding_filter_uit_query` (lists, repeats,
    Dutch `ValidationError` naming unknown codes); `status` holds hotspot statuses."""
    errors: dict[str, list[str]] = {}
    waarden: dict[str, tuple[str, ...]] = {}
    for name in ("status", "stadsdeel", "wijk", "buurt"):
        codes = tuple(sorted(set(_waarden(querydict, name))))
        if len(codes) > MAX_WAARDEN:
            errors[name] = [f"Te veel waarden voor '{name}' ({len(codes)}); het maximum is {MAX_WAARDEN}."]
            continue
        bekend = set(codes) & set(HotspotStatus.values) if name == "status" else _bekende_codes(name, codes)
        onbekend = [code for code in codes if code not in bekend]
        if onbekend:
            lijst = ", ".join(f"'{c}'" for c in onbekend)
            woord = "Onbekende code" if len(onbekend) == 1 else "Onbekende codes"
            label = "de status van een hotspot" if name == "status" else _LABELS[name]
            errors[name] = [f"{woord} voor {label}: {lijst}."]
        elif codes:
            waarden[name] = codes
    if errors:
        raise ValidationError(errors)
    return HotspotFilter(**waarden)
