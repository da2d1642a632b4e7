"""DOMAIN.md: an SMS sender's number is never stored or logged in clear. Proven after a complete
conversation with opt-in against every column of every table, the cache, and the real log handler."""

import logging

import pytest
from django.core.cache import cache
from django.db import connection

from integrations.models import SmsAbonnement
from integrations.twilio.crypto import nummer_ontsleutelen
from meldingen.models import Melding
from tests.factories import MeldingFactory
from tests.integrations.test_sms_webhook import NUMMER, Telefoon
from tests.meldingen.test_anonymity import log_output  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

VORMEN = ("+31612345678", "+31 6 12345678", "0612345678", "06-12345678", "0031612345678", "612345678", "12345678")


def alles_in_de_database() -> str:
    """Every text, varchar, json, array and bytea column of every table (bytea read as escaped text)."""
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(
            """select table_name, column_name, data_type from information_schema.columns
               where table_schema = 'public' and data_type in
               ('text', 'character varying', 'character', 'ARRAY', 'jsonb', 'json', 'inet', 'bytea')"""
        )
        for table, column, data_type in cursor.fetchall():
            expr = f"encode(\"{column}\", 'escape')" if data_type == "bytea" else f'"{column}"::text'
            cursor.execute(f'select {expr} from "{table}" where "{column}" is not null')  # noqa: S608
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


def alles_in_de_cache() -> bytes:
    client = cache._cache.get_client(None, write=False)
    chunks = []
    for key in client.scan_iter("*"):
        chunks.append(key)
        if client.type(key) == b"string":
            chunks.append(client.get(key) or b"")
    return b"\n".join(chunks)


@pytest.fixture
def sql_in_log():
    """Also log every SQL statement with its parameters, so the log sees everything we write."""
    logger = logging.getLogger("django.db.backends")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = False
    logger.setLevel(old_level)


def test_the_number_appears_nowhere_after_a_complete_conversation(client, fake_pdok, log_output, sql_in_log):  # noqa: F811
    # given a resident who files a report, opts in, asks a status and sends help
    telefoon = Telefoon(client, NUMMER)
    andere = MeldingFactory()
    telefoon.stuur("hallo")
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Kerkstraat")
    telefoon.stuur("1")
    telefoon.stuur("JA")
    telefoon.stuur("JA")
    telefoon.stuur(f"STATUS {andere.meldcode}")
    telefoon.stuur("HULP")
    # then a melding was filed and the number is kept encrypted for updates
    assert Melding.objects.filter(kanaal="sms").count() == 1
    assert nummer_ontsleutelen(SmsAbonnement.objects.get().nummer_versleuteld) == NUMMER
    # and no column of any table, no cache entry and no log line holds the number in any spelling
    stored = alles_in_de_database()
    cached = alles_in_de_cache()
    logged = log_output.getvalue()
    assert "integrations_smsabonnement" in logged  # the SQL really was logged
    assert b"sms-berichten:" in cached  # the rate limit's key (a hash) really is in this cache
    for vorm in VORMEN:
        assert vorm not in stored, vorm
        assert vorm.encode() not in cached, vorm
        assert vorm not in logged, vorm
    # nor do the replies (they go back to Twilio, which knows the number anyway, but we never echo it)
    assert all(vorm not in antwoord for antwoord in telefoon.antwoorden for vorm in VORMEN)
