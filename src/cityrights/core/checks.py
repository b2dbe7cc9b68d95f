"""System checks of the core app, run by ``cityrights check --deploy``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# Backends that never deliver mail: they print it, write it to files or keep it in memory.
# The console one put residents' questions and live password-reset links into the server log.
UNDELIVERED_MAIL = {
    "django.core.mail.backends.console.EmailBackend": "prints every message to the server log",
    "django.core.mail.backends.filebased.EmailBackend": "writes every message to a file",
    "django.core.mail.backends.locmem.EmailBackend": "keeps messages in memory and loses them",
    "django.core.mail.backends.dummy.EmailBackend": "throws every message away",
}


@register(Tags.security, deploy=True)
def mail_is_delivered(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production must send mail through a real server, never into logs or files."""
    what = UNDELIVERED_MAIL.get(settings.EMAIL_BACKEND)
    if what is None:
        return []
    return [
        Error(
            f"The e-mail backend {settings.EMAIL_BACKEND} {what}: password-reset links and "
            "residents' messages would end up in logs or be lost.",
            hint="Set CITYRIGHTS_EMAIL_URL to your mail server, e.g. "
            "smtp://user:password@mail.example.org:587 (see README, Configuration).",
            id="cityrights.E001",
        )
    ]


@register(Tags.security, deploy=True)
def keys_are_in_place(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every key file is in the key folder: a service that would create new ones in place of
    lost ones answers "no consent on record" and signs what nobody can check."""
    from . import signing

    missing = signing.missing_key_files()
    if not missing:
        return []
    # The same words as the error a process meets at the first missing key.
    return [Error(signing.missing_key_message(missing), id="cityrights.E002")]


_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104  # compared, not bound


@register(Tags.security, deploy=True)
def public_address_is_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The address printed on QR codes and put in feeds and e-mails must be the public one."""
    url = urlparse(settings.CITYRIGHTS_BASE_URL)
    if url.scheme == "https" and (url.hostname or "") not in _LOCAL_HOSTS:
        return []
    return [
        Error(
            f"CITYRIGHTS_BASE_URL is {settings.CITYRIGHTS_BASE_URL}: QR codes on street signs, "
            "feeds, e-mails and signed documents would point there.",
            hint="Set CITYRIGHTS_BASE_URL to the site's public https address, e.g. "
            "https://rights.example.org.",
            id="cityrights.E003",
        )
    ]


@register(Tags.security, deploy=True)
def sender_is_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Mail from an address at localhost is refused or filed as spam by most servers."""
    sender = str(settings.DEFAULT_FROM_EMAIL)
    if not sender.rstrip(">").endswith("@localhost"):
        return []
    return [
        Warning(
            f"Mail is sent from {sender}: most mail servers refuse it or file it as spam.",
            hint="Set CITYRIGHTS_DEFAULT_FROM to an address of the city's domain.",
            id="cityrights.W001",
        )
    ]


@register(Tags.security, deploy=True)
def proxy_is_declared(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Behind a TLS proxy the app must believe its X-Forwarded-Proto, or redirect forever."""
    if not settings.SECURE_SSL_REDIRECT or settings.SECURE_PROXY_SSL_HEADER is not None:
        return []
    return [
        Warning(
            "HTTPS redirects are on but no proxy is trusted: behind a TLS-terminating proxy "
            "every request would be redirected to https again, forever.",
            hint="Set CITYRIGHTS_TRUSTED_PROXIES=1 behind one proxy (README, Production "
            "deployment); only if the app itself receives HTTPS, leave it at 0.",
            id="cityrights.W002",
        )
    ]
