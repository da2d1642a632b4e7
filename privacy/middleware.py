from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from basis.taal import zonder_taalprefix

from .anonymity import IDENTIFYING_META, client_address, client_token

# Every public path where somebody files or follows a report (web form, API, SMS webhook).
# The map tiles too: a reporter's browser fetches them while placing the pin. The buurt pages too: a
# resident searches their own street there.
INTAKE_PREFIXES = ("/melden/", "/api/v1/meldingen", "/integrations/", "/kaart/tegels/", "/buurt/")


def is_intake_path(path: str) -> bool:
    # The same paths under a language prefix (/en/melden/): a translated page is just as much intake.
    return zonder_taalprefix(path).startswith(INTAKE_PREFIXES)


class IntakeAnonymityMiddleware:
    """On intake paths, replace the client's address by a daily keyed hash and drop identifying headers.

    Runs first, so views, error reports and loggers downstream never see who is filing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_intake_path(request.path):
            request.client_token = client_token(client_address(request.META))
            for key in IDENTIFYING_META:
                request.META.pop(key, None)
            # A staff member who files from a logged-in browser files anonymously too: without the
            # session cookie the session is neither read nor saved, so its row's expiry (a time to the
            # second) cannot tie the filing moment to an account.
            request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
            # Django expects REMOTE_ADDR to exist; an unroutable address says "unknown".
            request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104
        return self.get_response(request)
