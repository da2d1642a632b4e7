"""Login, throttling and session expiry of the staff accounts."""

import time

import pytest
import time_machine

from accounts.roles import Rol
from tests.coordinatie.conftest import WACHTWOORD, maak_gebruiker

pytestmark = pytest.mark.django_db


def inloggen(client, naam, wachtwoord, **extra):
    return client.post("/account/inloggen/", {"username": naam, "password": wachtwoord, **extra})


def test_coordinator_logt_in_en_komt_op_het_werkscherm(client):
    maak_gebruiker(Rol.COORDINATOR, "coord")
    response = inloggen(client, "coord", WACHTWOORD)
    assert response.status_code == 302
    assert response["Location"] == "/coordinatie/"
    assert client.get("/coordinatie/").status_code == 200


def test_login_volgt_next_maar_nooit_naar_een_andere_site(client):
    maak_gebruiker(Rol.AUDITOR, "aud")
    response = inloggen(client, "aud", WACHTWOORD, next="/coordinatie/inzage/")
    assert response["Location"] == "/coordinatie/inzage/"
    client.logout()
    response = inloggen(client, "aud", WACHTWOORD, next="https://evil.example/")
    assert response["Location"] == "/coordinatie/"


def test_partner_logt_in_en_ziet_alleen_de_tickets_van_zijn_organisatie(client):
    maak_gebruiker(Rol.PARTNER, "ymere-user")
    response = inloggen(client, "ymere-user", WACHTWOORD)
    assert response["Location"] == "/partner/"
    assert "Ymere" in client.get("/partner/").content.decode()
    assert client.get("/account/")["Location"] == "/partner/"
    assert client.get("/coordinatie/").status_code == 403


def test_fout_wachtwoord_geeft_een_melding_zonder_te_zeggen_wat_fout_was(client):
    maak_gebruiker(Rol.COORDINATOR, "coord")
    response = inloggen(client, "coord", "fout")
    assert response.status_code == 200
    assert "Gebruikersnaam of wachtwoord klopt niet" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_na_drie_fouten_moet_het_paar_wachten_ook_met_het_goede_wachtwoord(client, settings):
    settings.LOGIN_FREE_FAILURES = 3
    maak_gebruiker(Rol.COORDINATOR, "coord")
    with time_machine.travel(1_800_000_000, tick=False) as klok:
        for _ in range(3):
            assert inloggen(client, "coord", "fout").status_code == 200
        response = inloggen(client, "Coord", WACHTWOORD)  # the name's case does not escape the count
        assert response.status_code == 429
        assert "Te veel mislukte pogingen. Wacht 2 seconden" in response.content.decode()
        assert "_auth_user_id" not in client.session
        klok.shift(2)
        assert inloggen(client, "coord", WACHTWOORD).status_code == 302


def test_een_client_die_veel_accounts_probeert_wordt_geweigerd(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = 3
    maak_gebruiker(Rol.COORDINATOR, "coord")
    for naam in ("a", "b", "c"):
        inloggen(client, naam, "fout")
    assert inloggen(client, "coord", WACHTWOORD).status_code == 429
    # another client is not affected
    from django.test import Client

    ander = Client(REMOTE_ADDR="127.0.0.2")
    assert inloggen(ander, "coord", WACHTWOORD).status_code == 302


def test_de_throttle_bewaart_geen_namen_of_adressen(client):
    from django.core.cache import cache

    inloggen(client, "geheime-naam", "fout")
    keys = [k.decode() if isinstance(k, bytes) else k for k in cache._cache.get_client().keys("*")]
    assert keys
    assert not any("geheime-naam" in k or "127.0.0.1" in k for k in keys)


def test_een_goede_login_zet_de_teller_van_het_account_terug(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    maak_gebruiker(Rol.COORDINATOR, "coord")
    inloggen(client, "coord", "fout")
    inloggen(client, "coord", "fout")
    assert inloggen(client, "coord", WACHTWOORD).status_code == 302
    client.logout()
    inloggen(client, "coord", "fout")
    inloggen(client, "coord", "fout")
    assert inloggen(client, "coord", WACHTWOORD).status_code == 302


def test_uitloggen_alleen_met_post(client):
    maak_gebruiker(Rol.COORDINATOR, "coord")
    inloggen(client, "coord", WACHTWOORD)
    assert client.get("/account/uitloggen/").status_code == 405
    response = client.post("/account/uitloggen/")
    assert response.status_code == 302
    assert client.get("/coordinatie/").status_code == 302


def _verschuif(client, seconden: int, *sleutels: str) -> None:
    sessie = client.session
    for sleutel in sleutels:
        sessie[sleutel] = sessie[sleutel] - seconden
    sessie.save()


def test_sessie_verloopt_na_inactiviteit(client, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    maak_gebruiker(Rol.COORDINATOR, "coord")
    inloggen(client, "coord", WACHTWOORD)
    assert client.get("/coordinatie/").status_code == 200
    _verschuif(client, 29 * 60, "ww_laatst", "ww_begin")
    assert client.get("/coordinatie/").status_code == 200  # still within the idle limit, and renewed
    assert time.time() - client.session["ww_laatst"] < 5
    _verschuif(client, 31 * 60, "ww_laatst")
    response = client.get("/coordinatie/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/")


def test_sessie_verloopt_na_acht_uur_ook_als_je_actief_bent(client, settings):
    maak_gebruiker(Rol.COORDINATOR, "coord")
    inloggen(client, "coord", WACHTWOORD)
    client.get("/coordinatie/")
    _verschuif(client, settings.SESSION_COOKIE_AGE - 60, "ww_begin")
    assert client.get("/coordinatie/").status_code == 200
    _verschuif(client, 120, "ww_begin")
    assert client.get("/coordinatie/").status_code == 302


def test_sessie_instellingen():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
