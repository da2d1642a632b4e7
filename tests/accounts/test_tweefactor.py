"""Two-factor login (accounts/tweefactor.py) with STAFF_2FA_VERPLICHT on, as in production: the
password step, the code step behind the same throttle, enrolment with a real TOTP code, recovery
codes, the admin's reset with its audit row, and the demo logins' exemption."""

import re
import time

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TweeFactorReset
from accounts.roles import Rol
from accounts.services import tweefactor_apparaat_voorbereiden, tweefactor_bevestigen
from accounts.throttle import APPARAAT_COOKIE
from tests.coordinatie.conftest import WACHTWOORD, maak_gebruiker

pytestmark = [pytest.mark.django_db, pytest.mark.tweefactor]

INSTELLEN = "/account/tweestapsverificatie/"
CODE = "/account/inloggen/code/"


def totp_code(device: TOTPDevice, *, over_s: float = 0) -> str:
    """The code the user's app shows `over_s` seconds from now (computed, as the app does)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + over_s
    return f"{totp.token():0{device.digits}d}"


def met_app(user) -> tuple[TOTPDevice, list[str]]:
    """A user who has set up the app: (confirmed device, recovery codes)."""
    device = tweefactor_apparaat_voorbereiden(user=user)
    codes = tweefactor_bevestigen(user=user, device=device, code=totp_code(device))
    device.refresh_from_db()
    return device, codes


def wachtwoord(client, naam, **extra):
    return client.post("/account/inloggen/", {"username": naam, "password": WACHTWOORD, **extra})


def code_geven(client, code, **extra):
    return client.post(CODE, {"code": code, **extra})


def volgende_code(device: TOTPDevice) -> str:
    # The code used last may not be used again (replay): the app's next one, 30 s on, still fits.
    return totp_code(device, over_s=device.step)


def test_login_zonder_apparaat_gaat_naar_instellen_en_verder_nergens(client):
    # given: a coordinator who never set up the app
    maak_gebruiker(Rol.COORDINATOR, "coord")
    # when
    response = wachtwoord(client, "coord", next="/coordinatie/")
    # then: the password step sends to enrolment, and nothing else opens until it is done
    assert response.status_code == 302
    assert response["Location"] == f"{INSTELLEN}?next=%2Fcoordinatie%2F"
    for pad in ("/coordinatie/", "/coordinatie/inzage/", "/account/", "/beheer/"):
        response = client.get(pad)
        assert response.status_code == 302, pad
        assert response["Location"].startswith(INSTELLEN), pad
    api = client.get("/api/v1/kaart/meldingen")
    assert api.status_code == 403
    assert "tweede stap" in api.json()["detail"]
    # the page shows no staff links that would only lead back here
    assert 'href="/coordinatie/"' not in client.get(INSTELLEN).content.decode()
    # the code step is not this session's step
    assert client.get(CODE)["Location"].startswith(INSTELLEN)


def test_instellen_bevestigt_met_een_echte_totp_code_en_toont_tien_herstelcodes(client):
    # given: logged in with the password, on the enrolment page
    user = maak_gebruiker(Rol.COORDINATOR, "coord")
    wachtwoord(client, "coord")
    pagina = client.get(INSTELLEN)
    html = pagina.content.decode()
    assert pagina.status_code == 200
    assert "<svg" in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    geheim = re.search(r'<code class="geheim">([A-Z2-7 ]+)</code>', html).group(1)
    assert geheim.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode().rstrip("=")
    assert client.get(INSTELLEN).content.decode().count(geheim) == 1  # a reload shows the same secret
    # when: a wrong code, then the code the app shows
    fout = client.post(INSTELLEN, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert fout.status_code == 200
    assert "Deze code klopt niet" in fout.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    goed = client.post(INSTELLEN, {"code": totp_code(device), "next": "/coordinatie/inzage/"})
    # then: confirmed, ten recovery codes shown once, and the session is verified
    assert goed.status_code == 200
    assert "no-store" in goed["Cache-Control"]
    getoond = re.findall(r"<li><code>([a-z2-7]+)</code></li>", goed.content.decode())
    assert len(getoond) == 10
    assert sorted(getoond) == sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/coordinatie/").status_code == 200
    # the page does not show them again, nor a new secret
    opnieuw = client.get(INSTELLEN).content.decode()
    assert "al ingesteld" in opnieuw
    assert not any(code in opnieuw for code in getoond)


def test_login_met_apparaat_vraagt_de_code_en_geeft_pas_daarna_het_apparaatcookie(client):
    # given
    user = maak_gebruiker(Rol.COORDINATOR, "coord")
    device, _codes = met_app(user)
    # when: the password
    response = wachtwoord(client, "coord")
    # then: the code step, no device cookie yet, no staff page
    assert response["Location"] == CODE
    assert APPARAAT_COOKIE not in response.cookies
    assert client.get("/coordinatie/")["Location"].startswith(CODE)
    assert client.get(INSTELLEN)["Location"].startswith(CODE)  # no second app with the password alone
    assert client.get(CODE).status_code == 200
    # when: the code
    response = code_geven(client, volgende_code(device))
    # then
    assert response.status_code == 302
    assert response["Location"] == "/coordinatie/"
    assert response.cookies[APPARAAT_COOKIE]["path"] == "/account/inloggen/"
    assert client.get("/coordinatie/").status_code == 200


def test_een_gebruikte_code_werkt_niet_nog_een_keer(client):
    user = maak_gebruiker(Rol.COORDINATOR, "coord")
    device, _codes = met_app(user)
    code = volgende_code(device)
    wachtwoord(client, "coord")
    assert code_geven(client, code).status_code == 302
    client.post("/account/uitloggen/")
    wachtwoord(client, "coord")
    response = code_geven(client, code)
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()


def test_foute_codes_tellen_in_de_login_throttle_en_het_wachtwoord_zet_ze_niet_terug(client, settings):
    # given: three free failures
    settings.LOGIN_FREE_FAILURES = 3
    user = maak_gebruiker(Rol.COORDINATOR, "coord")
    device, _codes = met_app(user)
    wachtwoord(client, "coord")
    # when: two wrong codes, the password again (a guesser's reset attempt), a third wrong code
    assert code_geven(client, "123456").status_code == 200
    assert code_geven(client, "654321").status_code == 200
    client.post("/account/uitloggen/")
    assert wachtwoord(client, "coord")["Location"] == CODE
    response = code_geven(client, "111111")
    assert "Deze code klopt niet" in response.content.decode()
    # then: even the right code now waits, and so does the password
    response = code_geven(client, volgende_code(device))
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.content.decode()
    client.post("/account/uitloggen/")
    assert wachtwoord(client, "coord").status_code == 429
    # and after the wait the right code is let through
    with time_machine.travel(time.time() + 3, tick=False):
        assert wachtwoord(client, "coord")["Location"] == CODE
        assert code_geven(client, volgende_code(device)).status_code == 302


def test_een_herstelcode_werkt_een_keer(client):
    # given
    user = maak_gebruiker(Rol.COORDINATOR, "coord")
    _device, codes = met_app(user)
    # when: a recovery code as people type it (capitals, a space)
    wachtwoord(client, "coord")
    getypt = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"
    response = code_geven(client, getypt)
    # then: in, with a warning how many are left
    assert response.status_code == 302
    assert "nog 9 over" in client.get("/coordinatie/").content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 9
    # and the same code never again
    client.post("/account/uitloggen/")
    wachtwoord(client, "coord")
    assert code_geven(client, codes[0]).status_code == 200
    assert client.get("/coordinatie/").status_code == 302


def test_onverifieerde_sessie_komt_niet_in_coordinatie_of_beheer(client):
    # given: an administrator with the app, past the password only
    user = maak_gebruiker(Rol.ADMIN, "baas")
    user.is_staff = user.is_superuser = True
    user.save()
    device, _codes = met_app(user)
    wachtwoord(client, "baas", next="/beheer/")
    # then
    for pad in ("/coordinatie/", "/beheer/", "/beheer/meldingen/melding/", "/beheer/auth/user/"):
        response = client.get(pad)
        assert response.status_code == 302, pad
        assert response["Location"].startswith(CODE), pad
    # after the code the admin opens, at the page asked for
    response = code_geven(client, volgende_code(device), next="/beheer/")
    assert response["Location"] == "/beheer/"
    assert client.get("/beheer/").status_code == 200


def test_het_loginformulier_van_beheer_stuurt_naar_het_gewone_inloggen(client):
    user = maak_gebruiker(Rol.ADMIN, "baas")
    user.is_staff = user.is_superuser = True
    user.save()
    # the admin's own form would check the password without throttle and without a second step
    response = client.get("/beheer/login/?next=/beheer/auth/user/")
    assert response["Location"] == "/account/inloggen/?next=/beheer/auth/user/"
    client.post("/beheer/login/", {"username": "baas", "password": WACHTWOORD})
    assert "_auth_user_id" not in client.session


def _verifieerd(client, naam: str, device: TOTPDevice) -> None:
    wachtwoord(client, naam)
    assert code_geven(client, volgende_code(device)).status_code == 302


def test_reset_door_de_beheerder_schrijft_een_auditregel_en_dwingt_opnieuw_instellen(client, django_user_model):
    from django.test import Client

    # given: a coordinator logged in with the app, and an administrator logged in with its own
    coord = maak_gebruiker(Rol.COORDINATOR, "coord")
    coord_device, _ = met_app(coord)
    coord_client = Client()
    _verifieerd(coord_client, "coord", coord_device)
    assert coord_client.get("/coordinatie/").status_code == 200
    baas = maak_gebruiker(Rol.ADMIN, "baas")
    baas.is_staff = baas.is_superuser = True
    baas.save()
    baas_device, _ = met_app(baas)
    _verifieerd(client, "baas", baas_device)
    # when: the admin action on the user list
    response = client.post(
        "/beheer/auth/user/",
        {"action": "tweefactor_resetten_actie", "_selected_action": [coord.pk]},
        follow=True,
    )
    # then: one audit row, the devices gone, and the coordinator's session must enrol again
    assert response.status_code == 200
    rij = TweeFactorReset.objects.get()
    assert (rij.door_naam, rij.door_id, rij.gebruikersnaam, rij.gebruiker_id) == ("baas", baas.pk, "coord", coord.pk)
    assert rij.aantal_apparaten == 2  # the app and the recovery codes
    assert not TOTPDevice.objects.filter(user=coord).exists()
    assert not StaticDevice.objects.filter(user=coord).exists()
    assert coord_client.get("/coordinatie/")["Location"].startswith(INSTELLEN)
    coord_client.post("/account/uitloggen/")
    assert wachtwoord(coord_client, "coord")["Location"] == INSTELLEN
    # the trail cannot be changed or deleted
    for poging in (lambda: TweeFactorReset.objects.update(door_naam="x"), lambda: rij.delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            poging()
    # and django-otp's own device pages (the secret's QR code, deleting without a trace) are not there
    assert client.get("/beheer/otp_totp/totpdevice/").status_code == 404
    assert client.get("/beheer/otp_static/staticdevice/").status_code == 404
    # and only the administrator gets there: a coordinator cannot post the action
    assert coord_client.post("/beheer/auth/user/", {"action": "tweefactor_resetten_actie"}).status_code == 302


def test_demo_logins_zijn_vrijgesteld_en_echte_accounts_niet(client):
    from demo.gebruikers import seed_gebruikers

    # given: the demo logins as seed_demo makes them
    _created, regels = seed_gebruikers(password=WACHTWOORD)
    assert any("zonder tweestapsverificatie" in r for r in regels)
    # then: a demo login goes straight in, with 2FA on
    assert wachtwoord(client, "coordinator")["Location"] == "/coordinatie/"
    assert client.get("/coordinatie/").status_code == 200
    client.post("/account/uitloggen/")
    assert wachtwoord(client, "partner-ymere")["Location"] == "/partner/"
    assert client.get("/partner/").status_code == 200
    client.post("/account/uitloggen/")
    # a real account does not
    maak_gebruiker(Rol.COORDINATOR, "echt")
    assert wachtwoord(client, "echt")["Location"] == INSTELLEN


def test_een_vrijgestelde_gebruiker_met_een_app_geeft_toch_de_code(client):
    from demo.gebruikers import seed_gebruikers

    seed_gebruikers(password=WACHTWOORD)
    from django.contrib.auth import get_user_model

    device, _ = met_app(get_user_model().objects.get(username="coordinator"))
    assert wachtwoord(client, "coordinator")["Location"] == CODE
    assert client.get("/coordinatie/")["Location"].startswith(CODE)
    assert code_geven(client, volgende_code(device)).status_code == 302


def test_met_de_instelling_uit_alleen_het_wachtwoord(client, settings):
    settings.STAFF_2FA_VERPLICHT = False
    maak_gebruiker(Rol.COORDINATOR, "coord")
    assert wachtwoord(client, "coord")["Location"] == "/coordinatie/"
    assert client.get("/coordinatie/").status_code == 200


def test_de_paginas_in_het_engels():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        instellen = render_to_string("accounts/tweefactor_instellen.html", {"geheim": "ABCD"})
        stap = render_to_string("accounts/tweede_stap.html", {"form": None})
        codes = render_to_string("accounts/herstelcodes.html", {"codes": ["abcdefgh"]})
    assert "Set up two-step verification" in instellen
    assert "Scan the QR code" in instellen
    assert "Second step: your code" in stap
    assert "You will see these codes only now." in codes
