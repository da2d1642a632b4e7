import logging

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from geopy.exc import GeopyError

from integrations.geocoding import get_geocoder

from .forms import MeldingForm
from .intake import adres_omgekeerd, adres_zoeken, formulier_indienen, melding_met_inzend_sleutel, plek_uit_formulier
from .models import Melding
from .selectors import melding_samenvatting
from .services import inzend_sleutel_hash

logger = logging.getLogger(__name__)


# No CSRF check, and so no csrftoken cookie, on the residents' forms (the filing form and the status
# lookup). CSRF protects what a victim's browser may do with the victim's own session or cookies; an
# anonymous resident has neither here. A forged cross-site filing is exactly what anybody may already
# send straight to this form or to POST /api/v1/meldingen; a forged status lookup shows its answer
# only to the victim's own screen (the attacker's page cannot read it, same-origin policy). What the
# filing form does need, one melding per submission, the one-time `inzend_sleutel` already gives. The
# CSRF token, on the other hand, would be a one-year cookie on the resident's device: a trace of the
# visit (docs/architecture.md "Anonymity"). Staff forms keep CSRF (session cookie only).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def melden(request):
    if request.method == "GET":
        return render(request, "meldingen/melden.html", {"form": MeldingForm()})

    if request.POST.get("actie") == "zoeken":
        return _zoeken(request)

    # A reload or double click sends the same one-time key again: show the melding it already filed.
    sleutel = request.POST.get("inzend_sleutel", "")[:64]
    inzend_sleutel = inzend_sleutel_hash(sleutel) if sleutel else None
    if inzend_sleutel and (eerder := melding_met_inzend_sleutel(inzend_sleutel)):
        return _bedankt(request, eerder)

    form = MeldingForm(request.POST, request.FILES)
    melding = formulier_indienen(
        form, inzend_sleutel=inzend_sleutel, melder_sleutel=getattr(request, "client_token", "")
    )
    if melding is not None:
        return _bedankt(request, melding)
    # Browsers cannot re-send a file the server returns; say so rather than let photos vanish silently.
    context = {"form": form, "fotos_opnieuw": bool(request.FILES)}
    return render(request, "meldingen/melden.html", context, status=400)


def _zoeken(request):
    """Only look the address up and show what was found; the other fields keep what was typed and are
    not judged yet. Photos cannot survive a round trip without JavaScript, so the page says so."""
    data = request.POST.copy()
    data["lat"] = data["lon"] = data["adres_keuze"] = ""
    form = MeldingForm(data)
    form._errors, form.cleaned_data = ErrorDict(), {"adres": data.get("adres", "").strip()[:200]}
    locatie, kandidaten = plek_uit_formulier(form)
    if locatie and locatie[0] is not None:
        kandidaten = [{"lat": locatie[0], "lon": locatie[1], "naam": locatie[2]}]
        data["adres_keuze"] = MeldingForm.keuze_waarde(kandidaten[0])
        errors = form._errors
        form = MeldingForm(data)
        form._errors, form.cleaned_data = errors, {}
    form.set_kandidaten(kandidaten)
    return render(request, "meldingen/melden.html", {"form": form, "gezocht": True})


def _bedankt(request, melding: Melding):
    """The thank-you page, answered by the POST itself: no redirect that puts the meldcode in the
    browser's history, and no lookup (Redis-counted) that could fail after the melding was stored."""
    context = {
        "meldcode": melding.meldcode,
        "samenvatting": melding_samenvatting(melding=melding),
        # The lookup form's address, never one with the code: the page says "type your code there".
        "status_zoeken_url": request.build_absolute_uri(reverse("meldingen:status_zoeken")),
        # The language switch re-sends the one-time key, so the other language shows the same meldcode.
        "inzend_sleutel": request.POST.get("inzend_sleutel", "")[:64],
    }
    response = render(request, "meldingen/ontvangen.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def adres_suggesties(request):
    """For the map's search box: places matching a typed address, as JSON."""
    query = request.GET.get("q", "").strip()[:200]
    if len(query) < 3:
        return JsonResponse({"resultaten": []})
    try:
        plekken = adres_zoeken(query)
    except ValidationError as exc:
        return JsonResponse({"resultaten": [], "fout": exc.messages[0]}, status=503)
    return JsonResponse({"resultaten": [p.__dict__ for p in plekken]})


@require_GET
def adres_aanvullen(request):
    """Completions of the address a resident is typing (PDOK `suggest`, issue 17): names only, for the
    form's suggestion list. Without an answer from PDOK the list stays empty; typing still works."""
    query = request.GET.get("q", "").strip()[:200]
    if len(query) < 3:
        return JsonResponse({"suggesties": []})
    try:
        namen = get_geocoder().suggest(query, limit=5)
    except GeopyError as exc:
        logger.warning("geocoder unavailable for suggestions: %s", type(exc).__name__)
        return JsonResponse({"suggesties": []}, status=503)
    return JsonResponse({"suggesties": namen})


@require_GET
def adres_bij_punt(request):
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"fout": _("Ongeldige coördinaten.")}, status=400)
    return JsonResponse({"naam": adres_omgekeerd(lat, lon)})
