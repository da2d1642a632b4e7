"""Template tags of the residents' pages (templates/base_publiek.html)."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def andere_talen(context) -> list[dict]:
    """This page in every other language, as plain links: the language lives in the URL (/en/melden/),
    so switching sets no cookie. Only the path is translated, never the query string, which could
    carry what a resident typed."""
    request = context["request"]
    huidig = get_language()
    return [
        {"code": code, "naam": get_language_info(code)["name_local"], "url": translate_url(request.path, code)}
        for code, _naam in settings.LANGUAGES
        if code != huidig
    ]


@register.simple_tag
def snel_weg_url() -> str:
    return settings.SNEL_WEG_URL


@register.simple_tag
def stad_bbox() -> str:
    """The city's extent for the reporter's map, "south,west,north,east" (settings.MAP_STAD_BBOX)."""
    return ",".join(str(v) for v in settings.MAP_STAD_BBOX)
