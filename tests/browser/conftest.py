"""Browser tests: the real pages in Debian's headless Chromium, driven by Playwright.

The app runs in a threaded WSGI server against the test database. Its rows must be committed to be
seen by that server, so the fixture commits and removes what the tests filed afterwards, leaving the
areas and code lists (reference data) in place for the rest of the suite.

Every page made by new_page() reports Content-Security-Policy violations (a `securitypolicyviolation`
listener in every document, and Chromium's console messages about the policy for what has no document,
such as a worker); a browser test with any violation fails (pytest_runtest_call below).
"""

import contextlib
import os
import threading
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test import override_settings

from integrations.geocoding import get_geocoder

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are ordinary
# blocking calls between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def app_server(django_db_setup, django_db_blocker, fake_pdok_server):
    with django_db_blocker.unblock(), override_settings(PDOK_LOCATIESERVER_URL=fake_pdok_server.url):
        get_geocoder.cache_clear()
        server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler)
        server.set_app(WSGIHandler())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            from django.db import connection

            # History refuses row deletes (append-only trigger); TRUNCATE is the test reset.
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE meldingen_meldingfoto, meldingen_meldingevent, meldingen_melding CASCADE")
            get_geocoder.cache_clear()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/bootstrap.sh test installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def _loopback_only(route):
    host = route.request.url.split("/")[2].split(":")[0]
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()  # map tiles and anything else outside: no test reaches the internet


# Every violation any page of the running test reported; pytest_runtest_call fails the test on one.
CSP_OVERTREDINGEN: list[dict] = []
_OPEN_CONTEXTEN: list = []

# Runs before any script of each document (a DevTools init script, which the page's policy does not
# govern). Captured, so a violation whose element is removed at once is still reported.
_CSP_LUISTERAAR = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspOvertreding({
    pagina: e.documentURI, richtlijn: e.effectiveDirective, geblokkeerd: e.blockedURI,
    bron: e.sourceFile ? e.sourceFile + ":" + e.lineNumber : "",
  });
}, true);
"""


def _overtreding(overtreding: dict) -> None:
    CSP_OVERTREDINGEN.append(overtreding)


def _console(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_OVERTREDINGEN.append({"console": message.text, "pagina": message.page.url if message.page else ""})


def csp_bijwerken(context) -> None:
    """A round trip to every open page of the context: a violation reported before it has been handed
    to CSP_OVERTREDINGEN when this returns (the browser sends its messages in order)."""
    for open_page in context.pages:
        if not open_page.is_closed():
            with contextlib.suppress(Exception):  # a page that navigates or closes right now
                open_page.evaluate("0")


def new_page(browser, *, javascript: bool = True, locale: str = "nl-NL"):
    context = browser.new_context(
        java_script_enabled=javascript, locale=locale, viewport={"width": 1200, "height": 900}
    )
    context.route("**/*", _loopback_only)
    context.expose_function("__cspOvertreding", _overtreding)
    context.add_init_script(_CSP_LUISTERAAR)
    context.on("console", _console)
    sluiten = context.close

    def bijwerken_en_sluiten(*args, **kwargs):
        csp_bijwerken(context)
        return sluiten(*args, **kwargs)

    context.close = bijwerken_en_sluiten
    _OPEN_CONTEXTEN.append(context)
    context.on("close", lambda _context: _OPEN_CONTEXTEN.remove(context))
    return context.new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    CSP_OVERTREDINGEN.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that passes with a Content-Security-Policy violation on any of its pages fails."""
    uitkomst = yield
    for context in list(_OPEN_CONTEXTEN):
        csp_bijwerken(context)
    if CSP_OVERTREDINGEN:
        overtredingen = list(CSP_OVERTREDINGEN)
        CSP_OVERTREDINGEN.clear()
        pytest.fail(f"Content-Security-Policy violations: {overtredingen}", pytrace=False)
    return uitkomst


@pytest.fixture
def page(browser, app_server):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def page_without_js(browser, app_server):
    page = new_page(browser, javascript=False)
    yield page
    page.context.close()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    # Evaluated through DevTools, not added as an inline <script>: the page's policy would refuse that.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
