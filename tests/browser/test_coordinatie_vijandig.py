"""Hostile content: HTML and script in everything a reporter or a colleague can type (description,
place, internal note, rejection note) and in the URL's filter. Nothing may execute in the queue, the
map and its popups, the melding page or the hotspot page; the text must show as text.

Each payload, if it ran, would bump `window.__xss` or open a dialog; both are watched on every page.
"""

import re
from urllib.parse import quote

import pytest

from accounts.roles import Rol
from meldingen.models import MeldingEvent
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

pytestmark = pytest.mark.browser
NAMEN = ("v-coord",)
RAAK = "window.__xss=(window.__xss||0)+1;alert(1)"
PAYLOADS = (
    f"<script>{RAAK}</script>",
    f'<img src=x onerror="{RAAK}">',
    f'"><svg onload="{RAAK}">',
    f"');{RAAK};('",
    f'<a href="javascript:{RAAK}">klik</a>',
    f"</textarea><script>{RAAK}</script>",
    f'<iframe srcdoc="<script>parent.{RAAK}</script>"></iframe>',
    "{{ request.user }} {% debug %}",
)
VIJANDIG = " ".join(PAYLOADS)


@pytest.fixture(scope="module")
def vijandig(app_server, django_db_blocker):
    with django_db_blocker.unblock():
        gebruikers((Rol.COORDINATOR, "v-coord"))
        meldingen = [
            maak_melding(
                latlon=rond_bijlmerplein(8 * i, 0),
                omschrijving=VIJANDIG,
                locatie_omschrijving=PAYLOADS[i % len(PAYLOADS)][:200],
                ontvangen_op=uur(10 - i),
            )
            for i in range(3)
        ]
        hotspot = maak_hotspot(meldingen)
        yield {"meldingen": meldingen, "hotspot": hotspot}
        opruimen(NAMEN)


def bewaakt(page) -> list[str]:
    dialogen: list[str] = []

    def weg(dialog):
        dialogen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", weg)
    return dialogen


def niets_uitgevoerd(page, dialogen) -> None:
    assert page.evaluate("window.__xss") is None
    assert dialogen == []
    assert page.locator("img[src=x], svg[onload], iframe, a[href^='javascript:']").count() == 0
    assert (
        page.locator("script:not([src])").evaluate_all("els => els.filter(e => e.textContent.includes('__xss')).length")
        == 0
    )


def test_niets_voert_uit_in_wachtrij_kaart_popups_en_paginas(page, app_server, vijandig):
    dialogen = bewaakt(page)
    inloggen(page, app_server, "v-coord")
    eerste = vijandig["meldingen"][0]

    # the queue shows the texts as text
    page.goto(f"{app_server}/coordinatie/")
    kaart_geladen(page)
    niets_uitgevoerd(page, dialogen)
    item = page.locator(f"#melding-{eerste.pk}")
    assert "<script>" in item.locator(".omschrijving").inner_text()

    # a colleague types hostile text as a note and as a rejection note
    item.locator("summary", has_text="Notitie").click()
    item.get_by_label("Interne notitie").fill(VIJANDIG)
    item.get_by_role("button", name="Opslaan").click()
    # (sent without a reload: the answer is read out in the queue's status region)
    page.wait_for_function("() => document.getElementById('wachtrij-bericht').textContent.includes('opgeslagen')")
    niets_uitgevoerd(page, dialogen)
    tweede = vijandig["meldingen"][1]
    item = page.locator(f"#melding-{tweede.pk}")
    item.locator("summary", has_text="Afwijzen").click()
    item.get_by_label("Toelichting (intern)").fill(PAYLOADS[1])
    item.get_by_role("button", name="Afwijzen").click()
    page.wait_for_selector(f"#melding-{tweede.pk}", state="detached")
    niets_uitgevoerd(page, dialogen)
    assert MeldingEvent.objects.filter(melding=tweede, toelichting=PAYLOADS[1]).exists()

    # the map at street level, with a popup open
    page.goto(f"{app_server}/coordinatie/#kaart=18/52.31255/4.95300")
    kaart_geladen(page)
    markers = page.locator("#werkkaart path.leaflet-interactive")
    markers.first.wait_for()
    page.evaluate(
        "() => { let n = 0; window.werkkaart.eachLayer(l => { if (l.getPopup && l.getPopup() && !n++) l.openPopup(); }); }"
    )
    page.locator(".leaflet-popup-content").first.wait_for()
    niets_uitgevoerd(page, dialogen)

    # the melding pages: description, place, note and history
    for melding in (eerste, tweede):
        page.goto(f"{app_server}/coordinatie/meldingen/{melding.pk}/")
        page.wait_for_function("() => document.querySelector('#meldingkaart .leaflet-interactive') !== null")
        niets_uitgevoerd(page, dialogen)
        assert "<script>" in page.locator("#omschrijving").inner_text()
        assert "{{ request.user }}" in page.locator("#omschrijving").inner_text()  # not a template
    page.goto(f"{app_server}/coordinatie/meldingen/{eerste.pk}/")
    assert "</textarea><script>" in page.locator(".notities").inner_text()
    page.goto(f"{app_server}/coordinatie/meldingen/{tweede.pk}/")
    assert "onerror" in page.locator("table.tabel").first.inner_text()

    # the hotspot page, with a popup on its map
    page.goto(f"{app_server}/coordinatie/hotspots/{vijandig['hotspot'].pk}/")
    page.wait_for_function("() => document.querySelector('#hotspotkaart .leaflet-interactive') !== null")
    niets_uitgevoerd(page, dialogen)

    # a hostile filter in a shared URL is reported as text
    page.goto(f"{app_server}/coordinatie/?stadsdeel={quote(PAYLOADS[1])}&buurt={quote(PAYLOADS[0])}")
    assert re.search("Onbekende code voor stadsdeel", page.get_by_role("alert").inner_text())
    assert "onerror" in page.get_by_role("alert").inner_text()
    niets_uitgevoerd(page, dialogen)
