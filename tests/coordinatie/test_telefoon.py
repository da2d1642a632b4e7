"""Issue 17: staff enter a report taken by phone through the residents' form, service and rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Rol
from meldingen.models import Melding

pytestmark = pytest.mark.django_db


def _gegevens(**extra):
    data = {
        "adres": "Bijlmerplein 1",
        "locatie_type": "speelplek",
        "waarnemingen": ["dealen"],
        "datum": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "dagdeel": "avond",
        "frequentie": "dagelijks",
        "omschrijving": "Beller zag handel bij de speeltuin. Bel mij terug op 06-12345678.",
        "inzend_sleutel": "telefoon-sleutel-1",
        "actie": "versturen",
    }
    data.update(extra)
    return data


def test_een_telefonische_melding_gaat_door_dezelfde_regels(als, client, fake_pdok):
    als(Rol.COORDINATOR)
    assert "Melding van de telefoon invoeren" in client.get(reverse("coordinatie:melding_telefoon")).content.decode()
    antwoord = client.post(reverse("coordinatie:melding_telefoon"), _gegevens(), follow=True)
    melding = Melding.objects.get()
    assert melding.kanaal == "telefoon"
    assert melding.buurt.naam  # placed in its buurt by the same service
    assert "12345678" not in melding.omschrijving  # contact details taken out, as on the web form
    assert melding.ontvangen_op.minute == 0  # the filing hour only
    assert f"Geef de beller de meldcode: {melding.meldcode}" in antwoord.content.decode()
    # a double click files it once
    client.post(reverse("coordinatie:melding_telefoon"), _gegevens())
    assert Melding.objects.count() == 1
    # the same checks: a date in the future is refused with the form's message
    fout = client.post(
        reverse("coordinatie:melding_telefoon"),
        _gegevens(datum=(timezone.localdate() + timedelta(days=2)).isoformat(), inzend_sleutel="ander"),
    )
    assert fout.status_code == 400
    assert "Deze datum ligt in de toekomst." in fout.content.decode()


def test_auditor_en_partner_mogen_geen_melding_invoeren(als, client):
    for rol in (Rol.AUDITOR, Rol.PARTNER):
        als(rol, f"t-{rol}")
        assert client.post(reverse("coordinatie:melding_telefoon"), _gegevens()).status_code in (302, 403)
    assert not Melding.objects.exists()
