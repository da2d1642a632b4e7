"""Staff sessions end after a period without requests and after a maximum length in any case.

Django's SESSION_COOKIE_AGE alone is renewed whenever the session is saved, so it is neither an idle
limit nor an absolute one; this middleware keeps both moments in the session and logs the user out
when either has passed. It only looks at requests that carry a session cookie, so the anonymous
intake paths are untouched.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext

# Writing the session on every request would cost a Redis/DB write per map tile request; a minute
# of slack on the idle limit is harmless.
BIJWERKEN_NA = 60


class SessieVerloopMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            nu = int(time.time())
            sessie = request.session
            begin, laatst = sessie.get("ww_begin"), sessie.get("ww_laatst")
            if begin is None or laatst is None:
                sessie["ww_begin"] = sessie["ww_laatst"] = nu
            elif nu - laatst > settings.SESSION_IDLE_SECONDS or nu - begin > settings.SESSION_COOKIE_AGE:
                logout(request)  # flushes the session; the view then sees an anonymous user
            elif nu - laatst > BIJWERKEN_NA:
                sessie["ww_laatst"] = nu
        return self.get_response(request)


class TweeFactorMiddleware:
    """A login that still owes its second factor (accounts/tweefactor.py) reaches only that step
    and the logout; everything else, /beheer/ and the staff APIs included, sends it there.

    In process_view, where the URL is resolved: the allowed views are named, not path prefixes, so
    a new page is closed by default. Paths that resolve to no view answer 404 as for anyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .tweefactor import tweede_stap

        stap = tweede_stap(request.user)
        if stap is None:
            return None
        naam = request.resolver_match.view_name if request.resolver_match else ""
        if naam in (stap, "accounts:uitloggen"):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": gettext("Rond eerst het inloggen af met de tweede stap.")}, status=403)
        volgende = request.get_full_path() if request.method == "GET" else ""
        url = reverse(stap)
        return HttpResponseRedirect(f"{url}?{urlencode({'next': volgende})}" if volgende else url)
