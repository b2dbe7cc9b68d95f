"""A person's own account: signing up without revealing who has one, and deleting it.

(``core.services`` changes an organisation's set-up; this module changes the account of
the person who is logged in, or who is about to be.)

**Sign-up** never tells the visitor whether an address already has an account. Whatever
the address, the visitor sees the same page and the address receives one message:

* no account yet: a *pending* account is created (inactive, without a password) and the
  message holds a link to choose a password, which activates it. Nobody can set the
  password of an address they cannot read, so an account cannot be taken over before its
  owner arrives;
* a pending account: the link is sent again;
* an account in use: the message tells its owner that someone tried to sign up with the
  address, with links to log in and to reset the password.

Pending accounts that nobody confirmed within ``PASSWORD_RESET_TIMEOUT`` (three days) are
removed by ``cityrights purge-signups`` (run daily from cron) and, between two runs, at the
next sign-up; their link stops working at the same moment. The registered erasers run
first, as for a deleted account, so nothing an officer attached to the address (a walk-in
at a training session) keeps a pending account alive or stops its removal.

**Deletion**: a resident (an account without any role in an organisation) deletes their
account after typing their password again. Every app that keeps data about a person has
registered an *account eraser* in ``core.registry``; the consent app withdraws every
consent and crypto-shreds the data subject, so the ledger still verifies. Then the account
row goes, with its name and e-mail address; the audit event names neither.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import audit, throttling
from .errors import ServiceError
from .models import Membership, User
from .registry import registry

logger = logging.getLogger(__name__)

#: Sign-up messages one address receives per hour at most (so nobody can flood a mailbox).
MAILS_PER_ADDRESS = 3
#: Sign-ups one client address may ask for per hour.
SIGNUPS_PER_CLIENT = 10


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Links that activate a pending account; they cannot reset a password, nor the reverse."""

    key_salt = "cityrights.core.accounts.SignupTokenGenerator"


signup_tokens = SignupTokenGenerator()


def is_pending(user: User) -> bool:
    """Signed up, never confirmed: no password, never logged in, no role anywhere."""
    return (
        not user.is_active
        and user.last_login is None
        and not user.has_usable_password()
        and not Membership.objects.filter(user=user).exists()
    )


def update_account(user: User, *, name: str, language: str) -> None:
    """Save what a person changed about their own account. The language is that of every
    message the site sends them (sign-up, password reset, confirmations, notices)."""
    if language not in dict(settings.LANGUAGES):
        raise ServiceError(_("Choose one of the languages offered."), 422)
    user.name, user.language = name.strip(), language
    user.save(update_fields=["name", "language"])


def remember_language(user: User, language: str) -> None:
    """Keep the language a person chose in the switcher as their account's: the pages and
    every message the site sends them then speak it (a language not offered is ignored)."""
    if language in dict(settings.LANGUAGES) and language != user.language:
        user.language = language
        user.save(update_fields=["language"])


def _link(name: str, **kwargs: str) -> str:
    return settings.CITYRIGHTS_BASE_URL + reverse(name, kwargs=kwargs)


def _send(user: User, template: str, context: dict[str, object]) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"registration/{template}_subject.txt", context).strip()
        body = render_to_string(f"registration/{template}_email.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # the visitor sees the same page either way; the operator sees this
        logger.exception("The %s message to account %s could not be sent.", template, user.pk)


def purge_unconfirmed_signups(*, now: datetime | None = None) -> int:
    """Remove the pending accounts nobody confirmed within ``PASSWORD_RESET_TIMEOUT``.

    Returns how many went. Each goes in a transaction of its own, through the registered
    erasers like a deleted account; one that records point at (``PROTECT``) stays, logged.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    stale = User.objects.filter(
        is_active=False, last_login__isnull=True, date_joined__lt=cutoff, memberships__isnull=True
    ).order_by("pk")
    removed = 0
    for user in stale:
        if not is_pending(user):
            continue
        try:
            with transaction.atomic():
                for _name, eraser in registry.account_erasers:
                    eraser(user)
                user.delete()
        except ProtectedError:
            logger.warning("The unconfirmed account %s is kept: records point at it.", user.pk)
            continue
        removed += 1
    return removed


def request_signup(*, email: str, name: str, language: str, client: str) -> None:
    """Send the owner of ``email`` the message that lets them create or recover an account.

    Refuses (429) only for too many sign-ups from one client; everything else looks the
    same to the visitor whatever the address.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if not throttling.allow("signup-client", client, limit=SIGNUPS_PER_CLIENT, window=3600):
        raise ServiceError(_("Many accounts were asked for from here. Try again later."), 429)
    with transaction.atomic():
        purge_unconfirmed_signups()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, name=name, language=language, is_active=False)
            user.set_unusable_password()
            user.save()
        elif is_pending(user):
            user.name, user.language = name, language
            user.save(update_fields=["name", "language"])
    if not throttling.allow("signup-mail", email, limit=MAILS_PER_ADDRESS, window=3600):
        return  # the address already got its messages this hour
    if is_pending(user):
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = signup_tokens.make_token(user)
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        link = _link("core:signup_confirm", uidb64=uid, token=token)
        _send(user, "signup", {"link": link, "days": days})
    else:
        login, reset = _link("core:login"), _link("core:password_reset")
        _send(user, "signup_exists", {"login": login, "reset": reset})


def activate(user: User) -> None:
    """The owner of a pending account chose a password: the account is theirs."""
    user.is_active = True
    user.save(update_fields=["is_active"])


def delete_account(*, user: User, password: str) -> None:
    """Delete a resident's account and, through the registered erasers, their data in every app."""
    if not user.check_password(password):
        raise ServiceError(_("This is not your password."), 422, "password")
    if Membership.objects.filter(user=user).exists():
        raise ServiceError(
            _(
                "You have a role in an organisation. Ask one of its administrators to remove "
                "you first; then you can delete your account."
            ),
            409,
        )
    if user.is_staff or user.is_superuser:
        raise ServiceError(_("An operator account is deleted by another operator."), 409)
    pk = user.pk
    try:
        with transaction.atomic():
            erased = [name for name, eraser in registry.account_erasers if eraser(user)]
            audit.record(
                actor=None,
                organisation=None,
                action="delete",
                object_type="core.user",
                object_id=str(pk),
                object_repr="resident account (deleted by its holder)",
                changes={"erased": erased},
            )
            user.delete()
    except ProtectedError:
        raise ServiceError(
            _("Records that must be kept point at this account; the city's staff can help."),
            409,
        ) from None


def landing_url(user: User) -> str:
    """Where a person lands after logging in without a ``next`` address.

    Staff land on the dashboard of their organisation (the list of their organisations when
    they have several); a resident on what an app offers them (their data, through
    ``registry.add_landing_page``), else on their account.
    """
    memberships = list(Membership.objects.filter(user=user).select_related("organisation")[:2])
    if len(memberships) == 1:
        return reverse("core:dashboard", kwargs={"org": memberships[0].organisation.slug})
    if memberships:
        return reverse("core:home")
    for provider in registry.landing_pages:
        url = provider(user)
        if url:
            return url
    return reverse("core:account")


def why_log_in(target: str) -> str:
    """Why the page at ``target`` (the log-in's ``next``) needs a log-in, in one sentence."""
    if not target:
        return ""
    if target.startswith("/manage/"):
        return _(
            "The page you asked for is in the staff area of an organisation: log in with the "
            "account your organisation gave you."
        )
    if target.startswith("/cities/"):
        return _(
            "The page you asked for shows your own data or acts in your name, so the city needs "
            "to know who you are. Log in, or create a resident account."
        )
    return _("The page you asked for is only for people who are logged in.")
