"""The open-data feed of the buurt figures (issue 16): the same figures as the buurt pages, for every
buurt, as JSON and CSV for the city's open-data portal. Documented in docs/api.md ("Open data")."""

from __future__ import annotations

import csv
import io
import json

from django.http import Http404, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from meldingen.selectors import buurten_alle

from .buurt import K, Maand, buurten_maanden, feed_cache, maanden_periode
from .buurt_views import met_etag

BESCHRIJVING = (
    "Meldingen van drugsoverlast per buurt en kalendermaand (Weerbare Wijken, Gemeente Amsterdam): het aantal, "
    "en per soort plek en per waarneming het aantal meldingen dat die noemt. Afgewezen en dubbele meldingen tellen "
    "niet mee. Een aantal staat er alleen als er minstens 5 meldingen achter staan (anders aantal null met "
    "toelichting 'minder_dan_5'); soms is ook een groter aantal weggelaten ('niet_getoond'), zodat geen klein "
    "aantal uit de andere cijfers is af te leiden. Is het maandtotaal verborgen, dan ontbreken de delen."
)
CSV_KOLOMMEN = [
    "buurt_code",
    "buurt_naam",
    "wijk",
    "stadsdeel",
    "maand",
    "soort",
    "code",
    "label",
    "aantal",
    "toelichting",
]


def _rijen():
    """(buurt, maand, soort, code, label, cel) for every published cell."""
    buurten = buurten_alle()
    per_buurt = buurten_maanden(buurt_codes=[b.code for b in buurten])
    for b in buurten:
        for m in per_buurt[b.code]:
            yield b, m, "totaal", "", "", m.totaal
            if m.totaal.getoond:
                for d in m.plekken:
                    yield b, m, "plek", d.code, d.label, d.cel
                for d in m.waarnemingen:
                    yield b, m, "waarneming", d.code, d.label, d.cel


def _maand(m: Maand) -> str:
    return m.maand.strftime("%Y-%m")


def _json() -> bytes:
    maanden = maanden_periode()
    buurten: dict[str, dict] = {}
    for b, m, soort, code, label, cel in _rijen():
        buurt = buurten.setdefault(
            b.code,
            {"code": b.code, "naam": b.naam, "wijk": b.wijk_naam, "stadsdeel": b.stadsdeel_naam, "maanden": {}},
        )
        maand = buurt["maanden"].setdefault(_maand(m), {"maand": _maand(m), "plekken": [], "waarnemingen": []})
        waarde = {"aantal": cel.waarde, "toelichting": cel.reden}
        if soort == "totaal":
            maand["meldingen"] = waarde
        else:
            maand["plekken" if soort == "plek" else "waarnemingen"].append({"code": code, "label": label, **waarde})
    for buurt in buurten.values():
        buurt["maanden"] = list(buurt["maanden"].values())
    inhoud = {
        "beschrijving": BESCHRIJVING,
        "drempel": K,
        "periode": {"van": maanden[0].strftime("%Y-%m"), "tot_en_met": maanden[-1].strftime("%Y-%m")},
        "licentie": "CC0 1.0",
        "buurten": list(buurten.values()),
    }
    return json.dumps(inhoud, ensure_ascii=False, separators=(",", ":")).encode()


def _csv() -> bytes:
    uit = io.StringIO()
    schrijver = csv.writer(uit, lineterminator="\r\n")
    schrijver.writerow(CSV_KOLOMMEN)
    for b, m, soort, code, label, cel in _rijen():
        schrijver.writerow(
            [b.code, b.naam, b.wijk_naam, b.stadsdeel_naam, _maand(m), soort, code, label,
             "" if cel.waarde is None else cel.waarde, cel.reden]
        )  # fmt: skip
    return uit.getvalue().encode()


FORMATEN = {
    "json": (_json, "application/json"),
    "csv": (_csv, "text/csv; charset=utf-8"),
}


@require_GET
@met_etag
def buurtcijfers(request, formaat: str):
    if formaat not in FORMATEN:
        raise Http404
    bouwen, content_type = FORMATEN[formaat]
    with translation.override("nl"):  # open data in one language: the codes are the keys, labels in Dutch
        inhoud = feed_cache(bouwen, soort=formaat)
    response = HttpResponse(inhoud, content_type=content_type)
    response["Cache-Control"] = "public, max-age=600"
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    if formaat == "csv":
        response["Content-Disposition"] = 'attachment; filename="weerbare-wijken-buurtcijfers.csv"'
    return response
