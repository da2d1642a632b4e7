"""The filter of the coordinator's map and queue, parsed from and written back to a query string.

The URL carries the whole filter state so a view can be shared (issue 5). Parameters, each a
comma-separated list and/or repeated (`status=nieuw,in_behandeling` = `status=nieuw&status=in_behandeling`):

| parameter | meaning |
|---|---|
| `van`, `tot` | ISO dates, inclusive, on `observed_at` as a date in Europe/Amsterdam |
| `ontvangen_van`, `ontvangen_tot` | the same on `ontvangen_op` (the hour it came in) |
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

from django.core.exceptions import ValidationError

from hotspots.selectors import HotspotFilter
from hotspots.workflow import HotspotStatus

# The filter objects and the filtering belong to the apps whose rows they select; this module only
# parses a query string into them. Re-exported for the callers that know them from here.
from meldingen.selectors import FILTER_CODE_VELDEN as CODE_PARAMETERS
from meldingen.selectors import FILTER_VELDEN as PARAMETERS
from meldingen.selectors import MeldingFilter, codes_bestaand, meldingen_filteren

__all__ = [
    "CODE_PARAMETERS",
    "PARAMETERS",
    "HotspotFilter",
    "MeldingFilter",
    "hotspot_filter_uit_query",
    "melding_filter_uit_query",
    "meldingen_filteren",
]

# More values than this in one parameter is not a filter anybody clicked together.
MAX_WAARDEN = 100


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
    return codes_bestaand(soort=name, codes=codes)


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
    ontvangen_van = _datum(querydict, "ontvangen_van", errors)
    ontvangen_tot = _datum(querydict, "ontvangen_tot", errors)
    if ontvangen_van and ontvangen_tot and ontvangen_van > ontvangen_tot:
        errors["ontvangen_van"] = [
            f"'Ontvangen vanaf' ({ontvangen_van.isoformat()}) ligt na 'ontvangen tot en met' ({ontvangen_tot.isoformat()})."
        ]

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
    return MeldingFilter(van=van, tot=tot, ontvangen_van=ontvangen_van, ontvangen_tot=ontvangen_tot, **codes)


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
