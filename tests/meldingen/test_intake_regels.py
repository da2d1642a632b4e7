"""Rules every intake path shares through melding_create: contact details are not kept, a client's
reports beyond the daily limit are flagged (never refused), and the form's thank-you page needs neither
Redis nor a URL with the meldcode in it."""

import logging
import re
import socket
import threading
import time
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client

from meldingen.models import Melding
from tests.factories import BIJLMERPLEIN
from tests.integrations.test_sms_webhook import Telefoon

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
}


def form_data(**overrides):
    lat, lon = BIJLMERPLEIN
    data = {
        "lat": lat,
        "lon": lon,
        "adres": "Bijlmerplein",
        "locatie_type": "speelplek",
        "waarnemingen": ["dealen"],
        "datum": "",
        "dagdeel": "middag",
        "frequentie": "dagelijks",
        "omschrijving": "Elke middag bij de speeltuin.",
        "actie": "versturen",
    }
    data.update(overrides)
    return data


def fresh_form(client) -> dict:
    """What a browser submits: the fields of a freshly rendered form, with its one-time key."""
    html = client.get("/melden/").content.decode()
    sleutel = re.search(r'name="inzend_sleutel" value="([^"]*)"', html)
    datum = re.search(r'name="datum" value="([^"]*)"', html).group(1)
    # Yesterday, not the form's "today": today's afternoon is still in the future just after midnight.
    gisteren = (date.fromisoformat(datum) - timedelta(days=1)).isoformat()
    return form_data(datum=gisteren, inzend_sleutel=sleutel.group(1) if sleutel else "")


def api_body(**overrides):
    lat, lon = BIJLMERPLEIN
    body = {
        "lat": lat,
        "lon": lon,
        "locatie_type": "portiek",
        "waarnemingen": ["dealen"],
        "observed_at": "2026-01-01T00:00:00+01:00",
    }
    body.update(overrides)
    return body


def database_rows_containing(needle: str) -> list[str]:
    """Every row of every table whose text contains `needle` (case-insensitive)."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'spatial_ref_sys'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'select t::text from "{table}" t where strpos(lower(t::text), lower(%s)) > 0', [needle])  # noqa: S608
            found += [f"{table}: {row}" for (row,) in cursor.fetchall()]
    return found


# ------------------------------------------------------------------------------------------ contact details

TELEFOONS = ["06-12345678", "06 12 34 56 78", "+31 6 2345 6789", "0031634567890", "(020) 123 45 67", "06.98.76.54.32"]
MAIL = "piet.jansen+tip@voorbeeld.nl"


def test_contact_details_typed_into_the_form_are_not_kept(client):
    # given a reporter who writes phone numbers in several spellings and an e-mail address, also as the place
    tekst = "Bel mij op " + ", of ".join(TELEFOONS) + f" of mail {MAIL}. Elke middag bij de speeltuin."
    data = fresh_form(client)
    data.update(omschrijving=tekst, adres="Bijlmerplein, bel 06-11223344")
    # when
    response = client.post("/melden/", data)
    # then the melding is filed with the rest of the text, and no number or address is stored anywhere
    assert response.status_code == 200
    melding = Melding.objects.get()
    assert "Elke middag bij de speeltuin." in melding.omschrijving
    assert melding.locatie_omschrijving.startswith("Bijlmerplein")
    for needle in [*TELEFOONS, "06-11223344", "12345678", "98765432", MAIL, "voorbeeld.nl"]:
        assert database_rows_containing(needle) == [], needle


def test_contact_details_sent_to_the_api_are_not_kept(client):
    body = api_body(
        omschrijving="Tip: " + " / ".join(TELEFOONS) + f" — {MAIL}",
        locatie_omschrijving=f"portiek 12, mail {MAIL}",
    )
    response = client.post("/api/v1/meldingen", body, content_type="application/json")
    assert response.status_code == 201
    melding = Melding.objects.get()
    assert melding.omschrijving.startswith("Tip: [verwijderd]")
    assert melding.locatie_omschrijving.startswith("portiek 12")
    for needle in [*TELEFOONS, "12345678", MAIL, "voorbeeld.nl"]:
        assert database_rows_containing(needle) == [], needle


def test_the_form_tells_the_reporter_contact_details_are_not_kept(client):
    html = client.get("/melden/").content.decode()
    assert "Telefoonnummers en e-mailadressen halen we uit uw tekst: die bewaren we niet." in html


# ------------------------------------------------------------------------------------------ daily limit


@pytest.fixture
def coordinator(django_user_model):
    staff = Client()
    user = django_user_model.objects.create_user(username="coord", password="x")
    user.groups.add(Group.objects.get(name="coordinator"))
    staff.force_login(user)
    return staff


def test_reports_above_the_daily_limit_are_stored_and_flagged_for_the_coordinator(client, coordinator, settings):
    settings.MELDINGEN_PER_CLIENT_PER_DAG = 2
    # given one client filing three reports in a day (web form and API count together)
    assert client.post("/melden/", fresh_form(client)).status_code == 200
    for _ in range(2):
        assert client.post("/api/v1/meldingen", api_body(), content_type="application/json").status_code == 201
    # and another client filing one
    anders = Client(REMOTE_ADDR="198.51.100.9")
    assert anders.post("/api/v1/meldingen", api_body(), content_type="application/json").status_code == 201
    # then all four are stored, only the third of the first client is flagged
    assert list(Melding.objects.order_by("id").values_list("boven_daglimiet", flat=True)) == [
        False,
        False,
        True,
        False,
    ]
    flagged = Melding.objects.get(boven_daglimiet=True)
    # and the coordinator sees it on the queue card and the melding page, in Dutch and in English
    queue = coordinator.get("/coordinatie/").content.decode()
    kaart = re.search(rf'id="melding-{flagged.pk}".*?</li>', queue, re.S).group(0)
    assert "Veel meldingen van één melder op deze dag" in kaart
    assert queue.count("Veel meldingen van één melder op deze dag") == 1
    assert "Veel meldingen van één melder" in coordinator.get(f"/coordinatie/meldingen/{flagged.pk}/").content.decode()
    engels = coordinator.get(f"/coordinatie/meldingen/{flagged.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Many reports from one reporter" in engels.content.decode()


def test_sms_reports_count_per_sender_too(client, fake_pdok, settings):
    settings.MELDINGEN_PER_CLIENT_PER_DAG = 1
    telefoon = Telefoon(client)
    for _ in range(2):
        telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
        assert "Meldcode" in telefoon.stuur("JA")
        telefoon.stuur("NEE")  # no status updates
    assert list(Melding.objects.order_by("id").values_list("boven_daglimiet", flat=True)) == [False, True]


def test_without_redis_reports_are_filed_uncounted_and_the_log_names_no_client(client, settings, caplog):
    settings.CACHES = DEAD_CACHE
    settings.MELDINGEN_PER_CLIENT_PER_DAG = 1
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            assert client.post("/api/v1/meldingen", api_body(), content_type="application/json").status_code == 201
    assert list(Melding.objects.values_list("boven_daglimiet", flat=True)) == [False, False]
    assert "daily filing count skipped" in caplog.text
    assert "meldingen-per-dag:" not in caplog.text


# ------------------------------------------------------------------------------------------ thank-you page


def test_the_post_answers_the_thank_you_page_and_a_resend_files_nothing(client):
    data = fresh_form(client)
    assert data["inzend_sleutel"], "the form carries a one-time key"
    # when the form is sent, and sent again (reload, double click)
    eerste = client.post("/melden/", data)
    tweede = client.post("/melden/", data)
    # then there is one melding, and both answers are its thank-you page, without a redirect
    melding = Melding.objects.get()
    for response in (eerste, tweede):
        assert response.status_code == 200
        assert "Location" not in response
        assert f'id="meldcode">{melding.meldcode}<' in response.content.decode()
        assert response["Cache-Control"] == "no-store"
    # and the key is stored only as a keyed hash
    assert melding.inzend_sleutel
    assert data["inzend_sleutel"] not in melding.inzend_sleutel
    assert database_rows_containing(data["inzend_sleutel"]) == []
    # and a new form has a new key, so the same report filed twice on purpose is two meldingen
    assert client.post("/melden/", fresh_form(client)).status_code == 200
    assert Melding.objects.count() == 2


def test_the_thank_you_page_shows_the_meldcode_with_redis_unreachable(client, settings):
    settings.CACHES = DEAD_CACHE
    data = fresh_form(client)
    response = client.post("/melden/", data)
    assert response.status_code == 200
    melding = Melding.objects.get()
    assert melding.meldcode in response.content.decode()
    assert client.post("/melden/", data).status_code == 200
    assert Melding.objects.count() == 1


@pytest.fixture
def hanging_redis():
    """A loopback port that accepts connections and never answers, like a Redis that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_hanging_redis_does_not_make_the_reporter_wait(client, settings, hanging_redis):
    # the cache's own timeouts are long; only the count's short timeout can keep the filing quick
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": hanging_redis,
            "OPTIONS": {"socket_timeout": 5, "socket_connect_timeout": 5},
        }
    }
    start = time.monotonic()
    response = client.post("/melden/", fresh_form(client))
    assert response.status_code == 200
    assert time.monotonic() - start < 2
    assert Melding.objects.get().boven_daglimiet is False
