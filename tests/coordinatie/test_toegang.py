"""Every coordination URL against every role: only coordinator, approver, auditor and admin get in,
only those who may triage can change anything, only the auditor and admin read the audit trail."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Rol, mag_coordinatie_zien, mag_triageren
from hotspots.models import Hotspot
from meldingen.models import Melding
from tests.coordinatie.conftest import ROLLEN, maak_gebruiker
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db

LEZEN = (Rol.COORDINATOR, Rol.APPROVER, Rol.AUDITOR, Rol.ADMIN)
TRIAGE = (Rol.COORDINATOR, Rol.APPROVER, Rol.ADMIN)
INZAGE = (Rol.AUDITOR, Rol.ADMIN)


@pytest.fixture
def melding():
    return MeldingFactory()


@pytest.fixture
def hotspot(melding):
    from django.utils import timezone

    return Hotspot.objects.create(
        polygon=melding.locatie.buffer(30), aangemaakt_op=timezone.now(), bijgewerkt_op=timezone.now()
    )


def get_urls(melding, hotspot):
    return {
        "werkscherm": ("/coordinatie/", LEZEN),
        "werkscherm-gefilterd": ("/coordinatie/?stadsdeel=T&locatie_type=speelplek", LEZEN),
        "melding": (f"/coordinatie/meldingen/{melding.pk}/", LEZEN),
        "hotspot": (f"/coordinatie/hotspots/{hotspot.pk}/", LEZEN),
        "inzage": ("/coordinatie/inzage/", INZAGE),
    }


def post_urls(melding):
    return {
        "accepteren": (f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "accepteren"}),
        "notitie": (f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "notitie", "tekst": "x"}),
        "bulk": ("/coordinatie/meldingen/bulk/", {"actie": "accepteren", "meldingen": [melding.pk]}),
    }


@pytest.mark.parametrize("rol", [*ROLLEN, None])
@pytest.mark.parametrize("naam", ["werkscherm", "werkscherm-gefilterd", "melding", "hotspot", "inzage"])
def test_get_per_rol(client, melding, hotspot, rol, naam):
    url, mogen = get_urls(melding, hotspot)[naam]
    client.force_login(maak_gebruiker(rol))
    response = client.get(url)
    if rol in mogen:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert melding.meldcode not in response.content.decode()


@pytest.mark.parametrize("naam", ["werkscherm", "melding", "hotspot", "inzage"])
def test_anoniem_gaat_naar_het_inloggen(client, melding, hotspot, naam):
    url, _ = get_urls(melding, hotspot)[naam]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/?next=")


@pytest.mark.parametrize("rol", [*ROLLEN, None, "anoniem"])
@pytest.mark.parametrize("naam", ["accepteren", "notitie", "bulk"])
def test_post_per_rol(client, melding, rol, naam):
    url, data = post_urls(melding)[naam]
    if rol != "anoniem":
        client.force_login(maak_gebruiker(rol))
    response = client.post(url, data)
    melding.refresh_from_db()
    if rol in TRIAGE:
        assert response.status_code == 302
        assert naam == "notitie" or melding.status == "in_behandeling"
        assert naam != "notitie" or melding.notities.count() == 1
    else:
        assert response.status_code in (302, 403)
        if rol == "anoniem":
            assert response["Location"].startswith("/account/inloggen/")
        else:
            assert response.status_code == 403
        assert melding.status == "nieuw"
        assert melding.notities.count() == 0


def test_triage_alleen_met_post(als, melding):
    als(Rol.COORDINATOR)
    from django.test import Client

    client = Client()
    client.force_login(maak_gebruiker(Rol.ADMIN))
    assert client.get(f"/coordinatie/meldingen/{melding.pk}/triage/?actie=accepteren").status_code == 405
    assert Melding.objects.get(pk=melding.pk).status == "nieuw"


@pytest.mark.parametrize("rol", ROLLEN)
def test_django_rechten_van_de_groepen_kloppen_met_de_rollen(rol):
    user = maak_gebruiker(rol)
    assert user.has_perm("coordinatie.werkscherm_zien") == mag_coordinatie_zien(user)
    assert user.has_perm("coordinatie.meldingen_triageren") == mag_triageren(user)
    assert user.has_perm("coordinatie.inzage_lezen") == (rol in INZAGE)


def test_partner_met_een_tweede_rol_komt_er_nog_steeds_niet_in(client, melding):
    user = maak_gebruiker(Rol.PARTNER)
    user.groups.add(Group.objects.get(name=Rol.COORDINATOR))
    client.force_login(user)
    assert client.get("/coordinatie/").status_code == 403
    assert client.post(f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "accepteren"}).status_code == 403
    assert Melding.objects.get(pk=melding.pk).status == "nieuw"


def test_kaart_api_weigert_partner_en_anoniem(client):
    # The map data shares the rule (accounts.permissions.CoordinatieToegang); the endpoints are kaart's.
    from accounts.permissions import CoordinatieToegang

    class Req:
        def __init__(self, user):
            self.user = user

    from django.contrib.auth.models import AnonymousUser

    assert not CoordinatieToegang().has_permission(Req(AnonymousUser()), None)
    assert not CoordinatieToegang().has_permission(Req(maak_gebruiker(Rol.PARTNER)), None)
    assert CoordinatieToegang().has_permission(Req(maak_gebruiker(Rol.AUDITOR)), None)
