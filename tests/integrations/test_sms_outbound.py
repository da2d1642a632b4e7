"""Outbound SMS (issue 3): the real twilio REST client against the loopback Twilio of tests/fakes/twilio.py,
the Celery task run eagerly (retries run at once; the countdown only matters to a real worker)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.handlers import sms_statusupdate
from integrations.models import SmsAbonnement, SmsBericht, SmsGesprek, UitgaandSms, UitgaandSmsStatus
from integrations.tasks import sms_backoff, sms_versturen
from integrations.twilio.crypto import nummer_versleutelen
from integrations.twilio.outbound import (
    MAX_POGINGEN,
    sms_abonnementen_opschonen,
    sms_in_wachtrij,
    statusupdate_tekst,
    uitgaand_sms_versturen,
    uitgaande_sms_herplannen,
)
from integrations.twilio.tekst import segmenten
from meldingen.events import MELDING_STATUS_GEWIJZIGD
from meldingen.models import MeldingEvent
from meldingen.services import melding_transition
from meldingen.workflow import MeldingStatus
from outbox.models import Event
from outbox.services import events_dispatch
from tests.factories import MeldingFactory
from tests.fakes.twilio import FakeTwilio

pytestmark = pytest.mark.django_db

ACCOUNT_SID = "AC" + "1f" * 16
AUTH_TOKEN = "test-twilio-auth-token"
AFZENDER = "+3197010200300"
NUMMER = "+31612345678"


@pytest.fixture(scope="module")
def fake_twilio_server():
    with FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN) as server:
        yield server


@pytest.fixture
def twilio(fake_twilio_server, settings):
    """The loopback Twilio, wired in through the same setting production uses, reset for each test."""
    settings.TWILIO_API_BASE_URL = fake_twilio_server.url
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM = AFZENDER
    fake_twilio_server.reset()
    yield fake_twilio_server
    fake_twilio_server.reset()


def abonnement_maken(*, melding=None, taal="nl", nummer=NUMMER, dagen_oud=0) -> SmsAbonnement:
    melding = melding or MeldingFactory(kanaal="sms")
    aangemaakt = timezone.now() - timedelta(days=dagen_oud)
    return SmsAbonnement.objects.create(
        melding=melding,
        nummer_versleuteld=nummer_versleutelen(nummer),
        taal=taal,
        aangemaakt_op=aangemaakt,
        verwijderen_na=aangemaakt + timedelta(days=90),
    )


def melding_met_aanmaak_event(**kwargs):
    melding = MeldingFactory(kanaal="sms", **kwargs)
    MeldingEvent.objects.create(melding=melding, van="", naar=MeldingStatus.NIEUW, created_at=melding.ontvangen_op)
    return melding


def assert_geen_nummer(tekst: str) -> None:
    # +31612345678, 0612345678, 0031612345678, "06 1234 5678": the subscriber part never appears.
    assert "12345678" not in re.sub(r"\D", "", tekst)


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


def test_versturen_stuurt_to_from_en_body_met_basic_auth(twilio):
    # given
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="Weerbare Wijken, melding X: Ontvangen.")

    # when
    result = sms_versturen.apply(args=[sms.pk])

    # then
    assert result.successful()
    (verzoek,) = twilio.message_requests()
    assert verzoek.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert verzoek.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert verzoek.field("To") == NUMMER
    assert verzoek.field("From") == AFZENDER
    assert verzoek.field("Body") == "Weerbare Wijken, melding X: Ontvangen."
    assert verzoek.headers["Content-Type"] == "application/x-www-form-urlencoded"
    sms.refresh_from_db()
    assert sms.status == UitgaandSmsStatus.VERZONDEN
    assert sms.pogingen == 1
    assert re.fullmatch(r"SM[0-9a-f]{32}", sms.twilio_sid)
    assert twilio.message(sms.twilio_sid)["to"] == NUMMER


def test_een_500_wordt_opnieuw_geprobeerd_en_slaagt_dan(twilio):
    # given
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="status")
    twilio.fail_next(500)

    # when
    result = sms_versturen.apply(args=[sms.pk])

    # then
    assert result.successful()
    assert result.result == UitgaandSmsStatus.VERZONDEN
    assert len(twilio.message_requests()) == 2
    sms.refresh_from_db()
    assert (sms.status, sms.pogingen) == (UitgaandSmsStatus.VERZONDEN, 2)
    assert sms.twilio_sid == twilio.sent[0]["sid"]


def test_een_verbroken_verbinding_wordt_opnieuw_geprobeerd(twilio):
    # given
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="status")
    twilio.fail_next("disconnect")

    # when
    sms_versturen.apply(args=[sms.pk])

    # then
    sms.refresh_from_db()
    assert (sms.status, sms.pogingen) == (UitgaandSmsStatus.VERZONDEN, 2)


def test_herhaalde_5xx_eindigt_als_dead_letter_zonder_nummer(twilio):
    # given
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="status")
    twilio.fail_next(503, times=MAX_POGINGEN + 3)

    # when
    result = sms_versturen.apply(args=[sms.pk])

    # then
    assert result.result == UitgaandSmsStatus.MISLUKT
    assert len(twilio.message_requests()) == MAX_POGINGEN
    sms.refresh_from_db()
    assert (sms.status, sms.pogingen, sms.twilio_sid) == (UitgaandSmsStatus.MISLUKT, MAX_POGINGEN, "")
    assert "HTTP 503" in sms.laatste_fout
    assert "20503" in sms.laatste_fout
    assert_geen_nummer(sms.laatste_fout)


def test_21211_is_blijvend_en_gaat_zonder_nieuwe_poging_naar_mislukt(twilio):
    # given: Twilio's message for 21211 carries the number itself
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="status")
    twilio.fail_next(400, code=21211)

    # when
    result = sms_versturen.apply(args=[sms.pk])

    # then
    assert result.result == UitgaandSmsStatus.MISLUKT
    assert len(twilio.message_requests()) == 1
    sms.refresh_from_db()
    assert (sms.status, sms.pogingen) == (UitgaandSmsStatus.MISLUKT, 1)
    assert "21211" in sms.laatste_fout
    assert_geen_nummer(sms.laatste_fout)


def test_een_ongeldig_nummer_wordt_door_twilio_geweigerd_en_niet_opgeslagen(twilio):
    # given: a number Twilio's own validation refuses (not E.164)
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(nummer="06123"), tekst="status")

    # when
    sms_versturen.apply(args=[sms.pk])

    # then
    sms.refresh_from_db()
    assert sms.status == UitgaandSmsStatus.MISLUKT
    assert "21211" in sms.laatste_fout
    assert "6123" not in sms.laatste_fout


def test_verkeerde_credentials_krijgen_401_en_worden_niet_herhaald(twilio, settings):
    # given
    settings.TWILIO_AUTH_TOKEN = "niet-het-goede-token"
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="status")

    # when
    sms_versturen.apply(args=[sms.pk])

    # then
    (verzoek,) = twilio.message_requests()
    assert verzoek.auth == (ACCOUNT_SID, "niet-het-goede-token")
    assert twilio.sent == []
    sms.refresh_from_db()
    assert sms.status == UitgaandSmsStatus.MISLUKT
    assert "HTTP 401" in sms.laatste_fout
    assert "20003" in sms.laatste_fout


def test_een_verzonden_sms_wordt_niet_nog_eens_verstuurd(twilio):
    # given
    sms = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="status")
    sms_versturen.apply(args=[sms.pk])

    # when
    sms_versturen.apply(args=[sms.pk])
    uitgaand_sms_versturen(uitgaand_id=sms.pk)

    # then
    assert len(twilio.message_requests()) == 1
    sms.refresh_from_db()
    assert (sms.status, sms.pogingen) == (UitgaandSmsStatus.VERZONDEN, 1)


def test_sms_in_wachtrij_verstuurt_pas_na_de_commit(twilio, eager_celery, django_capture_on_commit_callbacks):
    # given
    abonnement = abonnement_maken()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sms = sms_in_wachtrij(abonnement=abonnement, tekst="hallo")
        assert twilio.message_requests() == []  # nothing leaves before the commit

    # then
    assert len(callbacks) == 1
    sms.refresh_from_db()
    assert sms.status == UitgaandSmsStatus.VERZONDEN
    assert [r.field("Body") for r in twilio.message_requests()] == ["hallo"]


def test_verloren_taken_worden_opnieuw_ingepland(twilio, eager_celery):
    # given: a queued text whose task never ran, and one queued just now
    oud = UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="oud")
    UitgaandSms.objects.filter(pk=oud.pk).update(bijgewerkt_op=timezone.now() - timedelta(hours=1))
    UitgaandSms.objects.create(abonnement=abonnement_maken(), tekst="vers")

    # when
    aantal = uitgaande_sms_herplannen()

    # then
    assert aantal == 1
    assert [r.field("Body") for r in twilio.message_requests()] == ["oud"]


def test_backoff_groeit_exponentieel_met_jitter_en_heeft_een_plafond():
    for retries, plafond in [(0, 30), (1, 60), (2, 120), (3, 240), (8, 600)]:
        waarden = {sms_backoff(retries) for _ in range(50)}
        assert all(plafond / 2 <= w <= plafond for w in waarden)
        assert len(waarden) > 1


# --------------------------------------------------------------------------------------------
# Status updates
# --------------------------------------------------------------------------------------------


def test_statusupdate_wordt_eenmaal_per_nieuw_event_in_de_wachtrij_gezet(twilio):
    # given a subscriber whose melding only has its creating history row (the reporter has the meldcode)
    melding = melding_met_aanmaak_event()
    abonnement = abonnement_maken(melding=melding)
    assert events_dispatch().afgehandeld == 0
    assert not UitgaandSms.objects.exists()

    # when the coordinator accepts it, and the dispatcher runs twice
    historie = melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=None)
    eerste, tweede = events_dispatch(), events_dispatch()

    # then one text, keyed by the outbox event
    assert (eerste.afgehandeld, tweede.afgehandeld) == (1, 0)
    (sms,) = UitgaandSms.objects.filter(abonnement=abonnement)
    assert sms.tekst.startswith(f"Weerbare Wijken, melding {melding.meldcode}: In behandeling.")
    assert sms.status == UitgaandSmsStatus.WACHTRIJ
    event = Event.objects.get(type=MELDING_STATUS_GEWIJZIGD, object_id=melding.pk)
    assert sms.sleutel == f"{event.sleutel}:{abonnement.pk}"
    abonnement.refresh_from_db()
    assert abonnement.laatste_event_id == historie.pk

    # when the event is delivered again (at least once: a worker died before recording it)
    sms_statusupdate(event)
    # then no second text
    assert UitgaandSms.objects.filter(abonnement=abonnement).count() == 1


def test_twee_statuswijzigingen_voor_de_dispatch_geven_een_sms_met_de_laatste(twilio):
    # given
    melding = melding_met_aanmaak_event()
    abonnement = abonnement_maken(melding=melding)
    melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=None)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEHANDELD, actor=None)
    # when
    assert events_dispatch().afgehandeld == 2
    # then
    (sms,) = UitgaandSms.objects.filter(abonnement=abonnement)
    assert ": Afgehandeld." in sms.tekst


def test_statusupdate_in_de_taal_van_de_abonnee(twilio):
    # given
    melding = melding_met_aanmaak_event()
    abonnement_maken(melding=melding, taal="en")
    melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=None)

    # when
    events_dispatch()

    # then
    tekst = UitgaandSms.objects.get().tekst
    assert tekst.startswith(f"Weerbare Wijken, report {melding.meldcode}: In progress.")
    assert "neighbourhood" in tekst


def test_statusupdate_noemt_nooit_de_interne_reden_van_een_afwijzing(twilio):
    # given
    melding = melding_met_aanmaak_event()
    abonnement_maken(melding=melding)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="spam", toelichting="troll")

    # when
    events_dispatch()

    # then
    tekst = UitgaandSms.objects.get().tekst
    assert ": Afgesloten." in tekst
    assert "spam" not in tekst.lower()
    assert "troll" not in tekst


@pytest.mark.parametrize("taal", ["nl", "en"])
@pytest.mark.parametrize("status", [*MeldingStatus.values, "dubbel"])
def test_elke_statusupdate_past_in_twee_segmenten(taal, status):
    # given
    melding = MeldingFactory()
    if status == "dubbel":
        origineel = MeldingFactory()
        melding_transition(
            melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="dubbel", origineel=origineel
        )
    elif status != MeldingStatus.NIEUW:
        melding.status = status
        melding.afwijs_reden = "spam" if status == MeldingStatus.AFGEWEZEN else ""
        melding.save(update_fields=["status", "afwijs_reden"])

    # when
    tekst = statusupdate_tekst(meldcode=melding.meldcode, taal=taal, laatste=True)

    # then
    assert melding.meldcode in tekst
    assert segmenten(tekst) <= 2


# --------------------------------------------------------------------------------------------
# Retention
# --------------------------------------------------------------------------------------------


def test_afgehandelde_melding_krijgt_eerst_de_laatste_update_dan_wordt_het_abonnement_verwijderd(
    twilio, eager_celery, django_capture_on_commit_callbacks
):
    # given: the melding is closed since the last update
    melding = melding_met_aanmaak_event()
    abonnement = abonnement_maken(melding=melding)
    melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=None)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEHANDELD, actor=None)

    # when: the hourly cleanup runs before the final text has gone out
    with django_capture_on_commit_callbacks(execute=False) as uitgesteld:
        sms_abonnementen_opschonen()

    # then: the final text is queued and the number is kept for it
    (sms,) = UitgaandSms.objects.all()
    assert "Afgehandeld" in sms.tekst
    assert "geen sms meer" in sms.tekst
    assert SmsAbonnement.objects.filter(pk=abonnement.pk).exists()

    # when: the text is sent
    for callback in uitgesteld:
        callback()

    # then: it went to the subscriber and the subscription (with the number) is gone
    assert [r.field("To") for r in twilio.message_requests()] == [NUMMER]
    assert not SmsAbonnement.objects.filter(pk=abonnement.pk).exists()
    sms.refresh_from_db()
    assert (sms.status, sms.abonnement_id) == (UitgaandSmsStatus.VERZONDEN, None)


def test_een_definitief_mislukte_laatste_update_houdt_het_verwijderen_niet_tegen(twilio):
    # given
    melding = melding_met_aanmaak_event()
    abonnement = abonnement_maken(melding=melding)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="spam")
    sms_abonnementen_opschonen()
    sms = UitgaandSms.objects.get()
    twilio.fail_next(400, code=21211)

    # when
    sms_versturen.apply(args=[sms.pk])

    # then
    assert not SmsAbonnement.objects.filter(pk=abonnement.pk).exists()
    sms.refresh_from_db()
    assert sms.status == UitgaandSmsStatus.MISLUKT


def test_opschonen_verwijdert_na_90_dagen_en_laat_lopende_abonnementen_staan(twilio):
    # given
    verlopen = abonnement_maken(dagen_oud=91)
    lopend = abonnement_maken(dagen_oud=89)
    in_behandeling = abonnement_maken(melding=melding_met_aanmaak_event())
    melding_transition(melding=in_behandeling.melding, naar=MeldingStatus.IN_BEHANDELING, actor=None)
    wacht = UitgaandSms.objects.create(abonnement=verlopen, tekst="te laat")

    # when
    resultaat = sms_abonnementen_opschonen()

    # then
    assert resultaat["abonnementen_verlopen"] == 1
    assert set(SmsAbonnement.objects.values_list("pk", flat=True)) == {lopend.pk, in_behandeling.pk}

    # when: a text still queued for the deleted subscription comes up
    sms_versturen.apply(args=[wacht.pk])

    # then: it cannot be sent any more, and says why
    wacht.refresh_from_db()
    assert wacht.status == UitgaandSmsStatus.MISLUKT
    assert "abonnement verwijderd" in wacht.laatste_fout
    assert twilio.message_requests() == []


def test_opschonen_verwijdert_oude_berichten_en_stille_gesprekken():
    # given
    nu = timezone.now()
    SmsBericht.objects.create(message_sid="SM" + "a" * 32, antwoord="oud", ontvangen_op=nu - timedelta(days=3))
    recent = SmsBericht.objects.create(message_sid="SM" + "b" * 32, antwoord="recent", ontvangen_op=nu)
    SmsGesprek.objects.create(afzender="a" * 64, laatst_actief=nu - timedelta(minutes=31))
    actief = SmsGesprek.objects.create(afzender="b" * 64, laatst_actief=nu - timedelta(minutes=5))

    # when
    resultaat = sms_abonnementen_opschonen(nu=nu)

    # then
    assert (resultaat["berichten"], resultaat["gesprekken"]) == (1, 1)
    assert list(SmsBericht.objects.all()) == [recent]
    assert list(SmsGesprek.objects.all()) == [actief]
