from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .anonymity import IDENTIFYING_META, client_address, client_token

# Every public path where somebody files or follows a report (web form, API, SMS webhook).
# The map tiles too: a reporter's browser fetches them while placing the pin.
INTAKE_PREFIXES = ("/melden/", "/api/v1/meldingen", "/integrations/", "/kaart/tegels/")


class IntakeAnonymityMiddleware:
    """On intake paths, replace the client's address by a daily keyed hash and drop identifying headers.

    Runs first, so views, error reports and loggers downstream never see who is filing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(INTAKE_PREFIXES):
            request.client_token = client_token(client_address(request.META))
            for key in IDENTIFYING_META:
                request.META.pop(key, None)
            # Django expects REMOTE_ADDR to exist; an unroutable address says "unknown".
            request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104
        return self.get_response(request)
