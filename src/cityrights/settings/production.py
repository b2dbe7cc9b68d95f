"""Production: HTTPS only, secure cookies, HSTS, argon2, no debug.

Run behind a TLS-terminating proxy that sets ``X-Forwarded-Proto`` and say so with
``CITYRIGHTS_TRUSTED_PROXIES``: only then is that header believed.
``SECRET_KEY`` must come from the environment.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, CITYRIGHTS_TRUSTED_PROXIES, env, env_bool

DEBUG = False
#: Commands that must never touch a city's real data ask this (``cityrights demo``).
CITYRIGHTS_PRODUCTION = True
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value for production.")

# Without these the database, uploads and keys would be looked for in ``./var`` of whatever
# folder a process starts in: the web service and a cron job would each find (and make) their
# own, and a job started elsewhere would sign with a new key and match no resident.
if not env("CITYRIGHTS_DATA_DIR") or not Path(env("CITYRIGHTS_DATA_DIR")).is_absolute():
    raise ImproperlyConfigured(
        "Set CITYRIGHTS_DATA_DIR to the absolute path of the folder that keeps uploads and keys "
        "(the same for the web service and every scheduled command)."
    )
if not env("DATABASE_URL"):
    raise ImproperlyConfigured(
        "Set DATABASE_URL to the PostgreSQL database, e.g. postgres://user:password@host/name."
    )
# A missing key file is an error to fix, never a reason to make a new key (core.signing).
CITYRIGHTS_CREATE_KEYS = env_bool("CITYRIGHTS_CREATE_KEYS", False)

# A client talking to the app directly could send ``X-Forwarded-Proto: https`` itself; the
# header means something only when a proxy in front sets it (and overwrites the client's).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if CITYRIGHTS_TRUSTED_PROXIES > 0 else None
)
SECURE_SSL_REDIRECT = env_bool("CITYRIGHTS_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("CITYRIGHTS_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("CITYRIGHTS_HSTS_PRELOAD", True)
SESSION_COOKIE_AGE = 8 * 3600

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Login throttling and rate limits must be shared by every worker process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cityrights_cache",
        }
    }
