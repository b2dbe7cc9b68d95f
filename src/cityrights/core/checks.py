"""System checks of the core app, run by ``cityrights check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

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
