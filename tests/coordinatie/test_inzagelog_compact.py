"""Issue 10: the audit trail records what a person actually saw, compactly: one row per queue load
naming the meldingen shown, a row per melding opened (coordinatie or admin), per photo, per export."""

import csv
import io

import pytest

from accounts.roles import Rol
from coordinatie.models import Inzage
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db


def test_een_wachtrij_van_25_geeft_een_rij_die_alle_25_noemt(client, als):
    # given 30 new meldingen: the first queue page shows 25
    meldingen = MeldingFactory.create_batch(30)
    als(Rol.COORDINATOR, "coord-25")
    # when
    response = client.get("/coordinatie/")
    # then ONE row, naming exactly the 25 shown
    assert response.status_code == 200
    rij = Inzage.objects.get()
    getoond = [item["melding"] for item in response.context["items"]]
    assert len(getoond) == 25
    assert rij.pagina == "wachtrij"
    assert rij.melding_ids == [m.pk for m in getoond]
    assert rij.meldcodes == [m.meldcode for m in getoond]
    assert set(rij.meldcodes) <= {m.meldcode for m in meldingen}


def test_het_filter_op_meldcode_vindt_ook_de_wachtrijrij(client, als):
    a, b = MeldingFactory(), MeldingFactory()
    als(Rol.COORDINATOR, "coord-f")
    client.get("/coordinatie/")
    client.get(f"/coordinatie/meldingen/{a.pk}/")
    als(Rol.AUDITOR, "aud-f")
    # a: the queue row and its own page; b: only the queue row (lower case typed, like people do)
    assert "2 inzagen" in client.get(f"/coordinatie/inzage/?meldcode={a.meldcode.lower()}").content.decode()
    html = client.get(f"/coordinatie/inzage/?meldcode={b.meldcode}").content.decode()
    assert "1 inzage" in html
    assert "Wachtrij" in html
    # by the database id too
    assert "2 inzagen" in client.get(f"/coordinatie/inzage/?meldcode={a.pk}").content.decode()
    assert "0 inzagen" in client.get("/coordinatie/inzage/?meldcode=ZZZZZZZZZZ").content.decode()


def test_het_adminscherm_van_een_melding_schrijft_een_rij(admin_client, admin_user):
    melding = MeldingFactory(omschrijving="eigen woorden")
    response = admin_client.get(f"/beheer/meldingen/melding/{melding.pk}/change/")
    assert response.status_code == 200
    rij = Inzage.objects.get()
    assert (rij.gebruiker, rij.pagina, rij.melding_id, rij.meldcode) == (
        admin_user,
        "beheer",
        melding.pk,
        melding.meldcode,
    )


def test_csv_export_met_inhoud_en_een_eigen_rij(client, als):
    # given a trail with a queue row and a melding page by one coordinator, and a page by another
    a = MeldingFactory()
    als(Rol.COORDINATOR, "coord-e")
    client.get("/coordinatie/")
    client.get(f"/coordinatie/meldingen/{a.pk}/")
    als(Rol.COORDINATOR, "coord-anders")
    client.get(f"/coordinatie/meldingen/{a.pk}/")
    auditor = als(Rol.AUDITOR, "aud-e")
    # when the auditor exports the first coordinator's part
    response = client.get("/coordinatie/inzage/export.csv?gebruiker=coord-e")
    # then the CSV holds exactly those rows
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    rijen = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["gebruiker"], r["soort"]) for r in rijen] == [("coord-e", "melding"), ("coord-e", "wachtrij")]
    assert rijen[0]["melding"] == a.referentie
    assert rijen[1]["meldingen"] == a.referentie
    assert a.meldcode not in response.content.decode()  # the reporter's secret stays in the trail
    # and the export is itself in the trail, saying what was taken
    export = Inzage.objects.get(pagina="export")
    assert export.gebruiker == auditor
    assert "2 rijen" in export.toelichting
    assert "gebruiker=coord-e" in export.toelichting


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.PARTNER])
def test_alleen_de_auditor_en_beheerder_exporteren(client, als, rol):
    als(rol)
    assert client.get("/coordinatie/inzage/export.csv").status_code == 403
    assert not Inzage.objects.filter(pagina="export").exists()


def test_een_gebruikersnaam_wordt_in_de_csv_geen_formule(client, als):
    melding = MeldingFactory()
    als(Rol.COORDINATOR, "=HYPERLINK(1)")
    client.get(f"/coordinatie/meldingen/{melding.pk}/")
    als(Rol.AUDITOR)
    rijen = list(csv.DictReader(io.StringIO(client.get("/coordinatie/inzage/export.csv").content.decode())))
    assert rijen[0]["gebruiker"] == "'=HYPERLINK(1)"
