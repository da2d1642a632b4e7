import json
import re

import pytest

from meldingen.workflow import MeldingStatus
from tests.factories import DAM, MeldingFactory

pytestmark = pytest.mark.django_db


def test_staff_list_has_filters_and_a_map_of_the_filtered_meldingen(admin_client):
    # given two meldingen in different statuses
    nieuw = MeldingFactory(omschrijving="<script>alert(1)</script>")
    MeldingFactory(latlon=DAM, status=MeldingStatus.IN_BEHANDELING)
    # when staff filter the list on status
    response = admin_client.get("/beheer/meldingen/melding/", {"status__exact": "nieuw"})
    # then the filters are there and the map carries exactly the filtered melding, in WGS84
    html = response.content.decode()
    assert response.status_code == 200
    assert "Op status" in html or "By status" in html
    data = json.loads(re.search(r'id="meldingen-geojson"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [f["properties"]["meldcode"] for f in data["features"]] == [nieuw.meldcode]
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert 52.2 < lat < 52.5
    assert 4.7 < lon < 5.1
    assert "<script>alert(1)</script>" not in html


def test_staff_detail_shows_history_and_a_map(admin_client):
    melding = MeldingFactory()
    response = admin_client.get(f"/beheer/meldingen/melding/{melding.pk}/change/")
    assert response.status_code == 200
    assert "leaflet" in response.content.decode().lower()


def test_anonymous_users_cannot_reach_the_admin(client):
    response = client.get("/beheer/meldingen/melding/")
    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]
