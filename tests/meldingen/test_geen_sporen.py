"""No traces on a resident's device (issue 11): the residents' pages set no cookie at all, the language
lives in the URL, and the meldcode is in no URL the browser keeps. The browser side of the same
promise (history, context cookies) is tests/browser/test_geen_sporen.py."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from meldingen.models import Melding
from meldingen.services import inzend_sleutel_hash
from tests.factories import BIJLMERPLEIN, MeldingFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    lat, lon = BIJLMERPLEIN
    data = {
        "lat": lat,
        "lon": lon,
        "adres": "",
        "locatie_type": "speelplek",
        "waarnemingen": ["dealen"],
        "datum": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "dagdeel": "avond",
        "frequentie": "dagelijks",
        "actie": "versturen",
        "inzend_sleutel": "een-eenmalige-sleutel-van-het-formulier",
    }
    data.update(overrides)
    return data


def _bezoeken(client: Client, meldcode: str):
    """Every kind of answer a resident's browser gets, with what it asked."""
    yield "GET /", client.get("/")
    yield "GET /en/", client.get("/en/")
    yield "GET /melden/", client.get("/melden/")
    yield "GET /en/melden/", client.get("/en/melden/")
    yield "POST /melden/ with an error", client.post("/melden/", form_data(lat="", lon="", inzend_sleutel=""))
    yield "POST /en/melden/ with an error", client.post("/en/melden/", form_data(lat="", lon="", inzend_sleutel=""))
    yield "POST /melden/ zoeken", client.post("/melden/", {"actie": "zoeken", "adres": ""})
    yield "POST /melden/ (thank-you page)", client.post("/melden/", form_data())
    yield "POST /en/melden/ (thank-you page)", client.post("/en/melden/", form_data(inzend_sleutel="tweede"))
    yield "GET /melden/status/", client.get("/melden/status/")
    yield "GET /en/melden/status/", client.get("/en/melden/status/")
    yield "POST /melden/status/", client.post("/melden/status/", {"meldcode": meldcode})
    yield "POST /en/melden/status/", client.post("/en/melden/status/", {"meldcode": meldcode})
    yield "POST /melden/status/ unknown", client.post("/melden/status/", {"meldcode": "ZZZZZZZZZZ"})
    yield "GET /melden/status/<code> (old)", client.get(f"/melden/status/{meldcode}")
    yield "GET /melden/adres/", client.get("/melden/adres/", {"q": "ab"})


def test_the_residents_pages_set_no_cookie_at_all(fake_pdok):
    # given a resident's browser with nothing in it, and a melding to look up
    client = Client()
    meldcode = MeldingFactory().meldcode
    for wat, response in _bezoeken(client, meldcode):
        # then no answer sets a cookie (csrftoken, django_language, sessionid, messages: none)
        assert response.status_code < 500, wat
        assert not response.cookies, f"{wat}: {response.cookies.output()}"
        assert "Set-Cookie" not in response.headers, wat
    assert not client.cookies
    # (and the filings above happened: the pages were real answers, not error pages)
    assert Melding.objects.exclude(meldcode=meldcode).count() == 2


def test_every_residents_page_offers_the_quick_exit(fake_pdok):
    client = Client()
    meldcode = MeldingFactory().meldcode
    for wat, response in _bezoeken(client, meldcode):
        if response.status_code in (301, 302) or response["Content-Type"].startswith("application/json"):
            continue
        html = response.content.decode()
        link = re.search(r'<a class="snelweg" id="snelweg" href="([^"]+)" rel="noreferrer"', html)
        assert link is not None, wat
        assert link.group(1) == settings.SNEL_WEG_URL
        assert "?" not in link.group(1)  # nothing that tells the neutral site where the visitor came from
        assert "meldingen/snelweg.js" in html, wat


def test_language_comes_from_the_url_not_from_a_cookie_or_the_browser(client):
    # given a browser that prefers English and even carries an old language cookie
    client.cookies["django_language"] = "en"
    # when it opens the Dutch URL, then the page is Dutch and links to the English one
    html = client.get("/melden/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="nl">' in html
    assert '<a href="/en/melden/" lang="en" hreflang="en">English</a>' in html
    # and the English URL is English and links back
    response = client.get("/en/melden/", HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<a href="/melden/" lang="nl" hreflang="nl">Nederlands</a>' in html
    assert response["Content-Language"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")  # the URL alone decides
    # and the language switch of the old design, which set the cookie, is gone
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/melden/"}).status_code == 404


def test_the_language_link_keeps_the_page_but_never_its_query(client):
    html = client.get("/en/melden/status/", {"meldcode": "ABCDEFGH23"}).content.decode()
    assert '<a href="/melden/status/" lang="nl" hreflang="nl">Nederlands</a>' in html
    assert "ABCDEFGH23" not in html


def test_staff_pages_and_the_api_follow_accept_language_and_say_they_vary(client):
    response = client.get("/account/inloggen/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")
    assert '<html lang="en">' in response.content.decode()
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="nl">' in client.get("/account/inloggen/").content.decode()
    fout = client.post("/api/v1/meldingen", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert "This field is required." in fout.content.decode()


def test_the_staff_login_keeps_its_csrf_cookie_only_for_the_browser_session(client):
    response = client.get("/account/inloggen/")
    cookie = response.cookies["csrftoken"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]


def test_the_status_page_answers_the_post_and_switches_language_by_posting_again(client):
    melding = MeldingFactory()
    response = client.post("/melden/status/", {"meldcode": melding.meldcode.lower()})
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert f'<dd id="meldcode">{melding.meldcode}</dd>' in html
    # the switch to English is a POST of the code, not a link that would lose it (or carry it)
    assert re.search(
        rf'<form method="post" action="/en/melden/status/"><input type="hidden" name="meldcode" value="{melding.meldcode}">',
        html,
    )
    assert not re.search(rf'href="[^"]*{melding.meldcode}', html)
    engels = client.post("/en/melden/status/", {"meldcode": melding.meldcode}).content.decode()
    assert "Status of your report" in engels
    assert f'<dd id="meldcode">{melding.meldcode}</dd>' in engels


def test_the_old_status_url_looks_nothing_up_and_sends_the_browser_to_the_form(client, settings):
    # given a rate limit of one miss, and a bookmark of the old URL with an unknown code
    settings.STATUS_LOOKUP_MISSES_PER_HOUR = 1
    melding = MeldingFactory()
    for code in ("ZZZZZZZZZZ", "YYYYYYYYYY", melding.meldcode):
        # when it is opened
        response = client.get(f"/melden/status/{code}")
        # then it goes to the lookup form, without the code and without a cached redirect
        assert response.status_code == 302
        assert response["Location"] == "/melden/status/"
        assert response["Cache-Control"] == "no-store"
    assert client.get("/en/melden/status/ZZZZZZZZZZ")["Location"] == "/en/melden/status/"
    # and none of them was a lookup: the first real miss is still allowed
    assert client.post("/melden/status/", {"meldcode": "ZZZZZZZZZZ"}).status_code == 404
    assert client.post("/melden/status/", {"meldcode": "ZZZZZZZZZZ"}).status_code == 429


def test_a_get_with_a_code_in_the_query_shows_the_form_without_looking_up(client):
    melding = MeldingFactory()
    response = client.get("/melden/status/", {"meldcode": melding.meldcode})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_meldcode"' in html
    assert melding.meldcode not in html
    assert '<form method="post" action="/melden/status/">' in html


def test_the_thank_you_page_switches_language_with_the_same_melding(client):
    # given a filing answered by the thank-you page
    client.post("/melden/", form_data())
    melding = Melding.objects.get()
    # when the resident switches to English there: the switch re-sends the one-time key
    html = client.post("/melden/", form_data()).content.decode()
    knop = re.search(
        r'<form method="post" action="/en/melden/"><input type="hidden" name="inzend_sleutel" value="([^"]+)">', html
    )
    assert knop is not None
    response = client.post("/en/melden/", {"inzend_sleutel": knop.group(1)})
    # then the English thank-you page shows the same meldcode, and nothing was filed twice
    assert response.status_code == 200
    engels = response.content.decode()
    assert "Thank you for your report" in engels
    assert f'<p class="meldcode" id="meldcode">{melding.meldcode}</p>' in engels
    assert Melding.objects.count() == 1
    assert melding.inzend_sleutel == inzend_sleutel_hash(knop.group(1))
    assert not response.cookies


def test_the_english_form_has_the_forms_body_limit_and_its_refusal_sets_no_cookie(client, settings):
    # given a body just over the form's limit (the limits know /melden/; /en/melden/ is the same form)
    limiet = dict(settings.REQUEST_BODY_LIMITS)["/melden/"]
    settings.REQUEST_BODY_LIMIT_DEFAULT = limiet * 2
    # when it is posted to the English form
    response = client.post("/en/melden/", {"actie": "versturen"}, CONTENT_LENGTH=str(limiet + 1))
    # then it is refused in English, before parsing, and the refusal leaves no cookie behind
    assert response.status_code == 413
    assert '<html lang="en">' in response.content.decode()
    assert not response.cookies
