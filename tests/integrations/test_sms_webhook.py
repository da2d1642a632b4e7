"""The Twilio SMS webhook: signatures (computed by the twilio library itself), TwiML, idempotency, rate
limit. `Telefoon` is the resident's phone for every SMS test: it signs each request like Twilio does and
checks that every reply fits in two SMS segments."""

import uuid
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.test import override_settings
from twilio.request_validator import RequestValidator

from integrations.models import SmsBericht, SmsGesprek
from integrations.twilio.tekst import segmenten
from meldingen.models import Melding

pytestmark = pytest.mark.django_db

NUMMER = "+31612345678"
PAD = "/integrations/twilio/sms"
URL = "http://testserver" + PAD


def handtekening(url: str, params: dict, token: str | None = None) -> str:
    return RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)


def twilio_params(body: str, *, van: str = NUMMER, sid: str | None = None) -> dict:
    """What Twilio POSTs for an inbound SMS (the fields we rely on, and a few we do not)."""
    return {
        "ToCountry": "NL",
        "SmsMessageSid": sid or f"SM{uuid.uuid4().hex}",
        "NumMedia": "0",
        "MessageSid": sid or f"SM{uuid.uuid4().hex}",
        "AccountSid": "AC" + "0" * 32,
        "From": van,
        "To": "+3197010203040",
        "Body": body,
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }


def post(client, params: dict, *, signature: str | None, **extra):
    headers = {} if signature is None else {"HTTP_X_TWILIO_SIGNATURE": signature}
    return client.post(PAD, urlencode(params), content_type="application/x-www-form-urlencoded", **headers, **extra)


def antwoord_uit(response) -> str:
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own TwiML
    assert root.tag == "Response"
    berichten = root.findall("Message")
    assert len(berichten) <= 1
    return berichten[0].text if berichten else ""


class Telefoon:
    """A resident's phone talking to the webhook through Django's test client."""

    def __init__(self, client, nummer: str = NUMMER) -> None:
        self.client = client
        self.nummer = nummer
        self.antwoorden: list[str] = []

    def stuur(self, body: str, *, sid: str | None = None) -> str:
        params = twilio_params(body, van=self.nummer, sid=sid)
        response = post(self.client, params, signature=handtekening(URL, params))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml"
        antwoord = antwoord_uit(response)
        assert segmenten(antwoord) <= 2, (len(antwoord), antwoord)
        self.antwoorden.append(antwoord)
        return antwoord


@pytest.fixture
def telefoon(client, fake_pdok):
    return Telefoon(client)


def test_a_request_signed_by_twilio_is_answered_with_twiml(client, fake_pdok):
    # given a message signed with our auth token over the URL Twilio called
    params = twilio_params("Hallo")
    # when it arrives
    response = post(client, params, signature=handtekening(URL, params))
    # then the answer is TwiML with one message: the welcome
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    assert "Wat zag u en waar?" in antwoord_uit(response)


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="missing header"),
        pytest.param("", id="empty header"),
        pytest.param("dGhpcyBpcyBub3QgYSBzaWduYXR1cmU=", id="wrong signature"),
        pytest.param("other-token", id="signed with another token"),
    ],
)
def test_a_request_without_a_valid_signature_is_refused_and_changes_nothing(client, fake_pdok, signature):
    params = twilio_params("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    if signature == "other-token":
        signature = handtekening(URL, params, token="niet-ons-token")
    response = post(client, params, signature=signature)
    assert response.status_code == 403
    assert SmsGesprek.objects.count() == SmsBericht.objects.count() == 0
    assert fake_pdok.requests == []


def test_a_body_altered_after_signing_is_refused(client, fake_pdok):
    # given a signature over the original message
    params = twilio_params("Hallo")
    signature = handtekening(URL, params)
    # when somebody changes the text (or the sender) on the way
    for changed in ({**params, "Body": "STOP"}, {**params, "From": "+31687654321"}):
        response = post(client, changed, signature=signature)
        # then it is refused
        assert response.status_code == 403
    assert SmsGesprek.objects.count() == SmsBericht.objects.count() == 0


def test_a_signature_over_another_url_is_refused(client, fake_pdok):
    params = twilio_params("Hallo")
    response = post(client, params, signature=handtekening("http://testserver/integrations/twilio/andere", params))
    assert response.status_code == 403


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), USE_X_FORWARDED_HOST=True)
def test_behind_a_tls_proxy_the_public_https_url_is_checked(client, fake_pdok):
    # given Twilio signed the public https URL, and the proxy forwards plain http with X-Forwarded-*
    public = "https://meldingen.example.nl" + PAD
    params = twilio_params("Hallo")
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "meldingen.example.nl"}
    # when it arrives
    response = post(client, params, signature=handtekening(public, params), **forwarded)
    # then the signature holds
    assert response.status_code == 200
    # and a signature over the internal URL does not
    params = twilio_params("Hallo")
    assert post(client, params, signature=handtekening(URL, params), **forwarded).status_code == 403


def test_without_the_proxy_settings_forwarded_headers_are_not_trusted(client, fake_pdok):
    public = "https://meldingen.example.nl" + PAD
    params = twilio_params("Hallo")
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "meldingen.example.nl"}
    assert post(client, params, signature=handtekening(public, params), **forwarded).status_code == 403


def test_only_post_is_accepted(client):
    assert client.get(PAD).status_code == 405


def test_a_redelivered_message_sid_gets_the_same_reply_and_creates_nothing(telefoon):
    # given a one-message report waiting for confirmation
    telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    # when the JA is delivered, and Twilio delivers it again (it timed out waiting for us)
    eerste = telefoon.stuur("JA", sid="SM" + "a" * 32)
    tweede = telefoon.stuur("JA", sid="SM" + "a" * 32)
    # then both get the same reply, with one meldcode, and there is one melding
    assert eerste == tweede
    melding = Melding.objects.get()
    assert melding.meldcode in eerste
    # and the conversation moved on only once: it now asks about updates, a new JA subscribes
    assert SmsGesprek.objects.get().toestand["stap"] == "abonnement"
    assert SmsBericht.objects.filter(message_sid="SM" + "a" * 32).count() == 1


def test_the_rate_limit_answers_politely_once_and_then_stays_silent(client, fake_pdok, settings):
    settings.SMS_BERICHTEN_PER_UUR = 3
    telefoon = Telefoon(client)
    # given three messages within the hour
    for _ in range(3):
        assert "Wat zag u" in telefoon.stuur("hallo")
    toestand = SmsGesprek.objects.get().toestand
    # when a fourth and a fifth arrive
    vierde = telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    vijfde = telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    # then the fourth gets a polite answer, the fifth none, and neither is processed
    assert "Probeer het over een uur opnieuw" in vierde
    assert vijfde == ""
    assert SmsGesprek.objects.get().toestand == toestand
    assert fake_pdok.requests == []
    # and another sender is not affected
    assert "Wat zag u" in Telefoon(client, "+31611111111").stuur("hallo")


def test_a_redelivery_does_not_count_against_the_rate_limit(client, fake_pdok, settings):
    settings.SMS_BERICHTEN_PER_UUR = 2
    telefoon = Telefoon(client)
    eerste = telefoon.stuur("hallo", sid="SM" + "b" * 32)
    for _ in range(3):
        assert telefoon.stuur("hallo", sid="SM" + "b" * 32) == eerste
    assert "Wat zag u" in telefoon.stuur("hallo")
