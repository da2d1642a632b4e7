"""A resident files a report in headless Chromium: by address (with and without JavaScript) and by
clicking on the map; axe-core checks the form and the status page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meldingen.models import Melding
from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()


def fill_the_rest(page):
    page.get_by_label("Speelplek, speel- of sportveld").check()
    page.get_by_label("Dealen (verkopen, overhandigen)").check()
    page.get_by_label("Jongeren worden benaderd of als loopjongen gebruikt").check()
    page.get_by_label("Wanneer zag u het (de laatste keer)?").fill(YESTERDAY)
    page.get_by_label("Avond (18-24 uur)").check()
    page.get_by_label("(Bijna) elke dag").check()
    page.get_by_label("Bewoner").check()
    page.get_by_label("Wilt u nog iets vertellen? (niet verplicht)").fill("Elke avond bij de speeltuin.")


def test_file_by_address_then_follow_the_status(page, app_server):
    # given the form
    page.goto(f"{app_server}/melden/")
    assert page.title().startswith("Drugsoverlast melden")
    assert axe_violations(page) == []
    # when a resident types an address and files
    page.get_by_label("Adres of plek").fill("Bijlmerplein 1")
    fill_the_rest(page)
    page.get_by_role("button", name="Melding versturen").click()
    # then the thank-you page shows the meldcode
    page.locator("#meldcode").wait_for()  # the POST answers the thank-you page itself
    assert page.url.endswith("/melden/")  # so the meldcode is in no URL of the browser's history
    meldcode = page.locator("#meldcode").inner_text().strip()
    melding = Melding.objects.get(meldcode=meldcode)
    assert melding.buurt.wijk.stadsdeel_id == "T"
    assert melding.waarnemingen == ["dealen", "ronselen"]
    screenshot(page, "melden-ontvangen")
    # and the status page opens from there: a POST of the code, answered by the status page
    page.get_by_role("button", name="Bekijk de status van uw melding").click()
    page.wait_for_url("**/melden/status/")
    assert page.locator("#status").inner_text() == "Ontvangen"
    assert meldcode not in page.url
    assert "Elke avond bij de speeltuin" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "melden-status")


def test_file_again_by_clicking_on_the_map(page, app_server):
    page.goto(f"{app_server}/melden/")
    kaart = page.locator("#kaart")
    kaart.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#kaart').classList.contains('leaflet-container')")
    # the whole city, not the centre at street level: the tiles settle on a zoom of 11 or less
    page.wait_for_function(
        "() => { const z = [...document.querySelectorAll('#kaart img.leaflet-tile')]"
        ".map(i => +i.src.split('/tegels/')[1].split('/')[0]); return z.length > 0 && Math.max(...z) <= 11; }",
        timeout=5000,
    )
    # when the resident clicks the middle of the map
    kaart.scroll_into_view_if_needed()
    box = kaart.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # then the pin sets the coordinates and the address field is filled from the reverse lookup
    assert page.locator("#id_lat").input_value() != ""
    page.wait_for_function("() => document.querySelector('#id_adres').value !== ''")
    fill_the_rest(page)
    page.get_by_role("button", name="Melding versturen").click()
    page.locator("#meldcode").wait_for()  # the POST answers the thank-you page itself
    assert page.url.endswith("/melden/")  # so the meldcode is in no URL of the browser's history
    meldcode = page.locator("#meldcode").inner_text().strip()
    melding = Melding.objects.get(meldcode=meldcode)
    # the map opens on the whole city (issue 17: Bijlmerplein was off-screen), so its middle is the
    # middle of the city's extent, and the tiles are of a zoom that shows all of it
    from django.conf import settings

    from meldingen.selectors import buurt_bij_punt

    zuid, west, noord, oost = settings.MAP_STAD_BBOX
    midden = buurt_bij_punt(lat=(zuid + noord) / 2, lon=(west + oost) / 2)
    assert melding.buurt.wijk.stadsdeel_id == midden.stadsdeel_code
    screenshot(page, "melden-kaart")


def test_without_javascript_several_hits_are_offered_as_choices(page_without_js, app_server):
    page = page_without_js
    page.goto(f"{app_server}/melden/")
    assert not page.locator("#kaart").is_visible()
    page.get_by_label("Adres of plek").fill("Kerkstraat")
    page.get_by_role("button", name="Zoek dit adres").click()
    # then the choices appear and the reporter picks one
    keuzes = page.locator("input[name=adres_keuze]")
    assert 2 <= keuzes.count() <= 3
    keuzes.first.check()
    fill_the_rest(page)
    page.get_by_role("button", name="Melding versturen").click()
    page.locator("#meldcode").wait_for()  # the POST answers the thank-you page itself
    assert page.url.endswith("/melden/")  # so the meldcode is in no URL of the browser's history
    meldcode = page.locator("#meldcode").inner_text().strip()
    assert Melding.objects.get(meldcode=meldcode).locatie_omschrijving.startswith("Kerkstraat")


def test_errors_are_announced_and_listed(page, app_server):
    page.goto(f"{app_server}/melden/")
    page.get_by_role("button", name="Melding versturen").click()
    summary = page.get_by_role("alert")
    assert "Er ging iets mis" in summary.inner_text()
    assert page.title().startswith("Fout:")
    assert axe_violations(page) == []


def test_address_choices_are_accessible(page, app_server):
    page.goto(f"{app_server}/melden/")
    page.get_by_label("Adres of plek").fill("Kerkstraat")
    page.get_by_role("button", name="Zoek dit adres").click()
    page.locator("input[name=adres_keuze]").first.wait_for()
    assert axe_violations(page) == []
    screenshot(page, "melden-adreskeuze")


def test_speld_met_het_toetsenbord_mijn_locatie_en_adressuggesties(page, app_server):
    """Issue 17: keyboard users place the pin (arrow keys move the map, Enter drops the pin at the
    centre, its address is read out), "gebruik mijn locatie" uses the browser's own position, and
    typing an address offers PDOK's suggestions from our own server."""
    page.goto(f"{app_server}/melden/")
    page.wait_for_function("() => document.querySelector('#kaart').classList.contains('leaflet-container')")
    # keyboard: focus the map by tabbing to it, move it, Enter
    page.locator("#kaart").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    assert page.locator("#id_lat").input_value() != ""
    page.wait_for_function("() => document.querySelector('#kaartstatus').textContent.startsWith('Gekozen plek:')")
    assert page.locator("#kaartstatus").get_attribute("aria-live") == "polite"
    # my location: the context grants a position in Zuidoost
    page.context.grant_permissions(["geolocation"], origin=app_server)
    page.context.set_geolocation({"latitude": 52.3130, "longitude": 4.9513})
    page.get_by_role("button", name="Gebruik mijn locatie").click()
    page.wait_for_function("() => document.querySelector('#id_lat').value.startsWith('52.313')")
    page.wait_for_function("() => document.querySelector('#id_adres').value.includes('Bijlmerplein')")
    # suggestions while typing
    page.locator("#id_adres").fill("")
    page.locator("#id_adres").type("Bijlmerpl", delay=20)
    page.wait_for_function("() => document.querySelectorAll('#adres-suggesties option').length > 0")
    opties = page.eval_on_selector_all("#adres-suggesties option", "os => os.map(o => o.value)")
    assert any(o.startswith("Bijlmerplein") for o in opties), opties
    assert axe_violations(page) == []
