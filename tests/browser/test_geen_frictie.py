"""Issue 17 in Chromium: a resident files with the geocoder down and JavaScript off (phone and desktop); a
coordinator closes a melding from the compact queue with a message the reporter then reads on the status
page, and undoes an accidental accept; the compact queue fits six cards in a 700 px panel. axe on each
page, screenshots in test-artifacts/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Rol
from meldingen.models import Buurt, Melding
from tests.browser.conftest import ARTIFACTS, axe_violations, new_page
from tests.browser.coordinatie_helpers import gebruikers, inloggen, maak_melding, opruimen, rond_bijlmerplein, uur
from tests.factories import DAM, rd_point

pytestmark = pytest.mark.browser
NAMEN = ("f-coord",)
TELEFOON = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
LANG = (
    "Elke avond staan er twee jongens bij de garageboxen achter de flat. Er komen steeds auto's die kort "
    "stoppen, er wordt iets overhandigd en ze rijden weer weg. Buurtkinderen worden aangesproken om "
    "pakjes weg te brengen. Dit gaat al weken zo door, ook in het weekend."
)


@pytest.fixture(scope="module")
def wachtrij(app_server, django_db_blocker):
    with django_db_blocker.unblock():
        gebruikers((Rol.COORDINATOR, "f-coord"))
        meldingen = [
            maak_melding(
                latlon=rond_bijlmerplein(150 * i, 0),  # 150 m apart: no duplicate candidates among them
                ontvangen_op=uur(30 - i),
                omschrijving=LANG if i % 2 else "Handel bij de ingang.",
                locatie_type_id="garagebox",
                waarnemingen=["dealen", "aanloop"],
            )
            for i in range(8)
        ]
        yield meldingen
        opruimen(NAMEN)


def _foto(page, naam: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{naam}.png"), full_page=True)


def _pagina(browser, *, javascript: bool = True, viewport=DESKTOP):
    page = new_page(browser, javascript=javascript)
    page.set_default_timeout(20_000)
    page.set_viewport_size(viewport)
    return page


def _terugval_invullen(page, app_server, buurt, adres: str) -> None:
    page.goto(f"{app_server}/melden/")
    page.get_by_label("Adres of plek").fill(adres)
    page.locator("#terugval summary").click()  # a <details>: opens without JavaScript too
    page.get_by_label("Beschrijf de plek").fill("achter de winkels, bij de fietsenrekken")
    page.locator("#id_buurt").select_option(buurt.code)
    page.get_by_label("Speelplek, speel- of sportveld").check()
    page.get_by_label("Dealen (verkopen, overhandigen)").check()
    gisteren = (timezone.localdate() - timedelta(days=1)).isoformat()
    page.get_by_label("Wanneer zag u het (de laatste keer)?").fill(gisteren)
    page.get_by_label("Avond (18-24 uur)").check()
    page.get_by_label("(Bijna) elke dag").check()
    page.get_by_label("Bewoner").check()


def _verstuurd(page, buurt) -> Melding:
    page.locator("#meldcode").wait_for()
    melding = Melding.objects.get(meldcode=page.locator("#meldcode").inner_text().strip())
    assert melding.locatie_onnauwkeurig
    assert melding.buurt_id == buurt.code
    assert "achter de winkels, bij de fietsenrekken" in melding.locatie_omschrijving
    return melding


@pytest.mark.parametrize("breedte", ["telefoon", "desktop"])
def test_melden_zonder_javascript_met_de_geocoder_plat(browser, app_server, fake_pdok_server, breedte):
    # (no script is evaluated in this page: its JavaScript is off)
    page = _pagina(browser, javascript=False, viewport=TELEFOON if breedte == "telefoon" else DESKTOP)
    buurt = Buurt.objects.get(geometrie__contains=rd_point(*DAM))
    _terugval_invullen(page, app_server, buurt, f"Damstraat {'12' if breedte == 'telefoon' else '14'}")
    fake_pdok_server.fail_next = 503  # the geocoder is down when the form is sent
    page.get_by_role("button", name="Melding versturen").click()
    _verstuurd(page, buurt)
    _foto(page, f"melden-terugval-zonder-js-{breedte}")


def test_de_terugval_op_de_telefoon_is_toegankelijk(browser, app_server, fake_pdok_server):
    page = _pagina(browser, viewport=TELEFOON)
    buurt = Buurt.objects.get(geometrie__contains=rd_point(*DAM))
    _terugval_invullen(page, app_server, buurt, "Damstraat 16")
    assert axe_violations(page) == []
    fake_pdok_server.fail_next = 503
    page.get_by_role("button", name="Melding versturen").click()
    _verstuurd(page, buurt)
    # the thank-you page fits the phone: no sideways scrolling
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    _foto(page, "melden-terugval-ontvangen-telefoon")
    page.context.close()


def test_de_compacte_wachtrij(browser, app_server, wachtrij):
    page = _pagina(browser)
    inloggen(page, app_server, "f-coord")
    page.goto(f"{app_server}/coordinatie/?sorteer=ontvangen")
    page.wait_for_selector(".kaartje")
    # at least six cards in a 700 px panel
    hoogte = page.evaluate(
        "() => { const k = document.querySelectorAll('.wachtrij__lijst .kaartje');"
        " return k[5].getBoundingClientRect().bottom - k[0].getBoundingClientRect().top; }"
    )
    assert hoogte <= 700, hoogte
    # the long text opens in full on demand
    lang = page.locator(f"#melding-{wachtrij[1].pk} details.omschrijving")
    assert lang.locator(".omschrijving__kort").evaluate("e => e.scrollWidth > e.clientWidth")  # cut on screen
    assert not lang.locator("p").is_visible()
    lang.locator("summary").click()
    assert lang.locator("p").is_visible()
    assert "ook in het weekend" in lang.locator("p").inner_text()
    # labels, references and local dates; no raw codes
    paneel = page.locator("#wachtrij").inner_text()
    for rauw in (r"\bgaragebox\b", r"\bin_behandeling\b", r"\bdealen\b", r"\b20\d\d-\d\d-\d\d\b"):
        assert not re.search(rauw, paneel), rauw
    assert wachtrij[0].referentie in paneel
    assert axe_violations(page) == []
    _foto(page, "coordinatie-wachtrij-compact-desktop")
    page.set_viewport_size(TELEFOON)
    assert axe_violations(page) == []
    _foto(page, "coordinatie-wachtrij-compact-telefoon")
    page.context.close()


def test_afhandelen_met_een_bericht_voor_de_melder_en_ongedaan_maken(browser, app_server, wachtrij):
    page = _pagina(browser)
    inloggen(page, app_server, "f-coord")
    page.goto(f"{app_server}/coordinatie/?sorteer=-ontvangen&locatie_type=garagebox")
    laatste, voorlaatste = wachtrij[-1], wachtrij[-2]
    navigaties = []
    page.on("framenavigated", lambda frame: navigaties.append(frame.url) if frame == page.main_frame else None)
    # c on the first card: the message for the reporter, then the button
    page.keyboard.press("j")
    page.wait_for_function(f"() => document.activeElement?.id === 'melding-{laatste.pk}'")
    page.keyboard.press("c")
    page.keyboard.type("Bekeken met de wijkagent; hier is nu geen handel gezien.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#melding-{laatste.pk}", state="detached")
    assert f"{laatste.referentie} is afgehandeld" in page.locator("#wachtrij-bericht").inner_text()
    assert navigaties == []
    # the reporter reads the message on the status page
    bewoner = _pagina(browser, viewport=TELEFOON)
    bewoner.goto(f"{app_server}/melden/status/")
    bewoner.get_by_label("Uw meldcode").fill(laatste.meldcode)
    bewoner.get_by_role("button", name="Bekijk status").click()
    bewoner.wait_for_url("**/melden/status/")
    assert bewoner.locator("#status").inner_text() == "Afgehandeld"
    assert "Bekeken met de wijkagent; hier is nu geen handel gezien." in bewoner.content()
    assert axe_violations(bewoner) == []
    _foto(bewoner, "melden-status-afgehandeld-met-bericht")
    bewoner.context.close()
    # an accidental accept, undone from the melding's page
    page.keyboard.press("a")  # the focus moved on to the next card
    page.wait_for_selector(f"#melding-{voorlaatste.pk}", state="detached")
    assert Melding.objects.get(pk=voorlaatste.pk).status == "in_behandeling"
    page.goto(f"{app_server}/coordinatie/meldingen/{voorlaatste.pk}/")
    page.get_by_role("button", name="Accepteren ongedaan maken").click()
    page.wait_for_load_state()
    assert Melding.objects.get(pk=voorlaatste.pk).status == "nieuw"
    assert page.locator("#status").inner_text().startswith("Nieuw")
    assert axe_violations(page) == []
    page.context.close()


def test_de_browser_controleert_wat_de_server_controleert(browser, app_server, settings):
    """Issue 17: a photo too large, of another kind or one too many, and a date in the future are refused
    before the form is sent, in the server's words."""
    page = _pagina(browser)
    page.goto(f"{app_server}/melden/")
    page.wait_for_function("() => document.querySelector('#kaart').classList.contains('leaflet-container')")
    fotos = page.locator("#id_fotos")
    groot = b"\xff\xd8" + b"0" * (settings.MELDING_MAX_PHOTO_BYTES + 10)
    fotos.set_input_files([{"name": "groot.jpg", "mimeType": "image/jpeg", "buffer": groot}])
    assert "Een foto mag hoogstens" in page.locator("#id_fotos_controle").inner_text()
    assert fotos.evaluate("e => e.files.length") == 0  # not sent with the form
    assert fotos.get_attribute("aria-invalid") == "true"
    fotos.set_input_files([{"name": "brief.txt", "mimeType": "text/plain", "buffer": b"hallo"}])
    assert "Alleen foto's in JPEG, PNG of WebP." in page.locator("#id_fotos_controle").inner_text()
    klein = {"mimeType": "image/jpeg", "buffer": b"\xff\xd8klein"}
    fotos.set_input_files([{"name": f"f{i}.jpg", **klein} for i in range(settings.MELDING_MAX_PHOTOS + 1)])
    assert "hoogstens" in page.locator("#id_fotos_controle").inner_text()
    fotos.set_input_files([{"name": "goed.jpg", **klein}])
    assert page.locator("#id_fotos_controle").count() == 0
    assert fotos.get_attribute("aria-invalid") is None
    # a date in the future
    page.locator("#id_datum").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    page.locator("#id_datum").dispatch_event("change")
    assert page.locator("#id_datum_controle").inner_text() == "Deze datum ligt in de toekomst."
    assert axe_violations(page) == []
    page.context.close()
