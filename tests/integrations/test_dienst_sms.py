"""Duty SMS (issue 15): an urgent action assigned to an organisation with a duty number sends one text
through the real twilio client to the loopback Twilio; the number is stored encrypted, never in clear in
the database or the logs; normal actions and organisations without a number send nothing."""

import logging

import pytest
from django.db import connection

from acties.services import actie_transition
from integrations.dienst_sms import dienstnummer_zetten
from integrations.models import UitgaandSms
from integrations.twilio.outbound import uitgaand_sms_versturen
from outbox.services import events_dispatch
from tests.integrations.test_sms_outbound import fake_twilio_server, twilio  # noqa: F401

pytestmark = pytest.mark.django_db
DIENST = "+31201234567"


def _toewijzen(voorstel, coordinator, org, urgentie):
    actie = voorstel("buurtschouw", urgentie=urgentie)
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["handhaving"])
    events_dispatch()
    return actie


def test_spoed_gaat_naar_het_dienstnummer(twilio, voorstel, coordinator, org, caplog, client, settings):  # noqa: F811
    settings.SITE_URL = "https://meldpunt.example"
    caplog.set_level(logging.DEBUG)
    dienstnummer_zetten(organisatie=org["handhaving"], nummer=DIENST)
    _toewijzen(voorstel, coordinator, org, "normaal")
    assert not UitgaandSms.objects.exists()  # a normal action: no text
    actie = _toewijzen(voorstel, coordinator, org, "spoed")
    sms = UitgaandSms.objects.get()
    events_dispatch()  # a repeat queues nothing
    assert UitgaandSms.objects.count() == 1
    assert uitgaand_sms_versturen(uitgaand_id=sms.pk).status == "verzonden"
    [verzonden] = twilio.sent
    assert verzonden["to"] == DIENST
    assert f"SPOED-actie {actie.pk}" in verzonden["body"]
    assert f"https://meldpunt.example/partner/acties/{actie.pk}/" in verzonden["body"]
    # never in clear: not in any table, not in the logs
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM integrations_dienstnummer d, integrations_uitgaandsms u "
            "WHERE encode(d.nummer_versleuteld, 'escape') LIKE %s OR u.tekst LIKE %s OR u.laatste_fout LIKE %s",
            ["%201234567%"] * 3,
        )
        assert cursor.fetchone()[0] == 0
    assert "201234567" not in caplog.text
    client.force_login(coordinator)
    pagina = client.get(f"/coordinatie/acties/{actie.pk}/").content.decode()
    assert "Sms naar het dienstnummer" in pagina
    assert "201234567" not in pagina


def test_zonder_dienstnummer_geen_sms(twilio, voorstel, coordinator, org):  # noqa: F811
    _toewijzen(voorstel, coordinator, org, "spoed")
    assert not UitgaandSms.objects.exists()


def test_beheer_zet_het_nummer_maar_toont_het_nooit(admin_client, org):
    antwoord = admin_client.post(
        "/beheer/integrations/dienstnummer/add/", {"organisatie": "politie", "nummer": "+31 20 765 4321"}, follow=True
    )
    assert antwoord.status_code == 200
    from integrations.models import DienstNummer
    from integrations.twilio.crypto import nummer_ontsleutelen

    dienst = DienstNummer.objects.get(organisatie_id="politie")
    assert nummer_ontsleutelen(dienst.nummer_versleuteld) == "+31207654321"
    wijzig = admin_client.get(f"/beheer/integrations/dienstnummer/{dienst.pk}/change/").content.decode()
    assert "7654321" not in wijzig
    fout = admin_client.post("/beheer/integrations/dienstnummer/add/", {"organisatie": "ymere", "nummer": "bel me"})
    assert "Geef een telefoonnummer" in fout.content.decode()
