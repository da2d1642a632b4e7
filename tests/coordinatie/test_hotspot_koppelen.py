"""Linking a melding to a hotspot by hand, through hotspots.services.hotspot_melding_koppelen."""

import pytest
from django.utils import timezone

from accounts.roles import Rol
from hotspots.models import Hotspot, HotspotMelding
from tests.factories import DAM, MeldingFactory

pytestmark = pytest.mark.django_db


def maak_hotspot(rond, status="actief", straal=50):
    nu = timezone.now()
    return Hotspot.objects.create(
        polygon=rond.locatie.buffer(straal), status=status, score=0.5, aangemaakt_op=nu, bijgewerkt_op=nu
    )


def test_de_wachtrij_stelt_hotspots_in_de_buurt_voor_en_koppelt(als, client):
    melding = MeldingFactory()
    dichtbij = maak_hotspot(melding)
    maak_hotspot(MeldingFactory(latlon=DAM, status="afgehandeld"))  # far away: not offered
    opgelost = maak_hotspot(melding, status="opgelost")
    als(Rol.COORDINATOR, "coord-k")
    html = client.get("/coordinatie/").content.decode()
    assert f'name="hotspot" value="{dichtbij.pk}"' in html
    assert html.count('name="hotspot" value=') == 1
    assert f'value="{opgelost.pk}"' not in html
    # when
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "hotspot", "hotspot": dichtbij.pk}, follow=True
    )
    # then
    assert "is gekoppeld aan hotspot" in response.content.decode()
    lid = HotspotMelding.objects.get(hotspot=dichtbij, melding=melding)
    assert lid.gekoppeld_door == "coord-k"
    # a second time says so, and adds nothing
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "hotspot", "hotspot": dichtbij.pk}, follow=True
    )
    assert "hoorde al bij hotspot" in response.content.decode()
    assert HotspotMelding.objects.filter(melding=melding).count() == 1
    # and a member is no longer offered that hotspot
    assert f'name="hotspot" value="{dichtbij.pk}"' not in client.get("/coordinatie/").content.decode()


def test_niet_aan_een_opgeloste_of_onbekende_hotspot(als, client):
    melding = MeldingFactory()
    opgelost = maak_hotspot(melding, status="opgelost")
    als(Rol.COORDINATOR)
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "hotspot", "hotspot": opgelost.pk}, follow=True
    )
    assert "opgelost" in response.content.decode()
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "hotspot", "hotspot": 987654}, follow=True
    )
    assert "Deze hotspot bestaat niet" in response.content.decode()
    assert not HotspotMelding.objects.filter(melding=melding).exists()
