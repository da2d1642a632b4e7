"""Issue 14, the harassment flag: bursts of reports about one spot from one channel, or many in a short
time, are flagged on the queue and the melding page before anything is passed on."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldingen.selectors import meldingen_intimidatie
from privacy.anonymity import truncate_to_hour
from tests.factories import BIJLMERPLEIN, MeldingFactory
from tests.hotspots.conftest import verschoven

pytestmark = pytest.mark.django_db


def _uur(n: int):
    return truncate_to_hour(timezone.now()) - timedelta(hours=n)


def _ids(meldingen):
    return [m.pk for m in meldingen]


def test_drie_sms_over_een_deur_binnen_twee_uur():
    burst = [
        MeldingFactory(latlon=verschoven(BIJLMERPLEIN, i * 3, 0), kanaal="sms", ontvangen_op=_uur(5 - (i % 2)))
        for i in range(3)
    ]
    signalen = meldingen_intimidatie(ids=_ids(burst))
    assert set(signalen) == set(_ids(burst))
    assert signalen[burst[0].pk].zelfde_kanaal == 3


def test_twee_is_geen_patroon_en_afstand_telt():
    twee = [MeldingFactory(kanaal="sms", ontvangen_op=_uur(3)) for _i in range(2)]
    ver = MeldingFactory(latlon=verschoven(BIJLMERPLEIN, 120, 0), kanaal="sms", ontvangen_op=_uur(3))
    assert meldingen_intimidatie(ids=[*_ids(twee), ver.pk]) == {}


def test_vijf_binnen_een_dag_via_alle_kanalen():
    campagne = [MeldingFactory(kanaal=("web", "sms", "telefoon")[i % 3], ontvangen_op=_uur(4 * i)) for i in range(5)]
    assert set(meldingen_intimidatie(ids=_ids(campagne))) >= {campagne[2].pk}
    # spread over a week the same five are a place people keep reporting, not a burst
    week = [
        MeldingFactory(latlon=verschoven(BIJLMERPLEIN, 0, 400), kanaal="web", ontvangen_op=_uur(30 * i))
        for i in range(5)
    ]
    assert meldingen_intimidatie(ids=_ids(week)) == {}


def test_afgewezen_meldingen_tellen_niet_mee():
    echt = MeldingFactory(kanaal="sms", ontvangen_op=_uur(2))
    for _i in range(3):
        MeldingFactory(kanaal="sms", ontvangen_op=_uur(2), status="afgewezen", afwijs_reden="spam")
    assert meldingen_intimidatie(ids=[echt.pk]) == {}


def test_vlag_op_wachtrij_en_meldingpagina(coordinator):
    burst = [MeldingFactory(kanaal="sms", ontvangen_op=_uur(2)) for _i in range(3)]
    c = Client()
    c.force_login(coordinator)
    wachtrij = c.get(reverse("coordinatie:werkscherm")).content.decode()
    assert wachtrij.count("Mogelijk intimidatie") == 3
    pagina = c.get(reverse("coordinatie:melding", args=[burst[0].pk])).content.decode()
    assert "Mogelijk intimidatie: 3 meldingen over deze plek" in pagina
