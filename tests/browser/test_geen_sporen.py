"""No traces on a resident's device, in a real browser (issue 11): filing and following a melding leaves
no cookie and the meldcode in no URL of the tab's history or of any request; the language links
switch without a cookie; "Snel weg" leaves at once and takes the page out of the tab's history."""

import re

import pytest
from django.conf import settings

from tests.browser.conftest import new_page
from tests.browser.test_melden import fill_the_rest

pytestmark = pytest.mark.browser


def history_urls(page) -> list[str]:
    """Every entry of the tab's session history (what Back and Forward reach), from Chromium itself,
    without the new tab's own about:blank."""
    cdp = page.context.new_cdp_session(page)
    try:
        entries = cdp.send("Page.getNavigationHistory")["entries"]
        return [entry["url"] for entry in entries if entry["url"] != "about:blank"]
    finally:
        cdp.detach()


@pytest.fixture
def neutral_site(page):
    """The quick exit's neutral page, served by the test: no test reaches the internet."""
    bezoeken = []

    def antwoord(route):
        bezoeken.append(route.request)
        route.fulfill(status=200, content_type="text/html", body="<title>Weerbericht</title><p>Zonnig</p>")

    host = re.match(r"https?://[^/]+", settings.SNEL_WEG_URL).group(0)
    page.route(re.compile("^" + re.escape(host) + "/"), antwoord)
    return bezoeken


def test_filing_and_following_a_melding_leaves_no_meldcode_in_any_url_and_no_cookie(page, app_server):
    gevraagd = []
    page.on("request", lambda request: gevraagd.append(request.url))
    bezocht = []

    # given the form, switched to English and back by the language links
    page.goto(f"{app_server}/melden/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{app_server}/en/melden/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_url(f"{app_server}/melden/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.context.cookies() == []  # the switch set no language cookie (nor a CSRF one)
    bezocht.append(page.url)

    # when the resident files
    page.get_by_label("Adres of plek").fill("Bijlmerplein 1")
    fill_the_rest(page)
    page.get_by_role("button", name="Melding versturen").click()
    page.locator("#meldcode").wait_for()
    meldcode = page.locator("#meldcode").inner_text().strip()
    bezocht.append(page.url)
    # and opens the status from the thank-you page
    page.get_by_role("button", name="Bekijk de status van uw melding").click()
    page.wait_for_url("**/melden/status/")
    assert page.locator("#status").inner_text() == "Ontvangen"
    bezocht.append(page.url)
    # and switches the status page to English (a POST of the code again)
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/melden/status/")
    assert page.locator("#status").inner_text() == "Received"
    assert page.locator("#meldcode").inner_text() == meldcode
    bezocht.append(page.url)
    # and later looks it up by typing the code into the lookup form
    page.goto(f"{app_server}/melden/status/")
    page.get_by_label("Uw meldcode").fill(meldcode.lower())
    page.get_by_role("button", name="Bekijk status").click()
    page.locator("#status").wait_for()
    bezocht.append(page.url)

    # then the meldcode is in no URL: not of a page shown, not in the tab's history, not in any request
    navigaties = page.evaluate("() => performance.getEntriesByType('navigation').map(e => e.name)")
    geschiedenis = history_urls(page)
    assert len(geschiedenis) >= 7, geschiedenis
    for url in bezocht + navigaties + geschiedenis + gevraagd:
        assert meldcode not in url.upper(), url
    assert set(geschiedenis) <= {
        f"{app_server}/melden/",
        f"{app_server}/en/melden/",
        f"{app_server}/melden/status/",
        f"{app_server}/en/melden/status/",
    }
    # and the browser holds no cookie of the site
    assert page.context.cookies() == []


def test_snel_weg_leaves_at_once_and_takes_the_page_out_of_the_history(page, app_server, neutral_site):
    # given a resident on the status lookup after the form
    page.goto(f"{app_server}/melden/")
    page.goto(f"{app_server}/melden/status/")
    link = page.get_by_role("link", name="Snel weg")
    assert link.is_visible()
    # when they click "Snel weg"
    link.click()
    page.wait_for_url(settings.SNEL_WEG_URL)
    # then the neutral page replaced the lookup in the history: Back does not bring it back
    assert history_urls(page) == [f"{app_server}/melden/", settings.SNEL_WEG_URL]
    # and the neutral site was not told where the visitor came from
    assert len(neutral_site) == 1
    assert "referer" not in neutral_site[0].headers


def test_snel_weg_by_keyboard_and_by_escape_twice(page, app_server, neutral_site):
    # by keyboard: Tab to the link and press Enter
    page.goto(f"{app_server}/melden/status/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "snelweg":
            break
    else:
        pytest.fail("'Snel weg' is not reachable with Tab within the first ten stops")
    page.keyboard.press("Enter")
    page.wait_for_url(settings.SNEL_WEG_URL)
    assert history_urls(page) == [settings.SNEL_WEG_URL]

    # by Escape twice, from anywhere on the page, also while typing in a field; once is not enough
    page.goto(f"{app_server}/melden/")
    page.get_by_label("Adres of plek").fill("Bijlmerplein")
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)
    assert page.url == f"{app_server}/melden/"
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(settings.SNEL_WEG_URL)
    assert history_urls(page) == [settings.SNEL_WEG_URL, settings.SNEL_WEG_URL]


def test_snel_weg_without_javascript_is_an_ordinary_link(browser, app_server):
    page = new_page(browser, javascript=False)
    try:
        page.route(re.compile("^" + re.escape(settings.SNEL_WEG_URL)), lambda r: r.fulfill(body="weer"))
        page.goto(f"{app_server}/melden/")
        page.get_by_role("link", name="Snel weg").click()
        page.wait_for_url(settings.SNEL_WEG_URL)
    finally:
        page.context.close()
