"""Linking a melding to a hotspot by hand, through hotspots.services.hotspot_melding_koppelen."""

import pytest
from django.db import connection
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


def test_hotspotkeuzes_voor_de_hele_pagina_in_een_query(django_assert_num_queries):
    from hotspots.selectors import hotspot_keuzes

    meldingen = [MeldingFactory(latlon=DAM) for _ in range(3)]
    buiten = MeldingFactory(latlon=(52.3125, 4.9530))  # Bijlmer, far from the Dam
    dichtbij = maak_hotspot(meldingen[0])
    HotspotMelding.objects.create(hotspot=dichtbij, melding=meldingen[1], handmatig=True, gekoppeld_door="x")
    with django_assert_num_queries(1):
        keuzes = hotspot_keuzes(meldingen=[*meldingen, buiten])
    # offered where near and not yet a member; the member and the far one get nothing
    assert [k.id for k in keuzes[meldingen[0].pk]] == [dichtbij.pk] == [k.id for k in keuzes[meldingen[2].pk]]
    assert meldingen[1].pk not in keuzes
    assert buiten.pk not in keuzes


def test_een_hotspot_die_tussen_controle_en_koppelen_eindigt_geeft_een_nette_melding(als, client):
    # given a living hotspot the coordinator chooses
    melding = MeldingFactory()
    hotspot = maak_hotspot(melding)
    als(Rol.COORDINATOR, "coord-race")
    beeindigd = []

    def recompute_ertussen(execute, sql, params, many, context):
        # The race, for real: just before the link locks the hotspot row, a recompute merges it away
        # (what another transaction would have committed between the check and the lock).
        if not beeindigd and "FOR UPDATE" in sql and '"hotspots_hotspot"' in sql:
            beeindigd.append(True)
            Hotspot.objects.filter(pk=hotspot.pk).update(status="opgelost")
        return execute(sql, params, many, context)

    # when the link is posted while that happens
    with connection.execute_wrapper(recompute_ertussen):
        response = client.post(
            f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "hotspot", "hotspot": hotspot.pk}, follow=True
        )
    # then the coordinator reads what happened, in Dutch, and nothing was linked
    assert beeindigd, "the link did not lock the hotspot row: the race was not exercised"
    assert response.status_code == 200
    html = response.content.decode()
    assert f"hotspot {hotspot.pk} is intussen opgelost of samengevoegd" in html
    assert not HotspotMelding.objects.filter(melding=melding).exists()
