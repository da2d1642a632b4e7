"""An access rule for every URL: the permission matrix, generated from the URL configuration.

Every pattern that `get_resolver()` knows (the app's pages, the DRF API, the Django admin, i18n) is
walked recursively and must have a row in REGELS below: URL name (or a glob over names) → rule. A URL
added later without a row fails `test_elke_url_heeft_een_toegangsregel`, naming it. Each URL is then
requested as every subject in SUBJECTEN (nobody, a logged-in user without a role, each role, partners
of two organisations), path converters filled with real ids of objects the fixture creates, and the
answer must be what the rule says: the subjects that may get the rule's answer; everyone else a 403 or
a redirect to the login, never a 200 and never the melding's meldcode in the body. No cell may be a 5xx.
POST-only views answer GET with 405 to everyone, and a POST from a subject that may not is refused.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone

from accounts.models import Organisatie
from accounts.roles import Rol
from accounts.services import gebruiker_zetten
from acties.models import ActieFoto, ActieType
from acties.services import actie_transition, actie_voorstellen
from meldingen.models import MeldingFoto
from tests.factories import HotspotFactory, MeldingFactory
from tests.fakes.tegels import PNG, FakeTegels

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------------------
# Who knocks. "admin" is the application role as demo/gebruikers.py creates it: staff, so it reaches the
# Django admin's index, but its group holds no model permissions there; "beheerder" is the superuser
# of demo/services.py who maintains the data in the admin (and counts as admin in roles.py);
# "zonder-rol" is an account whose role was taken away.
ANONIEM = "anoniem"
ZONDER_ROL = "zonder-rol"
PARTNER_A = "partner-a"
PARTNER_B = "partner-b"
BEHEERDER = "beheerder"
SUBJECTEN = (
    ANONIEM,
    ZONDER_ROL,
    Rol.COORDINATOR,
    Rol.APPROVER,
    PARTNER_A,
    PARTNER_B,
    Rol.AUDITOR,
    Rol.ADMIN,
    BEHEERDER,
)
IEDEREEN = frozenset(SUBJECTEN)
INGELOGD = IEDEREEN - {ANONIEM}
COORDINATIE = frozenset({Rol.COORDINATOR, Rol.APPROVER, Rol.AUDITOR, Rol.ADMIN, BEHEERDER})
TRIAGE = frozenset({Rol.COORDINATOR, Rol.APPROVER, Rol.ADMIN, BEHEERDER})
INZAGE = frozenset({Rol.AUDITOR, Rol.ADMIN, BEHEERDER})
STAF = frozenset({Rol.ADMIN, BEHEERDER})  # is_staff: the admin's own pages
BEHEER = frozenset({BEHEERDER})  # the admin's model pages: model permissions
NIEMAND = frozenset()

# How a subject without the right is sent away.
LOGIN = "login"  # the app's pages: anonymous → 302 to /account/inloggen/, logged in → 403
API = "api"  # DRF: 403 for anonymous and logged in alike (session auth has no WWW-Authenticate)
# The partner portal's tickets: an organisation's own only. A partner of another organisation gets 404
# (an id says nothing about what exists), anonymous visitors the login, every other account 403.
PARTNER_404 = "partner-404"
PARTNERS = frozenset({PARTNER_A, PARTNER_B})
# The Django admin: everyone without is_staff → 302 to /beheer/login/; staff without the model
# permission → 403.
BEHEER_LOGIN = "beheer-login"
# The partner API takes an organisation's API key, never a session: every subject here, logged in or
# not, gets 401 (tests/partner/test_api.py covers the keys).
API_SLEUTEL = "api-sleutel"


@dataclass(frozen=True)
class Regel:
    """One row of the table: who may, what they get, how the others are turned away."""

    regel: str  # the rule in words, for the failure message and the report
    mogen: frozenset[str]
    weg: str = LOGIN
    methode: str = "GET"
    ok: frozenset[int] = frozenset({200})
    # What GET answers on a POST view (405 for a POST-only view).
    get_ok: frozenset[int] = frozenset({405})
    # Values for the path converters, by converter name, from the objects of the fixture.
    params: Callable[[Objecten], dict[str, str]] | None = None
    # Query string to send (e.g. a parameter a GET view requires).
    query: str = ""
    fixtures: tuple[str, ...] = ()


def _melding_pk(o: Objecten) -> dict[str, str]:
    return {"pk": str(o.melding.pk)}


PUBLIEK = "publiek: iedereen, ook zonder account"
REGELS: dict[str, Regel] = {
    # The root redirects to the form.
    "route:": Regel(PUBLIEK, IEDEREEN, ok=frozenset({302})),
    # Reporter pages.
    "meldingen:melden": Regel(PUBLIEK, IEDEREEN),
    "meldingen:status_zoeken": Regel(PUBLIEK, IEDEREEN),
    # A reporter's addition (issue 17): public, POST; the matrix's empty form has no meldcode: 404.
    "meldingen:status_aanvullen": Regel(PUBLIEK, IEDEREEN, methode="POST", ok=frozenset({404})),
    # The old status URL with the code in it: a redirect to the lookup form, no lookup (issue 11).
    "meldingen:status_oud": Regel(
        PUBLIEK, IEDEREEN, ok=frozenset({302}), params=lambda o: {"meldcode": o.melding.meldcode}
    ),
    "meldingen:adres_suggesties": Regel(PUBLIEK, IEDEREEN, query="q=Dam 1", fixtures=("fake_pdok",)),
    # The public buurt pages and their open data (issue 16): the same for everyone, logged in or not.
    "buurt:zoeken": Regel(PUBLIEK, IEDEREEN),
    "buurt:buurt": Regel(PUBLIEK, IEDEREEN, params=lambda o: {"code": o.melding.buurt_id}),
    "open_data": Regel(PUBLIEK, IEDEREEN, params=lambda o: {"formaat": "csv"}),
    "meldingen:adres_aanvullen": Regel(PUBLIEK, IEDEREEN, query="q=Bijlmer", fixtures=("fake_pdok",)),
    "meldingen:adres_bij_punt": Regel(PUBLIEK, IEDEREEN, query="lat=52.3731&lon=4.8926", fixtures=("fake_pdok",)),
    "kaart-tegel": Regel(
        PUBLIEK, IEDEREEN, params=lambda o: {"z": "12", "x": "2104", "y": "1346"}, fixtures=("tegels",)
    ),
    # Public API (anonymous by design; the same rules for everyone, no session read).
    # JSON only: the matrix's empty form body is refused by type (415), by nobody's role.
    "api-melding-create": Regel(PUBLIEK, IEDEREEN, weg=API, methode="POST", ok=frozenset({415})),
    "api-melding-status": Regel(PUBLIEK, IEDEREEN, weg=API, params=lambda o: {"meldcode": o.melding.meldcode}),
    "schema": Regel(PUBLIEK, IEDEREEN),
    "api-docs": Regel(PUBLIEK, IEDEREEN),
    # Twilio: no account at all; the request signature is the access rule, and nobody here has one.
    "integrations:twilio-sms": Regel("twilio: alleen met een geldige handtekening", NIEMAND, weg=API, methode="POST"),
    # Accounts.
    "accounts:inloggen": Regel(PUBLIEK, IEDEREEN, ok=frozenset({200, 302})),  # logged in: on to the start page
    "accounts:uitloggen": Regel("ingelogd (POST)", IEDEREEN, methode="POST", ok=frozenset({200, 302})),
    "accounts:start": Regel("ingelogd: elke rol, ook partners", INGELOGD, ok=frozenset({200, 302})),
    # The second step of the login: only meaningful between password and code; anyone else is sent on.
    "accounts:tweede_stap": Regel("tussen wachtwoord en code; anderen verder", IEDEREEN, ok=frozenset({200, 302})),
    # Setting up an authenticator app: one's own account only.
    "accounts:tweefactor_instellen": Regel(
        "ingelogd: de eigen tweestapsverificatie", INGELOGD, ok=frozenset({200, 302})
    ),
    # Coordination screens.
    "coordinatie:werkscherm": Regel("staf: coordinatie-rollen", COORDINATIE),
    "coordinatie:melding": Regel("staf: coordinatie-rollen", COORDINATIE, params=_melding_pk),
    "coordinatie:hotspot": Regel("staf: coordinatie-rollen", COORDINATIE, params=lambda o: {"pk": str(o.hotspot.pk)}),
    "coordinatie:triage": Regel(
        "staf: triage-rollen (POST)", TRIAGE, methode="POST", ok=frozenset({302}), params=_melding_pk
    ),
    "coordinatie:bulk": Regel("staf: triage-rollen (POST)", TRIAGE, methode="POST", ok=frozenset({302})),
    # issue 17: find a melding by reference or meldcode (POST, so the code is in no URL); the queue as CSV
    "coordinatie:zoeken": Regel("staf: coordinatie-rollen (POST)", COORDINATIE, methode="POST", ok=frozenset({302})),
    "coordinatie:wachtrij_export": Regel("staf: coordinatie-rollen", COORDINATIE),
    # A queue thumbnail (issue 17): only of a photo the subject's own queue load showed; without that
    # load, a 404 for the roles that see photos, the same turn-away for the rest.
    "coordinatie:foto_klein": Regel(
        "staf: wie zaken behandelt, na een wachtrij met die foto",
        TRIAGE,
        ok=frozenset({404}),
        params=lambda o: {"pk": str(o.foto.pk)},
    ),
    "coordinatie:foto": Regel(
        "staf: wie zaken behandelt (geen auditor)", TRIAGE, params=lambda o: {"pk": str(o.foto.pk)}
    ),
    # Actions (issue 13): the coordination roles read, the triage roles act; photos as the reporters'.
    "coordinatie:acties": Regel("staf: coordinatie-rollen", COORDINATIE),
    "coordinatie:akkoord": Regel(
        "staf: approver en admin (vier ogen)", frozenset({Rol.APPROVER, Rol.ADMIN, BEHEERDER})
    ),
    "coordinatie:actie_nieuw": Regel("staf: triage-rollen", TRIAGE, ok=frozenset({302})),  # no target: back
    "coordinatie:actie": Regel("staf: coordinatie-rollen", COORDINATIE, params=lambda o: {"pk": str(o.actie.pk)}),
    "coordinatie:actie_stap": Regel(
        "staf: triage-rollen (POST)",
        TRIAGE,
        methode="POST",
        ok=frozenset({302}),
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    "coordinatie:actie_meldingen_afsluiten": Regel(
        "staf: triage-rollen (POST)",
        TRIAGE,
        methode="POST",
        ok=frozenset({302}),
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    "coordinatie:actie_bevestigen": Regel(
        "staf: triage-rollen (POST)",
        TRIAGE,
        methode="POST",
        ok=frozenset({302}),
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    # A report taken by phone (issue 17): the triage roles; GET shows the form.
    "coordinatie:melding_telefoon": Regel("staf: triage-rollen", TRIAGE),
    # Placing a melding filed with its buurt only: the fixture's melding has a point, so the service
    # refuses with a message and a redirect.
    "coordinatie:melding_plaats": Regel(
        "staf: triage-rollen (POST)", TRIAGE, methode="POST", ok=frozenset({302}), params=_melding_pk
    ),
    "coordinatie:actie_besluit": Regel(
        "staf: triage-rollen (POST)",
        TRIAGE,
        methode="POST",
        ok=frozenset({302}),
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    # No webhook message in the fixture's world: the roles that may get the 404 of an unknown message.
    "coordinatie:webhook_opnieuw": Regel(
        "staf: triage-rollen (POST)",
        TRIAGE,
        methode="POST",
        ok=frozenset({404}),
        params=lambda o: {"pk": str(o.actie.pk), "bericht_id": "999999"},
    ),
    "coordinatie:actie_foto": Regel(
        "staf: wie zaken behandelt (geen auditor)", TRIAGE, params=lambda o: {"pk": str(o.actie_foto.pk)}
    ),
    # The partner portal: partner accounts only; a ticket only to its own organisation (A here).
    "partner:lijst": Regel("partners: de eigen tickets", PARTNERS),
    "partner:ticket": Regel(
        "partner: alleen de eigen organisatie",
        frozenset({PARTNER_A}),
        weg=PARTNER_404,
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    # An empty form is the partner's error (400); nobody else gets as far.
    "partner:stap": Regel(
        "partner: alleen de eigen organisatie (POST)",
        frozenset({PARTNER_A}),
        weg=PARTNER_404,
        methode="POST",
        ok=frozenset({400}),
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    "partner:voortgang": Regel(
        "partner: alleen de eigen organisatie (POST)",
        frozenset({PARTNER_A}),
        weg=PARTNER_404,
        methode="POST",
        ok=frozenset({302, 400}),
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    "coordinatie:inzage": Regel("auditor en admin", INZAGE),
    "coordinatie:inzage-export": Regel("auditor en admin", INZAGE),
    "api-kaart-meldingen": Regel("staf: coordinatie-rollen", COORDINATIE, weg=API, query="zoom=12"),
    "api-hotspots": Regel("staf: coordinatie-rollen", COORDINATIE, weg=API),
    "api-kaart-acties": Regel("staf: coordinatie-rollen", COORDINATIE, weg=API),
    "api-partner-tickets": Regel("partner-API: alleen een API-sleutel", NIEMAND, weg=API_SLEUTEL),
    "api-partner-ticket": Regel(
        "partner-API: alleen een API-sleutel", NIEMAND, weg=API_SLEUTEL, params=lambda o: {"pk": str(o.actie.pk)}
    ),
    "api-partner-transitie": Regel(
        "partner-API: alleen een API-sleutel",
        NIEMAND,
        weg=API_SLEUTEL,
        methode="POST",
        params=lambda o: {"pk": str(o.actie.pk)},
    ),
    # The Django admin: its own pages for staff (the admin role and the superuser "beheerder"); the model
    # pages need model permissions, which only the superuser holds today (the admin group has none).
    # Read-only models answer add/delete with 403 to the superuser too; history of a model without
    # rows goes back to the index (302).
    "admin:index": Regel("beheer: staf (admin-rol en beheerder)", STAF, weg=BEHEER_LOGIN),
    "admin:app_list": Regel(
        "beheer: alleen beheerder", BEHEER, weg=BEHEER_LOGIN, params=lambda o: {"app_label": "accounts"}
    ),
    # The admin's own login form is gone (it had no throttle and no second step): anonymous visitors
    # are sent to /account/inloggen/, a logged-in user is refused.
    "admin:login": Regel(PUBLIEK, IEDEREEN, ok=frozenset({302, 403})),
    "admin:logout": Regel(
        "beheer: staf (admin-rol en beheerder) (POST)", STAF, weg=BEHEER_LOGIN, methode="POST", ok=frozenset({200, 302})
    ),
    "admin:password_change": Regel("beheer: staf (admin-rol en beheerder)", STAF, weg=BEHEER_LOGIN),
    "admin:password_change_done": Regel("beheer: staf (admin-rol en beheerder)", STAF, weg=BEHEER_LOGIN),
    "admin:autocomplete": Regel(
        "beheer: alleen beheerder (modelrechten)", BEHEER, weg=BEHEER_LOGIN, ok=frozenset({403})
    ),
    "admin:jsi18n": Regel("beheer: staf (admin-rol en beheerder)", STAF, weg=BEHEER_LOGIN),
    "admin:view_on_site": Regel(
        "beheer: staf (admin-rol en beheerder)",
        STAF,
        weg=BEHEER_LOGIN,
        ok=frozenset({302, 404}),
        params=lambda o: {
            "content_type_id": str(ContentType.objects.get_for_model(o.melding).pk),
            "object_id": str(o.melding.pk),
        },
    ),
    "admin:auth_user_password_change": Regel(
        "beheer: alleen beheerder (modelrechten)",
        BEHEER,
        weg=BEHEER_LOGIN,
        ok=frozenset({200, 403}),
        params=lambda o: {"id": str(o.gebruikers[ZONDER_ROL].pk)},
    ),
    "admin:*_changelist": Regel(
        "beheer: alleen beheerder (modelrechten)", BEHEER, weg=BEHEER_LOGIN, ok=frozenset({200, 403})
    ),
    "admin:*_add": Regel("beheer: alleen beheerder (modelrechten)", BEHEER, weg=BEHEER_LOGIN, ok=frozenset({200, 403})),
    "admin:*_history": Regel(
        "beheer: alleen beheerder (modelrechten)", BEHEER, weg=BEHEER_LOGIN, ok=frozenset({200, 302, 403})
    ),
    "admin:*_delete": Regel(
        "beheer: alleen beheerder (modelrechten)", BEHEER, weg=BEHEER_LOGIN, ok=frozenset({200, 302, 403})
    ),
    "admin:*_change": Regel(
        "beheer: alleen beheerder (modelrechten)", BEHEER, weg=BEHEER_LOGIN, ok=frozenset({200, 302, 403})
    ),
    # The admin's old-style object URL (a redirect to …/change/) and its catch-all (login or 404).
    "route:beheer/*/<path:object_id>/": Regel(
        "beheer: staf (admin-rol en beheerder)", STAF, weg=BEHEER_LOGIN, ok=frozenset({301, 302})
    ),
    "route:beheer/(?P<url>.*)$": Regel(
        "beheer: staf (admin-rol en beheerder)", STAF, weg=BEHEER_LOGIN, ok=frozenset({404})
    ),
}


# ---------------------------------------------------------------------------------------------------
# The URL configuration, walked.


@dataclass(frozen=True)
class Url:
    sleutel: str  # "namespace:name", or "route:<pattern>" for an unnamed pattern
    route: str  # the full pattern, prefixes joined, for converters and the message
    delen: tuple  # the pattern objects from the root down (to fill in their converters)


def _walk(patterns, delen=(), namespace=None) -> Iterator[Url]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, (*delen, p.pattern), ns)
        elif isinstance(p, URLPattern):
            alle = (*delen, p.pattern)
            route = "".join(str(d) for d in alle)
            naam = f"{namespace}:{p.name}" if namespace and p.name else p.name
            sleutel = naam or f"route:{route}"
            yield Url(sleutel=sleutel, route=route, delen=alle)


def alle_urls() -> list[Url]:
    return list(_walk(get_resolver().url_patterns))


def regel_voor(sleutel: str) -> Regel | None:
    if sleutel in REGELS:
        return REGELS[sleutel]
    for patroon, regel in REGELS.items():
        if any(c in patroon for c in "*?[") and fnmatch.fnmatchcase(sleutel, patroon):
            return regel
    return None


_ROUTE_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<naam>[^>]+)>")
_REGEX_GROEP = re.compile(r"\(\?P<(?P<naam>\w+)>[^)]*\)")


def _vul(patroon, waarden: dict[str, str]) -> str:
    if isinstance(patroon, LocalePrefixPattern):
        return patroon.language_prefix
    if isinstance(patroon, RoutePattern):
        return _ROUTE_CONVERTER.sub(lambda m: waarden[m["naam"]], str(patroon))
    if isinstance(patroon, RegexPattern):
        tekst = str(patroon).lstrip("^").rstrip("$").replace("\\/", "/")
        return _REGEX_GROEP.sub(lambda m: waarden[m["naam"]], tekst)
    raise AssertionError(f"unknown pattern type {type(patroon)}")


def _admin_model(url: Url):
    """The model behind an admin URL: the name (admin:<app>_<model>_<view>) or the route."""
    m = re.match(r"beheer/(\w+)/(\w+)/", url.route)
    return apps.get_model(m[1], m[2]) if m else None


def url_invullen(url: Url, regel: Regel, o: Objecten) -> str:
    waarden: dict[str, str] = {"url": "bestaat-niet/"}
    if "object_id" in url.route:
        model = _admin_model(url)
        if model is not None:
            obj = model._default_manager.order_by("pk").first()
            # No object of the model: the admin answers an unknown id with a redirect to its list.
            waarden["object_id"] = str(obj.pk) if obj is not None else "999999"
    if regel.params:
        waarden.update(regel.params(o))
    pad = "/" + "".join(_vul(d, waarden) for d in url.delen)
    return f"{pad}?{regel.query}" if regel.query else pad


# ---------------------------------------------------------------------------------------------------
# The fixture's world.


@dataclass
class Objecten:
    melding: object
    hotspot: object
    foto: object
    gebruikers: dict[str, object] = field(default_factory=dict)
    actie: object = None
    actie_foto: object = None


def _maak_gebruikers() -> dict[str, object]:
    from django.contrib.auth import get_user_model

    org_a = Organisatie.objects.create(code="org-a", naam="Organisatie A", soort="woningcorporatie")
    org_b = Organisatie.objects.create(code="org-b", naam="Organisatie B", soort="woningcorporatie")
    gebruikers: dict[str, object] = {
        ZONDER_ROL: get_user_model().objects.create_user(username="matrix-zonder-rol", password="x")
    }
    for naam, rol, org in ((PARTNER_A, Rol.PARTNER, org_a), (PARTNER_B, Rol.PARTNER, org_b)):
        gebruikers[naam], _ = gebruiker_zetten(username=f"matrix-{naam}", password="x", rol=rol, organisatie=org)
    for rol in (Rol.COORDINATOR, Rol.APPROVER, Rol.AUDITOR, Rol.ADMIN):
        # As demo/gebruikers.py: the admin role is staff (the Django admin), the others are not.
        gebruikers[rol], _ = gebruiker_zetten(
            username=f"matrix-{rol}", password="x", rol=rol, is_staff=rol == Rol.ADMIN
        )
    gebruikers[BEHEERDER] = get_user_model().objects.create_superuser(username="matrix-beheerder", password="x")
    return gebruikers


@pytest.fixture
def objecten() -> Objecten:
    melding = MeldingFactory()
    foto = MeldingFoto(melding=melding, breedte=1, hoogte=1)
    foto.bestand.save("matrix.png", ContentFile(PNG), save=True)
    gebruikers = _maak_gebruikers()
    # An action on the melding, assigned to organisation A (partner-a's ticket, not partner-b's).
    actie = actie_voorstellen(
        type=ActieType.objects.get(code="buurtschouw"), door=gebruikers[Rol.COORDINATOR], meldingen=[melding]
    )
    actie_transition(
        actie=actie,
        naar="toegewezen",
        actor=gebruikers[Rol.COORDINATOR],
        verantwoordelijke=Organisatie.objects.get(code="org-a"),
    )
    actie_foto = ActieFoto(actie=actie, aangemaakt_op=timezone.now())
    actie_foto.bestand.save("matrix.jpg", ContentFile(PNG), save=True)
    return Objecten(
        melding=melding,
        hotspot=HotspotFactory(),
        foto=foto,
        gebruikers=gebruikers,
        actie=actie,
        actie_foto=actie_foto,
    )


@pytest.fixture
def tegels(settings, tmp_path):
    from kaart import tegels as tegel_module

    with FakeTegels() as fake:
        settings.MAP_TILES_UPSTREAM_URL = fake.template
        settings.MAP_TILES_CACHE_DIR = tmp_path / "tegels"
        tegel_module._upstream_rust_tot = 0.0
        yield fake


def client_voor(subject: str, o: Objecten) -> Client:
    client = Client()
    if subject != ANONIEM:
        client.force_login(o.gebruikers[subject])
    return client


# ---------------------------------------------------------------------------------------------------
# What each cell must be.

LOGIN_URL = "/account/inloggen/"
BEHEER_LOGIN_URL = "/beheer/login/"
BEHEER_INDEX = "/beheer/"


def _weggestuurd(regel: Regel, subject: str, response) -> str | None:
    """None when the subject was turned away as the rule says, else what went wrong."""
    status = response.status_code
    locatie = response.get("Location", "")
    if regel.weg == BEHEER_LOGIN and subject in STAF:
        # The admin checks the model permission (403), hides an app without any (404), or first finds
        # no such object and goes back to its index (302 /beheer/): nothing of the data in any case.
        if status in (403, 404) or (status == 302 and locatie == BEHEER_INDEX):
            return None
        return f"expected 403/404 (staff without the model permission), got {status} {locatie}"
    if regel.weg == BEHEER_LOGIN:
        # The admin's logout sends a visitor without staff status to its index, which sends on to login.
        if status == 302 and (BEHEER_LOGIN_URL in locatie or locatie == BEHEER_INDEX):
            return None
        return f"expected 302 to {BEHEER_LOGIN_URL}, got {status} {locatie}"
    if regel.weg == API_SLEUTEL:
        return None if status == 401 else f"expected 401 (no API key), got {status} {locatie}"
    if regel.weg == PARTNER_404 and subject in PARTNERS:
        if status == 404:
            return None
        return f"expected 404 (another organisation's ticket), got {status} {locatie}"
    if regel.weg in (LOGIN, PARTNER_404) and subject == ANONIEM:
        if status == 302 and LOGIN_URL in locatie:
            return None
        return f"expected 302 to {LOGIN_URL}, got {status} {locatie}"
    if status == 403:
        return None
    return f"expected 403, got {status} {locatie}"


def cel(regel: Regel, subject: str, client: Client, pad: str, o: Objecten) -> tuple[int, str | None]:
    """Request one URL as one subject; (the status of the rule's method, or None when all is right)."""
    get = client.get(pad)
    if get.status_code >= 500:
        return get.status_code, f"GET answered {get.status_code}"
    if regel.methode == "POST":
        # A POST-only view shows nothing on GET, whoever asks (or turns the subject away first).
        if get.status_code not in regel.get_ok and (subject in regel.mogen or _weggestuurd(regel, subject, get)):
            return get.status_code, f"GET of a POST view: expected {sorted(regel.get_ok)}, got {get.status_code}"
        response = client.post(pad, {})
    else:
        response = get
    status = response.status_code
    if status >= 500:
        return status, f"{regel.methode} answered {status}"
    if subject in regel.mogen:
        if status not in regel.ok:
            return status, f"{regel.methode} expected {sorted(regel.ok)}, got {status} {response.get('Location', '')}"
        return status, None
    fout = _weggestuurd(regel, subject, response)
    if fout:
        return status, f"{regel.methode} {fout}"
    inhoud = b"".join(response.streaming_content) if response.streaming else response.content
    if o.melding.meldcode.encode() in inhoud:
        return status, f"{regel.methode} turned away, but the body shows the meldcode"
    return status, None


# ---------------------------------------------------------------------------------------------------
# The tests. URLs are read at collection, so a new pattern is a new test case with its own id.

URLS = alle_urls()
MATRIX: dict[tuple[str, str], int] = {}


def test_elke_url_heeft_een_toegangsregel():
    zonder = sorted({u.sleutel for u in URLS if regel_voor(u.sleutel) is None})
    assert not zonder, (
        "URLs without an access rule: add a row to REGELS in tests/security/test_toegangsmatrix.py "
        "for each of: " + ", ".join(zonder)
    )


def test_elke_regel_hoort_bij_een_url():
    # A row whose URL is gone (renamed, removed) would otherwise sit in the table as if it still guarded something.
    sleutels = {u.sleutel for u in URLS}
    verweesd = [r for r in REGELS if not any(fnmatch.fnmatchcase(s, r) for s in sleutels)]
    assert verweesd == [], f"rows in REGELS without a URL: {verweesd}"


@pytest.mark.parametrize("url", URLS, ids=[u.sleutel if not u.sleutel.startswith("route:") else u.route for u in URLS])
def test_toegangsmatrix(request, objecten, url):
    regel = regel_voor(url.sleutel)
    if regel is None:
        pytest.fail(f"{url.sleutel} ({url.route}) has no row in REGELS")
    for naam in regel.fixtures:
        request.getfixturevalue(naam)
    pad = url_invullen(url, regel, objecten)
    fouten = []
    for subject in SUBJECTEN:
        status, fout = cel(regel, subject, client_voor(subject, objecten), pad, objecten)
        MATRIX[(url.sleutel + " " + url.route, subject)] = status
        if fout:
            fouten.append(f"  {subject:12} {fout}")
    assert not fouten, f"{regel.methode} {pad} (rule: {regel.regel}):\n" + "\n".join(fouten)


def test_matrixgrootte():
    """The size of the matrix, for the report (`-s` shows it): every URL x every subject."""
    cellen = len(URLS) * len(SUBJECTEN)
    print(f"\ntoegangsmatrix: {len(URLS)} URLs x {len(SUBJECTEN)} subjecten = {cellen} cellen")
    assert len(URLS) >= 20


def test_matrix_afdrukken():
    """Runs last in this module: the cells as they came out, for `-s` (what each subject got where)."""
    for (url, subject), status in sorted(MATRIX.items()):
        print(f"{status} {subject:12} {url}")
