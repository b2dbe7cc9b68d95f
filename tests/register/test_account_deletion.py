"""A resident deletes their account: questions they asked about register entries keep their
text for the city's queue and figures, and lose the account's e-mail address."""

from __future__ import annotations

import pytest

from cityrights.core import accounts
from cityrights.core.models import AuditEvent
from cityrights.core.registry import registry
from cityrights.register import erasure
from cityrights.register.models import Question, QuestionStatus

from ..conftest import PASSWORD
from .conftest import make_entry

pytestmark = pytest.mark.django_db


def test_the_register_registers_its_eraser():
    assert ("register", erasure.erase_account) in registry.account_erasers


def test_questions_asked_with_the_account_address_lose_it_and_keep_their_text(
    published, city_b, resident
):
    elsewhere = make_entry(city_b, name="Other city's sensor")

    def ask(entry, email, status=QuestionStatus.OPEN):
        return Question.objects.create(
            organisation=entry.organisation,
            entry=entry,
            message=f"Question from {email or 'nobody'}",
            contact_email=email,
            status=status,
        )

    mine = [
        ask(published, "resident@example.org"),
        ask(published, "RESIDENT@example.org", QuestionStatus.ANSWERED),
        ask(elsewhere, "resident@example.org"),
    ]
    other = ask(published, "someone@example.org")
    pk = resident.pk

    accounts.delete_account(user=resident, password=PASSWORD)

    for question in mine:
        question.refresh_from_db()
        assert question.contact_email == ""
        assert question.message.lower() == "question from resident@example.org"
    assert [q.status for q in mine] == [
        QuestionStatus.OPEN,
        QuestionStatus.ANSWERED,
        QuestionStatus.OPEN,
    ]
    other.refresh_from_db()
    assert other.contact_email == "someone@example.org"
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(pk))
    assert "register" in event.changes["erased"]


def test_an_account_that_asked_nothing_has_nothing_erased_here(published, resident):
    pk = resident.pk
    accounts.delete_account(user=resident, password=PASSWORD)
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(pk))
    assert "register" not in event.changes["erased"]
