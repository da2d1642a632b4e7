"""Issue 17: a reporter adds information to their own melding with the meldcode (text and photo, the
same anonymity rules), and the coordinator sees it as an addition."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.roles import Rol
from meldingen.models import MeldingAanvulling, MeldingFoto
from meldingen.services import meldingen_apply_retention
from tests.coordinatie.conftest import als  # noqa: F401
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db
NUMMER = "06-12345678"


def _foto_met_gps() -> bytes:
    beeld = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "GeheimMerk"  # Make
    exif[0x0132] = "2026:12:01 21:14:09"  # DateTime, to the second
    buf = io.BytesIO()
    beeld.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def _aanvullen(meldcode: str, **data):
    velden = {"meldcode": meldcode, "tekst": "", "aanvul_sleutel": "sleutel-1", **data}
    return Client().post(reverse("meldingen:status_aanvullen"), velden)


def test_tekst_en_foto_toevoegen_onder_dezelfde_regels(client, als):  # noqa: F811
    melding = MeldingFactory()
    foto = io.BytesIO(_foto_met_gps())
    foto.name = "foto.jpg"
    antwoord = _aanvullen(melding.meldcode, tekst=f"Nu staan ze er ook overdag. Bel {NUMMER}.", fotos=[foto])
    assert antwoord.status_code == 200
    assert "Uw aanvulling is ontvangen" in antwoord.content.decode()
    assert antwoord["Cache-Control"] == "no-store"
    (aanvulling,) = MeldingAanvulling.objects.filter(melding=melding)
    assert "12345678" not in aanvulling.tekst  # contact details taken out
    assert (aanvulling.ontvangen_op.minute, aanvulling.ontvangen_op.second) == (0, 0)  # the hour only
    (opgeslagen,) = MeldingFoto.objects.filter(aanvulling=aanvulling)
    with opgeslagen.bestand.open("rb") as f:
        data = f.read()
    assert b"GeheimMerk" not in data
    assert b"21:14:09" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    # a double click adds once
    _aanvullen(melding.meldcode, tekst="Nog een keer")
    assert MeldingAanvulling.objects.filter(melding=melding).count() == 1
    # the coordinator sees it as an addition
    als(Rol.COORDINATOR)
    pagina = client.get(reverse("coordinatie:melding", args=[melding.pk])).content.decode()
    assert "Aanvullingen van de melder" in pagina
    assert "Nu staan ze er ook overdag." in pagina


def test_fouten_zijn_duidelijk_en_het_getypte_blijft(db):
    melding = MeldingFactory()
    leeg = _aanvullen(melding.meldcode)
    assert leeg.status_code == 400
    assert "Schrijf wat u wilt toevoegen, of voeg een foto toe." in leeg.content.decode()
    lang = _aanvullen(melding.meldcode, tekst="x" * 2100, aanvul_sleutel="sleutel-2")
    assert lang.status_code == 400
    assert "x" * 2100 in lang.content.decode()
    onbekend = _aanvullen("ZZZZZZZZZZ", tekst="iets", aanvul_sleutel="sleutel-3")
    assert onbekend.status_code == 404
    gesloten = MeldingFactory(status="afgehandeld")
    dicht = _aanvullen(gesloten.meldcode, tekst="iets", aanvul_sleutel="sleutel-4")
    assert "Deze melding is afgesloten" in dicht.content.decode()
    assert not MeldingAanvulling.objects.exists()


def test_de_bewaartermijn_neemt_aanvullingen_mee(db):
    melding = MeldingFactory(ontvangen_op=timezone.now() - timedelta(days=400))
    _aanvullen(melding.meldcode, tekst="Nog iets")
    meldingen_apply_retention(days=365)
    aanvulling = MeldingAanvulling.objects.get()
    assert (aanvulling.tekst, aanvulling.tekst_verwijderd_op is not None) == ("", True)
