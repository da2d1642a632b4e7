"""Visible results in headless Chromium (issue 16): a buurtschouw linked to one melding runs to completion
through the services; its reporter looks the melding up and reads what was done, follows the link to the
buurt page and finds it there "in deze buurt"; a resident finds the buurt through the search, with and
without JavaScript. axe runs on the status, buurt and search pages; screenshots at phone and desktop
widths go to test-artifacts/. The buurt page sets no cookie and asks no other host for anything."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import formats, timezone, translation

from accounts.models import Organisatie
from accounts.roles import Rol
from accounts.services import gebruiker_zetten
from acties.models import ActieType
from acties.services import actie_transition, actie_voorstellen
from acties.workflow import ActieStatus
from tests.browser.conftest import axe_violations, new_page, screenshot
from tests.browser.coordinatie_helpers import maak_melding, opruimen
from tests.coordinatie.conftest import WACHTWOORD
from tests.factories import DAM

# django_db: pytest-django creates the test database only for a run in which some test asks for it; without
# it, a run of this file alone would use the configured (development) database itself.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]
NAMEN = ("b16-coord", "b16-akkoord", "b16-handhaving")
SAMENVATTING = "Schouw met bewoners rond het Bijlmerplein en de speelplek."
GEHEIME_UITKOMST = "GEHEIM-toelichting-van-handhaving"
TELEFOON = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def wereld(app_server, django_db_blocker):
    """Committed rows the app server sees: a completed buurtschouw linked to one of two meldingen at the
    Bijlmerplein, and a melding elsewhere (the Dam) whose buurt saw no action."""
    with django_db_blocker.unblock():
        coord, _ = gebruiker_zetten(username="b16-coord", password=WACHTWOORD, rol=Rol.COORDINATOR)
        akkoord, _ = gebruiker_zetten(username="b16-akkoord", password=WACHTWOORD, rol=Rol.APPROVER)
        handhaving = Organisatie.objects.get(code="handhaving")
        partner, _ = gebruiker_zetten(
            username="b16-handhaving", password=WACHTWOORD, rol=Rol.PARTNER, organisatie=handhaving
        )
        gevolgd, naast = maak_melding(), maak_melding()
        elders = maak_melding(latlon=DAM)
        actie = actie_voorstellen(
            type=ActieType.objects.get(code="buurtschouw"),
            door=coord,
            meldingen=[gevolgd],
            publieke_samenvatting=SAMENVATTING,
        )
        if actie.type.vier_ogen:
            actie_transition(actie=actie, naar="wacht_op_akkoord", actor=coord)
            actie_transition(actie=actie, naar="goedgekeurd", actor=akkoord)
        actie_transition(actie=actie, naar="toegewezen", actor=coord, verantwoordelijke=handhaving)
        for naar in ("geaccepteerd", "in_uitvoering"):
            actie_transition(actie=actie, naar=naar, actor=partner)
        actie_transition(
            actie=actie, naar="afgerond", actor=partner, uitkomst="niets_aangetroffen", uitkomst_tekst=GEHEIME_UITKOMST
        )
        actie.refresh_from_db()
        assert actie.status == ActieStatus.AFGEROND
        assert gevolgd.buurt_id == naast.buurt_id != elders.buurt_id
        with translation.override("nl"):
            datum = formats.date_format(timezone.localdate(actie.afgerond_op), "j F Y")
        yield {
            "actie": actie,
            "gevolgd": gevolgd,
            "naast": naast,
            "elders": elders,
            "buurt": gevolgd.buurt,
            "stadsdeel": gevolgd.buurt.wijk.stadsdeel.naam,
            "datum": datum,
            "iso": timezone.localdate(actie.afgerond_op).isoformat(),
        }
        opruimen(NAMEN)


def _tekst(locator) -> str:
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def _geen_ernstige_schendingen(page, wat: str) -> None:
    schendingen = axe_violations(page)
    assert schendingen == [], f"axe on {wat}: {schendingen}"


def _geen_horizontale_scroll(page, wat: str) -> None:
    breedte = page.evaluate("document.documentElement.scrollWidth")
    assert breedte <= TELEFOON["width"], f"{wat} scrolls sideways at 390 px: scrollWidth {breedte}"


def _op_telefoon_en_desktop(page, naam: str) -> None:
    page.set_viewport_size(TELEFOON)
    _geen_horizontale_scroll(page, naam)
    screenshot(page, f"{naam}-telefoon")
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"{naam}-desktop")


def _status_opzoeken(page, base: str, meldcode: str) -> None:
    page.goto(f"{base}/melden/status/")
    page.get_by_label("Uw meldcode").fill(meldcode)
    page.get_by_role("button", name="Bekijk status").click()
    page.locator("#meldcode").wait_for()
    assert page.locator("#meldcode").inner_text() == meldcode
    assert page.url == f"{base}/melden/status/"  # the code is in no URL


def test_de_melder_ziet_de_afgeronde_buurtschouw_op_zijn_statuspagina_en_de_buurtpagina(browser, app_server, wereld):
    base, buurt, datum = app_server, wereld["buurt"], wereld["datum"]
    page = new_page(browser)

    # given the reporter of the followed melding, who looks it up by its code
    _status_opzoeken(page, base, wereld["gevolgd"].meldcode)
    # then the status page says what was done and when, with the outcome and the public summary
    acties = page.locator("#acties > li")
    assert acties.count() == 1
    actie = _tekst(acties.first)
    assert actie.startswith(f"Op {datum}: Er is een buurtschouw gehouden. (in uw buurt)"), actie
    assert acties.first.locator("time").get_attribute("datetime") == wereld["iso"]
    assert _tekst(acties.first.locator(".uitkomst")) == "Uitkomst: Niets aangetroffen"
    assert _tekst(acties.first.locator(".samenvatting")) == SAMENVATTING
    assert GEHEIME_UITKOMST not in page.content()
    _geen_ernstige_schendingen(page, "the status page with an action")
    _op_telefoon_en_desktop(page, "status-actie")

    # when the reporter follows the link to the buurt
    page.get_by_role("link", name=f"Wat er in {buurt.naam} gebeurt").click()
    page.wait_for_url(f"{base}/buurt/{buurt.code}/")
    # then the buurt page lists the action, "in deze buurt", without its outcome
    assert page.get_by_role("heading", level=1).inner_text() == buurt.naam
    acties = page.locator("#acties > li")
    assert acties.count() == 1
    regel = _tekst(acties.first)
    assert regel.startswith(f"Buurtschouw — Op {datum}: Er is een buurtschouw gehouden. (in deze buurt)"), regel
    assert _tekst(acties.first.locator(".samenvatting")) == SAMENVATTING
    assert acties.first.locator(".uitkomst").count() == 0
    assert "Niets aangetroffen" not in page.content()
    assert GEHEIME_UITKOMST not in page.content()
    _geen_ernstige_schendingen(page, "the buurt page")
    _op_telefoon_en_desktop(page, "buurt")

    # and the reporter of another melding in the same buurt, not linked to the action, hears of nothing
    _status_opzoeken(page, base, wereld["naast"].meldcode)
    assert page.locator("#acties").count() == 0
    assert "Zodra er acties zijn tegen de overlast die u meldde, ziet u ze hier." in _tekst(page.locator("main"))
    # nor does the buurt page of a buurt where nothing was done list it
    page.goto(f"{base}/buurt/{wereld['elders'].buurt_id}/")
    assert page.locator("#acties").count() == 0
    assert "buurtschouw" not in _tekst(page.locator("main")).lower()
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["met-js", "zonder-js"])
def test_de_buurt_zoeken_en_vinden(browser, app_server, wereld, javascript):
    base, buurt = app_server, wereld["buurt"]
    page = new_page(browser, javascript=javascript)

    # given the search page
    page.goto(f"{base}/buurt/")
    assert page.get_by_role("heading", level=1).inner_text() == "Wat er in uw buurt gebeurt"
    if javascript:
        _geen_ernstige_schendingen(page, "the buurt search")
    # when the resident types the buurt's name and searches
    page.get_by_label("Buurt, straat of postcode").fill(buurt.naam)
    page.get_by_role("button", name="Zoeken").click()
    # then the single match leads straight to its page, which lists the action
    page.wait_for_url(f"{base}/buurt/{buurt.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == buurt.naam
    assert "Er is een buurtschouw gehouden. (in deze buurt)" in _tekst(page.locator("#acties"))
    assert page.locator("#cijfers").is_visible()

    # and a search that finds nothing says so, with the form and the list of all buurten
    page.goto(f"{base}/buurt/")
    page.get_by_label("Buurt, straat of postcode").fill("Xyzzystraat")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(re.compile(r"/buurt/\?q=Xyzzystraat$"))
    assert "Geen buurt gevonden in Amsterdam" in _tekst(page.locator("#resultaten"))
    assert page.get_by_label("Buurt, straat of postcode").input_value() == "Xyzzystraat"
    if javascript:
        _geen_ernstige_schendingen(page, "the buurt search without a match")
    # and the list per stadsdeel, folded shut, opens (a <details>, no script) and leads to the buurt
    lijst = page.locator("details.stadsdeel").filter(has=page.locator("summary", has_text=wereld["stadsdeel"]))
    assert lijst.count() == 1
    assert not lijst.get_by_role("link", name=buurt.naam, exact=True).is_visible()
    lijst.locator("summary").click()
    lijst.get_by_role("link", name=buurt.naam, exact=True).click()
    page.wait_for_url(f"{base}/buurt/{buurt.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == buurt.naam

    # and the English page, from the URL alone
    page.goto(f"{base}/en/buurt/{buurt.code}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "An inspection walk was held. (in this neighbourhood)" in _tekst(page.locator("#acties"))
    page.context.close()


def test_de_buurtpagina_zet_geen_cookie_en_vraagt_niets_aan_een_ander(browser, app_server, wereld):
    page = new_page(browser)
    gevraagd = []
    page.on("request", lambda request: gevraagd.append(request.url))
    page.goto(f"{app_server}/buurt/{wereld['buurt'].code}/")
    page.wait_for_load_state("networkidle")

    assert "Er is een buurtschouw gehouden." in _tekst(page.locator("#acties"))
    assert page.context.cookies() == []
    app = urlsplit(app_server).netloc
    assert gevraagd, "no request was recorded"
    assert any(url.endswith(".css") for url in gevraagd)  # the recorder sees subresources too
    vreemd = [url for url in gevraagd if urlsplit(url).netloc != app]
    assert vreemd == [], f"requests to another host: {vreemd}"
    page.context.close()
