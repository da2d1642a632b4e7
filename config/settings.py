"""Settings for every environment, read from the environment with working local defaults.

One module instead of base/local/production files: every difference between environments is an
environment variable (documented in README.md), so there is exactly one place to look.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
# DEBUG off on one machine without TLS (the benches, the test settings): development secrets and plain
# HTTP are allowed, but only while the app answers to loopback names alone (end of this module).
LOCAL_RUN = env_bool("DJANGO_LOCAL_RUN")
PRODUCTION = not DEBUG and not LOCAL_RUN

# Every secret with a development default. In production the app refuses to start while one of them is
# empty or still its default (end of this module); a new secret (a webhook's signing key) is one line here.
DEV_SECRETS = {
    "DJANGO_SECRET_KEY": "dev-only-not-secret-weerbare-wijken",
    "TWILIO_AUTH_TOKEN": "dev-only-twilio-token",
    "PHONE_HASH_KEY": "dev-only-phone-hash-key",
    "SMS_ENCRYPTION_KEY": "ZGV2LW9ubHktd2VlcmJhcmUtd2lqa2VuLXNtcy1rZXk=",
    "CLIENT_HASH_KEY": "dev-only-client-hash-key",
    "WEBHOOK_ENCRYPTION_KEY": "ZGV2LW9ubHktd2VlcmJhcmUtd2lqa2VuLXdlYmhvb2s=",
}


def secret(name: str) -> str:
    return env(name, DEV_SECRETS[name])


SECRET_KEY = secret("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS").split(",") if o]

# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto / Host only when told to.
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# How many proxies in front of the app append to X-Forwarded-For; the client address is the entry
# the outermost of them appended (counted from the right). 0 = use the socket peer (REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "1" if env_bool("DJANGO_BEHIND_PROXY") else "0"))

INSTALLED_APPS = [
    # Django's admin, with /beheer/ behind our login and its second step (accounts/beheer.py).
    "accounts.apps.BeheerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc from our own static files: /api/docs/ calls no CDN
    # Hashed partner API keys (accounts.ApiSleutel); its own APIKey model is unused and not in the admin.
    "rest_framework_api_key",
    "leaflet",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "outbox",
    "accounts",
    "meldingen",
    "hotspots",
    "coordinatie",
    "kaart",
    "acties",
    "publiek",
    "partner",
    "integrations",
    "demo",  # last: the top layer, may import every app above
]

MIDDLEWARE = [
    # First, so that nothing after it (views, error reports, loggers) ever sees who is filing.
    "privacy.middleware.IntakeAnonymityMiddleware",
    # Body limits before anything reads the body; service failures (database, Redis) as a Dutch 503.
    "config.middleware.StoringMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry the same headers as pages (config/headers.py;
    # CONTENT_SECURITY_POLICY and PERMISSIONS_POLICY are with the other security settings below).
    "config.headers.StafNietBewarenMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Instead of Django's LocaleMiddleware, which reads a django_language cookie: residents' pages take
    # their language from the URL only (config/taal.py).
    "config.taal.TaalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessieVerloopMiddleware",
    # After the session checks: an unverified login reaches only its second step (accounts/tweefactor.py).
    "accounts.middleware.TweeFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgis://weerbarewijken:weerbarewijken@127.0.0.1:5432/weerbarewijken"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# A database that is down or hangs must cost a request seconds, not the worker (docs/operations.md,
# "Storingen"): libpq gives up connecting (the whole startup, so also a port that accepts and never
# answers) after connect_timeout; keepalives and tcp_user_timeout drop a connection whose peer
# vanished; the health check replaces a dead persistent connection at the next request, so the app
# recovers by itself when the database is back.
DATABASE_CONNECT_TIMEOUT_S = int(env("DATABASE_CONNECT_TIMEOUT_S", "3"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT_S,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_TIMEOUT_S = float(env("REDIS_TIMEOUT_S", "1"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "ww"),
        # A Redis that is down or hangs must cost a request about a second, not a worker: without
        # these a hung Redis blocks the read forever (docs/operations.md, "Storingen").
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S},
    }
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
# Publishing from a request (after a filing commits) must fail fast with the broker down or hung:
# one short connect, one retry, then the caller catches the error (the beat's safety nets pick up
# what was not queued: outbox-dispatch, sms-wachtrij-herplannen).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_S
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT_S,
    "socket_timeout": REDIS_TIMEOUT_S,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT_S
# Nothing reads a task's result; storing none also keeps apply_async from subscribing to the
# result store, which with Redis down took seconds and left the publishing process broken.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Amsterdam"
# Outbox: the sweep's period, the failed runs after which an event is a dead letter (an hour of
# sweeps), and how long handled events are kept for inspection.
OUTBOX_SWEEP_S = int(env("OUTBOX_SWEEP_S", "60"))
OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "60"))
OUTBOX_BEWAAR_DAGEN = int(env("OUTBOX_BEWAAR_DAGEN", "7"))
# Service levels of actions (issue 14): how long before a deadline the partner is reminded, how often
# the sweep looks.
ACTIE_HERINNERING_VOOR_UUR = int(env("ACTIE_HERINNERING_VOOR_UUR", "24"))
ACTIE_TERMIJNEN_S = int(env("ACTIE_TERMIJNEN_S", str(5 * 60)))
CELERY_BEAT_SCHEDULE = {
    "acties-termijnen": {
        "task": "acties.tasks.acties_termijnen",
        "schedule": ACTIE_TERMIJNEN_S,
    },
    "hotspots-recompute": {
        "task": "hotspots.tasks.hotspots_recompute",
        "schedule": 15 * 60,
    },
    # The outbox (docs/architecture.md, "Side effects"): woken a couple of seconds after a commit; this
    # sweep runs what a lost wake-up, a dead broker or a failed handler left open.
    "outbox-dispatch": {
        "task": "outbox.tasks.outbox_dispatch",
        "schedule": OUTBOX_SWEEP_S,
    },
    "outbox-opruimen": {
        "task": "outbox.tasks.outbox_opruimen",
        "schedule": 24 * 60 * 60,
    },
    "melding-retention": {
        "task": "meldingen.tasks.meldingen_apply_retention",
        "schedule": 6 * 60 * 60,
    },
    "melding-locaties-vergroven": {
        "task": "meldingen.tasks.meldingen_locaties_vergroven_task",
        "schedule": 6 * 60 * 60,
    },
    # Webhooks (integrations/webhooks.py): retries whose time came, and messages whose task was lost.
    "webhooks-herplannen": {
        "task": "integrations.tasks.webhooks_herplannen",
        "schedule": 60,
    },
    # E-mails the mail server refused (integrations/email.py), once an hour for a day.
    "emails-herproberen": {
        "task": "integrations.tasks.emails_herproberen",
        "schedule": 60 * 60,
    },
    # Outbound SMS (integrations/tasks.py): lost sends, retention. Status texts are outbox handlers.
    "sms-wachtrij-herplannen": {
        "task": "integrations.tasks.sms_wachtrij_herplannen",
        "schedule": 10 * 60,
    },
    "sms-abonnementen-opschonen": {
        "task": "integrations.tasks.sms_abonnementen_opschonen",
        "schedule": 60 * 60,
    },
    "sms-gesprekken-opschonen": {
        "task": "integrations.tasks.sms_gesprekken_opschonen",
        "schedule": 5 * 60,
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Residents' pages take their language from the URL (/en/melden/, config/urls.py), never a cookie.
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Reporters' photos live OUTSIDE MEDIA_ROOT, in a directory no web server serves: they may show a
# reporter's own window or street. Only coordinatie's photo view hands them out (role check, audit
# row); docs/operations.md has the nginx/Apache setup.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
# How that view hands over the bytes: "django" streams them, "nginx" answers X-Accel-Redirect to the
# internal location FOTO_ACCEL_PREFIX, "apache" answers X-Sendfile with the file's path (mod_xsendfile).
FOTO_SERVEREN = env("FOTO_SERVEREN", "django")
FOTO_ACCEL_PREFIX = env("FOTO_ACCEL_PREFIX", "/_prive/fotos/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "fotos": {"BACKEND": "meldingen.storage.PriveOpslag"},
}
# Photos are re-encoded before they are stored; the raw upload never needs to touch the disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 35 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
    # JSON nested deeper than JSON_MAX_DEPTH is a 400, not a RecursionError (basis/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "basis.parsers.BegrensdeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Weerbare Wijken API",
    "DESCRIPTION": "Anoniem melden van drugsoverlast en de openbare status van een melding.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    # 413/503 on every operation, 415 and a parse-error 400 where there is a body (basis/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "basis.openapi.foutantwoorden_toevoegen",
    ],
}

# Amsterdam, in WGS84; maps start here and the geocoder prefers results near it.
MAP_CENTER = (52.3676, 4.9041)
# The city's extent (south, west, north, east; the stadsdelen of ../shared/data, Weesp included): the
# reporter's map opens on all of it, Zuidoost and Nieuw-West too (issue 17).
MAP_STAD_BBOX = (52.2766, 4.7283, 52.4325, 5.1078)
# The browser fetches tiles from our own origin only (kaart/tegels.py): a tile server would learn a
# reporter's address with the streets they zoom into. The proxy fetches from MAP_TILES_UPSTREAM_URL.
MAP_TILES_PATH = "/kaart/tegels/{z}/{x}/{y}.png"
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": MAP_CENTER,
    "DEFAULT_ZOOM": 12,
    "MIN_ZOOM": 10,
    "MAX_ZOOM": 19,
    "SRID": 3857,
    "TILES": [
        (
            "BRT Achtergrondkaart",
            MAP_TILES_PATH,
            {"attribution": "Kaartgegevens &copy; Kadaster / PDOK", "maxZoom": 19},
        )
    ],
    "RESET_VIEW": False,
}
MAP_TILES_UPSTREAM_URL = env(
    "MAP_TILES_UPSTREAM_URL",
    env("MAP_TILES_URL", "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"),
)
MAP_TILES_TIMEOUT = float(env("MAP_TILES_TIMEOUT", "3"))
MAP_TILES_CACHE_DIR = Path(env("MAP_TILES_CACHE_DIR", str(BASE_DIR / "tegelcache")))
MAP_TILES_CACHE_SECONDS = int(env("MAP_TILES_CACHE_SECONDS", str(30 * 24 * 60 * 60)))
MAP_TILES_CACHE_MAX = int(env("MAP_TILES_CACHE_MAX", "20000"))
MAP_TILES_BROWSER_SECONDS = int(env("MAP_TILES_BROWSER_SECONDS", str(7 * 24 * 60 * 60)))
# west,south,east,north in WGS84: only tiles touching this box are served, so the proxy is no open
# proxy for the whole world; "" serves every tile of the zoom range.
_bbox = env("MAP_TILES_BBOX", "4.6,52.15,5.25,52.55")
MAP_TILES_BBOX = tuple(float(v) for v in _bbox.split(",")) if _bbox else None

# Outside services and secrets.
PDOK_LOCATIESERVER_URL = env("PDOK_LOCATIESERVER_URL", "https://api.pdok.nl/bzk/locatieserver/search/v3_1")
GEOCODER_TIMEOUT = float(env("GEOCODER_TIMEOUT", "3"))
GEOCODER_CACHE_SECONDS = int(env("GEOCODER_CACHE_SECONDS", str(24 * 60 * 60)))
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000")
TWILIO_AUTH_TOKEN = secret("TWILIO_AUTH_TOKEN")
TWILIO_FROM = env("TWILIO_FROM", "")
# The number residents text a report to, shown on the public pages (issue 16); by default the sending number.
SMS_MELDNUMMER = env("SMS_MELDNUMMER", TWILIO_FROM)
PHONE_HASH_KEY = secret("PHONE_HASH_KEY")
# Twilio's REST API base (https://api.twilio.com); tests point it at a loopback fake.
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL", "")
# Fernet key for opted-in numbers (Fernet.generate_key()); the default is for local use only.
SMS_ENCRYPTION_KEY = secret("SMS_ENCRYPTION_KEY")
# E-mail (issue 15, integrations/email.py): EMAIL_URL (smtp://user:password@host:587, smtps://… for
# implicit TLS, ?tls=1 for STARTTLS on smtp://), else Django's usual EMAIL_HOST/EMAIL_PORT/…, else the
# console backend (make run prints the mails).
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    from urllib.parse import parse_qs, unquote, urlsplit

    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "127.0.0.1"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = parse_qs(_mail.query).get("tls", ["0"])[0] in ("1", "true")
elif env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Weerbare Wijken <noreply@weerbarewijken.amsterdam.nl>")
# The site's address in links of e-mails (no request to take it from).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where escalations and declined actions go: the coordinators' team mailbox(es), comma-separated; empty:
# the e-mail addresses of the active coordinator accounts.
COORDINATIE_EMAIL = [a.strip() for a in env("COORDINATIE_EMAIL").split(",") if a.strip()]

# Fernet key for the webhook endpoints' signing secrets (integrations/webhooks.py).
WEBHOOK_ENCRYPTION_KEY = secret("WEBHOOK_ENCRYPTION_KEY")
# Webhook URLs resolving to loopback are refused like private ones, unless this allows them (the tests'
# receivers, the demo); private, link-local and reserved addresses are refused always (SSRF).
WEBHOOK_LOOPBACK_TOEGESTAAN = env_bool("WEBHOOK_LOOPBACK_TOEGESTAAN")
# Keys the rate limiter's hash of a client address; the address itself is never kept.
CLIENT_HASH_KEY = secret("CLIENT_HASH_KEY")
AREAS_SOURCE = env("AREAS_SOURCE", str(BASE_DIR.parent / "shared" / "data"))

# Public behaviour.
MELDING_MAX_PHOTOS = 3
MELDING_MAX_PHOTO_BYTES = 8 * 1024 * 1024
# The largest body each part of the site accepts, checked on Content-Length before anything parses
# it (config/middleware.py): 413 with a Dutch page, or problem details on /api/. The form carries the
# photos; the JSON API, the SMS webhook and the staff screens only short text.
REQUEST_BODY_LIMITS = [
    ("/melden/", MELDING_MAX_PHOTOS * MELDING_MAX_PHOTO_BYTES + 256 * 1024),
    ("/api/", 64 * 1024),
    ("/integrations/", 16 * 1024),
    ("/coordinatie/", 64 * 1024),
    ("/account/", 16 * 1024),
]
REQUEST_BODY_LIMIT_DEFAULT = DATA_UPLOAD_MAX_MEMORY_SIZE  # the admin (/beheer/)
# JSON deeper than this is refused with 400 before it is parsed (basis/parsers.py).
JSON_MAX_DEPTH = 20
MELDING_MAX_OMSCHRIJVING = 2000
HOTSPOT_QUIET_DAYS = int(env("HOTSPOT_QUIET_DAYS", "28"))
SMS_BERICHTEN_PER_UUR = int(env("SMS_BERICHTEN_PER_UUR", "20"))
STATUS_LOOKUP_MISSES_PER_HOUR = int(env("STATUS_LOOKUP_MISSES_PER_HOUR", "20"))
# Partner API (issue 15): requests per API key per minute (partner/api.py); 50 a second sustained, the
# rate bench/partner_api.py holds the API to, with room above it.
PARTNER_API_PER_MINUUT = int(env("PARTNER_API_PER_MINUUT", "6000"))
# Where the "Snel weg" (quick exit) link on residents' pages goes: a neutral page that draws no
# attention on a shared screen and tracks nobody (KNMI's public weather forecast), without any query
# string that would tell it where the visitor came from.
SNEL_WEG_URL = env("SNEL_WEG_URL", "https://www.knmi.nl/nederland-nu/weer/verwachtingen")
# Reports one client (daily keyed hash; for SMS the sender's hash) may file in a day before they are
# flagged for the coordinator (never refused). 30: a school, care worker or neighbourhood watch walking
# a round reports many places in one day; a single person filing dozens is worth a second look.
MELDINGEN_PER_CLIENT_PER_DAG = int(env("MELDINGEN_PER_CLIENT_PER_DAG", "30"))
MELDING_RETENTION_DAYS = int(env("MELDING_RETENTION_DAYS", "365"))
# After this many days a melding's point is moved to the centre of its square of LOCATIE_GROF_M metres.
MELDING_LOCATIE_GROF_DAYS = int(env("MELDING_LOCATIE_GROF_DAYS", "730"))
MELDING_LOCATIE_GROF_M = int(env("MELDING_LOCATIE_GROF_M", "100"))
# The city-wide map grid is cached per data version; this bounds what the version cannot see (kaart/).
KAART_GRID_CACHE_SECONDS = int(env("KAART_GRID_CACHE_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"anonymity": {"()": "privacy.logging.AnonymityFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["anonymity"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

SESSION_COOKIE_AGE = 8 * 60 * 60
# Staff login and sessions (accounts/): the 8 hours above are also the absolute limit of a staff
# session, SESSION_IDLE_SECONDS the limit without any request (accounts/middleware.py).
SESSION_IDLE_SECONDS = int(env("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "accounts:inloggen"
LOGIN_REDIRECT_URL = "coordinatie:werkscherm"
# Login throttle (accounts/throttle.py, docs/coordinatie.md): free failures per account-and-client
# pair (or per trusted device), per account over untrusted clients, and per client over all accounts;
# after those each failure doubles the wait (2, 4, 8 … s) up to LOGIN_DELAY_MAX_S.
LOGIN_FREE_FAILURES = int(env("LOGIN_FREE_FAILURES", "3"))
LOGIN_FAILURES_PER_ACCOUNT = int(env("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_CLIENT = int(env("LOGIN_FAILURES_PER_CLIENT", "20"))
LOGIN_DELAY_MAX_S = int(env("LOGIN_DELAY_MAX_S", str(15 * 60)))
# Two-factor authentication (docs/coordinatie.md, "Inloggen"): every staff and partner login needs a
# TOTP code (or a recovery code) unless the account is exempt (TweeFactorVrijstelling: the demo logins).
STAFF_2FA_VERPLICHT = env_bool("STAFF_2FA_VERPLICHT", True)
OTP_TOTP_ISSUER = "Weerbare Wijken"
# Wrong codes count in the login throttle above (capped, device-cookie aware); django-otp's own
# per-device delay has no cap, so a stranger holding the password could lock the owner out with it.
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = 0
LOGIN_DEVICE_COOKIE_AGE = int(env("LOGIN_DEVICE_COOKIE_AGE", str(180 * 24 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The CSRF cookie exists only where a staff form is posted (login, logout, triage) and ends with the
# browser session; residents' forms carry none (meldingen/views.py says why).
CSRF_COOKIE_AGE = None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
if PRODUCTION:
    # HTTPS only: plain-HTTP requests are redirected, and browsers are told to never try HTTP again
    # (behind a TLS proxy this needs DJANGO_BEHIND_PROXY=1, or every request looks like HTTP).
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only the consent to be preloaded; nothing changes until the domain's owner submits the domain.
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy on every response (django-csp): scripts and styles from our own origin, or
# inline with this response's nonce (`nonce="{{ request.csp_nonce }}"`); no inline event handlers, no
# style="" attributes, no eval. Images may be data: URLs (Leaflet's and Redoc's small icons); map tiles
# come from our own /kaart/tegels/. No page may be framed (clickjacking on the triage buttons), and
# forms post only to us. /api/docs/ adds a blob: worker for Redoc's search (config/views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): geolocation for our own pages only (a reporter may
# let the form find their location), clipboard-write for our own pages only (the thank-you page's
# "copy the meldcode" button, issue 17); every other powerful feature is off for us and for any frame.
PERMISSIONS_POLICY = {
    "geolocation": "self",
    "clipboard-write": "self",
    **dict.fromkeys(
        [
            "accelerometer",
            "ambient-light-sensor",
            "autoplay",
            "bluetooth",
            "browsing-topics",
            "camera",
            "clipboard-read",
            "display-capture",
            "encrypted-media",
            "fullscreen",
            "gamepad",
            "gyroscope",
            "hid",
            "identity-credentials-get",
            "idle-detection",
            "local-fonts",
            "magnetometer",
            "microphone",
            "midi",
            "otp-credentials",
            "payment",
            "picture-in-picture",
            "publickey-credentials-create",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "storage-access",
            "usb",
            "web-share",
            "window-management",
            "xr-spatial-tracking",
        ],
        (),
    ),
}

# GDAL < 3.9 cannot block file/network access from spatial reference strings; we never parse a
# spatial reference from user input (only numeric coordinates and our own GeoJSON), so the warning
# is noise on Debian 12's GDAL 3.6.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]


# Production refuses unsafe settings. Checked here, at import, and not as a system check: gunicorn and
# Celery never run system checks, and every process imports the settings. DEBUG on is development;
# DJANGO_LOCAL_RUN=1 is a run without TLS on one machine and must answer to loopback names alone, so
# that it cannot stand in for production.
def _onveilig() -> list[str]:
    if DEBUG:
        return []
    if LOCAL_RUN:
        vreemd = sorted(set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "::1", "[::1]"})
        return [f"DJANGO_LOCAL_RUN=1 with DJANGO_ALLOWED_HOSTS beyond loopback ({', '.join(vreemd)})"] if vreemd else []
    problemen = [
        f"{naam} is empty or its development default" for naam, d in DEV_SECRETS.items() if env(naam, d) in ("", d)
    ]
    for naam in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"):
        if not globals().get(naam):
            problemen.append(f"{naam} is off")
    if globals().get("SECURE_HSTS_SECONDS", 0) <= 0:
        problemen.append("SECURE_HSTS_SECONDS is 0 (DJANGO_HSTS_SECONDS)")
    return problemen


if _problemen := _onveilig():
    raise ImproperlyConfigured(
        "Refusing to start with DJANGO_DEBUG=0: "
        + "; ".join(_problemen)
        + ". Set these in the environment (README.md, docs/operations.md)."
    )
