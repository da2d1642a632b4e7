"""Accounts of every role and helpers to build actions through the services (real PostGIS); registered
for the whole suite in tests/conftest.py (pytest_plugins), so coordinatie and partner tests use them too."""

import pytest

from accounts.models import Organisatie
from accounts.roles import Rol
from accounts.services import gebruiker_zetten
from acties.models import Actie, ActieType
from acties.services import actie_voorstellen
from tests.factories import BIJLMERPLEIN, HotspotFactory, MeldingFactory, rd_point


@pytest.fixture
def org():
    """The seeded organisations by code (accounts 0002, acties 0002)."""
    return {o.code: o for o in Organisatie.objects.all()}


@pytest.fixture
def typen():
    return {t.code: t for t in ActieType.objects.select_related("convenant")}


def _gebruiker(naam, rol, organisatie=None):
    return gebruiker_zetten(username=naam, password="x", rol=rol, organisatie=organisatie)[0]


@pytest.fixture
def coordinator(db):
    return _gebruiker("coord", Rol.COORDINATOR)


@pytest.fixture
def approver(db):
    return _gebruiker("akkoord", Rol.APPROVER)


@pytest.fixture
def partners(org):
    """One partner user per organisation, by organisation code."""
    return {code: _gebruiker(f"partner-{code}", Rol.PARTNER, o) for code, o in org.items()}


@pytest.fixture
def voorstel(coordinator, typen):
    """Proposes an action of `code` with sensible defaults: at a hotspot, or at an address with a
    melding for the types that target a dwelling."""

    def maak(code: str, **kwargs) -> Actie:
        type_ = typen[code]
        if type_.richt_zich_op_woning:
            kwargs.setdefault("adres", "Bijlmerplein 1")
            kwargs.setdefault("bag_id", "0363200000000001")
            kwargs.setdefault("punt", rd_point(*BIJLMERPLEIN))
            # Two independent reports (two channels): the safeguard lets the action be assigned.
            kwargs.setdefault(
                "meldingen",
                [MeldingFactory(locatie_type_id="woning"), MeldingFactory(locatie_type_id="woning", kanaal="sms")],
            )
        elif "meldingen" not in kwargs and "adres" not in kwargs:
            kwargs.setdefault("hotspot", HotspotFactory())
        return actie_voorstellen(type=type_, door=kwargs.pop("door", coordinator), **kwargs)

    return maak
