"""The public form at /melden/, driven without JavaScript (plain POSTs), as a keyboard or screen reader
user without scripts would use it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from meldingen.models import Melding
from tests.factories import BIJLMERPLEIN, UTRECHT_DOMPLEIN, MeldingFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "adres": "",
        "locatie_type": "speelplek",
        "waarnemingen": ["dealen", "ronselen"],
        "datum": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "dagdeel": "avond",
        "frequentie": "dagelijks",
        "melder_rol": "bewoner",
        "omschrijving": "Elke avond wordt er gedeald bij de speeltuin.",
        "actie": "versturen",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_get_shows_the_form_in_dutch(client):
    response = client.get("/melden/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Drugsoverlast melden" in html
    assert 'name="adres"' in html


def test_form_in_english_under_the_en_prefix(client):
    response = client.get("/en/melden/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Report drug-related nuisance" in html


def test_address_with_one_hit_files_the_melding(client, fake_pdok):
    # given a typed address that PDOK knows exactly once
    # when
    response = client.post("/melden/", form_data(adres="Bijlmerplein 1"))
    # then the answer is the thank-you page itself, with the meldcode, not a redirect to a URL holding it
    assert response.status_code == 200
    melding = Melding.objects.get()
    assert melding.meldcode in response.content.decode()
    assert melding.locatie_omschrijving.startswith("Bijlmerplein 1")
    assert melding.buurt.wijk.stadsdeel_id == "T"
    assert melding.dagdeel == "avond"
    assert melding.frequentie == "dagelijks"
    assert melding.observed_at.astimezone(timezone.get_current_timezone()).hour == 21
    assert fake_pdok.requests, "the address was geocoded through the PDOK client"


def test_thank_you_page_shows_meldcode_and_posts_it_to_the_status(client, fake_pdok):
    response = client.post("/melden/", form_data(adres="Bijlmerplein 1"), follow=True)
    melding = Melding.objects.get()
    html = response.content.decode()
    assert melding.meldcode in html
    # the way to the status is a POST of the code, and no link or address on the page holds the code
    knop = re.search(r'action="/melden/status/">\s*<input type="hidden" name="meldcode" value="(\w+)"', html)
    assert knop is not None
    assert knop.group(1) == melding.meldcode
    assert not re.search(rf"(href|action)=\"[^\"]*{melding.meldcode}", html)
    assert "Later vult u de code in op http://testserver/melden/status/</p>" in html


def test_address_with_several_hits_asks_to_choose_and_keeps_input(client, fake_pdok):
    # when
    response = client.post("/melden/", form_data(adres="Kerkstraat", omschrijving="mijn eigen woorden"))
    # then nothing is stored yet, the candidates are offered, and what was typed stays
    assert response.status_code == 400
    html = response.content.decode()
    assert Melding.objects.count() == 0
    keuzes = re.findall(r'name="adres_keuze" value="([^"]+)"', html)
    assert 2 <= len(keuzes) <= 3
    assert "mijn eigen woorden" in html
    assert "Kies de plek die u bedoelt" in html
    # when the reporter picks one
    response = client.post("/melden/", form_data(adres="Kerkstraat", adres_keuze=keuzes[0].replace("&#x27;", "'")))
    # then
    assert response.status_code == 200
    assert Melding.objects.get().locatie_omschrijving.startswith("Kerkstraat")


def test_address_not_found_says_so(client, fake_pdok):
    response = client.post("/melden/", form_data(adres="Nergensstraat 999"))
    assert response.status_code == 400
    assert "We vonden deze plek niet in Amsterdam" in response.content.decode()
    assert Melding.objects.count() == 0


def test_geocoder_down_gives_a_human_error_and_keeps_input(client, fake_pdok):
    fake_pdok.fail_next = 500
    response = client.post("/melden/", form_data(adres="Bijlmerplein 1", omschrijving="bewaar dit"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "lukt nu even niet" in html
    assert "bewaar dit" in html


def test_search_button_only_looks_up_without_judging_other_fields(client, fake_pdok):
    response = client.post("/melden/", {"adres": "Bijlmerplein 1", "actie": "zoeken"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bijlmerplein 1, 1102DA Amsterdam" in html
    assert re.search(r'name="adres_keuze" value="[^"]+"[^>]*checked', html)
    assert "Er ging iets mis" not in html
    assert Melding.objects.count() == 0


def test_pin_outside_amsterdam_is_refused_and_form_keeps_input(client):
    lat, lon = UTRECHT_DOMPLEIN
    response = client.post("/melden/", form_data(lat=lat, lon=lon, omschrijving="dit blijft staan"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "buiten Amsterdam" in html
    assert "dit blijft staan" in html
    assert Melding.objects.count() == 0


def test_pin_on_the_map_needs_no_geocoder(client):
    lat, lon = BIJLMERPLEIN
    response = client.post("/melden/", form_data(lat=lat, lon=lon))
    assert response.status_code == 200
    assert Melding.objects.get().buurt.wijk.stadsdeel_id == "T"


def test_no_location_at_all(client):
    response = client.post("/melden/", form_data())
    assert response.status_code == 400
    assert "Vul een adres of plek in" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"locatie_type": None}, "Dit veld is vereist"),
        ({"locatie_type": "ruimteschip"}, "Selecteer een geldige keuze"),
        ({"waarnemingen": None}, "Dit veld is vereist"),
        ({"waarnemingen": ["toveren"]}, "Selecteer een geldige keuze"),
        ({"datum": "31-02-2026"}, "Voer een geldige datum in"),
        ({"datum": (timezone.localdate() + timedelta(days=3)).isoformat()}, "in de toekomst"),
        ({"datum": (timezone.localdate() - timedelta(days=500)).isoformat()}, "langer dan een jaar"),
        ({"dagdeel": None}, "Dit veld is vereist"),
        ({"frequentie": "soms"}, "Selecteer een geldige keuze"),
        ({"melder_rol": "agent"}, "Selecteer een geldige keuze"),
        ({"omschrijving": "x" * 2001}, "maximaal 2000 tekens (nu 2001)"),
    ],
)
def test_each_field_is_validated_in_dutch(client, overrides, message):
    lat, lon = BIJLMERPLEIN
    response = client.post("/melden/", form_data(lat=lat, lon=lon, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="foutsamenvatting"' in html
    assert Melding.objects.count() == 0


def test_status_page_shows_status_not_the_report(client, fake_pdok):
    client.post("/melden/", form_data(adres="Bijlmerplein 1", omschrijving="heel persoonlijk verhaal"))
    melding = Melding.objects.get()
    response = client.post("/melden/status/", {"meldcode": melding.meldcode})
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Ontvangen" in html
    assert melding.meldcode in html
    assert "persoonlijk verhaal" not in html
    assert "Bijlmerplein 1" not in html  # not even the exact place


def test_status_lookup_normalises_what_was_typed_and_answers_the_post_itself(client):
    melding = MeldingFactory(meldcode="ABCDEFGH23")
    response = client.post("/melden/status/", {"meldcode": "abcd-efgh 23"})
    assert response.status_code == 200  # the status page itself, not a redirect to a URL with the code
    assert not response.has_header("Location")
    assert f'<dd id="meldcode">{melding.meldcode}</dd>' in response.content.decode()


def test_status_lookup_without_a_code_asks_for_it(client):
    response = client.post("/melden/status/", {"meldcode": " - "})
    assert response.status_code == 400
    assert "Vul uw meldcode in" in response.content.decode()


def test_unknown_codes_are_rate_limited_per_client(client, settings):
    settings.STATUS_LOOKUP_MISSES_PER_HOUR = 3
    for _ in range(3):
        response = client.post("/melden/status/", {"meldcode": "ZZZZZZZZZZ"}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 404
        assert "We kennen de meldcode ZZZZZZZZZZ niet" in response.content.decode()
    blocked = client.post("/melden/status/", {"meldcode": "ZZZZZZZZZZ"}, REMOTE_ADDR="198.51.100.7")
    assert blocked.status_code == 429
    assert "te vaak" in blocked.content.decode()
    # another client is not blocked
    assert client.post("/melden/status/", {"meldcode": "ZZZZZZZZZZ"}, REMOTE_ADDR="198.51.100.8").status_code == 404


def test_address_suggestions_json_for_the_map(client, fake_pdok):
    response = client.get("/melden/adres/", {"q": "Kerkstraat"})
    assert response.status_code == 200
    resultaten = response.json()["resultaten"]
    assert 2 <= len(resultaten) <= 3
    assert {"lat", "lon", "naam"} <= set(resultaten[0])


def test_reverse_lookup_for_a_map_click(client, fake_pdok):
    response = client.get("/melden/adres/omgekeerd/", {"lat": 52.3130, "lon": 4.9513})
    assert response.json()["naam"].startswith("Bijlmerplein")


def test_there_is_no_thank_you_url_to_guess_meldcodes_with(client):
    # the thank-you page is only ever the answer to the POST that filed the melding
    assert client.get("/melden/ontvangen/ZZZZZZZZZZ/").status_code == 404


def test_een_te_lange_tekst_wordt_geweigerd_nooit_afgeknipt(client):
    # issue 17: no maxlength in the page (a browser cuts pasted text off there without a word)
    html = client.get("/melden/").content.decode()
    tekstvak = re.search(r"<textarea[^>]*>", html).group(0)
    assert "maxlength" not in tekstvak
    assert 'data-max="2000"' in tekstvak
    lat, lon = BIJLMERPLEIN
    antwoord = client.post("/melden/", form_data(lat=lat, lon=lon, omschrijving="a" * 2500)).content.decode()
    assert "Gebruik maximaal 2000 tekens (nu 2500). Maak uw tekst korter; er is niets verstuurd." in antwoord
    assert "a" * 2500 in antwoord  # what was typed is still there to shorten
    assert Melding.objects.count() == 0


def test_de_foutsamenvatting_linkt_naar_de_velden_zelf_en_elke_verwijzing_bestaat(client):
    lat, lon = BIJLMERPLEIN
    html = client.post(
        "/melden/", form_data(lat=lat, lon=lon, locatie_type=None, datum="x", omschrijving="b" * 2001)
    ).content.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    links = re.findall(r'<div class="foutsamenvatting".*?</div>', html, re.S)[0]
    doelen = re.findall(r'href="#([^"]+)"', links)
    assert doelen == ["id_locatie_type_0", "id_datum", "id_omschrijving"]
    assert set(doelen) <= ids
    for verwijzing in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(verwijzing.split()) <= ids, verwijzing


def test_bedankt_zegt_in_een_regel_wat_er_gemeld_is_en_heeft_een_kopieerknop(client, fake_pdok):
    html = client.post("/melden/", form_data(adres="Bijlmerplein 1")).content.decode()
    samenvatting = re.search(r'<p id="samenvatting">([^<]*)</p>', html).group(1)
    melding = Melding.objects.get()
    assert samenvatting.startswith("U meldde: dealen")
    assert melding.buurt.naam in samenvatting
    assert ", avond" in samenvatting
    assert 'id="kopieer"' in html
    assert "meldingen/ontvangen.js" in html


def test_adressuggesties_komen_van_pdok_suggest(client, fake_pdok):
    antwoord = client.get("/melden/adres/aanvullen/", {"q": "Bijlmerpl"})
    assert antwoord.status_code == 200
    assert any(n.startswith("Bijlmerplein") for n in antwoord.json()["suggesties"])
    assert fake_pdok.requests[-1].path.endswith("/suggest")
    assert client.get("/melden/adres/aanvullen/", {"q": "ab"}).json() == {"suggesties": []}
    fake_pdok.fail_next = 500
    assert client.get("/melden/adres/aanvullen/", {"q": "Damstraat"}).status_code == 503
