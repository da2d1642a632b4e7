"""Issue 10: a melding's history is append-only, in the admin and in the database. Only the retention
tasks thin data, and they leave a record of what they did."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone
from PIL import Image

from coordinatie.models import Notitie
from meldingen.models import BewaarRun, Melding, MeldingEvent, MeldingFoto
from meldingen.services import meldingen_apply_retention, meldingen_locaties_vergroven
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db


def melding_met_alles(admin_user):
    melding = MeldingFactory(omschrijving="eigen woorden")
    MeldingEvent.objects.create(melding=melding, van="", naar="nieuw", created_at=melding.ontvangen_op)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="JPEG")
    foto = MeldingFoto(melding=melding, breedte=20, hoogte=20)
    foto.bestand.save("x.jpg", ContentFile(buffer.getvalue()), save=True)
    Notitie.objects.create(melding=melding, auteur=admin_user, tekst="bellen met de wijkagent")
    return melding


def _intact(melding) -> None:
    assert Melding.objects.filter(pk=melding.pk).exists()
    assert MeldingEvent.objects.filter(melding=melding).count() == 1
    assert MeldingFoto.objects.filter(melding=melding).count() == 1
    assert Notitie.objects.filter(melding=melding).count() == 1


def test_post_op_de_verwijderpagina_wordt_geweigerd(admin_client, admin_user):
    melding = melding_met_alles(admin_user)
    url = f"/beheer/meldingen/melding/{melding.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    _intact(melding)


def test_geen_verwijderactie_in_de_lijst(admin_client, admin_user):
    melding = melding_met_alles(admin_user)
    html = admin_client.get("/beheer/meldingen/melding/").content.decode()
    assert "delete_selected" not in html
    response = admin_client.post(
        "/beheer/meldingen/melding/", {"action": "delete_selected", "_selected_action": [melding.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    _intact(melding)


def test_het_adminscherm_linkt_de_foto_via_de_fotoview_zonder_verwijdervinkje(admin_client, admin_user):
    melding = melding_met_alles(admin_user)
    foto = melding.fotos.get()
    html = admin_client.get(f"/beheer/meldingen/melding/{melding.pk}/change/").content.decode()
    assert f'href="/coordinatie/fotos/{foto.pk}/"' in html
    assert "/media/" not in html
    assert "fotos-0-DELETE" not in html
    assert "events-0-DELETE" not in html


def test_de_database_weigert_historie_te_wissen(admin_user):
    melding = melding_met_alles(admin_user)
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM meldingen_meldingevent WHERE melding_id = %s", [melding.pk])
    assert MeldingEvent.objects.filter(melding=melding).count() == 1


def test_de_bewaartermijn_werkt_nog_en_legt_vast_wat_ze_deed(admin_user):
    # given an old melding with a photo and a young one
    nu = timezone.now()
    oud = melding_met_alles(admin_user)
    Melding.objects.filter(pk=oud.pk).update(ontvangen_op=nu - timedelta(days=400))
    pad = Path(oud.fotos.get().bestand.path)
    MeldingFactory(omschrijving="jong")
    # when
    assert meldingen_apply_retention(now=nu, days=365) == 1
    assert meldingen_locaties_vergroven(now=nu, days=365, raster_m=100) == 1
    # then text and photo are gone, the history stays
    oud.refresh_from_db()
    assert oud.omschrijving == ""
    assert not MeldingFoto.objects.filter(melding=oud).exists()
    assert not pad.exists()
    assert MeldingEvent.objects.filter(melding=oud).count() == 1
    # and both runs left their record: when, up to which filing time, how many
    runs = {r.actie: r for r in BewaarRun.objects.all()}
    assert (runs["tekst_en_fotos"].uitgevoerd_op, runs["tekst_en_fotos"].meldingen, runs["tekst_en_fotos"].fotos) == (
        nu,
        1,
        1,
    )
    assert runs["tekst_en_fotos"].grens == nu - timedelta(days=365)
    assert runs["locaties_vergroofd"].meldingen == 1
    # and that record cannot be rewritten
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        BewaarRun.objects.all().delete()


def test_het_adminscherm_kan_plek_en_waarneming_niet_wijzigen(admin_client, admin_user):
    # given a melding in one buurt
    melding = melding_met_alles(admin_user)
    voor = Melding.objects.values("locatie", "buurt_id", "observed_at", "dagdeel", "omschrijving").get(pk=melding.pk)
    url = f"/beheer/meldingen/melding/{melding.pk}/change/"
    # when staff posts the change form with another point (the Dam), another time and text
    response = admin_client.post(
        url,
        {
            "locatie": '{"type": "Point", "coordinates": [121394, 487451]}',
            "observed_at_0": "2026-01-01",
            "observed_at_1": "12:00:00",
            "dagdeel": "nacht",
            "omschrijving": "anders",
        },
    )
    # then it is refused and nothing changed: the buurt cannot go stale, no change bypasses the history
    assert response.status_code == 403
    assert (
        Melding.objects.values("locatie", "buurt_id", "observed_at", "dagdeel", "omschrijving").get(pk=melding.pk)
        == voor
    )
    assert MeldingEvent.objects.filter(melding=melding).count() == 1
    # and the page still shows the melding, read-only, and records that it was seen
    pagina = admin_client.get(url)
    assert pagina.status_code == 200
    assert 'name="omschrijving"' not in pagina.content.decode()
