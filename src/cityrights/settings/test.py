"""Test profile: fast hashing, in-memory mail, no debug."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CITYRIGHTS_BASE_URL = "http://testserver"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests of the public cache turn it on (tests/core/test_public_cache.py); elsewhere a page
# cached by one test under a version rolled back with it could be served to the next.
CITYRIGHTS_PUBLIC_CACHE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = env("CITYRIGHTS_TEST_SQLITE", ":memory:")
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

STATIC_ROOT = None  # type: ignore[assignment]  # the test server serves static files from the apps
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test process (one per pytest-xdist worker) signs with keys and stores uploads in a
# folder of its own, never in the checkout's var/ where a developer's demo keys live.
CITYRIGHTS_KEY_DIR = env("CITYRIGHTS_KEY_DIR") or tempfile.mkdtemp(prefix="cityrights-test-keys-")
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cityrights-test-media-"))
