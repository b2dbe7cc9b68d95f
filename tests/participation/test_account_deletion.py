"""A resident deletes their account: the consultation keeps what they wrote, unattributed,
and nothing identifies or reaches them any more (participation's account eraser)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from cityrights.core import accounts
from cityrights.core.models import AuditEvent, User
from cityrights.core.registry import registry
from cityrights.participation import contributions, erasure, services
from cityrights.participation.models import (
    Answer,
    Comment,
    CommentStatus,
    Outcome,
    Phase,
    Report,
    Submission,
    Support,
)

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db
BASE = "/cities/city-a/participation/consultations/declaration/"


def test_the_participation_app_registers_its_eraser():
    assert ("participation", erasure.erase_account) in registry.account_erasers


def test_a_deleted_account_leaves_its_comments_unattributed_and_receives_nothing(
    consultation, resident, city_a, django_capture_on_commit_callbacks
):
    neighbour = User.objects.create_user("nina@example.org", PASSWORD, name="Nina Neighbour")
    section = consultation.versions.get(number=1).sections.get(key="inclusion")
    mine, _ = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="Think of older people.",
    )
    theirs, _ = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=neighbour),
        body="Libraries help.",
    )
    contributions.support(comment=theirs, user=resident)
    contributions.support(comment=theirs, user=neighbour)
    contributions.report(
        comment=theirs, participant=contributions.Participant(user=resident), reason="Off topic"
    )
    submission = Submission.objects.create(consultation=consultation, user=resident)
    Answer.objects.create(
        submission=submission, question=_question(consultation, city_a), text="Yes"
    )
    # Earlier, without an account, under the same address (any case).
    before = Comment.objects.create(
        consultation=consultation,
        section=section,
        body="Sent before I had an account.",
        email="Resident@Example.org",
        author_name="R.",
        status=CommentStatus.VISIBLE,
    )
    pk = resident.pk

    accounts.delete_account(user=resident, password=PASSWORD)

    assert not User.objects.filter(pk=pk).exists()
    mine.refresh_from_db()
    assert mine.body == "Think of older people." and mine.status == CommentStatus.VISIBLE
    assert mine.author is None and mine.author_name == "" and mine.email == ""
    before.refresh_from_db()
    assert before.email == "" and before.body == "Sent before I had an account."
    theirs.refresh_from_db()
    assert theirs.support_count == 1
    assert list(Support.objects.values_list("user", flat=True)) == [neighbour.pk]
    report = Report.objects.get()
    assert report.reporter is None and report.reason == "Off topic"
    submission.refresh_from_db()
    assert submission.user is None and submission.email == ""
    assert submission.answers.get().text == "Yes"
    page = Client().get(BASE + "sections/inclusion/").content.decode()
    assert "Think of older people." in page and "Rita Resident" not in page
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(pk))
    assert "participation" in event.changes["erased"]

    admin = city_a.users["admin"]
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.CLOSED)
    services.save_response_intro(consultation=consultation, actor=admin, intro={"en": "Thanks."})
    for comment in (mine, theirs, before):
        services.set_outcome(comment=comment, actor=admin, outcome=Outcome.TAKEN_UP, reason={})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_response(consultation=consultation, actor=admin)
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]


def test_an_account_that_never_took_part_has_nothing_erased_here(consultation, resident):
    pk = resident.pk
    accounts.delete_account(user=resident, password=PASSWORD)
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(pk))
    assert "participation" not in event.changes["erased"]


def _question(consultation, city_a):
    from cityrights.participation.models import Question

    return Question.objects.create(consultation=consultation, kind="open", text_en="Ideas?")
