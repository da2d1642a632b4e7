"""Response headers that belong to no app: no-store on staff pages (the CSP and Permissions-Policy come from django-csp and django-permissions-policy, config/settings.py)."""

from django.conf import settings

# Staff and partner pages and the staff APIs: case data behind a login. Matched on the path (with or
# without a language prefix), so a login page, a redirect to it or a 403 is covered as well.
STAF_PADEN = ("/coordinatie/", "/partner/", "/account/", "/beheer/", "/api/v1/kaart/", "/api/v1/hotspots")


class StafNietBewarenMiddleware:
    """`Cache-Control: private, no-store` on staff pages and on every response to a logged-in user, so
    neither a browser's cache on a shared computer nor a proxy keeps case data.

    Keyed on the path, because that covers anonymous answers under the staff URLs too and does not depend
    on the session; and on the logged-in user, so a staff page added later under another path is covered
    before anyone adds it to STAF_PADEN (unless its view marked the answer public, like the map tiles).
    The user is only looked at when the browser sent a session cookie: reading the session of an
    anonymous visitor would add `Vary: Cookie` to every public page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.talen = tuple(f"/{code}/" for code, _naam in settings.LANGUAGES)

    def __call__(self, request):
        response = self.get_response(request)
        if self._staf_pad(request) or (self._ingelogd(request) and not self._openbaar(response)):
            # Replaces what a view set: no-store is the strictest answer there is (the photo view and the
            # CSV export already say the same; the map data said "private, no-cache").
            response["Cache-Control"] = "private, no-store"
        return response

    def _staf_pad(self, request) -> bool:
        pad = request.path_info
        if pad.startswith(self.talen):
            pad = pad[pad.index("/", 1) :]
        return pad.startswith(STAF_PADEN)

    @staticmethod
    def _ingelogd(request) -> bool:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)

    @staticmethod
    def _openbaar(response) -> bool:
        # A view that marks its answer public says it holds nothing of anyone (the map tiles): a
        # coordinator's browser may keep those like anyone else's.
        return "public" in response.get("Cache-Control", "")
