"""The SMS menus come from the code tables administrators edit (meldingen.LocatieType, Waarneming), the
same active rows in the same `volgorde` as the web form; nothing is copied into the SMS code."""

import pytest

from integrations.twilio.gesprek import Codes, menu
from integrations.twilio.tekst import segmenten
from meldingen.models import LocatieType, Melding, Waarneming
from meldingen.validation import forget_code_cache
from tests.integrations.test_sms_webhook import Telefoon


@pytest.fixture(autouse=True)
def _verse_codes():
    # code_list keeps the lists a minute per process; the table edits below must be seen now, and must
    # not leak into later tests after the rollback.
    forget_code_cache()
    yield
    forget_code_cache()


@pytest.fixture
def beheerde_plekken():
    """An administrator relabels one kind of place, adds one (without any SMS keywords) and retires one."""
    LocatieType.objects.filter(code="school").update(label_nl="Schoolplein", label_en="Schoolyard")
    LocatieType.objects.create(code="bouwplaats", label_nl="Bouwterrein", label_en="Building site", volgorde=1)
    LocatieType.objects.filter(code="spookwoning").update(actief=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("taal", "verwacht", "weg"),
    [
        ("nl", "Stuur een nummer: 1 Speelplek 2 Bouwterrein 3 Schoolplein 4 ", "Spookwoning"),
        ("en", "Send a number: 1 Playground 2 Building site 3 Schoolyard 4 ", "Ghost"),
    ],
)
def test_the_place_menu_shows_the_table_as_the_administrator_left_it(client, fake_pdok, beheerde_plekken, taal,
                                                                     verwacht, weg):  # fmt: skip
    # given a resident in Dutch or English who has said where and what
    telefoon = Telefoon(client)
    if taal == "en":
        telefoon.stuur("EN")
    telefoon.stuur("Kerkstraat 100")
    # when the kind of place is asked
    vraag = telefoon.stuur("1")
    # then the menu numbers the active rows in their order, with the labels from the table
    assert verwacht in vraag
    assert weg not in vraag
    assert vraag.endswith("Andere plek" if taal == "nl" else "Other place")  # 13 rows: 12 old, 1 new, 1 retired


@pytest.mark.django_db
def test_a_code_added_by_an_administrator_can_be_chosen_by_number(client, fake_pdok, beheerde_plekken):
    telefoon = Telefoon(client)
    telefoon.stuur("Kerkstraat 100")
    telefoon.stuur("1")
    # when the resident picks the new kind of place by its number
    telefoon.stuur("2")
    samenvatting = telefoon.stuur("3")
    # then the summary names it by its label and the melding carries its code
    assert "bij bouwterrein" in samenvatting
    telefoon.stuur("JA")
    assert Melding.objects.get().locatie_type_id == "bouwplaats"


@pytest.mark.django_db
def test_the_observation_menu_follows_its_table(client, fake_pdok):
    # given the administrator renamed "dealen" and retired "ronselen"
    Waarneming.objects.filter(code="dealen").update(label_nl="Drugs verkopen", label_en="Selling drugs")
    Waarneming.objects.filter(code="ronselen").update(actief=False)
    telefoon = Telefoon(client)
    # when what was seen is asked
    vraag = telefoon.stuur("Kerkstraat 100")
    # then the menu shows the new label and numbers on without the retired code
    assert "Stuur een of meer nummers: 1 Drugs verkopen 2 Veel aanloop 3 Opslag van drugs of spullen 4 Bedreiging" in (
        vraag
    )
    assert "loopjongen" not in vraag
    # and the numbers the resident sends map to the codes of those rows
    telefoon.stuur("1 4")
    telefoon.stuur("1")
    telefoon.stuur("1")
    telefoon.stuur("JA")
    assert Melding.objects.get().waarnemingen == ["dealen", "intimidatie"]


@pytest.mark.django_db
def test_keywords_of_a_retired_code_are_not_recognised(client, fake_pdok):
    # given "speelplek" is no longer offered
    LocatieType.objects.filter(code="speelplek").update(actief=False)
    telefoon = Telefoon(client)
    # when a message names a playground
    antwoord = telefoon.stuur("Elke avond dealen bij de speeltuin op het Bijlmerplein")
    # then the kind of place is asked instead of filled in with a code the form no longer offers
    assert antwoord.startswith("Wat voor plek is het? Stuur een nummer: 1 School 2 ")
    assert "Speelplek" not in antwoord


def test_a_long_table_is_shortened_to_two_segments_and_keeps_every_number():
    # given labels written for the web form, far too long for an SMS
    lang = tuple(
        (f"code{i}", f"Plek nummer {i}, met een lange uitleg, en nog meer woorden", f"Place {i}, explained at length")
        for i in range(1, 14)
    )
    codes = Codes(waarnemingen=(), locatie_types=lang)
    for taal in ("nl", "en"):
        # when the menu is built after a prefix
        tekst = menu("soort", taal, codes, "Sorry, dat begreep ik niet. ")
        # then it fits and every choice still has its number
        assert segmenten("Sorry, dat begreep ik niet. " + tekst) <= 2
        for i in range(1, 14):
            assert f" {i} " in tekst + " "
