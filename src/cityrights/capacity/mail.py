"""E-mails of the capacity app, each written in its recipient's language.

Survey invitations, registration and waiting-list notices, promotion from the waiting
list and issued certificates. Nothing here is sent for a survey *answer* or an
evaluation: those are anonymous and leave no trace (``anonymity.py``).

Messages are sent after the transaction that caused them commits (callers use
``transaction.on_commit``), so a refused change never mails anybody.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from cityrights.core.translation import city_languages

if TYPE_CHECKING:
    from cityrights.core.models import Membership, Organisation, User


def base_url() -> str:
    return settings.CITYRIGHTS_BASE_URL.rstrip("/")


def _message(
    user: User, organisation: Organisation, template: str, context: dict[str, Any]
) -> EmailMessage:
    language = user.language or organisation.default_language
    with translation.override(language), city_languages(organisation.content_languages):
        full = {"organisation": organisation, "base_url": base_url(), "person": user, **context}
        subject = render_to_string(f"capacity/mail/{template}_subject.txt", full).strip()
        body = render_to_string(f"capacity/mail/{template}.txt", full)
    return EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _send(messages: Iterable[EmailMessage]) -> int:
    batch = list(messages)
    if not batch:
        return 0
    return get_connection().send_messages(batch) or 0


def survey_invitation(survey_round: Any, memberships: Iterable[Membership]) -> int:
    """The answer link, to everyone a round asks."""
    organisation = survey_round.organisation
    return _send(
        _message(membership.user, organisation, "survey_invitation", {"survey_round": survey_round})
        for membership in memberships
    )


def registration(registration: Any) -> int:
    """A place in a session, or a place on its waiting list."""
    session = registration.session
    template = "registered" if registration.status == "registered" else "waiting"
    return _send(
        [
            _message(
                registration.person,
                session.organisation,
                template,
                {"registration": registration, "session": session},
            )
        ]
    )


def promoted(registration: Any) -> int:
    """A place freed up and the first person waiting has it now."""
    session = registration.session
    return _send(
        [
            _message(
                registration.person,
                session.organisation,
                "promoted",
                {"registration": registration, "session": session},
            )
        ]
    )


def certificate_issued(certificate: Any) -> int:
    """A certificate with its verification address and where to download it."""
    if certificate.person is None:
        return 0
    return _send(
        [
            _message(
                certificate.person,
                certificate.organisation,
                "certificate",
                {"certificate": certificate},
            )
        ]
    )
