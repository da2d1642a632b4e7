import pytest

from accounts.models import Organisatie
from accounts.roles import Rol
from accounts.services import gebruiker_zetten

WACHTWOORD = "test-wachtwoord-42"
# Who is tried against every URL: each role, a logged-in user without any role, and nobody.
ROLLEN = (Rol.COORDINATOR, Rol.APPROVER, Rol.AUDITOR, Rol.ADMIN, Rol.PARTNER)


def maak_gebruiker(rol: str | None, naam: str | None = None):
    from django.contrib.auth import get_user_model

    naam = naam or f"test-{rol or 'zonder-rol'}"
    if rol is None:
        user = get_user_model().objects.create_user(username=naam, password=WACHTWOORD)
        return user
    organisatie = None
    if rol == Rol.PARTNER:
        organisatie, _ = Organisatie.objects.get_or_create(
            code="ymere", defaults={"naam": "Ymere", "soort": "woningcorporatie"}
        )
    user, _created = gebruiker_zetten(username=naam, password=WACHTWOORD, rol=rol, organisatie=organisatie)
    return user


@pytest.fixture
def als(client):
    """`als("coordinator")` logs the test client in with a fresh user of that role and returns the user."""

    def inloggen(rol: str | None, naam: str | None = None):
        user = maak_gebruiker(rol, naam)
        client.force_login(user)
        return user

    return inloggen
