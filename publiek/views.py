"""The residents' status lookup: composed above meldingen (and, from issue 16, above acties), so that what
a reporter sees can grow without meldingen importing the apps that make it happen."""

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from meldingen.services import meldcode_normalize

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
    return _geen_opslag(render(request, "publiek/status.html", {"status": result}))


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
