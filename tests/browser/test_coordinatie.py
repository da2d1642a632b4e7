"""The coordinator's working screen in headless Chromium: log in, filter map and queue, accept, reject
and mark a duplicate, open a hotspot page, and the auditor sees the views in the trail."""

import re

import pytest

from accounts.roles import Rol
from coordinatie.models import Inzage
from meldingen.models import Melding
from tests.browser.conftest import ARTIFACTS, axe_violations, screenshot
from tests.browser.coordinatie_helpers import (
    gebruikers,
    inloggen,
    kaart_geladen,
    maak_hotspot,
    maak_melding,
    opruimen,
    rond_bijlmerplein,
    uur,
)
from tests.factories import DAM, PLEIN_40_45

pytestmark = pytest.mark.browser
NAMEN = ("b-coord", "b-auditor")


@pytest.fixture(scope="module")
def stad(app_server, django_db_blocker):
    with django_db_blocker.unblock():
        gebruikers((Rol.COORDINATOR, "b-coord"), (Rol.AUDITOR, "b-auditor"))
        boxen = [
            maak_melding(
                latlon=rond_bijlmerplein(10 * i, 5 * i),
                locatie_type_id="garagebox",
                waarnemingen=["opslag", "aanloop"],
                ontvangen_op=uur(50 - i),
                kanaal="sms",
            )
            for i in range(4)
        ]
        speelplek = [maak_melding(latlon=rond_bijlmerplein(-40, 30 * i), ontvangen_op=uur(40 - i)) for i in range(2)]
        centrum = [maak_melding(latlon=DAM, ontvangen_op=uur(60 + i), locatie_type_id="garagebox") for i in range(2)]
        west = [maak_melding(latlon=PLEIN_40_45, ontvangen_op=uur(30 + i), status="in_behandeling") for i in range(3)]
        hotspot = maak_hotspot(boxen)
        yield {"boxen": boxen, "speelplek": speelplek, "centrum": centrum, "west": west, "hotspot": hotspot}
        opruimen(NAMEN)


def schermafbeelding(page, naam: str) -> None:
    """The working screen fills the window (the queue scrolls inside it): the window is the picture."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{naam}.png"))


def wachtrij_codes(page) -> list[str]:
    return [t.strip() for t in page.locator(".wachtrij__lijst .kaartje__titel").all_inner_texts()]


def test_coordinator_filtert_triageert_en_opent_een_hotspot(page, app_server, stad):
    # given: the coordinator logs in through the form
    page.goto(f"{app_server}/coordinatie/")
    page.wait_for_url(re.compile(r".*/account/inloggen/\?next=/coordinatie/$"))
    assert axe_violations(page) == []
    inloggen(page, app_server, "b-coord")
    page.wait_for_url(re.compile(r".*/coordinatie/(#.*)?$"))
    kaart_geladen(page)
    alle = wachtrij_codes(page)
    nieuw = [m.referentie for k in ("centrum", "boxen", "speelplek") for m in stad[k]]
    assert sorted(alle) == sorted(nieuw)
    assert alle[0] in {m.referentie for m in stad["centrum"]}  # oldest first
    assert page.locator(".leaflet-marker-icon.cluster-icoon, .leaflet-interactive").count() > 0
    status_alle = page.locator("#kaartstatus").inner_text()
    assert axe_violations(page) == []
    schermafbeelding(page, "coordinatie-werkscherm")

    # when: filter on Zuidoost and garage boxes
    page.get_by_label("Stadsdeel", exact=True).select_option("T")
    page.get_by_label("Soort plek").select_option("garagebox")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(r".*stadsdeel=T.*locatie_type=garagebox.*"))
    kaart_geladen(page)
    # then: the queue and the map show only those
    assert sorted(wachtrij_codes(page)) == sorted(m.referentie for m in stad["boxen"])
    assert page.locator("#kaartstatus").inner_text() != status_alle
    assert page.locator("#kaartstatus").inner_text().startswith("4 ")
    # the hotspot is drawn under the reports, and its popup leads to its page
    vlak = page.locator(".leaflet-hotspots-pane path.leaflet-interactive")
    vlak.first.wait_for()
    assert vlak.count() == 1
    vlak.first.dispatch_event("click")
    link = page.locator(".leaflet-popup-content a").first
    assert link.inner_text() == f"Hotspot {stad['hotspot'].pk}"
    assert link.get_attribute("href") == f"/coordinatie/hotspots/{stad['hotspot'].pk}/"
    # and offers an action at it (issue 13)
    voorstel = page.locator(".leaflet-popup-content").get_by_role("link", name="Actie voorstellen")
    assert voorstel.get_attribute("href") == f"/coordinatie/acties/nieuw/?hotspot={stad['hotspot'].pk}"
    # and the URL alone reproduces the view
    gedeeld = page.url
    page.goto(gedeeld)
    assert sorted(wachtrij_codes(page)) == sorted(m.referentie for m in stad["boxen"])
    assert page.get_by_label("Stadsdeel", exact=True).input_value() == "T"
    schermafbeelding(page, "coordinatie-werkscherm-gefilterd")

    eerste, tweede, derde, vierde = stad["boxen"]
    # accept
    # (with JavaScript the step is sent without a reload: the card leaves, the message is read out)
    page.locator(f"#melding-{eerste.pk}").get_by_role("button", name="Accepteren").click()
    page.wait_for_selector(f"#melding-{eerste.pk}", state="detached")
    assert f"{eerste.referentie} is geaccepteerd" in page.locator("#wachtrij-bericht").inner_text()
    assert "stadsdeel=T" in page.url  # still the same filtered view
    assert Melding.objects.get(pk=eerste.pk).status == "in_behandeling"
    assert eerste.referentie not in wachtrij_codes(page)

    # reject with a reason
    item = page.locator(f"#melding-{tweede.pk}")
    item.locator("summary", has_text="Afwijzen").click()
    item.get_by_label("Reden").select_option("geen_drugsoverlast")
    item.get_by_role("button", name="Afwijzen").click()
    page.wait_for_selector(f"#melding-{tweede.pk}", state="detached")
    tweede.refresh_from_db()
    assert (tweede.status, tweede.afwijs_reden) == ("afgewezen", "geen_drugsoverlast")

    # mark a duplicate of the proposed candidate (the nearest earlier report)
    item = page.locator(f"#melding-{vierde.pk}")
    item.locator("summary", has_text="Dubbel").click()
    voorgesteld = item.locator("input[name=origineel]:checked").input_value()
    assert voorgesteld == derde.referentie
    item.get_by_role("button", name="Markeer als dubbel").click()
    page.wait_for_selector(f"#melding-{vierde.pk}", state="detached")
    vierde.refresh_from_db()
    assert (vierde.status, vierde.duplicaat_van_id) == ("afgewezen", derde.pk)
    assert wachtrij_codes(page) == [derde.referentie]

    # open the melding page, then its hotspot
    page.locator(f"#melding-{derde.pk}").get_by_role("link", name="Details").click()
    page.wait_for_url(re.compile(rf".*/coordinatie/meldingen/{derde.pk}/$"))
    assert vierde.referentie in page.content()  # the duplicate nearby
    assert axe_violations(page) == []
    page.get_by_role("link", name=f"Hotspot {stad['hotspot'].pk}").click()
    page.wait_for_url(re.compile(rf".*/coordinatie/hotspots/{stad['hotspot'].pk}/$"))
    page.wait_for_function("() => document.querySelector('#hotspotkaart .leaflet-interactive') !== null")
    assert page.get_by_role("heading", name="Meldingen per week").is_visible()
    for m in stad["boxen"]:
        assert m.referentie in page.content()
    assert axe_violations(page) == []
    screenshot(page, "coordinatie-hotspot")


def test_auditor_ziet_de_inzagen_in_het_log(browser, app_server, stad):
    from tests.browser.conftest import new_page

    # given: the coordinator opened a melding page
    coord = new_page(browser)
    inloggen(coord, app_server, "b-coord")
    melding = stad["speelplek"][0]
    coord.goto(f"{app_server}/coordinatie/meldingen/{melding.pk}/")
    coord.context.close()
    assert Inzage.objects.filter(gebruikersnaam="b-coord", meldcode=melding.meldcode).exists()
    # when: the auditor opens the trail and filters on that user
    page = new_page(browser)
    inloggen(page, app_server, "b-auditor", volgende="/coordinatie/inzage/")
    page.wait_for_url("**/coordinatie/inzage/")
    page.get_by_label("Gebruiker").fill("b-coord")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    # then
    rijen = page.locator("#inzagelog tbody tr")
    assert rijen.count() >= 1
    assert all("b-coord" in t for t in rijen.all_inner_texts())
    assert melding.referentie in page.locator("#inzagelog").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "coordinatie-inzagelog")
    page.context.close()


def test_sneltoetsen_in_de_wachtrij(page, app_server, stad):
    inloggen(page, app_server, "b-coord")
    page.goto(f"{app_server}/coordinatie/?stadsdeel=T&locatie_type=speelplek")
    eerste, tweede = stad["speelplek"]
    assert wachtrij_codes(page) == [eerste.referentie, tweede.referentie]
    # j moves to the first item, j again to the second, k back; n opens the note form there
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == f"melding-{eerste.pk}"
    page.keyboard.press("n")
    page.keyboard.type("Via de sneltoets.")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"melding-{tweede.pk}"
    # a accepts the focused melding without leaving the page (issue 17): the card goes, the message is
    # read out, and the focus stays in the queue on the melding now at that place
    navigaties = []
    page.on("framenavigated", lambda frame: navigaties.append(frame.url) if frame == page.main_frame else None)
    page.keyboard.press("a")
    page.wait_for_selector(f"#melding-{tweede.pk}", state="detached")
    page.wait_for_function(f"() => document.activeElement?.id === 'melding-{eerste.pk}'")
    assert Melding.objects.get(pk=tweede.pk).status == "in_behandeling"
    assert Melding.objects.get(pk=eerste.pk).status == "nieuw"
    assert f"{tweede.referentie} is geaccepteerd" in page.locator("#wachtrij-bericht").inner_text()
    assert page.locator("#wachtrij-aantal").inner_text() == "(1)"
    assert navigaties == []


def test_zonder_javascript_werken_filter_en_wachtrij(page_without_js, app_server, stad):
    page = page_without_js
    inloggen(page, app_server, "b-coord")
    page.goto(f"{app_server}/coordinatie/")
    page.get_by_label("Stadsdeel", exact=True).select_option("A")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(r".*stadsdeel=A.*"))
    codes = wachtrij_codes(page)
    assert sorted(codes) == sorted(m.referentie for m in stad["centrum"])
    # bulk: select both and accept
    for m in stad["centrum"]:
        page.locator(f"#kies-{m.pk}").check()
    page.get_by_role("button", name="Uitvoeren").click()
    page.wait_for_load_state()
    assert {m.status for m in Melding.objects.filter(pk__in=[m.pk for m in stad["centrum"]])} == {"in_behandeling"}
    assert "stadsdeel=A" in page.url
    assert wachtrij_codes(page) == []
