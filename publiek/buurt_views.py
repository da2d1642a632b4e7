"""The public buurt pages (issue 16): find a buurt, see what was done there and how much was reported.

No cookies, no session: the pages are the same for everyone and cacheable (Cache-Control, ETag). The
search's answer is not cached (it holds what a resident typed) and the query is never logged."""

from __future__ import annotations

import logging
import re
from itertools import groupby

from django.conf import settings
from django.http import Http404
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import redirect, render
from django.utils.decorators import decorator_from_middleware
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from geopy.exc import GeopyError

from acties.selectors import buurt_publieke_acties
from integrations.geocoding import get_geocoder
from meldingen.selectors import BuurtInfo, buurt_bij_punt, buurt_info, buurten_alle, buurten_met_naam

from .buurt import Deel, K, Maand, buurt_maanden
from .grafiek import maanden_grafiek

logger = logging.getLogger(__name__)

PAGINA_CACHE_SECONDEN = 5 * 60
ZOEK_MAX = 200
POSTCODE = re.compile(r"^\s*\d{4}\s?[a-zA-Z]{2}\s*$")

# ETag from the rendered page and 304 to a matching If-None-Match (Django's own middleware, per view).
met_etag = decorator_from_middleware(ConditionalGetMiddleware)


def _openbaar(response):
    response["Cache-Control"] = f"public, max-age={PAGINA_CACHE_SECONDEN}"
    return response


def _per_stadsdeel(buurten: list[BuurtInfo]) -> list[tuple[str, list[BuurtInfo]]]:
    return [(naam, list(groep)) for naam, groep in groupby(buurten, key=lambda b: b.stadsdeel_naam)]


def _zoeken(zoekterm: str) -> tuple[list[BuurtInfo], bool]:
    """Buurten for what a resident typed: by name here, by street or postcode through PDOK. Returns the
    buurten and whether the address search failed (then only the names were searched)."""
    gevonden = {b.code: b for b in buurten_met_naam(zoekterm=zoekterm)}
    geocoder_fout = False
    if len(gevonden) != 1 or POSTCODE.match(zoekterm):
        try:
            hits = get_geocoder().geocode(zoekterm, exactly_one=False, limit=5) or []
        except GeopyError as exc:
            logger.warning("geocoder unavailable for the buurt search: %s", type(exc).__name__)
            hits, geocoder_fout = [], True
        for hit in hits:
            buurt = buurt_bij_punt(lat=hit.latitude, lon=hit.longitude)
            if buurt is not None:
                gevonden.setdefault(buurt.code, buurt)
    return list(gevonden.values()), geocoder_fout


@require_GET
def buurt_zoeken(request):
    """The search form and the list of all buurten per stadsdeel; with `q`, the buurten that match (one
    match goes straight to its page)."""
    zoekterm = request.GET.get("q", "").strip()[:ZOEK_MAX]
    context = {"per_stadsdeel": _per_stadsdeel(buurten_alle()), "zoekterm": zoekterm}
    if "q" not in request.GET:
        return _openbaar(render(request, "publiek/buurt/zoeken.html", context))
    if not zoekterm:
        context["fout"] = _("Vul een buurt, straat of postcode in.")
        status = 400
    else:
        resultaten, geocoder_fout = _zoeken(zoekterm)
        if len(resultaten) == 1 and not geocoder_fout:
            response = redirect("buurt:buurt", code=resultaten[0].code)
            response["Cache-Control"] = "no-store"
            return response
        context.update(resultaten=resultaten, geocoder_fout=geocoder_fout)
        status = 200 if resultaten else 404
    response = render(request, "publiek/buurt/zoeken.html", context, status=status)
    response["Cache-Control"] = "no-store"  # it repeats what the resident typed
    return response


def _delen(soort: str, delen: list[Deel]) -> str:
    """The shown parts of a month as one cell, joined here: a template loop over some 200 parts per page
    cost more than the page's queries (bench/buurt.py)."""
    if not delen:
        return "\u2013"
    return format_html_join(
        "; ", '<span data-cel="{}:{}">{}: {}</span>', ((soort, d.code, d.label, d.cel.waarde) for d in delen)
    )


def _tabel(maanden: list[Maand]) -> list[dict]:
    return [
        {
            "maand": m.maand,
            "totaal": m.totaal,
            "plekken": _delen("plek", m.plekken_getoond),
            "waarnemingen": _delen("waarneming", m.waarnemingen_getoond),
        }
        for m in maanden
    ]


@require_GET
@met_etag
def buurt(request, code: str):
    info = buurt_info(code=code[:8])
    if info is None:
        raise Http404
    maanden = buurt_maanden(buurt_code=info.code)
    context = {
        "buurt": info,
        "tabel": _tabel(maanden),
        "grafiek": maanden_grafiek(maanden),
        "acties": buurt_publieke_acties(buurt_code=info.code),
        "k": K,
        "sms_nummer": settings.SMS_MELDNUMMER,
    }
    return _openbaar(render(request, "publiek/buurt/buurt.html", context))
