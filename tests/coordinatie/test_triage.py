"""The triage queue: what it shows, and each step through the services and the workflow table."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Rol
from coordinatie.models import Notitie
from meldingen import selectors
from meldingen.models import Melding, MeldingEvent
from meldingen.selectors import MeldingFilter
from tests.factories import BIJLMERPLEIN, DAM, PLEIN_40_45, MeldingFactory
from tests.hotspots.conftest import verschoven

pytestmark = pytest.mark.django_db
NU = timezone.now()


def uur(n: int):
    return (NU - timedelta(hours=n)).replace(minute=0, second=0, microsecond=0)


def test_wachtrij_toont_alleen_nieuwe_oudste_eerst_binnen_het_filter(als, client):
    # given
    oud = MeldingFactory(ontvangen_op=uur(30))
    jong = MeldingFactory(ontvangen_op=uur(2))
    MeldingFactory(ontvangen_op=uur(40), status="in_behandeling")
    elders = MeldingFactory(latlon=DAM, ontvangen_op=uur(50))
    als(Rol.COORDINATOR)
    # when
    html = client.get("/coordinatie/").content.decode()
    # then: new ones only, oldest first
    assert html.index(elders.referentie) < html.index(oud.referentie) < html.index(jong.referentie)
    # and the stadsdeel filter narrows the queue (the status filter is the map's, not the queue's)
    html = client.get("/coordinatie/?stadsdeel=T&status=afgehandeld").content.decode()
    assert oud.referentie in html
    assert jong.referentie in html
    assert elders.referentie not in html


def test_wachtrij_filter_op_soort_plek_en_kanaal():
    a = MeldingFactory(locatie_type_id="garagebox", kanaal="sms")
    MeldingFactory(locatie_type_id="garagebox", kanaal="web")
    MeldingFactory(locatie_type_id="speelplek", kanaal="sms")
    assert list(selectors.meldingen_wachtrij(filter=MeldingFilter(locatie_type=("garagebox",), kanaal=("sms",)))) == [a]


def test_een_fout_filter_wordt_gemeld_en_de_pagina_blijft_werken(als, client):
    als(Rol.COORDINATOR)
    response = client.get("/coordinatie/?stadsdeel=XX&van=gisteren")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Onbekende code voor stadsdeel" in html
    assert "geen geldige datum" in html


def test_accepteren_gaat_door_de_workflow_en_schrijft_historie(als, client):
    melding = MeldingFactory()
    user = als(Rol.COORDINATOR)
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "accepteren", "volgende": "/coordinatie/?stadsdeel=T"}
    )
    assert response["Location"] == "/coordinatie/?stadsdeel=T"
    melding.refresh_from_db()
    assert melding.status == "in_behandeling"
    event = MeldingEvent.objects.get(melding=melding)
    assert (event.van, event.naar, event.actor) == ("nieuw", "in_behandeling", user)


def test_volgende_naar_een_andere_site_wordt_genegeerd(als, client):
    melding = MeldingFactory()
    als(Rol.COORDINATOR)
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "accepteren", "volgende": "https://evil.example/"}
    )
    assert response["Location"] == f"/coordinatie/meldingen/{melding.pk}/"


def test_afwijzen_vraagt_een_reden(als, client):
    melding = MeldingFactory()
    als(Rol.APPROVER)
    client.post(f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "afwijzen"})
    melding.refresh_from_db()
    assert melding.status == "nieuw"
    client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/",
        {"actie": "afwijzen", "reden": "spam", "toelichting": "testbericht"},
    )
    melding.refresh_from_db()
    assert (melding.status, melding.afwijs_reden) == ("afgewezen", "spam")
    assert MeldingEvent.objects.get(melding=melding).toelichting == "testbericht"


def test_afwijzen_als_dubbel_kan_alleen_met_een_origineel(als, client):
    melding = MeldingFactory()
    als(Rol.COORDINATOR)
    client.post(f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "afwijzen", "reden": "dubbel"})
    melding.refresh_from_db()
    assert melding.status == "nieuw"


def test_een_al_behandelde_melding_kan_niet_nog_eens_geaccepteerd_worden(als, client):
    melding = MeldingFactory(status="in_behandeling")
    als(Rol.COORDINATOR)
    response = client.post(f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "accepteren"}, follow=True)
    assert "de status is intussen veranderd" in response.content.decode()
    assert not MeldingEvent.objects.filter(melding=melding).exists()


def test_dubbel_kandidaten_binnen_100_meter_en_14_dagen():
    # given: a new report, and earlier ones around it
    t = NU - timedelta(days=1)
    nieuw = MeldingFactory(observed_at=t, ontvangen_op=uur(1))
    dichtbij = MeldingFactory(
        latlon=verschoven(BIJLMERPLEIN, 60, 0), observed_at=t - timedelta(days=13), ontvangen_op=uur(5)
    )
    naast = MeldingFactory(
        latlon=verschoven(BIJLMERPLEIN, 10, 0), observed_at=t - timedelta(days=2), ontvangen_op=uur(6)
    )
    te_ver = MeldingFactory(latlon=verschoven(BIJLMERPLEIN, 0, 130), observed_at=t, ontvangen_op=uur(7))
    te_oud = MeldingFactory(
        latlon=verschoven(BIJLMERPLEIN, 20, 0), observed_at=t - timedelta(days=15), ontvangen_op=uur(8)
    )
    afgewezen = MeldingFactory(observed_at=t, ontvangen_op=uur(9), status="afgewezen", afwijs_reden="spam")
    later = MeldingFactory(observed_at=t, ontvangen_op=uur(0))  # filed after it: it is the duplicate, not the original
    # when
    kandidaten = selectors.melding_dubbel_kandidaten(melding_ids=[nieuw.pk])[nieuw.pk]
    # then: the nearest first, nothing too far, too old, rejected or later
    assert [k.meldcode for k in kandidaten] == [naast.meldcode, dichtbij.meldcode]
    assert 5 <= kandidaten[0].afstand_m <= 15
    codes = {k.meldcode for k in kandidaten}
    assert not codes & {te_ver.meldcode, te_oud.meldcode, afgewezen.meldcode, later.meldcode}


def test_kandidaten_voor_de_hele_pagina_in_een_query(django_assert_num_queries):
    meldingen = [MeldingFactory(ontvangen_op=uur(i)) for i in range(5)]
    with django_assert_num_queries(1):
        uit = selectors.melding_dubbel_kandidaten(melding_ids=[m.pk for m in meldingen])
    # the newest has the four filed before it; the oldest has none
    assert len(uit[meldingen[0].pk]) == 4
    assert meldingen[4].pk not in uit


def test_dubbel_markeren_vanuit_de_wachtrij(als, client):
    origineel = MeldingFactory(ontvangen_op=uur(10))
    melding = MeldingFactory(latlon=verschoven(BIJLMERPLEIN, 30, 0), ontvangen_op=uur(1))
    als(Rol.COORDINATOR)
    # the queue proposes the original
    html = client.get("/coordinatie/").content.decode()
    assert f'value="{origineel.referentie}"' in html
    # when
    client.post(f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "dubbel", "origineel": origineel.referentie})
    # then
    melding.refresh_from_db()
    assert (melding.status, melding.afwijs_reden, melding.duplicaat_van) == ("afgewezen", "dubbel", origineel)


def test_dubbel_van_een_dubbele_wijst_naar_de_wortel(als, client):
    wortel = MeldingFactory(ontvangen_op=uur(10))
    tussen = MeldingFactory(ontvangen_op=uur(5))
    als(Rol.COORDINATOR)
    client.post(f"/coordinatie/meldingen/{tussen.pk}/triage/", {"actie": "dubbel", "origineel": wortel.meldcode})
    melding = MeldingFactory(ontvangen_op=uur(1))
    client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "dubbel", "origineel": tussen.meldcode.lower()}
    )
    melding.refresh_from_db()
    assert melding.duplicaat_van == wortel


def test_onbekend_origineel_wordt_gemeld(als, client):
    melding = MeldingFactory()
    als(Rol.COORDINATOR)
    response = client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "dubbel", "origineel": "ZZZZZZZZZZ"}, follow=True
    )
    assert "Melding ZZZZZZZZZZ bestaat niet." in response.content.decode()  # issue 17: says so
    melding.refresh_from_db()
    assert melding.status == "nieuw"


def test_notitie_toevoegen_en_tonen(als, client):
    melding = MeldingFactory()
    user = als(Rol.COORDINATOR)
    client.post(
        f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "notitie", "tekst": "  Wijkagent weet ervan.  "}
    )
    notitie = Notitie.objects.get(melding=melding)
    assert (notitie.tekst, notitie.auteur) == ("Wijkagent weet ervan.", user)
    assert "Wijkagent weet ervan." in client.get(f"/coordinatie/meldingen/{melding.pk}/").content.decode()
    # an empty note is refused
    client.post(f"/coordinatie/meldingen/{melding.pk}/triage/", {"actie": "notitie", "tekst": "   "})
    assert Notitie.objects.filter(melding=melding).count() == 1


def test_notities_zijn_append_only(als):
    melding = MeldingFactory()
    notitie = Notitie.objects.create(melding=melding, auteur=als(Rol.COORDINATOR), tekst="eerst")
    from django.db import ProgrammingError, transaction

    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        Notitie.objects.filter(pk=notitie.pk).update(tekst="anders")
    assert Notitie.objects.get(pk=notitie.pk).tekst == "eerst"


def test_bulk_accepteren_en_afwijzen(als, client):
    a, b, c = (MeldingFactory(ontvangen_op=uur(i)) for i in (3, 2, 1))
    al_klaar = MeldingFactory(status="afgehandeld")
    als(Rol.COORDINATOR)
    response = client.post(
        "/coordinatie/meldingen/bulk/",
        {"actie": "accepteren", "meldingen": [a.pk, b.pk, al_klaar.pk], "volgende": "/coordinatie/?kanaal=web"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/coordinatie/?kanaal=web"
    html = response.content.decode()
    assert "2 meldingen bijgewerkt" in html
    assert f"{al_klaar.referentie}: de status is intussen veranderd" in html
    assert [m.status for m in Melding.objects.filter(pk__in=[a.pk, b.pk, al_klaar.pk]).order_by("ontvangen_op")] == [
        "in_behandeling",
        "in_behandeling",
        "afgehandeld",  # filed last; accepting it would have reopened it
    ]
    # rejecting in bulk needs a reason
    client.post("/coordinatie/meldingen/bulk/", {"actie": "afwijzen", "meldingen": [c.pk]})
    c.refresh_from_db()
    assert c.status == "nieuw"
    client.post(
        "/coordinatie/meldingen/bulk/", {"actie": "afwijzen", "reden": "geen_drugsoverlast", "meldingen": [c.pk]}
    )
    c.refresh_from_db()
    assert (c.status, c.afwijs_reden) == ("afgewezen", "geen_drugsoverlast")


def test_bulk_zonder_selectie(als, client):
    als(Rol.COORDINATOR)
    response = client.post("/coordinatie/meldingen/bulk/", {"actie": "accepteren"}, follow=True)
    assert "Selecteer eerst een of meer meldingen" in response.content.decode()


def test_werkscherm_queries_hangen_niet_af_van_het_aantal_meldingen(als, client, django_assert_max_num_queries):
    als(Rol.COORDINATOR)
    for i in range(3):
        MeldingFactory(ontvangen_op=uur(i))
    client.get("/coordinatie/")  # warm caches (content types, sessions)
    with django_assert_max_num_queries(30) as eerst:
        client.get("/coordinatie/")
    for i in range(20):
        MeldingFactory(latlon=PLEIN_40_45, ontvangen_op=uur(10 + i))
    with django_assert_max_num_queries(len(eerst.captured_queries)):
        client.get("/coordinatie/")


def test_wachtrij_pagineert_met_het_filter_in_de_links(als, client):
    als(Rol.COORDINATOR)
    for i in range(27):
        MeldingFactory(ontvangen_op=uur(i))
    html = client.get("/coordinatie/?stadsdeel=T").content.decode()
    assert "(27)" in html
    assert 'href="?stadsdeel=T&amp;pagina=2"' in html
    assert len(re.findall(r'class="kaartje[ "]', html)) == 25


def test_triage_triggers_bestaan():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'coordinatie_%'")
        assert {r[0] for r in cursor.fetchall()} == {"coordinatie_notitie_no_update", "coordinatie_inzage_no_change"}
