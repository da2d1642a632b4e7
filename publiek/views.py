"""The residents' status lookup: composed above meldingen (and, from issue 16, above acties), so that what
a reporter sees can grow without meldingen importing the apps that make it happen."""

import secrets

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meldingen.selectors import melding_met_code
from meldingen.services import inzend_sleutel_hash, meldcode_normalize, melding_aanvullen

from .services import status_lookup


@csrf_exempt  # as the filing form: an anonymous form without a session (meldingen/views.py, melden())
@require_http_methods(["GET", "POST"])
def status_zoeken(request):
    """The status lookup: a POST whose answer is the status page, so the meldcode is in no URL the
    browser keeps (history, bookmarks, the address bar a neighbour may see). GET shows the form only:
    a `?meldcode=` from an old bookmark is not looked up, so no link can carry a code here."""
    if request.method == "GET":
        return render(request, "publiek/status_zoeken.html")
    ingevuld = request.POST.get("meldcode", "")[:40]
    code = meldcode_normalize(ingevuld)
    if not code:
        return _geen_opslag(render(request, "publiek/status_zoeken.html", {"leeg": True}, status=400))
    result, blocked = status_lookup(meldcode=code, token=getattr(request, "client_token", ""))
    if blocked:
        return _geen_opslag(render(request, "publiek/status_zoeken.html", {"te_vaak": True}, status=429))
    if result is None:
        context = {"onbekend": ingevuld.strip()[:20]}
        return _geen_opslag(render(request, "publiek/status_zoeken.html", context, status=404))
    return _geen_opslag(render(request, "publiek/status.html", _status_context(result)))


def _status_context(result, **extra) -> dict:
    # A fresh one-time key per rendered addition form: a double click adds once.
    return {"status": result, "aanvul_sleutel": secrets.token_urlsafe(24), **extra}


@csrf_exempt  # as the status lookup: anonymous, no session, no cookie
@require_POST
def status_aanvullen(request):
    """A reporter adds text and/or photos to their melding (issue 17). The meldcode is checked with the
    lookup's own limit on unknown codes; the answer is the status page again, with what happened."""
    code = meldcode_normalize(request.POST.get("meldcode", "")[:40])
    result, blocked = (
        status_lookup(meldcode=code, token=getattr(request, "client_token", "")) if code else (None, False)
    )
    if blocked:
        return _geen_opslag(render(request, "publiek/status_zoeken.html", {"te_vaak": True}, status=429))
    melding = melding_met_code(meldcode=code) if result is not None else None
    if melding is None:
        context = {"onbekend": request.POST.get("meldcode", "").strip()[:20] or "?"}
        return _geen_opslag(render(request, "publiek/status_zoeken.html", context, status=404))
    tekst = request.POST.get("tekst", "")
    sleutel = request.POST.get("aanvul_sleutel", "")[:64]
    try:
        melding_aanvullen(
            # A duplicate's reporter follows the earlier melding; what they add belongs there.
            melding=melding.duplicaat_van or melding,
            tekst=tekst,
            fotos=[f.read() for f in request.FILES.getlist("fotos")],
            inzend_sleutel=inzend_sleutel_hash(sleutel) if sleutel else None,
        )
    except ValidationError as fout:
        context = _status_context(result, aanvul_fouten=fout.messages, aanvul_tekst=tekst)
        return _geen_opslag(render(request, "publiek/status.html", context, status=400))
    return _geen_opslag(render(request, "publiek/status.html", _status_context(result, aanvulling_ontvangen=True)))


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
