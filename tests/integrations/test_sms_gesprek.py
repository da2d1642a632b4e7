"""The SMS conversation end to end: signed webhook requests, the real services, PostGIS and the loopback
PDOK. Every reply is checked to fit in two SMS segments by `Telefoon`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import SmsAbonnement, SmsBericht, SmsGesprek
from integrations.twilio.crypto import nummer_hash, nummer_ontsleutelen
from integrations.twilio.services import sms_gesprekken_opschonen
from meldingen.models import Kanaal, Melding, MeldingEvent
from tests.factories import MeldingFactory
from tests.integrations.test_sms_webhook import NUMMER, Telefoon

pytestmark = pytest.mark.django_db


@pytest.fixture
def telefoon(client, fake_pdok):
    return Telefoon(client)


NUMMER_VORMEN = ("+31612345678", "+31 6 12345678", "0612345678", "06-12345678", "0031612345678", "612345678")


def test_a_full_guided_conversation_files_a_melding(telefoon):
    # when a resident starts without details
    assert "Wat zag u en waar?" in telefoon.stuur("Hallo, ik wil iets melden")
    # and answers each question
    assert "Wat zag u?" in telefoon.stuur("Kerkstraat 100")
    assert "Wat voor plek" in telefoon.stuur("1 5")
    assert "Hoe vaak" in telefoon.stuur("8")
    samenvatting = telefoon.stuur("2")
    # then the summary shows what was understood
    assert samenvatting.startswith("Klopt dit? Dealen, intimidatie bij portiek, Kerkstraat 100, 1017GM Amsterdam.")
    assert "Vaker" in samenvatting
    # and JA files the melding, with the meldcode in the reply
    gemeld = telefoon.stuur("JA")
    melding = Melding.objects.get()
    assert f"Meldcode: {melding.meldcode}" in gemeld
    assert melding.kanaal == Kanaal.SMS
    assert melding.waarnemingen == ["dealen", "intimidatie"]
    assert melding.locatie_type_id == "portiek"
    assert melding.frequentie == "meerdere_keren"
    assert melding.locatie_omschrijving == "Kerkstraat 100, 1017GM Amsterdam"
    assert melding.buurt is not None
    assert melding.ontvangen_op.minute == 0
    # "now" without a part of the day is the current hour, never the filing minute
    assert melding.observed_at == timezone.now().replace(minute=0, second=0, microsecond=0)
    # and NEE to updates ends the conversation without keeping the number
    assert "we bewaren uw nummer niet" in telefoon.stuur("nee")
    assert SmsGesprek.objects.count() == 0
    assert SmsAbonnement.objects.count() == 0


def test_one_message_holds_the_whole_report(telefoon):
    # when everything is in the first message
    samenvatting = telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    # then only the confirmation is asked
    assert samenvatting == (
        "Klopt dit? Dealen bij speelplek, Bijlmerplein, Amsterdam. (Bijna) elke dag, 's avonds. "
        "Stuur JA om te melden of NEE om iets te verbeteren."
    )
    telefoon.stuur("ja")
    melding = Melding.objects.get()
    assert (melding.locatie_type_id, melding.waarnemingen, melding.frequentie, melding.dagdeel) == (
        "speelplek",
        ["dealen"],
        "dagelijks",
        "avond",
    )
    assert melding.buurt.naam
    # the resident's own words are kept as the description
    assert melding.omschrijving == "Elke avond dealen bij de speeltuin op het Bijlmerplein"


def test_english_when_the_resident_writes_english(telefoon):
    samenvatting = telefoon.stuur("Dealing every night at the playground on Dam")
    assert samenvatting.startswith("Is this right? Dealing at playground, Dam, Amsterdam. (Almost) daily, at night.")
    assert "Code:" in telefoon.stuur("yes")
    assert Melding.objects.get().dagdeel == "nacht"
    assert "we do not keep your number" in telefoon.stuur("no")


def test_en_switches_to_english_and_repeats_the_question(telefoon):
    telefoon.stuur("Dealen op het Osdorpplein")
    assert "Hoe vaak" in telefoon.stuur("gisteravond, bij de ingang")
    engels = telefoon.stuur("EN")
    assert engels.startswith("How often")


def test_several_places_are_offered_as_numbered_choices(telefoon):
    # when the street exists in several places
    keuze = telefoon.stuur("Elke dag dealen bij de garageboxen in de Kerkstraat")
    # then up to three numbered choices are offered
    assert "1 Kerkstraat, Amsterdam" in keuze
    assert "2 Kerkstraat, Weesp" in keuze
    assert SmsGesprek.objects.get().toestand["stap"] == "keuze"
    # and a number picks one; nothing else is asked again
    samenvatting = telefoon.stuur("2")
    assert "Kerkstraat, Weesp" in samenvatting
    telefoon.stuur("JA")
    melding = Melding.objects.get()
    assert melding.locatie_omschrijving == "Kerkstraat, Weesp"
    assert melding.locatie_type_id == "garagebox"


def test_a_number_outside_the_choices_asks_again(telefoon):
    telefoon.stuur("Dealen in de Kerkstraat")
    assert "Sorry" in telefoon.stuur("7")
    assert SmsGesprek.objects.get().toestand["stap"] == "keuze"


def test_one_street_found_several_times_close_together_is_one_place(telefoon):
    # "Bijlmerplein" finds the square, its postcode and number 1 within 150 m: no question needed
    assert "Wat zag u?" in telefoon.stuur("Bijlmerplein")


def test_a_place_outside_amsterdam_is_refused_and_asked_again(telefoon):
    # when the place lies in Utrecht
    antwoord = telefoon.stuur("Dealen op het Domplein Utrecht")
    # then the resident hears it is not in Amsterdam and is asked again
    assert antwoord.startswith("Domplein, Utrecht ligt niet in Amsterdam.")
    assert "Waar was het?" in antwoord
    assert SmsGesprek.objects.get().toestand["stap"] == "waar"
    # and what was already said is kept
    assert "Wat voor plek" in telefoon.stuur("Osdorpplein")


def test_an_unknown_place_is_said_so(telefoon):
    antwoord = telefoon.stuur("Dealen in de Xyzzystraat")
    assert antwoord.startswith("We vonden 'Xyzzystraat' niet in Amsterdam.")


def test_a_crossing_is_placed_between_the_two_streets(telefoon):
    telefoon.stuur("Elke dag dealen in het portiek op de hoek van het Dam en de Damrak")
    plek = SmsGesprek.objects.get().toestand["plek"]
    assert plek["naam"] == "hoek Dam / Damrak"
    assert 52.3731 < plek["lat"] < 52.3763


def test_the_geocoder_being_down_gets_a_polite_answer(telefoon, fake_pdok, settings):
    settings.GEOCODER_CACHE_SECONDS = 0
    fake_pdok.fail_next = 503
    antwoord = telefoon.stuur("Dealen op de Xyzzylaan")
    assert "lukt nu even niet" in antwoord
    assert "Wat voor plek" in telefoon.stuur("Osdorpplein")


def test_nee_at_the_summary_lets_the_resident_correct_one_part(telefoon):
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    assert "Wat wilt u verbeteren?" in telefoon.stuur("NEE")
    assert "Wat voor plek" in telefoon.stuur("3")
    samenvatting = telefoon.stuur("10")
    assert samenvatting.startswith("Klopt dit? Dealen bij park, Bijlmerplein")
    telefoon.stuur("JA")
    assert Melding.objects.get().locatie_type_id == "park"


def test_a_correction_in_words_at_the_summary(telefoon):
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    samenvatting = telefoon.stuur("het was bij de school")
    assert samenvatting.startswith("Klopt dit? Dealen bij school, Bijlmerplein")


def test_opnieuw_starts_over(telefoon):
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    telefoon.stuur("NEE")
    assert "Wat zag u en waar?" in telefoon.stuur("opnieuw")
    assert SmsGesprek.objects.get().toestand == {"stap": "waar", "taal": "nl"}


def test_stop_halfway_forgets_the_conversation(telefoon):
    # given a conversation halfway
    telefoon.stuur("Dealen op het Osdorpplein")
    assert SmsGesprek.objects.filter(afzender=nummer_hash(NUMMER)).exists()
    # when the resident sends STOP
    antwoord = telefoon.stuur("Stop")
    # then it is forgotten and confirmed
    assert "We hebben dit gesprek gewist" in antwoord
    assert SmsGesprek.objects.count() == 0
    assert Melding.objects.count() == 0
    # and a next message starts from scratch
    assert "Wat zag u en waar?" in telefoon.stuur("hallo")


def test_hulp_explains_and_keeps_the_conversation(telefoon):
    telefoon.stuur("Dealen op het Osdorpplein")
    toestand = SmsGesprek.objects.get().toestand
    assert "STATUS" in telefoon.stuur("HULP")
    assert "Emergency" in telefoon.stuur("help") or "Nood" in telefoon.antwoorden[-1]
    assert SmsGesprek.objects.get().toestand == toestand


def test_hulp_without_a_conversation_keeps_nothing(telefoon):
    assert "STOP" in telefoon.stuur("HULP")
    assert SmsGesprek.objects.count() == 0


def test_an_expired_conversation_starts_fresh(telefoon):
    # given a report waiting for confirmation, untouched for 31 minutes
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    SmsGesprek.objects.update(laatst_actief=timezone.now() - timedelta(minutes=31))
    # when the resident answers JA
    antwoord = telefoon.stuur("JA")
    # then nothing is filed; they are told the conversation expired and asked again
    assert antwoord.startswith("Uw vorige gesprek was verlopen")
    assert "Wat zag u en waar?" in antwoord
    assert Melding.objects.count() == 0
    assert SmsGesprek.objects.get().toestand["stap"] == "waar"


def test_expired_conversations_of_others_are_purged_on_access(client, fake_pdok):
    Telefoon(client, "+31622222222").stuur("Dealen op het Osdorpplein")
    SmsGesprek.objects.update(laatst_actief=timezone.now() - timedelta(minutes=31))
    Telefoon(client).stuur("hallo")
    assert list(SmsGesprek.objects.values_list("afzender", flat=True)) == [nummer_hash(NUMMER)]


def test_the_housekeeping_service_deletes_idle_conversations_and_old_messages(telefoon):
    telefoon.stuur("Dealen op het Osdorpplein")
    SmsGesprek.objects.update(laatst_actief=timezone.now() - timedelta(minutes=31))
    SmsBericht.objects.update(ontvangen_op=timezone.now() - timedelta(days=3))
    assert sms_gesprekken_opschonen() == {"gesprekken": 1, "berichten": 1}
    assert SmsGesprek.objects.count() == SmsBericht.objects.count() == 0


def test_status_of_an_existing_meldcode(telefoon):
    melding = MeldingFactory(status="nieuw")
    antwoord = telefoon.stuur(f"status {melding.meldcode.lower()[:5]}-{melding.meldcode.lower()[5:]}")
    assert antwoord == (
        f"Melding {melding.meldcode} ({melding.buurt.naam}, ontvangen {melding.ontvangen_op.date().isoformat()}): "
        "ontvangen."
    )
    assert SmsGesprek.objects.count() == 0


def test_status_of_an_unknown_meldcode(telefoon):
    antwoord = telefoon.stuur("STATUS ZZZZZZZZZZ")
    assert antwoord.startswith("We kennen meldcode ZZZZZZZZZZ niet.")
    assert telefoon.stuur("STATUS").startswith("Stuur STATUS gevolgd door uw meldcode")


def test_status_halfway_keeps_the_conversation(telefoon):
    melding = MeldingFactory()
    telefoon.stuur("Dealen op het Osdorpplein")
    assert melding.meldcode in telefoon.stuur(f"STATUS {melding.meldcode}")
    assert SmsGesprek.objects.get().toestand["stap"] == "soort"


def test_opt_in_keeps_the_number_encrypted_with_the_melding(telefoon):
    # given a filed melding
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    telefoon.stuur("JA")
    melding = Melding.objects.get()
    # when the resident wants updates
    assert "u krijgt een sms" in telefoon.stuur("JA")
    # then the number is kept encrypted, linked to the melding, for at most 90 days
    abonnement = SmsAbonnement.objects.get()
    assert abonnement.melding == melding
    assert nummer_ontsleutelen(abonnement.nummer_versleuteld) == NUMMER
    ruw = bytes(abonnement.nummer_versleuteld)
    for vorm in NUMMER_VORMEN:
        assert vorm.encode() not in ruw
    assert abonnement.taal == "nl"
    assert timedelta(days=89) < abonnement.verwijderen_na - timezone.now() <= timedelta(days=90)
    # the creation event is not reported again as an update
    assert abonnement.laatste_event_id == MeldingEvent.objects.get(melding=melding).pk
    # and the conversation is gone
    assert SmsGesprek.objects.count() == 0


def test_nee_to_updates_keeps_no_number(telefoon):
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    telefoon.stuur("JA")
    telefoon.stuur("NEE")
    assert SmsAbonnement.objects.count() == 0
    assert SmsGesprek.objects.count() == 0


def test_stop_after_opting_in_deletes_the_number(client, fake_pdok):
    # given a resident who opted in, and another who did too
    for nummer in (NUMMER, "+31699999999"):
        telefoon = Telefoon(client, nummer)
        telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
        telefoon.stuur("JA")
        telefoon.stuur("JA")
    # when the first sends STOP (in another spelling of the same number)
    antwoord = Telefoon(client, "0031612345678").stuur("STOP")
    # then their number is deleted, the other's is kept
    assert "en uw nummer voor updates" in antwoord
    assert [nummer_ontsleutelen(a.nummer_versleuteld) for a in SmsAbonnement.objects.all()] == ["+31699999999"]


def test_an_unclear_answer_to_the_update_question_asks_again(telefoon):
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    telefoon.stuur("JA")
    assert "Stuur JA of NEE" in telefoon.stuur("misschien")
    assert SmsGesprek.objects.get().toestand["stap"] == "abonnement"


def test_the_welcome_in_english_when_asked(telefoon):
    assert telefoon.stuur("EN").startswith("Weerbare Wijken: you report anonymously")
