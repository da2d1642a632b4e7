import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from meldingen.models import MeldingEvent
from meldingen.services import melding_transition
from meldingen.workflow import ALLOWED, AfwijsReden, InvalidTransition, MeldingStatus
from tests.factories import MeldingFactory

pytestmark = pytest.mark.django_db

STATUSES = list(MeldingStatus.values)


def melding_in(status: str):
    extra = {"afwijs_reden": AfwijsReden.SPAM} if status == MeldingStatus.AFGEWEZEN else {}
    return MeldingFactory(status=status, **extra)


@pytest.mark.parametrize(("van", "naar"), list(itertools.product(STATUSES, STATUSES)))
def test_every_pair_of_the_transition_table(van, naar, django_user_model):
    # given
    melding = melding_in(van)
    coordinator = django_user_model.objects.create_user("coordinator")
    kwargs = {"reden": AfwijsReden.GEEN_DRUGSOVERLAST} if naar == MeldingStatus.AFGEWEZEN else {}
    # when / then
    if naar in ALLOWED[van]:
        event = melding_transition(melding=melding, naar=naar, actor=coordinator, toelichting="waarom", **kwargs)
        melding.refresh_from_db()
        assert melding.status == naar
        assert (event.van, event.naar, event.actor, event.toelichting) == (van, naar, coordinator, "waarom")
    else:
        with pytest.raises(InvalidTransition):
            melding_transition(melding=melding, naar=naar, actor=coordinator, **kwargs)
        melding.refresh_from_db()
        assert melding.status == van
        assert not MeldingEvent.objects.filter(melding=melding).exists()


def test_rejecting_needs_a_reason():
    melding = melding_in(MeldingStatus.NIEUW)
    with pytest.raises(ValidationError):
        melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None)
    melding.refresh_from_db()
    assert melding.status == MeldingStatus.NIEUW


def test_duplicate_keeps_a_link_to_its_root_original():
    # given an original and a duplicate of it
    origineel = melding_in(MeldingStatus.IN_BEHANDELING)
    eerste = melding_in(MeldingStatus.NIEUW)
    melding_transition(melding=eerste, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="dubbel", origineel=origineel)
    # when a third is marked as a duplicate of the duplicate
    tweede = melding_in(MeldingStatus.NIEUW)
    melding_transition(melding=tweede, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="dubbel", origineel=eerste)
    # then both point at the root
    eerste.refresh_from_db()
    tweede.refresh_from_db()
    assert eerste.duplicaat_van == origineel
    assert tweede.duplicaat_van == origineel
    assert tweede.afwijs_reden == "dubbel"


def test_duplicate_needs_another_melding():
    melding = melding_in(MeldingStatus.NIEUW)
    with pytest.raises(ValidationError):
        melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="dubbel")
    with pytest.raises(ValidationError):
        melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="dubbel", origineel=melding)


def test_reopening_a_rejected_duplicate_clears_the_link():
    origineel = melding_in(MeldingStatus.NIEUW)
    melding = melding_in(MeldingStatus.NIEUW)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="dubbel", origineel=origineel)
    melding_transition(melding=melding, naar=MeldingStatus.NIEUW, actor=None, toelichting="toch niet dubbel")
    melding.refresh_from_db()
    assert (melding.status, melding.afwijs_reden, melding.duplicaat_van) == ("nieuw", "", None)
    assert list(melding.events.values_list("van", "naar")) == [("nieuw", "afgewezen"), ("afgewezen", "nieuw")]


def test_history_is_append_only_in_the_database():
    melding = melding_in(MeldingStatus.NIEUW)
    event = melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        MeldingEvent.objects.filter(pk=event.pk).update(naar="afgehandeld")


def test_public_status_of_a_duplicate_follows_its_original(client):
    origineel = melding_in(MeldingStatus.IN_BEHANDELING)
    melding = melding_in(MeldingStatus.NIEUW)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="dubbel", origineel=origineel)
    body = client.get(f"/api/v1/meldingen/{melding.meldcode}/status").json()
    assert body["status"] == "in_behandeling"
    assert "samengevoegd" in body["toelichting"]


def test_rejected_as_spam_is_shown_as_closed_without_the_reason(client):
    melding = melding_in(MeldingStatus.NIEUW)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=None, reden="spam")
    html = client.post("/melden/status/", {"meldcode": melding.meldcode}).content.decode()
    assert "Afgesloten" in html
    assert "spam" not in html.lower()
