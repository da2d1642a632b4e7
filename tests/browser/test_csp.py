"""Every public and staff page under the enforced Content-Security-Policy in headless Chromium, with no
violation: the form, its thank-you page, the status lookup and status page, the login, the coordinator
screen, a melding page, a hotspot page, the audit trail, the Django admin (index, the meldingen list with
its map, a melding's change page with its Leaflet widget) and /api/docs/.

The violation recorder itself is tests/browser/conftest.py (every browser test fails on a violation);
the last test shows that it does catch one."""

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import Rol
from tests.browser.conftest import CSP_OVERTREDINGEN, csp_bijwerken, new_page
from tests.browser.coordinatie_helpers import gebruikers, inloggen, maak_hotspot, maak_melding, opruimen
from tests.browser.test_melden import fill_the_rest
from tests.coordinatie.conftest import WACHTWOORD

pytestmark = pytest.mark.browser
NAMEN = ("b-csp-coord", "b-csp-auditor", "b-csp-beheer")


@pytest.fixture(scope="module")
def gegevens(app_server, django_db_blocker):
    with django_db_blocker.unblock():
        gebruikers((Rol.COORDINATOR, "b-csp-coord"), (Rol.AUDITOR, "b-csp-auditor"))
        get_user_model().objects.create_superuser(username="b-csp-beheer", password=WACHTWOORD, email="")
        leden = [maak_melding() for _ in range(3)]
        hotspot = maak_hotspot(leden)
        yield {"melding": leden[0], "hotspot": hotspot}
        opruimen(NAMEN)


def bezoek(page, url: str):
    """Open a page, let its scripts and maps settle, and check that it came with the policy."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    policy = response.header_value("content-security-policy") or ""
    assert "frame-ancestors 'none'" in policy, url
    assert "'unsafe-inline'" not in policy, url
    assert "'unsafe-eval'" not in policy, url
    csp_bijwerken(page.context)
    assert CSP_OVERTREDINGEN == [], url
    return response


def kaart_staat(page, selector: str) -> None:
    page.wait_for_function(f"() => document.querySelector('{selector}').classList.contains('leaflet-container')")


def test_publieke_paginas_zonder_schending(page, app_server):
    # the form, with its map
    bezoek(page, f"{app_server}/melden/")
    kaart_staat(page, "#kaart")
    # its thank-you page, the answer to the POST
    page.get_by_label("Adres of plek").fill("Bijlmerplein 1")
    fill_the_rest(page)
    page.get_by_role("button", name="Melding versturen").click()
    page.locator("#meldcode").wait_for()
    meldcode = page.locator("#meldcode").inner_text().strip()
    csp_bijwerken(page.context)
    assert CSP_OVERTREDINGEN == []
    # the status lookup, and the status page it leads to
    bezoek(page, f"{app_server}/melden/status/")
    page.get_by_label("Uw meldcode").fill(meldcode)
    page.get_by_role("button", name="Bekijk status").click()
    page.locator("#status").wait_for()
    csp_bijwerken(page.context)
    assert CSP_OVERTREDINGEN == []
    # the API documentation (Redoc) renders under the same policy
    bezoek(page, f"{app_server}/api/docs/")
    page.wait_for_selector("text=Weerbare Wijken API", timeout=15_000)
    page.wait_for_timeout(300)  # Redoc's search worker starts after the first render


def test_staf_paginas_zonder_schending(browser, app_server, gegevens):
    melding, hotspot = gegevens["melding"], gegevens["hotspot"]
    coordinator = new_page(browser)
    bezoek(coordinator, f"{app_server}/account/inloggen/")
    inloggen(coordinator, app_server, "b-csp-coord")
    bezoek(coordinator, f"{app_server}/coordinatie/")
    kaart_staat(coordinator, "#werkkaart")
    coordinator.wait_for_function("() => /meldingen in beeld/.test(document.querySelector('#kaartstatus').textContent)")
    bezoek(coordinator, f"{app_server}/coordinatie/meldingen/{melding.pk}/")
    kaart_staat(coordinator, "#meldingkaart")
    bezoek(coordinator, f"{app_server}/coordinatie/hotspots/{hotspot.pk}/")
    kaart_staat(coordinator, "#hotspotkaart")
    coordinator.context.close()

    auditor = new_page(browser)
    inloggen(auditor, app_server, "b-csp-auditor")
    bezoek(auditor, f"{app_server}/coordinatie/inzage/")
    assert auditor.locator("#inzagelog").count() == 1
    auditor.context.close()

    beheer = new_page(browser)
    inloggen(beheer, app_server, "b-csp-beheer", volgende="/beheer/")
    bezoek(beheer, f"{app_server}/beheer/")
    bezoek(beheer, f"{app_server}/beheer/meldingen/melding/")
    kaart_staat(beheer, "#meldingenkaart")
    bezoek(beheer, f"{app_server}/beheer/meldingen/melding/{melding.pk}/change/")
    beheer.wait_for_selector(".leaflet-container")  # the point's Leaflet widget
    assert beheer.locator(".leaflet-container").count() >= 1
    beheer.context.close()


def test_een_schending_wordt_opgemerkt(page, app_server):
    # given a page under the policy
    page.goto(f"{app_server}/melden/")
    csp_bijwerken(page.context)
    eerder = len(CSP_OVERTREDINGEN)
    # when something adds an inline script without the nonce (what an injection would do)
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__x = 1'; document.body.append(s); }"
    )
    csp_bijwerken(page.context)
    # then the browser refused it, and the recorder has it
    assert page.evaluate("window.__x") is None
    nieuw = CSP_OVERTREDINGEN[eerder:]
    assert [(o["richtlijn"], o["geblokkeerd"]) for o in nieuw if "richtlijn" in o] == [("script-src-elem", "inline")]
    CSP_OVERTREDINGEN.clear()  # seen on purpose: this test must not fail on it
