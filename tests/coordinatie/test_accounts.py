"""Accounts: one role per user, a partner bound to exactly one organisation."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from accounts.models import Lidmaatschap, Organisatie
from accounts.roles import Rol, rollen_van
from accounts.services import gebruiker_rol_zetten, gebruiker_zetten

pytestmark = pytest.mark.django_db


def test_de_covenantpartners_staan_klaar():
    codes = set(Organisatie.objects.values_list("code", flat=True))
    assert {"politie", "handhaving", "ymere", "stadgenoot", "eigen_haard", "saoa", "zoeklicht"} <= codes


def test_partner_moet_een_organisatie_hebben_en_anderen_geen():
    user = get_user_model().objects.create_user("iemand")
    with pytest.raises(ValidationError):
        gebruiker_rol_zetten(user=user, rol=Rol.PARTNER)
    with pytest.raises(ValidationError):
        gebruiker_rol_zetten(user=user, rol=Rol.COORDINATOR, organisatie=Organisatie.objects.get(code="politie"))
    with pytest.raises(ValidationError):
        gebruiker_rol_zetten(user=user, rol="superheld")
    assert rollen_van(get_user_model().objects.get(pk=user.pk)) == frozenset()


def test_een_andere_rol_vervangt_de_oude_en_haalt_het_lidmaatschap_weg():
    user, created = gebruiker_zetten(
        username="wissel", password="x-42-y", rol=Rol.PARTNER, organisatie=Organisatie.objects.get(code="ymere")
    )
    assert created
    assert Lidmaatschap.objects.get(user=user).organisatie_id == "ymere"
    gebruiker_rol_zetten(user=user, rol=Rol.COORDINATOR)
    user = get_user_model().objects.get(pk=user.pk)
    assert rollen_van(user) == {Rol.COORDINATOR}
    assert not Lidmaatschap.objects.filter(user=user).exists()
    # and again, idempotent, with a new password
    user, created = gebruiker_zetten(username="wissel", password="nieuw-42", rol=Rol.COORDINATOR)
    assert not created
    assert user.check_password("nieuw-42")


def test_een_partner_hoort_bij_een_organisatie_tegelijk():
    user, _ = gebruiker_zetten(
        username="p", password="x-42-y", rol=Rol.PARTNER, organisatie=Organisatie.objects.get(code="ymere")
    )
    gebruiker_rol_zetten(user=user, rol=Rol.PARTNER, organisatie=Organisatie.objects.get(code="politie"))
    assert list(Lidmaatschap.objects.filter(user=user).values_list("organisatie_id", flat=True)) == ["politie"]
