"""Outgoing e-mail of the core app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

if TYPE_CHECKING:
    from .models import Organisation, User


def send_welcome(user: User, organisation: Organisation) -> None:
    """Tell a newly added colleague where to choose their password.

    Django's password-reset form skips accounts without a usable password,
    which is exactly what a new colleague has, so the link is built here.
    """
    base = settings.CITYRIGHTS_BASE_URL
    protocol, _sep, domain = base.partition("://")
    context = {
        "organisation": organisation,
        "protocol": protocol,
        "domain": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        # How long the link works (Django's password-reset tokens), so nobody waits too long.
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(user.language or organisation.default_language):
        subject = render_to_string("registration/welcome_subject.txt", context).strip()
        body = render_to_string("registration/welcome_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
