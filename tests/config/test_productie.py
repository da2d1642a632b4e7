"""Production refuses unsafe settings: with DJANGO_DEBUG=0 every process (gunicorn, Celery, manage.py)
stops at settings import while a development secret is still its default or HTTPS is off, and with real
secrets `manage.py check --deploy --fail-level WARNING` is clean. Each run is a fresh Python process
with only the environment given here."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from config.settings import DEV_SECRETS

ROOT = Path(__file__).resolve().parents[2]


def productie_env(**extra: str) -> dict[str, str]:
    """The machine's environment without any Django setting or secret, plus a complete production set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in DEV_SECRETS and k != "PYTEST_CURRENT_TEST"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="meldpunt.example",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://meldpunt.example",
        DJANGO_BEHIND_PROXY="1",
        DJANGO_SECRET_KEY="k" + Fernet.generate_key().decode() + "-productie-sleutel-van-minstens-vijftig-tekens",
        TWILIO_AUTH_TOKEN="echt-twilio-token-0123456789",
        PHONE_HASH_KEY="echte-telefoon-hash-sleutel",
        CLIENT_HASH_KEY="echte-client-hash-sleutel",
        SMS_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        WEBHOOK_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )
    env.update(extra)
    return env


def python(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def laad_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return python(env, "-c", "import config.settings")


def test_check_deploy_is_schoon_met_productie_instellingen():
    uitkomst = python(productie_env(), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert uitkomst.returncode == 0, uitkomst.stdout + uitkomst.stderr
    assert "no issues" in uitkomst.stdout


def test_productie_instellingen_laden():
    assert laad_settings(productie_env()).returncode == 0


@pytest.mark.parametrize("naam", sorted(DEV_SECRETS))
@pytest.mark.parametrize("waarde", ["standaard", "leeg", "niet gezet"])
def test_productie_weigert_elk_ontwikkelgeheim(naam, waarde):
    # given a production environment in which one secret is still its development default (or empty)
    env = productie_env()
    if waarde == "standaard":
        env[naam] = DEV_SECRETS[naam]
    elif waarde == "leeg":
        env[naam] = ""
    else:
        del env[naam]
    # when a process loads the settings
    uitkomst = laad_settings(env)
    # then it refuses to start, naming the secret
    assert uitkomst.returncode != 0
    assert "ImproperlyConfigured: Refusing to start with DJANGO_DEBUG=0" in uitkomst.stderr
    assert f"{naam} is empty or its development default" in uitkomst.stderr
    assert [n for n in DEV_SECRETS if f"{n} is empty" in uitkomst.stderr] == [naam]


@pytest.mark.parametrize(
    ("extra", "melding"),
    [
        ({"DJANGO_SECURE_COOKIES": "0"}, "SESSION_COOKIE_SECURE is off"),
        ({"DJANGO_HSTS_SECONDS": "0"}, "SECURE_HSTS_SECONDS is 0"),
    ],
)
def test_productie_weigert_zonder_https(extra, melding):
    uitkomst = laad_settings(productie_env(**extra))
    assert uitkomst.returncode != 0
    assert melding in uitkomst.stderr


def test_lokale_run_alleen_op_loopback():
    # the benches and the tests: DEBUG off over plain HTTP with the development secrets, on loopback
    env = {k: v for k, v in productie_env().items() if k not in DEV_SECRETS}
    env.update(DJANGO_LOCAL_RUN="1", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")
    assert laad_settings(env).returncode == 0
    # but it is no way around the refusal for a real host name
    env["DJANGO_ALLOWED_HOSTS"] = "meldpunt.example"
    uitkomst = laad_settings(env)
    assert uitkomst.returncode != 0
    assert "DJANGO_LOCAL_RUN=1 with DJANGO_ALLOWED_HOSTS beyond loopback (meldpunt.example)" in uitkomst.stderr


def test_ontwikkeling_start_met_de_ontwikkelgeheimen():
    env = {k: v for k, v in productie_env().items() if k not in DEV_SECRETS and not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    assert laad_settings(env).returncode == 0
