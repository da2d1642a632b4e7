"""Two-factor login in headless Chromium, with STAFF_2FA_VERPLICHT on: a coordinator without an app
is sent to enrolment, scans (reads) the secret, confirms with the app's code, keeps the recovery
codes, logs out and logs in again with the password and the next code; without JavaScript too."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from accounts.roles import Rol
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.coordinatie_helpers import gebruikers, opruimen
from tests.coordinatie.conftest import WACHTWOORD

pytestmark = [pytest.mark.browser, pytest.mark.tweefactor]
NAMEN = ("b2-coord", "b2-zonderjs")


@pytest.fixture(scope="module")
def accounts(app_server, django_db_blocker):
    with django_db_blocker.unblock():
        yield gebruikers((Rol.COORDINATOR, "b2-coord"), (Rol.COORDINATOR, "b2-zonderjs"))
        opruimen(NAMEN)


def app_code(geheim: str, *, over_s: float = 0) -> str:
    """What an authenticator app shows for this secret (RFC 6238: 30 s steps, 6 digits, SHA-1)."""
    sleutel = b32decode(geheim.replace(" ", "") + "=" * (-len(geheim.replace(" ", "")) % 8))
    totp = TOTP(sleutel, step=30, digits=6)
    totp.time = time.time() + over_s
    return f"{totp.token():06d}"


def wachtwoord_geven(page, naam: str) -> None:
    page.get_by_label("Gebruikersnaam").fill(naam)
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def instellen(page, naam: str) -> tuple[str, list[str]]:
    """From the login page to a verified session; returns (secret, recovery codes)."""
    wachtwoord_geven(page, naam)
    page.wait_for_url(re.compile(r".*/account/tweestapsverificatie/\?next=%2Fcoordinatie%2F$"))
    assert page.locator(".qr svg").count() == 1
    geheim = page.locator("code.geheim").inner_text()
    page.get_by_label("Code uit uw app").fill(app_code(geheim))
    page.get_by_role("button", name="Bevestigen").click()
    # Wait for the next page itself: a load-state wait right after the click can still see the old one.
    page.locator(".herstelcodes code").first.wait_for()
    codes = [c.strip() for c in page.locator(".herstelcodes code").all_inner_texts()]
    assert len(codes) == 10
    return geheim, codes


def test_instellen_uitloggen_en_inloggen_met_de_code(page, app_server, accounts):
    # given: a coordinator without an app opens the working screen
    page.goto(f"{app_server}/coordinatie/")
    page.wait_for_url(re.compile(r".*/account/inloggen/\?next=/coordinatie/$"))
    # when: password, then enrolment with the app's first code
    wachtwoord_geven(page, "b2-coord")
    page.wait_for_url(re.compile(r".*/account/tweestapsverificatie/.*"))
    assert axe_violations(page) == []
    screenshot(page, "tweefactor-instellen")
    geheim = page.locator("code.geheim").inner_text()
    page.get_by_label("Code uit uw app").fill(app_code(geheim))
    page.get_by_role("button", name="Bevestigen").click()
    # then: ten recovery codes, and on to the page asked for
    expect_codes = page.locator(".herstelcodes code")
    expect_codes.first.wait_for()  # count() does not wait for the navigation the click started
    assert expect_codes.count() == 10
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    page.wait_for_url(re.compile(r".*/coordinatie/(#.*)?$"))
    # when: logging out and in again
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r".*/account/inloggen/$"))
    page.goto(f"{app_server}/coordinatie/")
    wachtwoord_geven(page, "b2-coord")
    # then: the code is asked; the app's next code (the first is used up) opens the working screen
    page.wait_for_url(re.compile(r".*/account/inloggen/code/\?next=%2Fcoordinatie%2F$"))
    assert axe_violations(page) == []
    veld = page.get_by_label("Code uit uw app of een herstelcode")
    veld.fill("000000" if app_code(geheim, over_s=30) != "000000" else "111111")
    page.get_by_role("button", name="Bevestigen").click()
    assert page.get_by_role("alert").inner_text().strip() == "Deze code klopt niet. Probeer het opnieuw."
    page.get_by_label("Code uit uw app of een herstelcode").fill(app_code(geheim, over_s=30))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(re.compile(r".*/coordinatie/(#.*)?$"))
    assert page.get_by_role("heading", level=1).count() >= 1


def test_zonder_javascript_met_een_herstelcode(page_without_js, app_server, accounts):
    page = page_without_js
    page.goto(f"{app_server}/coordinatie/")
    _geheim, codes = instellen(page, "b2-zonderjs")
    page.get_by_role("button", name="Uitloggen").click()
    page.goto(f"{app_server}/coordinatie/")
    wachtwoord_geven(page, "b2-zonderjs")
    page.wait_for_url(re.compile(r".*/account/inloggen/code/.*"))
    page.get_by_label("Code uit uw app of een herstelcode").fill(codes[3].upper())
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(re.compile(r".*/coordinatie/(#.*)?$"))
    assert "nog 9 over" in page.locator(".berichten").inner_text()
