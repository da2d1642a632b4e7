"""Reading SMS text and counting segments: pure functions, no database."""

import pytest

from integrations.twilio import gesprek
from integrations.twilio.gesprek import T
from integrations.twilio.tekst import gsm_veilig, lezen, nummers, segmenten, sleutelwoord


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters take two septets
        ("€" * 81, 2),
        ("é" * 160, 1),  # é is in the GSM-7 basic set
        ("\u2019" + "a" * 69, 1),  # a curly quote makes it UCS-2
        ("\u2019" + "a" * 70, 2),
        ("\u2019" + "a" * 133, 2),
        ("\u2019" + "a" * 134, 3),
        ("😀" * 35, 1),  # an emoji is two UTF-16 units
        ("😀" * 36, 2),
    ],
)
def test_segmenten(tekst, verwacht):
    assert segmenten(tekst) == verwacht


def test_gsm_veilig_replaces_what_gsm7_lacks():
    assert gsm_veilig("Citroën \u2018t Café\u201d") == "Citroen 't Café\""
    assert segmenten(gsm_veilig("\u2019" + "a" * 200)) == 2


def test_every_fixed_text_fits_in_two_segments_with_the_longest_values():
    waarden = {"meldcode": "ABCDEFGHJK", "plek": "x" * gesprek.NAAM_MAX, "lijst": " ".join(["1 " + "x" * 60] * 3),
               "en_nummer": " and your number for updates", "buurt": "x" * 60, "datum": "2025-01-01",
               "label": "in behandeling", "wat": "x" * 60, "soort": "entrance/stairwell", "hoe_vaak": "x" * 20,
               "dagdeel": ", in the afternoon"}  # fmt: skip
    for sleutel, talen in T.items():
        for taal, tekst in talen.items():
            gevuld = tekst.format(**waarden)
            assert segmenten(gevuld) <= 2, (sleutel, taal, len(gevuld))
            assert segmenten(gevuld) == segmenten(gsm_veilig(gevuld)), (sleutel, taal)  # plain GSM-7


@pytest.mark.parametrize(
    ("tekst", "soort", "wat", "hoe_vaak", "dagdeel", "dag", "plek"),
    [
        ("Elke avond dealen bij de speeltuin op het Bijlmerplein", "speelplek", ["dealen"], "dagelijks", "avond",
         None, "Bijlmerplein"),
        ("Every night dealing at the playground on Dam Square", "speelplek", ["dealen"], "dagelijks", "nacht", None,
         "Dam"),
        ("Jongens verkopen drugs bij de ingang van de flat aan de Kerkstraat 100, Amsterdam", "portiek", ["dealen"],
         None, None, None, "Kerkstraat 100 Amsterdam"),
        ("Dealen op het Plein '40-'45 gisteravond", None, ["dealen"], None, "avond", -1, "Plein '40-'45"),
        ("scooters af en aan bij de garageboxen achter de Van Woustraat", "garagebox", ["aanloop"], None, None, None,
         "Van Woustraat"),
        ("vaak bedreigingen en een mes bij het parkeerdek", "parkeerplaats", ["intimidatie", "geweld"],
         "meerdere_keren", None, None, None),
        ("Ik wil iets melden", None, [], None, None, None, None),
        ("hallo", None, [], None, None, None, None),
    ],
)  # fmt: skip
def test_lezen(tekst, soort, wat, hoe_vaak, dagdeel, dag, plek):
    gelezen = lezen(tekst)
    assert gelezen.locatie_type == soort
    assert gelezen.waarnemingen == wat
    assert gelezen.frequentie == hoe_vaak
    assert gelezen.dagdeel == dagdeel
    assert gelezen.dag == dag
    assert (gelezen.plek.tekst if gelezen.plek else None) == plek


def test_a_crossing_gives_both_streets():
    plek = lezen("op de hoek van de Kerkstraat en de Leidsestraat").plek
    assert (plek.tekst, plek.kruising) == ("Kerkstraat", "Leidsestraat")


@pytest.mark.parametrize(
    ("tekst", "soort", "waarde"),
    [("STOP", "stop", ""), ("stop.", "stop", ""), ("Hulp", "hulp", ""), ("HELP!", "hulp", ""), ("EN", "en", ""),
     ("Ja", "ja", ""), ("yes", "ja", ""), ("Nee.", "nee", ""), ("no", "nee", ""), ("status ab23-cd45ef", "status",
     "ab23 cd45ef"), ("opnieuw", "opnieuw", "")],
)  # fmt: skip
def test_sleutelwoord(tekst, soort, waarde):
    assert sleutelwoord(tekst) == (sleutelwoord(tekst).__class__(soort, waarde))


def test_a_sentence_is_no_keyword():
    assert sleutelwoord("stop met dealen op het plein") is None


def test_nummers():
    assert nummers("1 5") == [1, 5]
    assert nummers("1, 5 en 7") == [1, 5, 7]
    assert nummers("Kerkstraat 100") is None
