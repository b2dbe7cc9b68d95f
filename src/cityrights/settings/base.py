"""Settings shared by every profile, read from the environment.

Operators configure cityrights with environment variables only, so the same
package runs unchanged on a laptop, in CI and in a city's data centre:

``DATABASE_URL``            database (default: SQLite file in ``CITYRIGHTS_DATA_DIR``)
``SECRET_KEY``              signing key (required in production)
``ALLOWED_HOSTS``           comma-separated host names
``CITYRIGHTS_DATA_DIR``     where SQLite, uploads and keys live (default ``./var``)
``CITYRIGHTS_BASE_URL``     public base URL used in QR codes, feeds and e-mails
``CITYRIGHTS_REDIS_URL``    optional cache shared between processes
``CITYRIGHTS_EMAIL_URL``    ``smtp://user:pass@host:port``, ``smtps://…``, ``smtp+plain://…``
                            or ``console://`` (development only: production refuses it)
``CITYRIGHTS_DEFAULT_FROM`` sender address of outgoing mail
``CITYRIGHTS_LOG_LEVEL``    log level (default ``INFO``)
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cityrights.settings import DEFAULT_TIME_ZONE

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("CITYRIGHTS_DATA_DIR") or str(Path.cwd() / "var")).resolve()

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-" + "x" * 32)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A missing key file is created on first use (development, tests); production refuses.
CITYRIGHTS_CREATE_KEYS = env_bool("CITYRIGHTS_CREATE_KEYS", True)
CITYRIGHTS_BASE_URL = env("CITYRIGHTS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # core first: its templates (log-in, password reset) override the admin's.
    "cityrights.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django-ninja needs no entry here: /api/v1/docs is our own page, so its bundled Swagger
    # and Redoc files (7 MB with source maps) would only slow collectstatic down.
    "cityrights.assessment",
    "cityrights.register",
    "cityrights.consent",
    "cityrights.impact",
    "cityrights.capacity",
    "cityrights.participation",
    "cityrights.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cityrights.core.middleware.ContentSecurityPolicyMiddleware",
    # Partner API addresses an app registered answer here, without the browser middlewares.
    "cityrights.core.middleware.ApiLaneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cityrights.core.middleware.ApiHeadMiddleware",
    "cityrights.core.input.InputGuardMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it stores the view's own response, and everything above runs on every answer.
    "cityrights.core.publiccache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "cityrights.urls"
WSGI_APPLICATION = "cityrights.wsgi.application"

TEMPLATES = [
    {
        # Django's, aware that core/templating replaces the i18n and static libraries.
        "BACKEND": "cityrights.core.templating.backend.Templates",
        "NAME": "django",  # the alias Django's backend has (render(..., using="django"))
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cityrights.core.context_processors.cityrights",
            ],
            # Django's own tags, keeping answers that cannot change (core/templating).
            "libraries": {
                "i18n": "cityrights.core.templating.i18n",
                "static": "cityrights.core.templating.static",
            },
            "builtins": [
                "cityrights.core.templating.urls",
                "cityrights.core.templating.blocks",
            ],
        },
    }
]

#: Text boxes without ``maxlength``: a longer text is refused with a message, not cut.
FORM_RENDERER = "cityrights.core.formrenderer.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'cityrights.sqlite3'}",  # empty: unset
        conn_max_age=int(env("CITYRIGHTS_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work at the same time on the embedded default.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "CITYRIGHTS_DB_PREPARED_STATEMENTS", True
):
    # Django leaves psycopg's statement preparation off. The consent hot paths ask for it
    # (execute(..., prepare=True)), so PostgreSQL plans them once per connection; a
    # threshold no ORM query reaches keeps everything else as it was. Turn it off behind a
    # pooler in transaction mode (PgBouncer), which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
CSRF_FAILURE_VIEW = "cityrights.core.views.errors.csrf_failure"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "cityrights.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("nl", _("Dutch"))]
# Each app keeps its own catalogue in <app>/locale (see `make messages`).
TIME_ZONE = env("CITYRIGHTS_TIME_ZONE", DEFAULT_TIME_ZONE)
USE_I18N = True
# European date and time formats for English (Django's default English is American).
FORMAT_MODULE_PATH = ["cityrights.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("CITYRIGHTS_STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("CITYRIGHTS_MEDIA_ROOT", str(DATA_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
CITYRIGHTS_MAX_UPLOAD_BYTES = int(env("CITYRIGHTS_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

_redis_url = env("CITYRIGHTS_REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cityrights",
        }
    }


def _email_settings(url: str) -> dict[str, object]:
    """Translate ``CITYRIGHTS_EMAIL_URL`` into Django's e-mail settings."""
    parsed = urlparse(url or "console://")
    if parsed.scheme in {"", "console"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme not in {"smtp", "smtps", "smtp+plain"}:
        raise ImproperlyConfigured(
            f"CITYRIGHTS_EMAIL_URL: unknown scheme {parsed.scheme!r}; "
            "use smtp://, smtps://, smtp+plain:// or console://"
        )
    default_port = {"smtp": 587, "smtps": 465, "smtp+plain": 25}[parsed.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or default_port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        # smtp:// upgrades with STARTTLS, smtps:// is TLS from the start, smtp+plain:// is a
        # relay on the same machine or private network that speaks neither.
        "EMAIL_USE_TLS": parsed.scheme == "smtp",
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
    }


globals().update(_email_settings(env("CITYRIGHTS_EMAIL_URL")))
DEFAULT_FROM_EMAIL = env("CITYRIGHTS_DEFAULT_FROM", "cityrights <no-reply@localhost>")

# Content Security Policy, sent by cityrights.core.middleware. Only our own
# origin: no inline script or style, no third-party hosts.
CITYRIGHTS_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# Browser features no page of ours uses, switched off for every page (and whatever it embeds).
CITYRIGHTS_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

# Log-in throttling (core.throttling.LoginPolicy): after the free failures of one account
# from one address or known device, each further failure doubles the wait (1, 2, 4 … s) up to
# the cap; from a known device the cap is short. Failures lapse a day after the latest.
CITYRIGHTS_LOGIN_FREE_FAILURES = int(env("CITYRIGHTS_LOGIN_FREE_FAILURES", "3"))
CITYRIGHTS_LOGIN_MAX_DELAY_SECONDS = int(env("CITYRIGHTS_LOGIN_MAX_DELAY_SECONDS", "900"))
CITYRIGHTS_LOGIN_DEVICE_MAX_DELAY_SECONDS = int(
    env("CITYRIGHTS_LOGIN_DEVICE_MAX_DELAY_SECONDS", "30")
)
CITYRIGHTS_LOGIN_MEMORY_SECONDS = int(env("CITYRIGHTS_LOGIN_MEMORY_SECONDS", "86400"))
# How long a browser stays a known device after a successful log-in on it.
CITYRIGHTS_LOGIN_DEVICE_DAYS = int(env("CITYRIGHTS_LOGIN_DEVICE_DAYS", "365"))
# How many reverse proxies add themselves to X-Forwarded-For in front of the app.
CITYRIGHTS_TRUSTED_PROXIES = int(env("CITYRIGHTS_TRUSTED_PROXIES", "0"))

# Every consent check is logged for the resident. By default the log row reaches the disk
# before the partner gets its answer; set this to false to trade the last fraction of a
# second of log rows (on a database-server crash only) for speed. See docs/consent.md.
CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG = env_bool("CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG", True)

# Days the e-mail addresses of people who commented or answered without an account are kept
# after the consultation's response is published (they are told about it), and days an
# unconfirmed anonymous contribution waits for its link. `cityrights forget-participant-emails`.
CITYRIGHTS_PARTICIPATION_EMAIL_DAYS = int(env("CITYRIGHTS_PARTICIPATION_EMAIL_DAYS", "30"))

# Public pages for anonymous visitors from the shared cache (cityrights.core.publiccache,
# docs/operations.md): on or off, how long the server keeps a page, how long browsers and
# proxies may (Cache-Control max-age), and the largest page kept.
CITYRIGHTS_PUBLIC_CACHE = env_bool("CITYRIGHTS_PUBLIC_CACHE", True)
CITYRIGHTS_PUBLIC_CACHE_SECONDS = int(env("CITYRIGHTS_PUBLIC_CACHE_SECONDS", "300"))
CITYRIGHTS_PUBLIC_MAX_AGE = int(env("CITYRIGHTS_PUBLIC_MAX_AGE", "60"))
CITYRIGHTS_PUBLIC_CACHE_MAX_BYTES = int(env("CITYRIGHTS_PUBLIC_CACHE_MAX_BYTES", str(8 << 20)))
# Each worker's own copy of the pages it served most recently (bytes of bodies, per process).
CITYRIGHTS_PUBLIC_CACHE_LOCAL_BYTES = int(env("CITYRIGHTS_PUBLIC_CACHE_LOCAL_BYTES", str(32 << 20)))

# Background map of the register: a tile URL such as https://{s}.tile.example.org/{z}/{x}/{y}.png
# (its origin is added to the map pages' Content-Security-Policy for images) and the attribution
# to show (HTML). By default OpenStreetMap's standard tiles; "off" shows no base map.
CITYRIGHTS_MAP_TILES = env("CITYRIGHTS_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
CITYRIGHTS_MAP_ATTRIBUTION = env("CITYRIGHTS_MAP_ATTRIBUTION")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "cityrights.core.logging.RedactPersonalData"}},
    "formatters": {
        # The time as gunicorn writes it, with its offset: one clock in the whole log.
        "plain": {
            "format": "[%(asctime)s] %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("CITYRIGHTS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
