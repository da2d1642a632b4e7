"""Issue 10: reporters' photos are private. Only the roles that work the cases see them, through one
view that writes the audit trail; the web server never serves the files directly."""

import importlib
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches
from PIL import Image

from accounts.roles import Rol
from coordinatie.models import Inzage
from meldingen.models import MeldingFoto
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 10, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def foto():
    melding = MeldingFactory()
    f = MeldingFoto(melding=melding, breedte=40, hoogte=30)
    f.bestand.save("raam-van-de-melder.jpg", ContentFile(jpeg()), save=True)
    return f


def test_anoniem_gaat_naar_inloggen_zonder_bytes(client, foto):
    response = client.get(f"/coordinatie/fotos/{foto.pk}/")
    assert response.status_code == 302
    assert "/account/inloggen/" in response["Location"]
    assert b"JFIF" not in response.content
    assert not Inzage.objects.exists()


@pytest.mark.parametrize("rol", [Rol.PARTNER, Rol.AUDITOR, None])
def test_wie_geen_zaken_behandelt_ziet_geen_foto(client, als, foto, rol):
    als(rol)
    response = client.get(f"/coordinatie/fotos/{foto.pk}/")
    assert response.status_code in (403, 404)
    assert b"JFIF" not in response.content
    assert not Inzage.objects.exists()


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.APPROVER, Rol.ADMIN])
def test_de_coordinator_krijgt_de_foto_en_het_inzagelog_een_rij(client, als, foto, rol):
    user = als(rol)
    response = client.get(f"/coordinatie/fotos/{foto.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == Path(foto.bestand.path).read_bytes()
    rij = Inzage.objects.get()
    assert (rij.gebruiker, rij.pagina, rij.melding_id, rij.meldcode, rij.foto_id) == (
        user,
        "foto",
        foto.melding_id,
        foto.melding.meldcode,
        foto.pk,
    )


def test_met_nginx_geeft_django_alleen_de_interne_verwijzing(client, als, foto, settings):
    settings.FOTO_SERVEREN = "nginx"
    settings.FOTO_ACCEL_PREFIX = "/_prive/fotos/"
    als(Rol.COORDINATOR)
    response = client.get(f"/coordinatie/fotos/{foto.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_prive/fotos/{foto.bestand.name}"
    assert response.content == b""
    assert response["Cache-Control"] == "private, no-store"
    assert Inzage.objects.get().foto_id == foto.pk


def test_met_apache_geeft_django_het_pad_voor_x_sendfile(client, als, foto, settings):
    settings.FOTO_SERVEREN = "apache"
    als(Rol.COORDINATOR)
    response = client.get(f"/coordinatie/fotos/{foto.pk}/")
    assert response["X-Sendfile"] == foto.bestand.path
    assert response.content == b""


def test_de_foto_staat_niet_onder_media_root_en_heeft_geen_directe_url(foto, settings):
    assert not Path(foto.bestand.path).is_relative_to(Path(settings.MEDIA_ROOT))
    assert Path(foto.bestand.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    with pytest.raises(ValueError, match="geen directe URL"):
        foto.bestand.url  # noqa: B018


def test_de_oude_media_url_geeft_404_ook_met_debug(client, foto, settings):
    # given a file where the old /media/ route would find it, and DEBUG on as `make run` has it
    pad = Path(settings.MEDIA_ROOT) / foto.bestand.name
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_bytes(jpeg())
    settings.DEBUG = True
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    try:
        # when / then
        for naam in (foto.bestand.name, f"meldingen/{Path(foto.bestand.name).name}"):
            response = client.get(f"/media/{naam}")
            assert response.status_code == 404
            assert b"JFIF" not in b"".join(getattr(response, "streaming_content", [response.content]))
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


def test_de_meldingpagina_linkt_naar_de_fotoview_en_niet_naar_het_bestand(client, als, foto):
    als(Rol.COORDINATOR)
    html = client.get(f"/coordinatie/meldingen/{foto.melding_id}/").content.decode()
    assert f'href="/coordinatie/fotos/{foto.pk}/"' in html
    assert "/media/" not in html
    assert foto.bestand.name not in html
