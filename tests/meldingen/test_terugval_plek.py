"""Issue 17: a resident can always file, also with the geocoder down and no map: the place in words and
the buurt. Such a melding counts in its buurt, stays out of the clustering until a coordinator places it,
and nothing the resident typed is lost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Rol
from meldingen.models import Buurt, Melding
from meldingen.selectors import clusterbaar_relatie_sql
from publiek.buurt import buurt_maanden
from tests.coordinatie.conftest import als  # noqa: F401
from tests.factories import DAM, rd_point

pytestmark = pytest.mark.django_db


def _formulier(**extra):
    data = {
        "locatie_type": "garagebox",
        "waarnemingen": ["dealen"],
        "datum": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "dagdeel": "avond",
        "frequentie": "dagelijks",
        "omschrijving": "Elke avond bij de boxen.",
        "actie": "versturen",
    }
    data.update(extra)
    return data


def test_met_de_geocoder_plat_en_zonder_kaart_kan_een_bewoner_toch_melden(client, fake_pdok):
    buurt = Buurt.objects.get(geometrie__contains=rd_point(*DAM))
    fake_pdok.fail_next = 503
    # an address PDOK cannot look up now, with the place described and the buurt chosen
    antwoord = client.post(
        "/melden/",
        _formulier(adres="Gooioord 100", plaats_beschrijving="achter de flat bij de garageboxen", buurt=buurt.code),
    )
    assert antwoord.status_code == 200, antwoord.content.decode()[:3000]
    melding = Melding.objects.get()
    assert melding.locatie_onnauwkeurig
    assert melding.buurt_id == buurt.code
    assert buurt.geometrie.contains(melding.locatie)
    assert melding.locatie_omschrijving == "Gooioord 100; achter de flat bij de garageboxen"
    # out of the clustering, in the buurt's figures
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {clusterbaar_relatie_sql()} m")  # noqa: S608
        assert cursor.fetchone()[0] == 0
    assert Melding.objects.geteld().filter(buurt=buurt).count() == 1
    assert buurt_maanden(buurt_code=buurt.code, vandaag=timezone.localdate() + timedelta(days=40))


def test_zonder_adres_alleen_woorden_en_buurt(client):
    buurt = Buurt.objects.get(geometrie__contains=rd_point(*DAM))
    antwoord = client.post("/melden/", _formulier(plaats_beschrijving="bij de ingang van het park", buurt=buurt.code))
    assert antwoord.status_code == 200
    assert Melding.objects.get().locatie_onnauwkeurig


@pytest.mark.parametrize(
    ("extra", "fout"),
    [
        ({"plaats_beschrijving": "bij de ingang"}, "Kies de buurt waar het is."),
        ({"buurt": "ZZ99", "plaats_beschrijving": "bij de ingang"}, "Selecteer een geldige keuze"),
        ({}, "beschrijf de plek en kies de buurt"),
    ],
)
def test_half_ingevuld_zegt_wat_ontbreekt_en_bewaart_alles(client, extra, fout):
    antwoord = client.post("/melden/", _formulier(**extra))
    assert antwoord.status_code == 400
    html = antwoord.content.decode()
    assert fout in html
    assert "Elke avond bij de boxen." in html
    assert '<details class="terugval" id="terugval" open>' in html or not extra
    assert not Melding.objects.exists()


def test_de_coordinator_zet_de_melding_op_de_kaart(client, als, fake_pdok):  # noqa: F811
    buurt = Buurt.objects.get(geometrie__contains=rd_point(*DAM))
    client.post("/melden/", _formulier(plaats_beschrijving="Bijlmerplein bij de trap", buurt=buurt.code))
    melding = Melding.objects.get()
    als(Rol.COORDINATOR)
    pagina = client.get(reverse("coordinatie:melding", args=[melding.pk])).content.decode()
    assert "Plaats onnauwkeurig" in pagina
    assert (
        "Plaats onnauwkeurig: alleen de buurt is bekend"
        in client.get(reverse("coordinatie:werkscherm")).content.decode()
    )
    client.post(reverse("coordinatie:melding_plaats", args=[melding.pk]), {"adres": "Bijlmerplein 1"})
    melding.refresh_from_db()
    assert not melding.locatie_onnauwkeurig
    # moved to where it really is: in Zuidoost, no longer in the chosen buurt at the Dam
    assert melding.buurt.geometrie.contains(melding.locatie)
    assert melding.buurt.wijk.stadsdeel_id == "T"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {clusterbaar_relatie_sql()} m")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    # once placed, there is nothing to place again
    weer = client.post(reverse("coordinatie:melding_plaats", args=[melding.pk]), {"adres": "Dam 1"}, follow=True)
    assert "Deze melding heeft al een plek op de kaart." in weer.content.decode()
