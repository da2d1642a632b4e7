"""DOMAIN.md's anonymity rules, each proven against the real database, the real log handler and the
stored files."""

import importlib.util
import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from meldingen.models import Melding, MeldingEvent, MeldingFoto
from tests.factories import BIJLMERPLEIN

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"
PROXY_IP = "198.51.100.23"
IPV6 = "2001:db8::beef:1"
USER_AGENT = "Mozilla/5.0 (SpionageTelefoon 9; Build/XYZ123) Kenmerkend/4.2"
COOKIE = "volgcookie-8f3a9c1e"
IDENTIFYING = (CLIENT_IP, PROXY_IP, IPV6, USER_AGENT, "SpionageTelefoon", COOKIE)
HEADERS = {
    "REMOTE_ADDR": CLIENT_IP,
    "HTTP_USER_AGENT": USER_AGENT,
    "HTTP_X_FORWARDED_FOR": f"{PROXY_IP}, {IPV6}",
    "HTTP_X_REAL_IP": PROXY_IP,
    "HTTP_REFERER": f"https://example.org/?from={CLIENT_IP}",
}


def form_data(**extra):
    data = {
        "lat": BIJLMERPLEIN[0],
        "lon": BIJLMERPLEIN[1],
        "locatie_type": "speelplek",
        "waarnemingen": ["dealen"],
        "datum": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "dagdeel": "avond",
        "frequentie": "dagelijks",
        "actie": "versturen",
    }
    data.update(extra)
    return data


def api_payload():
    return {
        "lat": BIJLMERPLEIN[0],
        "lon": BIJLMERPLEIN[1],
        "locatie_type": "portiek",
        "waarnemingen": ["aanloop"],
        "observed_at": (timezone.now() - timedelta(hours=2)).isoformat(),
    }


def all_text_in_database() -> str:
    """Every text-like column of every table in the schema, concatenated."""
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(
            """select table_name, column_name from information_schema.columns
               where table_schema = 'public'
                 and data_type in ('text', 'character varying', 'character', 'ARRAY', 'jsonb', 'json', 'inet')"""
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'select "{column}"::text from "{table}" where "{column}" is not null')  # noqa: S608
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


def test_melding_model_has_no_place_for_client_identity():
    names = {f.name.lower() for f in Melding._meta.get_fields()}
    for forbidden in ("ip", "ip_address", "user_agent", "useragent", "cookie", "session", "session_key"):
        assert forbidden not in names


def test_nothing_identifying_is_stored_from_form_or_api(client):
    # given a client with every identifying header and a cookie
    client.cookies["tracker"] = COOKIE
    # when it files through the form and the API
    assert client.post("/melden/", form_data(), **HEADERS).status_code == 200
    assert (
        client.post("/api/v1/meldingen", api_payload(), content_type="application/json", **HEADERS).status_code == 201
    )
    # then no table holds any of it
    assert Melding.objects.count() == 2
    stored = all_text_in_database()
    for value in IDENTIFYING:
        assert value not in stored


def test_filing_time_is_kept_to_the_hour(client):
    client.post("/api/v1/meldingen", api_payload(), content_type="application/json")
    melding = Melding.objects.get()
    assert (melding.ontvangen_op.minute, melding.ontvangen_op.second, melding.ontvangen_op.microsecond) == (0, 0, 0)
    event = MeldingEvent.objects.get(melding=melding)
    assert (event.created_at.minute, event.created_at.second) == (0, 0)
    assert timezone.now() - melding.ontvangen_op < timedelta(hours=1)


@pytest.fixture
def log_output():
    """The output of the handler the app really logs through (with its filters), not pytest's own."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_no_client_address_in_logs_of_intake_paths(client, log_output):
    # when requests that make Django log (400, 404, 405) arrive on the form, status page and API
    client.post("/melden/", {"actie": "versturen"}, **HEADERS)
    client.post("/melden/status/", {"meldcode": "ONBEKEND22"}, **HEADERS)
    client.put("/melden/", **HEADERS)
    client.post("/api/v1/meldingen", {"lat": "x"}, content_type="application/json", **HEADERS)
    client.post("/api/v1/meldingen", "{niet json", content_type="application/json", **HEADERS)
    output = log_output.getvalue()
    # then something was logged, but no address or device
    assert "Bad Request: /melden/" in output
    for value in IDENTIFYING:
        assert value not in output


def test_log_filter_scrubs_addresses_and_numbers_from_any_logger(log_output):
    logging.getLogger("gunicorn.error").warning("client %s via %s sent from +31 6 12345678", CLIENT_IP, IPV6)
    logging.getLogger("twilio.http_client").warning("From=0612345678 and 0031612345678")
    output = log_output.getvalue()
    for value in (CLIENT_IP, IPV6, "+31 6 12345678", "0612345678", "0031612345678"):
        assert value not in output
    assert output.count("[verwijderd]") == 5


def test_gunicorn_access_log_has_no_address_or_user_agent():
    path = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    for atom in ("%(h)s", "%(a)s", "%({x-forwarded-for}i)s", "%({x-real-ip}i)s", "%(f)s"):
        assert atom not in conf.access_log_format


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (320, 240), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpionCamera"  # Make
    exif[0x0131] = "GeheimeSoftware 1.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 18.0, 45.0), 3: "E", 4: (4.0, 57.0, 10.0), 6: 12.0})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    # the fixture really carries GPS, or this test proves nothing
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)[2] == (52.0, 18.0, 45.0)
    return data


def test_photo_is_reencoded_without_exif_or_gps(client):
    original = jpeg_with_gps()
    # the name lies about the type; only the content counts
    upload = SimpleUploadedFile("vakantie.txt", original, content_type="text/plain")
    response = client.post("/melden/", form_data(fotos=[upload]))
    assert response.status_code == 200
    foto = MeldingFoto.objects.get()
    stored = Path(foto.bestand.path).read_bytes()
    assert stored != original
    assert not foto.bestand.name.endswith("vakantie.txt")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert image.size == (320, 240)
    assert b"SpionCamera" not in stored
    assert b"GeheimeSoftware" not in stored


def test_a_non_image_named_jpg_is_refused_in_dutch(client):
    upload = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 dit is geen foto", content_type="image/jpeg")
    response = client.post("/melden/", form_data(fotos=[upload]))
    assert response.status_code == 400
    assert "geen foto die we kunnen lezen" in response.content.decode()
    assert Melding.objects.count() == 0


def test_a_gif_is_refused_by_content(client):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    upload = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post("/melden/", form_data(fotos=[upload]))
    assert response.status_code == 400
    assert "JPEG, PNG of WebP" in response.content.decode()


def test_too_large_photo_is_refused(client, settings):
    settings.MELDING_MAX_PHOTO_BYTES = 1024
    upload = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/melden/", form_data(fotos=[upload]))
    assert response.status_code == 400
    assert "hoogstens" in response.content.decode()


def test_at_most_three_photos(client):
    uploads = [SimpleUploadedFile(f"f{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(4)]
    response = client.post("/melden/", form_data(fotos=uploads))
    assert response.status_code == 400
    assert "hoogstens 3 foto" in response.content.decode()
    assert Melding.objects.count() == 0


def test_photos_of_a_refused_form_are_asked_for_again(client):
    upload = SimpleUploadedFile("f.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/melden/", form_data(fotos=[upload], waarnemingen=[]))
    assert response.status_code == 400
    assert "Voeg uw foto's opnieuw toe" in response.content.decode()
    assert MeldingFoto.objects.count() == 0
