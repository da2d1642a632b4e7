"""Which language a response speaks, without a cookie (replaces Django's LocaleMiddleware).

Residents' pages (config/urls.py `i18n_patterns`) take the language from the URL alone: `/en/...` is
English, everything else Dutch. Not the `django_language` cookie (nothing sets it: a cookie would stay
on a resident's device as a trace of the visit) and not Accept-Language either, because
- without a cookie the server cannot remember a choice, so a redirect from /melden/ to /en/melden/ on
  Accept-Language would make the Dutch page unreachable for everyone whose browser prefers English —
  in Amsterdam many Dutch-speaking residents run an English phone or laptop;
- a link on a flyer, in an SMS or from a neighbour then opens the page its sender saw;
- the switch to the other language is one visible link at the top of every page.

Staff pages, the APIs, the Twilio webhook and the tiles are unprefixed and follow Accept-Language (a
browser or client setting that leaves nothing behind); staff have no language switch.
"""

from functools import cache

from django.conf import settings
from django.urls import LocalePrefixPattern, Resolver404, get_resolver, get_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation.trans_real import parse_accept_lang_header


@cache
def _publieke_resolvers(urlconf: str) -> tuple:
    return tuple(
        p for p in get_resolver(urlconf).url_patterns if isinstance(getattr(p, "pattern", None), LocalePrefixPattern)
    )


def is_publiek(path: str, urlconf: str | None = None) -> bool:
    """True for a path of a residents' page (inside `i18n_patterns`), in any language."""
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        for resolver in _publieke_resolvers(urlconf or settings.ROOT_URLCONF):
            try:
                resolver.resolve(path.removeprefix("/"))  # below the root resolver's "^/"
            except Resolver404:
                continue
            return True
    return False


def taal_uit_accept_language(header: str) -> str:
    for code, _kwaliteit in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def taal_voor(request) -> tuple[str, bool]:
    """The language of the answer to `request`, and whether its URL chose it (a residents' page)."""
    urlconf = getattr(request, "urlconf", None) or get_urlconf()
    uit_pad = translation.get_language_from_path(request.path_info)
    # A prefixed path (/en/...) speaks its language even when it is a 404.
    if uit_pad is not None:
        return uit_pad, True
    if is_publiek(request.path_info, urlconf):
        return settings.LANGUAGE_CODE, True
    return taal_uit_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")), False


class TaalMiddleware(MiddlewareMixin):
    def process_request(self, request):
        taal, request.taal_uit_url = taal_voor(request)
        translation.activate(taal)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if not getattr(request, "taal_uit_url", False):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
