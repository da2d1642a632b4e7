"""Test settings: the real PostGIS and Redis, isolated from a running demo (own Redis database and
media directory), fast password hashing."""

import os
import tempfile

# The tests run with DEBUG off over plain HTTP and with the development secrets: a local run, also when
# the shell exports DJANGO_DEBUG=0 (config/settings.py refuses production with these secrets).
os.environ.setdefault("DJANGO_LOCAL_RUN", "1")

from .settings import *  # noqa: F403
from .settings import CACHES as _CACHES
from .settings import DATABASES, env

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("TEST_CACHE_URL", "redis://127.0.0.1:6379/13"),
        "KEY_PREFIX": "ww-test",
        "OPTIONS": _CACHES["default"]["OPTIONS"],  # the same short timeouts as in production
    }
}
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = env("TEST_CELERY_URL", "redis://127.0.0.1:6379/14")
MEDIA_ROOT = tempfile.mkdtemp(prefix="ww-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="ww-test-private-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests point this at a loopback fake; an unset fake must fail loudly rather than reach the internet.
PDOK_LOCATIESERVER_URL = "http://127.0.0.1:9/unset-fake-pdok"
DEBUG = False
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # the browser tests' server threads must not keep connections open
# Map tiles: an unset fake fails loudly (502) instead of reaching PDOK; the tile cache is per run.
MAP_TILES_UPSTREAM_URL = "http://127.0.0.1:9/unset-fake-tegels/{z}/{x}/{y}.png"
MAP_TILES_CACHE_DIR = tempfile.mkdtemp(prefix="ww-test-tegels-")

# The webhook tests' receivers listen on 127.0.0.1 (integrations/webhooks.py refuses loopback otherwise).
WEBHOOK_LOOPBACK_TOEGESTAAN = True
