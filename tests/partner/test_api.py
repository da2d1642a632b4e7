"""The partner API (issue 15) through real requests: keys (missing, wrong, expired, revoked), own tickets
only (404 for another's), keyset paging and `gewijzigd_na`, the portal's field visibility (never the
reporters' words), steps through the portal's service with Idempotency-Key, one audit row per request,
and the per-key rate limit."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import ApiSleutel
from accounts.services import api_sleutel_maken
from acties.models import Actie, ActieEvent, ActieInzage
from acties.selectors import actie_voor_partner
from tests.partner.test_portaal import GEHEIM_LOCATIE, GEHEIM_NOTITIE, GEHEIM_TEKST, toegewezen  # noqa: F401

pytestmark = pytest.mark.django_db
LIJST = "/api/v1/partner/acties"


def _ticket(pk: int) -> str:
    return f"{LIJST}/{pk}"


def _stap(pk: int) -> str:
    return f"{LIJST}/{pk}/transitie"


@pytest.fixture
def sleutel(org):
    """A client with a fresh key of the organisation `code`."""

    def maak(code: str, **kwargs):
        rij, key = api_sleutel_maken(organisatie=org[code], naam=f"systeem van {code}", **kwargs)
        return Client(HTTP_AUTHORIZATION=f"Api-Key {key}"), rij, key

    return maak


def test_zonder_fout_verlopen_of_ingetrokken_sleutel_geen_toegang(sleutel, partners, toegewezen):  # noqa: F811
    toegewezen()
    geen = Client().get(LIJST)
    assert geen.status_code == 401
    assert geen["WWW-Authenticate"] == "Api-Key"
    _c, _rij, key = sleutel("handhaving")
    fout = Client(HTTP_AUTHORIZATION=f"Api-Key {key[:-1]}x").get(LIJST)
    assert fout.status_code == 401
    assert fout.json()["detail"] == "Onbekende API-sleutel."
    verlopen, _rij, _k = sleutel("handhaving", verloopt_op=timezone.now() - timedelta(minutes=1))
    assert verlopen.get(LIJST).json()["detail"] == "Deze API-sleutel is verlopen."
    ingetrokken, rij, _k = sleutel("handhaving")
    assert ingetrokken.get(LIJST).status_code == 200
    ApiSleutel.objects.filter(pk=rij.pk).update(revoked=True)
    assert ingetrokken.get(LIJST).json()["detail"] == "Deze API-sleutel is ingetrokken."
    # a logged-in portal session is no key
    portaal = Client()
    portaal.force_login(partners["handhaving"])
    assert portaal.get(LIJST).status_code == 401


def test_alleen_eigen_tickets(sleutel, toegewezen):  # noqa: F811
    actie, partij, _m = toegewezen()
    assert partij == "handhaving"
    vreemd, _rij, _k = sleutel("ymere")
    assert vreemd.get(LIJST).json()["resultaten"] == []
    assert vreemd.get(_ticket(actie.pk)).status_code == 404
    assert vreemd.get(_ticket(999_999)).status_code == 404
    stap = vreemd.post(_stap(actie.pk), {"naar": "geaccepteerd"}, content_type="application/json")
    assert stap.status_code == 404
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"


def test_bladeren_met_cursor_en_gewijzigd_na(sleutel, toegewezen):  # noqa: F811
    acties = [toegewezen()[0] for _i in range(5)]
    client, _rij, _k = sleutel("handhaving")
    gezien, url, paginas = [], f"{LIJST}?aantal=2", 0
    while url:
        antwoord = client.get(url).json()
        gezien += [r["id"] for r in antwoord["resultaten"]]
        url, paginas = antwoord["volgende"], paginas + 1
    assert gezien == [a.pk for a in acties]
    assert paginas == 3
    # a sync from the last change on: only what changed after it
    grens = Actie.objects.get(pk=acties[2].pk).bijgewerkt_op
    na = client.get(LIJST, {"gewijzigd_na": grens.isoformat()}).json()["resultaten"]
    assert [r["id"] for r in na] == [acties[3].pk, acties[4].pk]
    assert client.get(LIJST, {"status": "gesloten"}).json()["resultaten"] == []
    assert len(client.get(LIJST, {"status": "open"}).json()["resultaten"]) == 5


def test_foute_parameters_zijn_nederlandse_400(sleutel):
    client, _rij, _k = sleutel("handhaving")
    antwoord = client.get(LIJST, {"status": "voorgesteld", "gewijzigd_na": "gisteren", "aantal": "0", "na": "@@"})
    assert antwoord.status_code == 400
    assert set(antwoord.json()) == {"status", "gewijzigd_na", "aantal", "na"}
    assert "tijdzone" in antwoord.json()["gewijzigd_na"][0]
    naief = client.get(LIJST, {"gewijzigd_na": "2026-12-01T08:00:00"})
    assert naief.status_code == 400


@pytest.mark.parametrize("convenant_code", ["doorzon", "zoeklicht", None])
def test_velden_als_in_het_portaal_en_nooit_de_woorden_van_melders(convenant_code, sleutel, toegewezen, org):  # noqa: F811
    actie, partij, meldingen = toegewezen(convenant_code)
    client, _rij, _k = sleutel(partij)
    ruw = client.get(_ticket(actie.pk))
    assert ruw.status_code == 200
    tekst = ruw.content.decode() + client.get(LIJST).content.decode()
    for geheim in (GEHEIM_TEKST, GEHEIM_LOCATIE, GEHEIM_NOTITIE, *(m.meldcode for m in meldingen)):
        assert geheim not in tekst
    data = ruw.json()
    portaal = actie_voor_partner(actie_id=actie.pk, organisatie=org[partij])
    for veld in ("actie_type", "partner_samenvatting", "adres", "bag_id", "aantal_meldingen", "status"):
        assert data[veld] == getattr(portaal, veld), veld
    assert (data["gebied"] is None) == (portaal.gebied_geojson is None)
    assert (data["periode"] is None) == (portaal.periode is None)


def test_stappen_via_de_dienst_van_het_portaal(sleutel, toegewezen, org):  # noqa: F811
    actie, partij, _m = toegewezen()
    client, rij, _k = sleutel(partij)

    def stap(**data):
        return client.post(_stap(actie.pk), data, content_type="application/json")

    assert stap(naar="toegewezen").status_code == 400  # a coordinator's step is not offered
    weigeren = stap(naar="geweigerd", toelichting=" ")
    assert weigeren.status_code == 400
    assert weigeren.json() == {"reden": ["Geef een reden."]}
    assert stap(naar="in_uitvoering").status_code == 409  # accept first
    geaccepteerd = stap(naar="geaccepteerd")
    assert geaccepteerd.status_code == 200
    assert geaccepteerd.json()["status"] == "geaccepteerd"
    stap(naar="in_uitvoering")
    assert stap(naar="afgerond").json() == {"uitkomst": ["Kies de uitkomst."]}
    klaar = stap(naar="afgerond", uitkomst="uitgevoerd", toelichting="Box 12 ontruimd.")
    assert klaar.status_code == 200
    actie.refresh_from_db()
    assert (actie.status, actie.uitkomst, actie.uitkomst_tekst) == ("afgerond", "uitgevoerd", "Box 12 ontruimd.")
    laatste = ActieEvent.objects.filter(actie=actie).latest("id")
    assert laatste.actor == rij.gebruiker
    assert laatste.actor.lidmaatschap.organisatie_id == partij
    assert not laatste.actor.has_usable_password()


def test_deelnemer_mag_lezen_maar_geen_stap_zetten(sleutel, toegewezen, org):  # noqa: F811
    actie, _partij, _m = toegewezen(deelnemers=[org["politie"]])
    client, _rij, _k = sleutel("politie")
    assert client.get(_ticket(actie.pk)).json()["verantwoordelijk"] is False
    stap = client.post(_stap(actie.pk), {"naar": "geaccepteerd"}, content_type="application/json")
    assert stap.status_code == 403


def test_idempotency_key_maakt_een_herhaling_onschadelijk(sleutel, toegewezen):  # noqa: F811
    actie, partij, _m = toegewezen()
    client, _rij, _k = sleutel(partij)
    kop = {"HTTP_IDEMPOTENCY_KEY": "accepteer-7f3a"}
    eerste = client.post(_stap(actie.pk), {"naar": "geaccepteerd"}, content_type="application/json", **kop)
    tweede = client.post(_stap(actie.pk), {"naar": "geaccepteerd"}, content_type="application/json", **kop)
    assert eerste.status_code == tweede.status_code == 200
    assert tweede.json() == eerste.json()
    assert tweede["Idempotent-Replayed"] == "true"
    assert ActieEvent.objects.filter(actie=actie, naar="geaccepteerd").count() == 1
    ander = client.post(_stap(actie.pk), {"naar": "in_uitvoering"}, content_type="application/json", **kop)
    assert ander.status_code == 422
    # without the header a repeat is a new request: the step cannot be made twice
    assert client.post(_stap(actie.pk), {"naar": "geaccepteerd"}, content_type="application/json").status_code == 409
    # a refusal is an answer too: retried, it is the same refusal
    fout = {"HTTP_IDEMPOTENCY_KEY": "weiger-1"}
    a = client.post(_stap(actie.pk), {"naar": "geweigerd"}, content_type="application/json", **fout)
    b = client.post(_stap(actie.pk), {"naar": "geweigerd"}, content_type="application/json", **fout)
    assert a.status_code == b.status_code == 409
    assert b["Idempotent-Replayed"] == "true"
    # another key of the same organisation has its own keys
    ander_client, _r, _k = sleutel(partij)
    los = ander_client.post(_stap(actie.pk), {"naar": "in_uitvoering"}, content_type="application/json", **kop)
    assert los.status_code == 200


def test_een_inzagerij_per_verzoek(sleutel, toegewezen):  # noqa: F811
    acties = [toegewezen()[0] for _i in range(3)]
    client, rij, _k = sleutel("handhaving")
    client.get(LIJST)
    client.get(_ticket(acties[0].pk))
    rijen = list(ActieInzage.objects.filter(soort="api").order_by("id"))
    assert [r.actie_ids for r in rijen] == [[a.pk for a in acties], [acties[0].pk]]
    assert rijen[0].organisatie == "handhaving"
    assert rij.prefix in rijen[0].gebruikersnaam
    rij.refresh_from_db()
    assert rij.laatst_gebruikt_op is not None


def test_laatst_gebruikt_wordt_hoogstens_eens_per_minuut_geschreven(sleutel, django_assert_num_queries):
    from accounts.services import api_sleutel_gebruikt

    _client, rij, _k = sleutel("handhaving")
    nu = timezone.now()
    api_sleutel_gebruikt(sleutel=rij, nu=nu)
    rij.refresh_from_db()
    with django_assert_num_queries(0):  # stamped a moment ago: no UPDATE for the next request
        api_sleutel_gebruikt(sleutel=rij, nu=nu + timedelta(seconds=30))
    with django_assert_num_queries(1):
        api_sleutel_gebruikt(sleutel=rij, nu=nu + timedelta(minutes=2))
    rij.refresh_from_db()
    assert rij.laatst_gebruikt_op == nu + timedelta(minutes=2)


@override_settings(PARTNER_API_PER_MINUUT=3)
def test_limiet_per_sleutel(sleutel):
    client, _rij, _k = sleutel("handhaving")
    codes = [client.get(LIJST).status_code for _i in range(4)]
    assert codes == [200, 200, 200, 429]
    beperkt = client.get(LIJST)
    assert 1 <= int(beperkt["Retry-After"]) <= 60
    ander, _r, _k = sleutel("handhaving")  # another key has its own count
    assert ander.get(LIJST).status_code == 200


def test_beheerder_maakt_sleutel_die_een_keer_getoond_wordt(admin_client, org):
    antwoord = admin_client.post(
        "/beheer/accounts/apisleutel/add/", {"name": "Zaaksysteem", "organisatie": "politie"}, follow=True
    )
    assert antwoord.status_code == 200
    rij = ApiSleutel.objects.get(name="Zaaksysteem")
    bericht = next(str(m) for m in antwoord.context["messages"] if rij.prefix in str(m))
    key = bericht.split(": ")[1].split(". ")[0]
    assert key.startswith(rij.prefix + ".")
    assert key not in str(ApiSleutel.objects.filter(pk=rij.pk).values().get())  # only the hash is stored
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {key}").get(LIJST).status_code == 200
    assert key not in admin_client.get(f"/beheer/accounts/apisleutel/{rij.pk}/change/").content.decode()
    assert admin_client.post(f"/beheer/accounts/apisleutel/{rij.pk}/delete/", {"post": "yes"}).status_code == 403


def test_het_schema_is_geldig(tmp_path):
    """`spectacular --validate --fail-on-warn`: the OpenAPI document, partner API included, validates
    against the OpenAPI 3 specification and drf-spectacular had nothing to guess."""
    from django.core.management import call_command

    uit = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(uit))
    tekst = uit.read_text()
    assert "/api/v1/partner/acties/{id}/transitie:" in tekst
    assert "apiKey" in tekst


@pytest.mark.parametrize("query", ["gewijzigd_na=", "aantal=", "gewijzigd_na=2026-12-01T08:00:00"])
def test_een_lege_of_onvolledige_parameter_is_een_fout_geen_weggelaten_filter(sleutel, query):
    # found by the schema fuzzer: an empty date-time was taken as "no filter" and answered 200
    client, _rij, _k = sleutel("handhaving")
    antwoord = client.get(f"{LIJST}?{query}")
    assert antwoord.status_code == 400
    assert query.split("=")[0] in antwoord.json()
