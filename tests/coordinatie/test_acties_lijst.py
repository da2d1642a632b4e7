"""Issue 14: the coordinators' action list with its filters in the URL (status, type, partner, stadsdeel,
urgency, overdue), sorting, without JavaScript, and a query count that does not grow with the rows."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acties.services import actie_transition, actie_voorstellen
from tests.factories import DAM, MeldingFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _ids(antwoord) -> list[int]:
    return [a.pk for a in antwoord.context["pagina"].object_list]


@pytest.fixture
def acties(coordinator, typen, org):
    """Zuidoost: a police patrol (assigned) and an urgent box inspection (proposed); Centrum: a buurtschouw."""
    zuidoost = MeldingFactory()  # Bijlmerplein
    centrum = MeldingFactory(latlon=DAM)
    toezicht = actie_voorstellen(type=typen["extra_toezicht"], door=coordinator, meldingen=[zuidoost])
    actie_transition(actie=toezicht, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    boxen = actie_voorstellen(
        type=typen["box_controle"],
        door=coordinator,
        meldingen=[zuidoost],
        urgentie="spoed",
        verantwoordelijke=org["handhaving"],
    )
    schouw = actie_voorstellen(type=typen["buurtschouw"], door=coordinator, meldingen=[centrum])
    return {"toezicht": toezicht, "boxen": boxen, "schouw": schouw}


def test_filters_in_de_url(coordinator, acties):
    c = _client(coordinator)
    url = reverse("coordinatie:acties")
    assert set(_ids(c.get(url))) == {a.pk for a in acties.values()}
    assert _ids(c.get(url, {"status": "toegewezen"})) == [acties["toezicht"].pk]
    assert _ids(c.get(url, {"type": "box_controle"})) == [acties["boxen"].pk]
    assert _ids(c.get(url, {"partner": "politie"})) == [acties["toezicht"].pk]
    assert _ids(c.get(url, {"urgentie": "spoed"})) == [acties["boxen"].pk]
    assert set(_ids(c.get(url, {"stadsdeel": "T"}))) == {acties["toezicht"].pk, acties["boxen"].pk}
    assert _ids(c.get(url, {"stadsdeel": "A"})) == [acties["schouw"].pk]
    assert _ids(c.get(url, {"sortering": "oudste"}))[0] == acties["toezicht"].pk
    assert _ids(c.get(url, {"sortering": "nieuwste"}))[0] == acties["schouw"].pk
    # an unknown value is an error on its field, in Dutch, and filters nothing
    fout = c.get(url, {"status": "weg", "stadsdeel": "'; DROP TABLE"})
    assert fout.status_code == 200
    assert "Selecteer een geldige keuze" in fout.content.decode()


def test_te_laat_filter_en_markering(coordinator, acties):
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        antwoord = _client(coordinator).get(reverse("coordinatie:acties"), {"te_laat": "on"})
        assert _ids(antwoord) == [acties["toezicht"].pk]  # 3 days to accept have passed
        assert "te laat" in antwoord.content.decode()


def test_aantal_queries_groeit_niet_met_de_rijen(coordinator, typen, acties, django_assert_max_num_queries):
    c = _client(coordinator)
    c.get(reverse("coordinatie:acties"))  # warm the session and the code lists' caches
    with django_assert_max_num_queries(12) as weinig:
        c.get(reverse("coordinatie:acties"))
    for _i in range(30):
        actie_voorstellen(type=typen["buurtschouw"], door=coordinator, meldingen=[MeldingFactory()])
    with django_assert_max_num_queries(len(weinig.captured_queries)):
        antwoord = c.get(reverse("coordinatie:acties"))
    assert len(_ids(antwoord)) == 33


def test_werkt_zonder_javascript_en_alleen_voor_coordinatie(coordinator, partners, acties):
    html = _client(coordinator).get(reverse("coordinatie:acties"), {"partner": "politie"}).content.decode()
    assert '<form method="get" action="/coordinatie/acties/"' in html
    assert "<script" not in html.split("<main", 1)[1]
    assert _client(partners["politie"]).get(reverse("coordinatie:acties")).status_code == 403
