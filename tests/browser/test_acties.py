"""The loop closed in headless Chromium (issue 13): a coordinator proposes a 13b closure at a hotspot, a
second person approves and assigns it, the police accepts it in /partner/ and completes it with an
outcome, another partner guesses its URL and gets nothing, and the coordinator sees it closed on the
hotspot page and closes the linked meldingen. axe runs on the partner pages; screenshots go to
test-artifacts/."""

import pytest

from accounts.models import Organisatie
from accounts.roles import Rol
from accounts.services import gebruiker_zetten
from acties.models import Actie, ActieInzage
from meldingen.models import Melding
from tests.browser.conftest import axe_violations, new_page, screenshot
from tests.browser.coordinatie_helpers import (
    gebruikers,
    inloggen,
    maak_hotspot,
    maak_melding,
    opruimen,
    rond_bijlmerplein,
    uur,
)
from tests.coordinatie.conftest import WACHTWOORD

pytestmark = pytest.mark.browser
NAMEN = ("b13-coord", "b13-akkoord", "b13-politie", "b13-ymere")


@pytest.fixture(scope="module")
def wereld(app_server, django_db_blocker):
    with django_db_blocker.unblock():
        gebruikers((Rol.COORDINATOR, "b13-coord"), (Rol.APPROVER, "b13-akkoord"))
        for naam, org in (("b13-politie", "politie"), ("b13-ymere", "ymere")):
            gebruiker_zetten(
                username=naam, password=WACHTWOORD, rol=Rol.PARTNER, organisatie=Organisatie.objects.get(code=org)
            )
        leden = [
            maak_melding(
                latlon=rond_bijlmerplein(8 * i, 6 * i),
                locatie_type_id="woning",
                omschrijving="GEHEIM-browser-verhaal-van-de-melder",
                ontvangen_op=uur(30 - i),
            )
            for i in range(4)
        ]
        yield {"hotspot": maak_hotspot(leden), "leden": leden}
        opruimen(NAMEN)


def _geen_ernstige_schendingen(page, wat: str) -> None:
    schendingen = axe_violations(page)
    assert schendingen == [], f"axe on {wat}: {schendingen}"


def test_van_voorstel_tot_afgehandelde_meldingen(browser, app_server, wereld):
    base = app_server
    hotspot = wereld["hotspot"]

    # 1. The coordinator proposes a 13b closure at the hotspot.
    coord = new_page(browser)
    inloggen(coord, base, "b13-coord")
    coord.goto(f"{base}/coordinatie/hotspots/{hotspot.pk}/")
    coord.get_by_role("link", name="Actie voorstellen").click()
    coord.get_by_label("Sluiting (13b)").check()
    coord.get_by_role("button", name="Verder").click()
    opties = coord.locator("#id_verantwoordelijke option").all_inner_texts()
    assert "Politie Amsterdam" in opties
    assert not any("Straatcoach" in o for o in opties)
    coord.locator("#id_verantwoordelijke").select_option("politie")
    coord.get_by_label("Adres (straat en huisnummer) (verplicht)").fill("Bijlmerplein 1")
    coord.get_by_label("Samenvatting voor de partner").fill("Woning met veel aanloop, vooral 's avonds.")
    coord.get_by_label("Interne notitie (alleen coördinatoren)").fill("INTERN-browser-notitie")
    coord.get_by_role("button", name="Actie voorstellen").click()
    coord.wait_for_url("**/coordinatie/acties/*/")
    actie = Actie.objects.get()
    assert (actie.type_id, actie.status) == ("sluiting_13b", "voorgesteld")
    coord.get_by_role("button", name="Ter goedkeuring voorleggen").click()
    assert "Wacht op akkoord" in coord.locator("#actie-status").inner_text()
    assert coord.get_by_role("button", name="Goedkeuren").count() == 0  # the proposer cannot approve
    screenshot(coord, "acties-voorgesteld")
    coord.context.close()

    # 2. A second person approves and assigns it to the police.
    akkoord = new_page(browser)
    inloggen(akkoord, base, "b13-akkoord")
    akkoord.goto(f"{base}/coordinatie/acties/")
    akkoord.get_by_role("link", name=f"Actie {actie.pk}").first.click()
    akkoord.get_by_role("button", name="Goedkeuren").click()
    akkoord.locator("#toewijzen-org").select_option("politie")
    akkoord.get_by_role("button", name="Toewijzen").click()
    assert "Toegewezen" in akkoord.locator("#actie-status").inner_text()
    akkoord.context.close()

    # 3. The police accepts in /partner/, starts and completes with an outcome.
    politie = new_page(browser)
    inloggen(politie, base, "b13-politie")
    politie.wait_for_url("**/partner/")
    _geen_ernstige_schendingen(politie, "the partner list")
    screenshot(politie, "partner-lijst")
    politie.get_by_role("link", name=f"Ticket {actie.pk}").first.click()
    politie.wait_for_url(f"**/partner/acties/{actie.pk}/")
    politie.wait_for_load_state()
    html = politie.content()
    assert "Woning met veel aanloop" in html
    for geheim in ["GEHEIM-browser-verhaal", "INTERN-browser-notitie", *(m.meldcode for m in wereld["leden"])]:
        assert geheim not in html, geheim
    _geen_ernstige_schendingen(politie, "the partner ticket")
    politie.get_by_role("button", name="Accepteren").click()
    politie.get_by_role("button", name="Start uitvoering").click()
    # completing without an outcome: the browser's own check, then the server's
    politie.get_by_label("Uitkomst", exact=True).select_option("uitgevoerd")
    politie.get_by_label("Toelichting op de uitkomst").fill("Pand gesloten op last van de burgemeester.")
    politie.get_by_role("button", name="Afronden").click()
    assert "Afgerond" in politie.locator("#ticket-status").inner_text()
    _geen_ernstige_schendingen(politie, "the completed ticket")
    screenshot(politie, "partner-ticket-afgerond")
    politie.context.close()
    assert ActieInzage.objects.filter(soort="ticket", gebruikersnaam="b13-politie").exists()

    # 4. Another partner guessing the URL gets nothing.
    ymere = new_page(browser)
    inloggen(ymere, base, "b13-ymere")
    antwoord = ymere.goto(f"{base}/partner/acties/{actie.pk}/")
    assert antwoord.status == 404
    assert "Pand gesloten" not in ymere.content()
    ymere.context.close()

    # 5. The coordinator sees it closed on the hotspot page and closes the linked meldingen.
    coord = new_page(browser)
    inloggen(coord, base, "b13-coord")
    coord.goto(f"{base}/coordinatie/hotspots/{hotspot.pk}/")
    assert "Afgerond" in coord.locator(".actie-status").first.inner_text()
    coord.get_by_role("link", name=f"Actie {actie.pk}: Sluiting (13b)").click()
    assert "Uitgevoerd" in coord.locator("#actie-uitkomst").inner_text()
    coord.get_by_label("Bericht voor de melders", exact=False).fill("De woning is gesloten. Dank voor uw melding.")
    coord.get_by_role("button", name="Meldingen afhandelen").click()
    assert "meldingen afgehandeld" in coord.locator(".berichten").inner_text()
    screenshot(coord, "acties-afgerond")
    coord.context.close()
    statussen = set(Melding.objects.filter(pk__in=[m.pk for m in wereld["leden"]]).values_list("status", flat=True))
    assert statussen == {"afgehandeld"}

    # 6. The map's "Acties" layer shows the finished action; its popup leads to the action.
    coord = new_page(browser)
    inloggen(coord, base, "b13-coord")
    coord.goto(f"{base}/coordinatie/#kaart=16/52.31250/4.95300")
    teken = coord.locator(".actie-icoon--afgerond")
    teken.first.wait_for()
    assert "Actie afgerond" in coord.locator(".legenda").inner_text()
    teken.first.click(force=True)
    popup = coord.locator(".leaflet-popup-content")
    assert "Sluiting (13b)" in popup.inner_text()
    assert "Politie Amsterdam" in popup.inner_text()
    popup.get_by_role("link", name=f"Actie {actie.pk}: Sluiting (13b)").click()
    coord.wait_for_url(f"**/coordinatie/acties/{actie.pk}/")
    coord.context.close()
