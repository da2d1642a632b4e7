"""Issue 17: a melding is closed without an action with a message the reporter reads, reopened, and an
accidental accept or reject undone: each through the workflow service, each with its own history row."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Rol
from meldingen.models import MeldingEvent
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db


def _stap(client, melding, actie, **data):
    return client.post(reverse("coordinatie:triage", args=[melding.pk]), {"actie": actie, **data}, follow=True)


def _status_pagina(meldcode: str) -> str:
    return Client().post(reverse("meldingen:status_zoeken"), {"meldcode": meldcode}).content.decode()


def _historie(melding) -> list[tuple[str, str]]:
    return list(MeldingEvent.objects.filter(melding=melding).order_by("id").values_list("van", "naar"))


def test_afhandelen_zonder_actie_met_een_bericht_dat_de_melder_leest(als, client):
    melding = MeldingFactory()
    als(Rol.COORDINATOR)
    # without a message: refused, with a clear reason, nothing changed
    leeg = _stap(client, melding, "afhandelen", bericht="  ")
    assert "Schrijf een bericht voor de melder" in leeg.content.decode()
    melding.refresh_from_db()
    assert melding.status == "nieuw"
    # with one: new → in behandeling → afgehandeld, and the status page shows the message
    _stap(client, melding, "afhandelen", bericht="Bekeken met de wijkagent; hier is geen handel gezien.")
    melding.refresh_from_db()
    assert melding.status == "afgehandeld"
    assert _historie(melding)[-2:] == [("nieuw", "in_behandeling"), ("in_behandeling", "afgehandeld")]
    assert "Bekeken met de wijkagent; hier is geen handel gezien." in _status_pagina(melding.meldcode)
    # reopened: back in behandeling, and the old message is no longer shown as the outcome
    pagina = client.get(reverse("coordinatie:melding", args=[melding.pk])).content.decode()
    assert 'value="heropenen"' in pagina
    _stap(client, melding, "heropenen")
    melding.refresh_from_db()
    assert melding.status == "in_behandeling"
    assert "Bekeken met de wijkagent" not in _status_pagina(melding.meldcode)


def test_accepteren_en_afwijzen_ongedaan_maken(als, client):
    melding = MeldingFactory()
    als(Rol.COORDINATOR)
    _stap(client, melding, "accepteren")
    pagina = client.get(reverse("coordinatie:melding", args=[melding.pk])).content.decode()
    assert "Accepteren ongedaan maken" in pagina
    _stap(client, melding, "ongedaan")
    melding.refresh_from_db()
    assert melding.status == "nieuw"
    # a rejection as a duplicate, undone: the link to the original is gone too
    origineel = MeldingFactory()
    antwoord = _stap(client, melding, "dubbel", origineel=origineel.meldcode)
    melding.refresh_from_db()
    assert (melding.status, melding.duplicaat_van_id) == ("afgewezen", origineel.pk), antwoord.content.decode()
    _stap(client, melding, "ongedaan")
    melding.refresh_from_db()
    assert (melding.status, melding.duplicaat_van_id) == ("nieuw", None)
    # accepted, then rejected: reopening returns it to in behandeling, where it was
    _stap(client, melding, "accepteren")
    _stap(client, melding, "afwijzen", reden="spam")
    _stap(client, melding, "heropenen")
    melding.refresh_from_db()
    assert melding.status == "in_behandeling"
    # the history keeps every step, the undos included
    assert _historie(melding) == [
        ("nieuw", "in_behandeling"),
        ("in_behandeling", "nieuw"),
        ("nieuw", "afgewezen"),
        ("afgewezen", "nieuw"),
        ("nieuw", "in_behandeling"),
        ("in_behandeling", "afgewezen"),
        ("afgewezen", "in_behandeling"),
    ]
    # nothing to undo after a reopen: refused with a message, no change
    weigering = _stap(client, melding, "ongedaan").content.decode()
    assert "Alleen accepteren en afwijzen kunnen ongedaan worden gemaakt." in weigering
    melding.refresh_from_db()
    assert melding.status == "in_behandeling"


def test_de_auditor_ziet_geen_knoppen_en_mag_niet(als, client):
    melding = MeldingFactory(status="afgehandeld")
    als(Rol.AUDITOR)
    pagina = client.get(reverse("coordinatie:melding", args=[melding.pk])).content.decode()
    assert 'value="heropenen"' not in pagina
    assert 'name="actie"' not in pagina
    assert client.post(reverse("coordinatie:triage", args=[melding.pk]), {"actie": "heropenen"}).status_code == 403
    melding.refresh_from_db()
    assert melding.status == "afgehandeld"
