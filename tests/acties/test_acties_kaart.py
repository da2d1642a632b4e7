"""Issue 14, the map's "Acties" layer: GET /api/v1/kaart/acties gives open, overdue and recently finished
actions as WGS84 points for staff; partners and strangers get nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from acties.models import Actie
from acties.selectors import KAART_AFGEROND_DAGEN
from tests.factories import BIJLMERPLEIN, DAM, rd_point
from tests.kaart.conftest import bbox_rond

pytestmark = pytest.mark.django_db
URL = "/api/v1/kaart/acties"


def _zet(actie, **velden):
    Actie.objects.filter(pk=actie.pk).update(**velden)
    return actie


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _features(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return {f["id"]: f for f in response.json()["features"]}


def test_open_te_laat_en_afgerond_met_hun_klasse(coordinator, voorstel, org):
    nu = timezone.now()
    open_ = voorstel("buurtschouw")
    te_laat = _zet(
        voorstel("buurtschouw"),
        status="toegewezen",
        verantwoordelijke=org["politie"],
        deadline_accepteren=nu - timedelta(hours=1),
        deadline_afronden=nu + timedelta(days=5),
    )
    klaar = _zet(
        voorstel("buurtschouw"), status="afgerond", uitkomst="uitgevoerd", bijgewerkt_op=nu - timedelta(days=3)
    )
    oud = _zet(
        voorstel("buurtschouw"),
        status="afgerond",
        uitkomst="uitgevoerd",
        bijgewerkt_op=nu - timedelta(days=KAART_AFGEROND_DAGEN + 1),
    )
    geannuleerd = _zet(voorstel("buurtschouw"), status="geannuleerd")

    features = _features(_client(coordinator).get(URL))
    assert set(features) == {open_.pk, te_laat.pk, klaar.pk}
    assert {i: f["properties"]["klasse"] for i, f in features.items()} == {
        open_.pk: "open",
        te_laat.pk: "te_laat",
        klaar.pk: "afgerond",
    }
    # overdue first, so a capped answer never drops the ones that need attention
    assert next(iter(features)) == te_laat.pk
    assert features[te_laat.pk]["properties"]["partner"] == org["politie"].naam
    assert features[te_laat.pk]["properties"]["status_label"] == "Toegewezen"
    lon, lat = features[open_.pk]["geometry"]["coordinates"]
    # a hotspot action sits inside its hotspot (factory hotspots lie at the Bijlmerplein)
    assert abs(lat - BIJLMERPLEIN[0]) < 0.01
    assert abs(lon - BIJLMERPLEIN[1]) < 0.01
    assert oud.pk not in features
    assert geannuleerd.pk not in features


def test_adres_gaat_voor_en_bbox_en_gebied_filteren(coordinator, voorstel):
    bij = voorstel("buurtschouw")
    dam = voorstel("buurtschouw", adres="Dam 1", punt=rd_point(*DAM))
    c = _client(coordinator)
    lon, lat = _features(c.get(URL))[dam.pk]["geometry"]["coordinates"]
    assert round(lat, 4) == DAM[0]
    assert round(lon, 4) == DAM[1]
    assert set(_features(c.get(URL, {"bbox": bbox_rond(DAM, 300)}))) == {dam.pk}
    assert set(_features(c.get(URL, {"bbox": bbox_rond(BIJLMERPLEIN, 300)}))) == {bij.pk}
    stadsdeel = Actie.objects.select_related("buurt__wijk").get(pk=dam.pk).buurt.wijk.stadsdeel_id
    assert set(_features(c.get(URL, {"stadsdeel": stadsdeel}))) == {dam.pk}


def test_foute_parameters_geven_een_nederlandse_fout(coordinator):
    c = _client(coordinator)
    response = c.get(URL, {"stadsdeel": "QQ", "bbox": "a,b"})
    assert response.status_code == 400
    assert "Onbekende code" in response.json()["stadsdeel"][0]
    assert "bbox" in response.json()


def test_alleen_staf(client, partners, approver, voorstel):
    voorstel("buurtschouw")
    assert client.get(URL).status_code in (401, 403)
    assert _client(partners["politie"]).get(URL).status_code == 403
    assert len(_features(_client(approver).get(URL))) == 1
