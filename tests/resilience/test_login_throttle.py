"""The login throttle cannot be turned against staff (issue 10): growing delays per account-and-client
pair, and a device cookie that keeps strangers' failures away from the user's own browser."""

import pytest
import time_machine
from django.test import Client, override_settings

from accounts.roles import Rol
from accounts.throttle import APPARAAT_COOKIE, apparaat_cookie_maken, vertraging
from tests.coordinatie.conftest import WACHTWOORD, maak_gebruiker
from tests.fakes.blackhole import dead_port

pytestmark = pytest.mark.django_db
START = 1_800_000_000


def inloggen(client, naam, wachtwoord):
    return client.post("/account/inloggen/", {"username": naam, "password": wachtwoord})


def bekend_apparaat(naam: str) -> Client:
    """The user's own browser: one good login earlier left the device cookie; then logged out."""
    client = Client(REMOTE_ADDR="192.0.2.10")
    assert inloggen(client, naam, WACHTWOORD).status_code == 302
    cookie = client.cookies[APPARAAT_COOKIE].value
    client.post("/account/uitloggen/")
    client.cookies[APPARAAT_COOKIE] = cookie
    return client


def test_strangers_cannot_lock_out_a_user_on_their_usual_browser(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    maak_gebruiker(Rol.COORDINATOR, "coord")
    eigen = bekend_apparaat("coord")
    # given strangers from many addresses hammer the account with wrong passwords
    for n in range(20):
        vreemde = Client(REMOTE_ADDR=f"198.51.100.{n}")
        for _ in range(4):
            inloggen(vreemde, "coord", "fout")
    assert inloggen(Client(REMOTE_ADDR="198.51.100.200"), "coord", WACHTWOORD).status_code == 429
    # then the user's own browser still gets in at once
    assert inloggen(eigen, "coord", WACHTWOORD).status_code == 302


def test_the_device_is_throttled_on_its_own_with_growing_delays(settings):
    settings.LOGIN_FREE_FAILURES = 3
    settings.LOGIN_DELAY_MAX_S = 30
    maak_gebruiker(Rol.COORDINATOR, "coord")
    eigen = bekend_apparaat("coord")
    with time_machine.travel(START, tick=False) as klok:
        for _ in range(3):
            assert inloggen(eigen, "coord", "fout").status_code == 200
        # after the 3rd failure: 2 s, after the 4th: 4 s, after the 5th: 8 s
        for wacht in (2, 4, 8):
            klok.shift(wacht - 1)
            refused = inloggen(eigen, "coord", WACHTWOORD)
            assert refused.status_code == 429
            assert "Wacht 1 seconde " in refused.content.decode()
            klok.shift(1)
            assert inloggen(eigen, "coord", "fout").status_code == 200
        klok.shift(16)
        assert inloggen(eigen, "coord", WACHTWOORD).status_code == 302
    assert vertraging(mislukt=3, vrij=3) == 2
    assert vertraging(mislukt=4, vrij=3) == 4
    assert vertraging(mislukt=5, vrij=3) == 8
    assert vertraging(mislukt=50, vrij=3) == 30


def test_a_cookie_of_another_account_or_a_forged_one_is_not_trusted(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    maak_gebruiker(Rol.COORDINATOR, "coord")
    for n in range(3):
        inloggen(Client(REMOTE_ADDR=f"198.51.100.{n}"), "coord", "fout")
    for cookie in (apparaat_cookie_maken(username="iemand-anders"), "vervalst:abc"):
        client = Client(REMOTE_ADDR="192.0.2.77")
        client.cookies[APPARAAT_COOKIE] = cookie
        assert inloggen(client, "coord", WACHTWOORD).status_code == 429
    client = Client(REMOTE_ADDR="192.0.2.77")
    client.cookies[APPARAAT_COOKIE] = apparaat_cookie_maken(username="Coord")
    assert inloggen(client, "coord", WACHTWOORD).status_code == 302


@override_settings(SESSION_COOKIE_SECURE=True)
def test_the_device_cookie_is_httponly_secure_and_only_sent_to_the_login():
    maak_gebruiker(Rol.COORDINATOR, "coord")
    client = Client()
    inloggen(client, "coord", WACHTWOORD)
    morsel = client.cookies[APPARAAT_COOKIE]
    assert morsel["httponly"]
    assert morsel["secure"]
    assert morsel["path"] == "/account/inloggen/"
    assert morsel["samesite"] == "Strict"
    assert "coord" not in morsel.value


def test_with_redis_down_the_login_refuses_in_dutch():
    maak_gebruiker(Rol.COORDINATOR, "coord")
    dood = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port()}/0",
        }
    }
    with override_settings(CACHES=dood):
        response = inloggen(Client(), "coord", WACHTWOORD)
    assert response.status_code == 503
    assert "Inloggen kan op dit moment niet door een storing" in response.content.decode()
    assert inloggen(Client(), "coord", WACHTWOORD).status_code == 302
