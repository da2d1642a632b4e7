from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.forms.utils import ErrorDict
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .forms import MeldingForm
from .intake import adres_omgekeerd, adres_zoeken, photo_bytes
from .models import Kanaal, Melding
from .ratelimit import status_lookup
from .services import inzend_sleutel_hash, meldcode_normalize, melding_create
from .validation import MeldingInvoer

# Service error keys → the form field that shows them.
FIELD_FOR_ERROR = {"locatie": "adres", "observed_at": "datum"}


def _resolve_location(form: MeldingForm) -> tuple[tuple[float, float, str] | None, list[dict]]:
    data = form.cleaned_data
    if data.get("adres_keuze"):
        return data["adres_keuze"], []
    adres = (data.get("adres") or "").strip()
    if data.get("lat") is not None and data.get("lon") is not None:
        return (data["lat"], data["lon"], adres), []
    if not adres:
        form.add_error("adres", _("Vul een adres of plek in, of kies een punt op de kaart."))
        return None, []
    try:
        plekken = adres_zoeken(adres)
    except ValidationError as exc:
        form.add_error("adres", exc)
        return None, []
    if not plekken:
        form.add_error(
            "adres",
            _("We vonden deze plek niet in Amsterdam. Controleer de spelling of kies de plek op de kaart."),
        )
        return None, []
    if len(plekken) == 1:
        return (plekken[0].lat, plekken[0].lon, plekken[0].naam), []
    kandidaten = [{"lat": p.lat, "lon": p.lon, "naam": p.naam} for p in plekken]
    form.add_error("adres_keuze", _("We vonden meer dan één plek. Kies de plek die u bedoelt."))
    return None, kandidaten


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
    if inzend_sleutel and (eerder := Melding.objects.filter(inzend_sleutel=inzend_sleutel).first()):
        return _bedankt(request, eerder)

    form = MeldingForm(request.POST, request.FILES)
    form.is_valid()
    locatie, kandidaten = _resolve_location(form)
    form.set_kandidaten(kandidaten)
    if locatie is not None and not form.errors:
        lat, lon, naam = locatie
        invoer = MeldingInvoer(
            lat=lat,
            lon=lon,
            locatie_omschrijving=naam,
            locatie_type=form.cleaned_data["locatie_type"],
            waarnemingen=form.cleaned_data["waarnemingen"],
            observed_at=form.observed_at(),
            dagdeel=form.cleaned_data["dagdeel"],
            frequentie=form.cleaned_data["frequentie"],
            melder_rol=form.cleaned_data.get("melder_rol") or "onbekend",
            omschrijving=form.cleaned_data.get("omschrijving", ""),
            fotos=photo_bytes(form.cleaned_data.get("fotos") or []),
        )
        try:
            melding = melding_create(
                invoer=invoer,
                kanaal=Kanaal.WEB,
                inzend_sleutel=inzend_sleutel,
                melder_sleutel=getattr(request, "client_token", ""),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(FIELD_FOR_ERROR.get(field, field if field in form.fields else None), errors)
        except IntegrityError:
            # Two clicks raced: the other request stored this form's melding first.
            eerder = Melding.objects.filter(inzend_sleutel=inzend_sleutel).first() if inzend_sleutel else None
            if eerder is None:
                raise
            return _bedankt(request, eerder)
        else:
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
    locatie, kandidaten = _resolve_location(form)
    if locatie:
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
        # The lookup form's address, never one with the code: the page says "type your code there".
        "status_zoeken_url": request.build_absolute_uri(reverse("meldingen:status_zoeken")),
        # The language switch re-sends the one-time key, so the other language shows the same meldcode.
        "inzend_sleutel": request.POST.get("inzend_sleutel", "")[:64],
    }
    response = render(request, "meldingen/ontvangen.html", context)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # see melden()
@require_http_methods(["GET", "POST"])
def status_zoeken(request):
    """The status lookup: a POST whose answer is the status page, so the meldcode is in no URL the
    browser keeps (history, bookmarks, the address bar a neighbour may see). GET shows the form only:
    a `?meldcode=` from an old bookmark is not looked up, so no link can carry a code here."""
    if request.method == "GET":
        return render(request, "meldingen/status_zoeken.html")
    ingevuld = request.POST.get("meldcode", "")[:40]
    code = meldcode_normalize(ingevuld)
    if not code:
        return _geen_opslag(render(request, "meldingen/status_zoeken.html", {"leeg": True}, status=400))
    result, blocked = status_lookup(meldcode=code, token=getattr(request, "client_token", ""))
    if blocked:
        return _geen_opslag(render(request, "meldingen/status_zoeken.html", {"te_vaak": True}, status=429))
    if result is None:
        context = {"onbekend": ingevuld.strip()[:20]}
        return _geen_opslag(render(request, "meldingen/status_zoeken.html", context, status=404))
    return _geen_opslag(render(request, "meldingen/status.html", {"status": result}))


@require_GET
def status_oud(request, meldcode: str):
    """The former status URL with the code in its path. It looks nothing up (a link with a code must
    not work, or codes would travel in links again) and sends the browser to the lookup form, so the
    address bar and the tab's history show the code-free URL; no-store keeps the redirect out of the
    cache."""
    response = redirect("meldingen:status_zoeken")
    response["Cache-Control"] = "no-store"
    return response


def _geen_opslag(response):
    # The answer holds a meldcode: neither the browser's cache nor its back-forward cache may keep it.
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
def adres_bij_punt(request):
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"fout": _("Ongeldige coördinaten.")}, status=400)
    return JsonResponse({"naam": adres_omgekeerd(lat, lon)})
