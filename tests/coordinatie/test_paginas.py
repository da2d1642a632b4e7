"""The melding page with its audit trail, the auditor's view of that trail, and the hotspot page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import ProgrammingError, transaction
from django.utils import timezone

from accounts.roles import Rol
from coordinatie import selectors
from coordinatie.models import Inzage
from hotspots.models import Hotspot, HotspotEvent, HotspotMelding
from meldingen.models import MeldingEvent
from tests.factories import BIJLMERPLEIN, DAM, MeldingFactory
from tests.hotspots.conftest import verschoven

pytestmark = pytest.mark.django_db


def test_meldingpagina_toont_alles_en_schrijft_het_inzagelog(als, client):
    # given
    melding = MeldingFactory(omschrijving="Elke avond bij de speeltuin.", locatie_omschrijving="Bijlmerplein")
    MeldingEvent.objects.create(melding=melding, van="", naar="nieuw", created_at=melding.ontvangen_op)
    buur = MeldingFactory(latlon=verschoven(BIJLMERPLEIN, 120, 0))
    ver = MeldingFactory(latlon=DAM)
    user = als(Rol.COORDINATOR)
    # when
    html = client.get(f"/coordinatie/meldingen/{melding.pk}/").content.decode()
    # then
    assert "Elke avond bij de speeltuin." in html
    assert "Bijlmerplein" in html
    assert buur.referentie in html
    assert ver.referentie not in html
    assert melding.meldcode not in html
    assert buur.meldcode not in html
    inzage = Inzage.objects.get()
    assert (inzage.gebruiker, inzage.gebruikersnaam, inzage.melding_id, inzage.meldcode) == (
        user,
        user.username,
        melding.pk,
        melding.meldcode,
    )
    assert timezone.now() - inzage.tijdstip < timedelta(seconds=10)
    # every view is one row
    client.get(f"/coordinatie/meldingen/{melding.pk}/")
    assert Inzage.objects.count() == 2


def test_ook_de_auditor_en_een_geweigerde_poging_laten_sporen_na_alleen_als_ze_iets_zagen(client, als):
    melding = MeldingFactory()
    als(Rol.PARTNER)
    assert client.get(f"/coordinatie/meldingen/{melding.pk}/").status_code == 403
    assert not Inzage.objects.exists()  # nothing was shown
    als(Rol.AUDITOR, "auditor-x")
    client.get(f"/coordinatie/meldingen/{melding.pk}/")
    assert Inzage.objects.get().gebruikersnaam == "auditor-x"


def test_onbekende_melding_is_404_zonder_inzage(als, client):
    als(Rol.COORDINATOR)
    assert client.get("/coordinatie/meldingen/999999/").status_code == 404
    assert not Inzage.objects.exists()


def test_inzagelog_kan_niet_gewijzigd_of_gewist_worden(als):
    melding = MeldingFactory()
    from coordinatie.services import inzage_vastleggen

    inzage = inzage_vastleggen(melding=melding, gebruiker=als(Rol.COORDINATOR))
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        Inzage.objects.filter(pk=inzage.pk).update(meldcode="ANDERS")
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        Inzage.objects.filter(pk=inzage.pk).delete()
    # and it outlives the melding
    melding.delete()
    assert Inzage.objects.get(pk=inzage.pk).meldcode == melding.meldcode


def test_auditor_leest_en_filtert_het_inzagelog(client, als):
    # given: two coordinators looked at two meldingen
    a, b = MeldingFactory(), MeldingFactory()
    from django.test import Client

    for naam, meldingen in (("coord-een", [a, b]), ("coord-twee", [b])):
        c = Client()
        c.force_login(als(Rol.COORDINATOR, naam))
        for m in meldingen:
            c.get(f"/coordinatie/meldingen/{m.pk}/")
    als(Rol.AUDITOR, "privacy")
    # when / then: everything
    html = client.get("/coordinatie/inzage/").content.decode()
    assert "3 inzagen" in html
    # by user
    html = client.get("/coordinatie/inzage/?gebruiker=coord-twee").content.decode()
    assert "1 inzage" in html
    assert b.referentie in html
    assert a.referentie not in html
    # by meldcode (as typed)
    html = client.get(f"/coordinatie/inzage/?meldcode={b.meldcode.lower()}").content.decode()
    assert "2 inzagen" in html
    # by date
    morgen = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "0 inzagen" in client.get(f"/coordinatie/inzage/?van={morgen}").content.decode()
    vandaag = timezone.localdate().isoformat()
    assert "3 inzagen" in client.get(f"/coordinatie/inzage/?van={vandaag}&tot={vandaag}").content.decode()


def test_inzage_selector_pagineert_nieuwste_eerst(als):
    from coordinatie.services import inzage_vastleggen

    user = als(Rol.COORDINATOR)
    meldingen = [MeldingFactory() for _ in range(3)]
    for m in meldingen:
        inzage_vastleggen(melding=m, gebruiker=user)
    assert [i.meldcode for i in selectors.inzage_zoeken()] == [m.meldcode for m in reversed(meldingen)]


# --- hotspot page ---------------------------------------------------------------------------

AS_OF = datetime(2026, 6, 29, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def hotspot_met_leden():
    basis = MeldingFactory(latlon=BIJLMERPLEIN, observed_at=AS_OF - timedelta(days=1))
    hotspot = Hotspot.objects.create(
        polygon=basis.locatie.buffer(80),
        buurt=basis.buurt,
        status="actief",
        score=0.8,
        trend="stijgend",
        aantal_meldingen=5,
        aangemaakt_op=AS_OF,
        bijgewerkt_op=AS_OF,
    )
    leden = [basis]
    # week of 22 June: basis (28 June, a Sunday, avond) + one garagebox; week of 15 June: none; week of 8 June: two
    leden.append(
        MeldingFactory(
            observed_at=AS_OF - timedelta(days=3),
            locatie_type_id="garagebox",
            dagdeel="nacht",
            waarnemingen=["opslag", "dealen"],
        )
    )
    leden.append(MeldingFactory(observed_at=AS_OF - timedelta(days=20)))
    leden.append(MeldingFactory(observed_at=AS_OF - timedelta(days=19)))
    for m in leden:
        HotspotMelding.objects.create(hotspot=hotspot, melding=m)
    return hotspot, leden


def test_tijdlijn_per_week_met_lege_weken(hotspot_met_leden):
    hotspot, _ = hotspot_met_leden
    weken = selectors.hotspot_tijdlijn(hotspot=hotspot)
    assert [(w.begin.isoformat(), w.aantal) for w in weken] == [
        ("2026-06-08", 2),
        ("2026-06-15", 0),
        ("2026-06-22", 2),
    ]
    assert [w.procent for w in weken] == [100, 0, 100]


def test_verdeling_naar_plek_waarneming_en_dagdeel(hotspot_met_leden):
    hotspot, _ = hotspot_met_leden
    v = selectors.hotspot_verdeling(hotspot=hotspot)
    assert [(a.code, a.aantal) for a in v["locatie_type"]] == [("speelplek", 3), ("garagebox", 1)]
    assert {(a.code, a.aantal) for a in v["waarneming"]} == {("dealen", 4), ("opslag", 1)}
    assert dict((a.code, a.aantal) for a in v["dagdeel"]) == {"avond": 3, "nacht": 1}
    assert v["locatie_type"][0].procent == 75


def test_hotspotpagina_met_leden_en_identiteit(als, client, hotspot_met_leden):
    hotspot, leden = hotspot_met_leden
    opgegaan = Hotspot.objects.create(
        polygon=hotspot.polygon, status="opgelost", samengevoegd_in=hotspot, aangemaakt_op=AS_OF, bijgewerkt_op=AS_OF
    )
    HotspotEvent.objects.create(hotspot=hotspot, soort="aangemaakt", naar="opkomend", as_of=AS_OF - timedelta(days=30))
    HotspotEvent.objects.create(
        hotspot=opgegaan,
        soort="samengevoegd",
        van="actief",
        naar="opgelost",
        ander=hotspot,
        reden="overlapt",
        as_of=AS_OF,
    )
    als(Rol.COORDINATOR)
    html = client.get(f"/coordinatie/hotspots/{hotspot.pk}/").content.decode()
    for m in leden:
        assert m.referentie in html
        assert m.meldcode not in html
    assert "Meldingen per week" in html
    assert f'href="/coordinatie/hotspots/{opgegaan.pk}/"' in html  # merged into this one
    assert "Samengevoegd" in html
    assert "Stijgend" in html
    # and the merged one points here
    html = client.get(f"/coordinatie/hotspots/{opgegaan.pk}/").content.decode()
    assert "Samengevoegd in" in html
    assert f'href="/coordinatie/hotspots/{hotspot.pk}/"' in html


def test_de_wachtrij_toont_omschrijvingen_en_telt_dus_als_inzage(als, client):
    # given: two new meldingen and one that is no longer in the queue
    nieuw = [MeldingFactory(omschrijving="Eigen woorden van de melder."), MeldingFactory()]
    MeldingFactory(status="afgehandeld")
    als(Rol.COORDINATOR, "coord-q")
    # when
    client.get("/coordinatie/")
    # then: one row for the queue load, naming every melding shown, marked as a queue view
    rij = Inzage.objects.get(gebruikersnaam="coord-q")
    assert sorted(rij.meldcodes) == sorted(m.meldcode for m in nieuw)
    assert rij.pagina == "wachtrij"
    # and the auditor can tell queue views from page views
    client.get(f"/coordinatie/meldingen/{nieuw[0].pk}/")
    als(Rol.AUDITOR, "privacy-q")
    assert "1 inzage" in client.get("/coordinatie/inzage/?pagina=melding").content.decode()
    html = client.get("/coordinatie/inzage/?pagina=wachtrij").content.decode()
    assert "1 inzage" in html
    assert "2 meldingen" in html
    assert "Wachtrij" in html
