"""Browser tests: the real pages in Debian's headless Chromium, driven by Playwright.

The app runs in a threaded WSGI server against the test database. Its rows must be committed to be
seen by that server, so the fixture commits and removes what the tests filed afterwards, leaving the
areas and code lists (reference data) in place for the rest of the suite.
"""

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


def new_page(browser, *, javascript: bool = True, locale: str = "nl-NL"):
    context = browser.new_context(
        java_script_enabled=javascript, locale=locale, viewport={"width": 1200, "height": 900}
    )
    context.route("**/*", _loopback_only)
    return context.new_page()


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
    page.add_script_tag(path=str(AXE))
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
