"""No trace of the filing minute or second anywhere (DOMAIN.md: filing time is kept to the hour).

Each intake path (form, API, SMS webhook, CSV import) files at a frozen, distinctive clock time; then
every column of every table is read as text (with the session in UTC and in Amsterdam time) and the
pages that show a melding are rendered, and none may contain the minute or second of that moment.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client

from meldingen.models import Melding
from tests.factories import BIJLMERPLEIN
from tests.integrations.test_sms_webhook import Telefoon

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# 20:47:53 in Amsterdam (winter time), 19:47:53 UTC: neither minute nor second is a round number.
FILED = datetime(2026, 3, 10, 19, 47, 53, 417000, tzinfo=UTC)
LOCAL = FILED.astimezone(AMSTERDAM)
# HH:MM in both clocks, MM:SS, and the Unix time in seconds and in minutes.
LEAK = re.compile(r"(?:19|20)[:.]47|47[:.]53|" + str(int(FILED.timestamp())) + "|" + str(int(FILED.timestamp()) // 60))


def database_leaks() -> list[str]:
    """Every row of every table (as text) that shows the filing moment finer than the hour."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'public' and table_type = 'BASE TABLE'"
            " and table_name not in ('spatial_ref_sys', 'django_migrations')"  # reference data, not written by filing
        )
        tables = [name for (name,) in cursor.fetchall()]
        for zone in ("UTC", "Europe/Amsterdam"):
            cursor.execute("select set_config('TimeZone', %s, false)", [zone])
            for table in tables:
                cursor.execute(f'select t::text from "{table}" t where t::text ~ %s', [LEAK.pattern])  # noqa: S608
                found += [f"{zone} {table}: {row}" for (row,) in cursor.fetchall()]
        cursor.execute("select set_config('TimeZone', 'UTC', false)")
    return found


@pytest.fixture
def staff(django_user_model):
    """A coordinator with admin rights, logged in well before the filing (its last_login is not ours), in
    a browser of its own: the reporter's requests carry no session."""
    staff = Client()
    with time_machine.travel(FILED - timedelta(hours=5, minutes=12, seconds=9), tick=False):
        user = django_user_model.objects.create_superuser(username="coord", password="x")
        user.groups.add(Group.objects.get(name="coordinator"))
        staff.force_login(user)
    return staff


def pages_leaks(client, melding: Melding) -> list[str]:
    """The pages that show a melding, looked at later that evening."""
    found = []
    with time_machine.travel(FILED + timedelta(hours=1, minutes=6, seconds=4), tick=False):
        for url, post in (
            ("/melden/status/", {"meldcode": melding.meldcode}),  # the status lookup is a POST
            (f"/coordinatie/meldingen/{melding.pk}/", None),
            ("/coordinatie/", None),
            (f"/beheer/meldingen/melding/{melding.pk}/change/", None),
        ):
            response = client.post(url, post) if post else client.get(url)
            assert response.status_code == 200, url
            found += [
                f"{url}: …{m.string[m.start() - 40 : m.end() + 10]}…" for m in LEAK.finditer(response.content.decode())
            ]
    return found


def assert_no_trace(client, melding: Melding, *responses) -> None:
    assert database_leaks() == []
    assert pages_leaks(client, melding) == []
    for response in responses:
        assert not LEAK.search(response.content.decode())
    # and what is stored is to the hour, the filing hour at the latest
    assert melding.ontvangen_op == LOCAL.replace(minute=0, second=0, microsecond=0)
    assert melding.observed_at <= melding.ontvangen_op


def test_web_form_today_evening_stores_no_filing_minute(
    staff, client, fake_pdok, eager_celery, django_capture_on_commit_callbacks
):
    # given a resident filing "today, evening" at 20:47:53 while the evening is under way
    lat, lon = BIJLMERPLEIN
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        form = client.get("/melden/")
        sleutel = re.search(r'name="inzend_sleutel" value="([^"]*)"|$', form.content.decode()).group(1) or ""
        response = client.post(
            "/melden/",
            {
                "lat": lat,
                "lon": lon,
                "adres": "Bijlmerplein",
                "locatie_type": "speelplek",
                "waarnemingen": ["dealen"],
                "datum": LOCAL.date().isoformat(),
                "dagdeel": "avond",
                "frequentie": "dagelijks",
                "inzend_sleutel": sleutel,
                "actie": "versturen",
            },
        )
    melding = Melding.objects.get()
    # then the observation is the start of the filing hour, not the filing minute
    assert melding.observed_at == LOCAL.replace(minute=0, second=0, microsecond=0)
    assert_no_trace(staff, melding, response)


def test_api_observation_at_the_filing_moment_stores_no_filing_minute(
    staff, client, eager_celery, django_capture_on_commit_callbacks
):
    # given an app that sends "seen just now" as the moment it sends the report
    lat, lon = BIJLMERPLEIN
    body = {
        "lat": lat,
        "lon": lon,
        "locatie_type": "portiek",
        "waarnemingen": ["dealen"],
        "observed_at": LOCAL.isoformat(),
    }
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/meldingen", body, content_type="application/json")
    assert response.status_code == 201
    melding = Melding.objects.get()
    assert melding.observed_at == LOCAL.replace(minute=0, second=0, microsecond=0)
    assert_no_trace(staff, melding, response)


def test_sms_today_without_part_of_day_stores_no_filing_minute(
    staff, client, fake_pdok, eager_celery, django_capture_on_commit_callbacks
):
    # given a resident texting a report without saying when (so: now) and confirming it at 20:47:53
    telefoon = Telefoon(client)
    with time_machine.travel(FILED - timedelta(minutes=3, seconds=11), tick=False):
        telefoon.stuur("Dealen bij de speeltuin op het Bijlmerplein")
        telefoon.stuur("1")
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        gemeld = telefoon.stuur("JA")
    melding = Melding.objects.get()
    assert melding.meldcode in gemeld
    assert melding.observed_at == LOCAL.replace(minute=0, second=0, microsecond=0)
    # then nothing shows the minute: not the melding, not the conversation waiting for the next answer
    assert_no_trace(staff, melding)
    # and neither does a subscription to status updates made in the same minute
    with time_machine.travel(FILED + timedelta(seconds=2), tick=False):
        telefoon.stuur("JA")
    assert melding.sms_abonnement
    assert database_leaks() == []


def test_csv_import_stores_no_filing_minute(staff, tmp_path, eager_celery, django_capture_on_commit_callbacks):
    # given a partner's export that stamps "observed" with the moment it was exported
    lat, lon = BIJLMERPLEIN
    path = tmp_path / "meldingen.csv"
    path.write_text(
        "observed_at,lat,lon,locatie_type,waarnemingen,kanaal,melder_rol,omschrijving\n"
        f"{FILED.isoformat()},{lat},{lon},speelplek,dealen,web,,\n",
        encoding="utf-8",
    )
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("import_meldingen", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    melding = Melding.objects.get()
    assert melding.observed_at == LOCAL.replace(minute=0, second=0, microsecond=0)
    assert_no_trace(staff, melding)


def test_a_logged_in_staff_member_files_without_a_trace_in_their_session(
    staff, fake_pdok, eager_celery, django_capture_on_commit_callbacks
):
    # given a coordinator whose own browser (with a staff session) files a report at 20:47:53
    lat, lon = BIJLMERPLEIN
    with time_machine.travel(FILED, tick=False), django_capture_on_commit_callbacks(execute=True):
        form = staff.get("/melden/")
        sleutel = re.search(r'name="inzend_sleutel" value="([^"]*)"', form.content.decode()).group(1)
        response = staff.post(
            "/melden/",
            {
                "lat": lat,
                "lon": lon,
                "locatie_type": "speelplek",
                "waarnemingen": ["dealen"],
                "datum": LOCAL.date().isoformat(),
                "dagdeel": "middag",
                "frequentie": "dagelijks",
                "inzend_sleutel": sleutel,
                "actie": "versturen",
            },
        )
    assert response.status_code == 200
    # then the session was neither read nor saved on the intake path: its expiry does not hold the
    # filing second, and the filing is not tied to the account in any table
    assert database_leaks() == []
    assert "sessionid" not in response.cookies


def test_intake_paths_under_a_language_prefix_are_anonymised_too():
    from privacy.middleware import is_intake_path

    for path in ("/melden/", "/en/melden/", "/nl/melden/status/", "/en/api/v1/meldingen", "/api/v1/meldingen"):
        assert is_intake_path(path), path
    for path in ("/coordinatie/", "/en/coordinatie/", "/beheer/", "/english/melden/", "/enmelden/"):
        assert not is_intake_path(path), path
