"""What every request gets when a backing service fails: a clear Dutch 503 instead of a bare 500.

One place for the whole site (issue 10): a database or Redis that is down or hangs, and a throttle
that cannot count, become 503 with a Dutch page, or JSON problem details (RFC 9457) on /api/. The
page renders without the database and without the session, and for a POST to /melden/ it shows
what the resident typed with a button to send it again, so nothing typed is lost.

Also the body limits: a request body larger than its endpoint needs is refused before any parser
reads it (one 4 MB list once held a worker for 31 s of CPU).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from basis.taal import zonder_taalprefix
from privacy.ratelimit import ThrottleOnbereikbaar

from .taal import taal_voor

logger = logging.getLogger(__name__)
RETRY_AFTER_S = 30


def _storing_soort(exc: BaseException | None) -> str | None:
    """'database', 'redis' or None for an exception that is not a service failure."""
    import kombu.exceptions
    import redis.exceptions

    if isinstance(exc, OperationalError | InterfaceError):
        return "database"
    if isinstance(exc, DatabaseError) and "connection" in str(exc).lower():
        return "database"
    if isinstance(exc, ThrottleOnbereikbaar | redis.exceptions.RedisError | kombu.exceptions.OperationalError):
        return "redis"
    return None


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def probleem(request: HttpRequest, *, status: int, title: str, detail: str) -> JsonResponse:
    """RFC 9457 problem details."""
    response = JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
    return response


def storing_antwoord(request: HttpRequest, exc: BaseException | None) -> HttpResponse | None:
    soort = _storing_soort(exc)
    if soort is None:
        return None
    logger.error("%s unavailable while answering %s %s: %s", soort, request.method, request.path, exc)
    if soort == "database":
        detail = _(
            "Er is een storing. We kunnen uw verzoek nu niet verwerken. Probeer het over een paar minuten opnieuw."
        )
    else:
        detail = _("Dit kan nu even niet door een storing. Probeer het over een paar minuten opnieuw.")
    if _is_api(request):
        response: HttpResponse = probleem(request, status=503, title=_("Tijdelijk niet beschikbaar"), detail=detail)
    else:
        # No CSRF token: the resend form posts to /melden/, which has no CSRF check (meldingen/views.py),
        # and a token would set a csrftoken cookie on a resident's device.
        context = {"request": request, "detail": detail}
        if request.method == "POST" and zonder_taalprefix(request.path).startswith("/melden/"):
            context.update(_ingevuld(request))
        response = HttpResponse(render_to_string("storing.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _ingevuld(request: HttpRequest) -> dict:
    """What the resident typed, to show and send again (photos cannot be sent back by a server)."""
    try:
        post = request.POST
    except Exception:  # an unreadable body: nothing to keep
        return {}
    verborgen = [
        (naam, waarde)
        for naam in post
        if naam not in ("csrfmiddlewaretoken", "omschrijving", "actie")
        for waarde in post.getlist(naam)
    ]
    return {
        "opnieuw": True,
        "verborgen": verborgen,
        "omschrijving": post.get("omschrijving", ""),
        "adres": post.get("adres", ""),
        "fotos_kwijt": bool(getattr(request, "_files", None)),
    }


class StoringMiddleware:
    """Turns service failures raised in views into the 503 above (config.urls.server_error covers the
    ones raised in other middleware, e.g. the session's save)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        te_groot = _body_te_groot(request)
        if te_groot is not None:
            return te_groot
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return storing_antwoord(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the exception being handled is a service failure → 503, anything else → Django's 500."""
    response = storing_antwoord(request, sys.exc_info()[1])
    return response if response is not None else defaults.server_error(request)


def _limiet(path: str) -> int:
    path = zonder_taalprefix(path)  # /en/melden/ is the form too
    for prefix, limiet in settings.REQUEST_BODY_LIMITS:
        if path.startswith(prefix):
            return limiet
    return settings.REQUEST_BODY_LIMIT_DEFAULT


def _body_te_groot(request: HttpRequest) -> HttpResponse | None:
    # Runs before config.taal.TaalMiddleware has chosen the language: choose it the same way.
    with translation.override(taal_voor(request)[0]):
        return _body_te_groot_antwoord(request)


def _body_te_groot_antwoord(request: HttpRequest) -> HttpResponse | None:
    try:
        lengte = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        lengte = 0
    limiet = _limiet(request.path)
    if lengte <= limiet:
        return None
    detail = _("Het verzoek is te groot (hoogstens %(kb)d kB).") % {"kb": limiet // 1024}
    if _is_api(request):
        return probleem(request, status=413, title=_("Verzoek te groot"), detail=detail)
    context = {"request": request, "detail": detail, "titel": _("Verzoek te groot")}
    return HttpResponse(render_to_string("storing.html", context), status=413)
