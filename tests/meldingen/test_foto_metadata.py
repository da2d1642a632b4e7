"""Issue 10: every kind of photo metadata goes, not only EXIF/GPS; a broken photo is refused, not a 500.

Each case plants distinctive strings in one metadata kind, files the photo through the public form,
and searches the stored file's bytes and what Pillow reads back from it.
"""

import contextlib
import io
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from meldingen.models import Melding, MeldingFoto
from tests.meldingen.test_anonymity import form_data

pytestmark = pytest.mark.django_db


def _exif(merk: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = merk  # Make
    exif[0x0112] = 1  # Orientation: as stored
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 18.0, 45.0), 3: "E", 4: (4.0, 57.0, 10.0)})
    return exif


def jpeg_vol_metadata() -> tuple[bytes, list[bytes]]:
    image = Image.new("RGB", (120, 80), (10, 120, 200))
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="JPEG",
        exif=_exif("EXIFMERKJPG"),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">XMPMERKJPG</x:xmpmeta>',
        icc_profile=b"\0" * 128 + b"ICCMERKJPG",
        comment=b"COMMERKJPG Jan Jansen, Kerkstraat 12",
    )
    return buffer.getvalue(), [b"EXIFMERKJPG", b"XMPMERKJPG", b"ICCMERKJPG", b"COMMERKJPG", b"Kerkstraat"]


def png_vol_tekst() -> tuple[bytes, list[bytes]]:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "TEXTMERKPNG")  # tEXt
    info.add_itxt("Description", "ITXTMERKPNG", lang="nl")  # iTXt
    info.add_text("Author", "ZTXTMERKPNG", zip=True)  # zTXt
    buffer = io.BytesIO()
    Image.new("RGB", (90, 60), (200, 20, 20)).save(buffer, format="PNG", pnginfo=info)
    data = buffer.getvalue()
    for chunk in (b"zTXt", b"iTXt", b"tEXt"):  # the planting really happened
        assert chunk in data
    return data, [b"TEXTMERKPNG", b"ITXTMERKPNG", b"ZTXTMERKPNG"]


def webp_vol_metadata() -> tuple[bytes, list[bytes]]:
    buffer = io.BytesIO()
    Image.new("RGB", (70, 50), (20, 200, 20)).save(
        buffer, format="WEBP", exif=_exif("EXIFMERKWEBP"), xmp=b"<x:xmpmeta>XMPMERKWEBP</x:xmpmeta>"
    )
    return buffer.getvalue(), [b"EXIFMERKWEBP", b"XMPMERKWEBP"]


@pytest.mark.parametrize("maak", [jpeg_vol_metadata, png_vol_tekst, webp_vol_metadata], ids=["jpeg", "png", "webp"])
def test_geen_enkele_soort_metadata_overleeft_het_opslaan(client, maak):
    # given a photo with planted strings in every metadata kind of its format
    origineel, merken = maak()
    for merk in merken:
        assert merk in origineel or merk in _uitgepakt(origineel), merk
    # when it is filed through the public form
    response = client.post("/melden/", form_data(fotos=[SimpleUploadedFile("f.bin", origineel)]))
    # then the stored file has pixels only
    assert response.status_code == 200  # the thank-you page, answered by the POST itself
    opgeslagen = Path(MeldingFoto.objects.get().bestand.path).read_bytes()
    for merk in merken:
        assert merk not in opgeslagen, merk
        assert merk not in _uitgepakt(opgeslagen), merk
    with Image.open(io.BytesIO(opgeslagen)) as image:
        assert image.format == "JPEG"
        # Pillow's own markers only (JFIF header, density); nothing carried over from the upload
        assert set(image.info) <= {
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "dpi",
            "progressive",
            "progression",
        }
        assert dict(image.getexif()) == {}


def _uitgepakt(data: bytes) -> bytes:
    """The zTXt payloads decompressed, so a compressed planted string is found too."""
    out, pos = b"", 0
    while (pos := data.find(b"zTXt", pos)) != -1:
        keyword_end = data.index(b"\0", pos + 4)
        with contextlib.suppress(zlib.error):
            out += zlib.decompressobj().decompress(data[keyword_end + 2 : keyword_end + 2 + 4096])
        pos += 4
    return out


def test_de_orientatie_wordt_nog_toegepast(client):
    # given a photo stored landscape with EXIF orientation 6 (rotate 90° clockwise to view)
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (200, 100), (0, 0, 0)).save(buffer, format="JPEG", exif=exif, comment=b"COMMERK")
    # when
    response = client.post("/melden/", form_data(fotos=[SimpleUploadedFile("f.jpg", buffer.getvalue())]))
    # then it is stored upright, without the tag that would turn it again
    assert response.status_code == 200  # the thank-you page
    foto = MeldingFoto.objects.get()
    assert (foto.breedte, foto.hoogte) == (100, 200)
    with Image.open(foto.bestand.path) as image:
        assert image.size == (100, 200)
        assert 0x0112 not in image.getexif()


def afgekapte_jpeg() -> bytes:
    buffer = io.BytesIO()
    # noise, so the scan data is long and cutting it in half really loses pixels
    Image.effect_noise((400, 300), 80).convert("RGB").save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def test_een_afgekapte_foto_wordt_geweigerd_en_de_rest_van_de_melding_blijft_staan(client):
    # given a resident's report with a JPEG that was cut off halfway
    data = form_data(
        omschrijving="Elke avond rond negen uur bij de bankjes.",
        fotos=[SimpleUploadedFile("kapot.jpg", afgekapte_jpeg(), content_type="image/jpeg")],
    )
    # when
    response = client.post("/melden/", data)
    # then no crash and no half-stored report: the photo field says what is wrong, in Dutch
    assert response.status_code == 400
    html = response.content.decode()
    assert "Deze foto kunnen we niet openen" in html
    assert Melding.objects.count() == 0
    # and everything the resident typed is still in the form
    assert "Elke avond rond negen uur bij de bankjes." in html
    form = response.context["form"]
    assert "fotos" in form.errors
    assert form["omschrijving"].value() == "Elke avond rond negen uur bij de bankjes."
    assert form["datum"].value() == data["datum"]
    assert form["waarnemingen"].value() == ["dealen"]


def test_photo_reencode_weigert_een_afgekapte_foto_met_een_validatiefout():
    from django.core.exceptions import ValidationError

    from meldingen.services import photo_reencode

    with pytest.raises(ValidationError) as exc:
        photo_reencode(afgekapte_jpeg())
    assert "fotos" in exc.value.message_dict
