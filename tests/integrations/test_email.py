"""E-mail about actions (issue 15) through Django's SMTP backend to a real SMTP server on loopback
(aiosmtpd): a new ticket and a reminder to the partner's mailbox, an escalation and a declined action to
the coordinators; Dutch, with the link, never a reporter's words; once per event and recipient; a mail
server that is down leaves a `mislukt` row that the hourly sweep sends later."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from acties.models import Actie
from acties.services import actie_transition, acties_termijnen_bewaken
from integrations.email import emails_herproberen
from integrations.models import VerzondenEmail
from outbox.services import events_dispatch
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db
GEHEIM = "GEHEIM-woorden-van-de-melder-3310"


def _vrije_poort() -> int:
    # aiosmtpd's Controller checks its server by connecting to the port it was given: not 0.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(postbus) -> tuple[Controller, int]:
    poort = _vrije_poort()
    controller = Controller(postbus, hostname="127.0.0.1", port=poort)
    controller.start()
    return controller, poort


class _Postbus:
    def __init__(self):
        self.berichten = []

    async def handle_DATA(self, server, session, envelope):
        self.berichten.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 OK"


@pytest.fixture
def smtp():
    postbus = _Postbus()
    controller, poort = _server(postbus)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=poort,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        SITE_URL="https://meldpunt.example",
        COORDINATIE_EMAIL=["coordinatie@amsterdam.example"],
    ):
        yield postbus
    controller.stop()


@pytest.fixture
def mailbox(org):
    type(org["handhaving"]).objects.filter(code="handhaving").update(contact_email="team@handhaving.example")


def _tekst(bericht) -> str:
    return bericht.get_content()


def test_nieuw_ticket_weigering_herinnering_en_escalatie(smtp, mailbox, voorstel, coordinator, org, partners):
    actie = voorstel("buurtschouw", meldingen=[MeldingFactory(omschrijving=GEHEIM)])
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["handhaving"])
    events_dispatch()
    [(aan, bericht)] = smtp.berichten
    assert aan == ["team@handhaving.example"]
    assert bericht["Subject"].strip() == f"Nieuwe actie {actie.pk}: Buurtschouw"
    assert f"https://meldpunt.example/partner/acties/{actie.pk}/" in _tekst(bericht)
    # a reminder before the acceptance deadline, an escalation after it
    Actie.objects.filter(pk=actie.pk).update(deadline_accepteren=timezone.now() + timedelta(hours=2))
    acties_termijnen_bewaken()
    Actie.objects.filter(pk=actie.pk).update(deadline_accepteren=timezone.now() - timedelta(hours=1))
    acties_termijnen_bewaken()
    events_dispatch()
    onderwerpen = [b["Subject"].strip() for _a, b in smtp.berichten]
    assert any(o.startswith(f"Herinnering: actie {actie.pk} accepteren") for o in onderwerpen), onderwerpen
    assert f"Te laat: actie {actie.pk} is niet op tijd geaccepteerd" in onderwerpen
    actie_transition(actie=actie, naar="geweigerd", actor=partners["handhaving"], reden="Geen capaciteit")
    events_dispatch()
    aan, geweigerd = smtp.berichten[-1]
    assert aan == ["coordinatie@amsterdam.example"]
    assert "geweigerd" in geweigerd["Subject"]
    assert f"https://meldpunt.example/coordinatie/acties/{actie.pk}/" in _tekst(geweigerd)
    for _a, b in smtp.berichten:
        assert GEHEIM not in b.as_string()
        assert "Geen capaciteit" not in b.as_string()  # the partner's reason stays behind the login
    # a repeated delivery of the events sends nothing twice
    aantal = len(smtp.berichten)
    from integrations.email import emails_versturen
    from outbox.models import Event

    for event in Event.objects.all():
        emails_versturen(event=event)
    assert len(smtp.berichten) == aantal
    assert VerzondenEmail.objects.filter(status="verzonden").count() == aantal


def test_mailserver_plat_dan_later_alsnog(mailbox, voorstel, coordinator, org, client):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=9,
        EMAIL_TIMEOUT=2,
    ):
        actie = voorstel("buurtschouw")
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["handhaving"])
        events_dispatch()
    rij = VerzondenEmail.objects.get()
    assert (rij.status, rij.pogingen) == ("mislukt", 1)
    client.force_login(coordinator)
    pagina = client.get(f"/coordinatie/acties/{actie.pk}/").content.decode()
    assert "team@handhaving.example" in pagina
    assert "Mislukt" in pagina
    postbus = _Postbus()
    controller, poort = _server(postbus)
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=poort
        ):
            assert emails_herproberen() == 1
            assert emails_herproberen() == 0
    finally:
        controller.stop()
    assert len(postbus.berichten) == 1
    rij.refresh_from_db()
    assert (rij.status, rij.pogingen) == ("verzonden", 2)
