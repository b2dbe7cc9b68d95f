"""Addresses of people who take part without an account are kept only while needed: until
the response has been published for CITYRIGHTS_PARTICIPATION_EMAIL_DAYS days; contributions
never confirmed within those days go (``cityrights forget-participant-emails``)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cityrights.participation import contributions, retention, services
from cityrights.participation.models import (
    Comment,
    CommentStatus,
    Outcome,
    Phase,
    ResponseDocument,
    Submission,
)

from .conftest import make_consultation

pytestmark = pytest.mark.django_db


def _anonymous_comment(consultation, email, body, confirm=True):
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    comment, token = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(email=email, name="Nel", client=email),
        body=body,
    )
    if confirm:
        contributions.confirm(consultation=consultation, token=token)
    comment.refresh_from_db()
    return comment


def _run() -> str:
    out = io.StringIO()
    call_command("forget-participant-emails", stdout=out)
    return out.getvalue().strip()


def _publish_response(consultation, admin):
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.CLOSED)
    services.save_response_intro(consultation=consultation, actor=admin, intro={"en": "Thanks."})
    for comment in consultation.comments.filter(status=CommentStatus.VISIBLE, parent=None):
        services.set_outcome(comment=comment, actor=admin, outcome=Outcome.TAKEN_UP, reason={})
    services.publish_response(consultation=consultation, actor=admin, notify=False)


def test_addresses_go_days_after_the_response_and_unconfirmed_contributions_go(city_a, settings):
    settings.CITYRIGHTS_PARTICIPATION_EMAIL_DAYS = 30
    admin = city_a.users["admin"]
    answered = make_consultation(city_a, slug="declaration", anonymous=True)
    waiting = make_consultation(city_a, slug="still-open", anonymous=True)
    kept = _anonymous_comment(answered, "nel@example.org", "Think of older people.")
    elsewhere = _anonymous_comment(waiting, "ola@example.org", "Libraries help.")
    stale = _anonymous_comment(answered, "late@example.org", "Never confirmed.", confirm=False)
    fresh = _anonymous_comment(waiting, "new@example.org", "Just sent.", confirm=False)
    Comment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=31))
    submission = Submission.objects.create(
        consultation=answered, email="ana@example.org", is_counted=True
    )
    old_unconfirmed = Submission.objects.create(consultation=waiting, email="x@example.org")
    Submission.objects.filter(pk=old_unconfirmed.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )

    assert _run() == "0 address(es) forgotten, 2 unconfirmed contribution(s) removed."
    assert not Comment.objects.filter(pk=stale.pk).exists()
    assert not Submission.objects.filter(pk=old_unconfirmed.pk).exists()
    assert Comment.objects.get(pk=fresh.pk).email == "new@example.org"

    _publish_response(answered, admin)
    assert _run().startswith("0 address(es) forgotten")  # the notice may still bounce
    ResponseDocument.objects.filter(consultation=answered).update(
        published_at=timezone.now() - timedelta(days=30, minutes=1)
    )
    assert _run().startswith("2 address(es) forgotten")
    kept.refresh_from_db()
    assert kept.email == "" and kept.body == "Think of older people." and kept.author_name == "Nel"
    assert kept.status == CommentStatus.VISIBLE
    submission.refresh_from_db()
    assert submission.email == "" and submission.is_counted
    elsewhere.refresh_from_db()
    assert elsewhere.email == "ola@example.org"  # no response yet: they are still to be told
    assert _run() == "0 address(es) forgotten, 0 unconfirmed contribution(s) removed."


def test_the_number_of_days_is_a_setting(city_a, settings):
    consultation = make_consultation(city_a, slug="declaration", anonymous=True)
    comment = _anonymous_comment(consultation, "nel@example.org", "Hello.", confirm=False)
    later = timezone.now() + timedelta(days=8)
    settings.CITYRIGHTS_PARTICIPATION_EMAIL_DAYS = 10
    assert retention.forget_emails(now=later).unconfirmed == 0
    settings.CITYRIGHTS_PARTICIPATION_EMAIL_DAYS = 7
    assert retention.forget_emails(now=later).unconfirmed == 1
    assert not Comment.objects.filter(pk=comment.pk).exists()
