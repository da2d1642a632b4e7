"""Retention (DOMAIN.md): free text and photos go after 12 months, points are coarsened after 24."""

from datetime import timedelta

from django.utils import timezone

from meldingen.models import Melding
from meldingen.services import meldingen_apply_retention, meldingen_locaties_vergroven
from tests.factories import BIJLMERPLEIN, MeldingFactory


def test_tekst_gaat_na_de_bewaartermijn_en_de_rest_blijft(db):
    # given
    nu = timezone.now()
    oud = MeldingFactory(omschrijving="man in blauwe jas", ontvangen_op=nu - timedelta(days=366))
    nieuw = MeldingFactory(omschrijving="vanavond weer", ontvangen_op=nu - timedelta(days=300))
    # when
    assert meldingen_apply_retention(now=nu, days=365) == 1
    assert meldingen_apply_retention(now=nu, days=365) == 0
    # then
    oud.refresh_from_db()
    nieuw.refresh_from_db()
    assert (oud.omschrijving, oud.tekst_verwijderd_op) == ("", nu)
    assert oud.locatie == MeldingFactory.build(latlon=BIJLMERPLEIN).locatie
    assert nieuw.omschrijving == "vanavond weer"


def test_locatie_wordt_na_24_maanden_het_midden_van_een_vierkant_van_100_m(db):
    # given
    nu = timezone.now()
    oud = MeldingFactory(locatie_omschrijving="Bijlmerplein 12", ontvangen_op=nu - timedelta(days=731))
    jong = MeldingFactory(locatie_omschrijving="Bijlmerplein 14", ontvangen_op=nu - timedelta(days=700))
    origineel = oud.locatie.clone()
    # when
    assert meldingen_locaties_vergroven(now=nu, days=730, raster_m=100) == 1
    assert meldingen_locaties_vergroven(now=nu, days=730, raster_m=100) == 0  # idempotent: no drift
    # then the old point sits on a square's centre, near where it was, in the same buurt, without its address
    oud.refresh_from_db()
    assert (oud.locatie.x % 100, oud.locatie.y % 100) == (50, 50)
    assert oud.locatie.x != origineel.x or oud.locatie.y != origineel.y
    assert oud.locatie.distance(origineel) <= 71
    assert oud.locatie_omschrijving == ""
    assert oud.locatie_vergroofd_op == nu
    assert Melding.objects.get(pk=oud.pk).buurt_id == jong.buurt_id
    jong.refresh_from_db()
    assert jong.locatie_omschrijving == "Bijlmerplein 14"
    assert jong.locatie_vergroofd_op is None
