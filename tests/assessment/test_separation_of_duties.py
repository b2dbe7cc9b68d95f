"""Separation of duties on the self-assessment: nobody validates answers they gave or submitted.

The loophole this closes: an administrator (edit and review) could answer the questions,
submit the cycle and validate its scores alone; so could a reviewer validate what they
submitted. Resolving disagreements is the validator's own review and does not count.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st

from cityrights.assessment import selectors, services
from cityrights.assessment.models import AssessmentCycle, CycleStatus
from cityrights.core import audit
from cityrights.core.models import Membership, Role, User

pytestmark = pytest.mark.django_db

REFUSED = "Separation of duties"


def refused(cycle: AssessmentCycle, actor: User) -> services.AssessmentError:
    with pytest.raises(services.AssessmentError) as caught:
        services.validate(AssessmentCycle.objects.get(pk=cycle.pk), actor)
    assert caught.value.status == 403
    assert caught.value.code == "separation_of_duties"
    assert REFUSED in caught.value.message
    assert AssessmentCycle.objects.get(pk=cycle.pk).status == CycleStatus.SUBMITTED
    return caught.value


def validate(cycle: AssessmentCycle, actor: User) -> AssessmentCycle:
    services.validate(AssessmentCycle.objects.get(pk=cycle.pk), actor)
    validated = AssessmentCycle.objects.get(pk=cycle.pk)
    assert validated.status == CycleStatus.VALIDATED and validated.validated_by == actor
    return validated


def answer(cycle: AssessmentCycle, person: User, question: str = "inc-f-1", value: str = "3"):
    services.save_answers(cycle, person, [services.AnswerInput(question, value)])


def second_admin(city: Any) -> User:
    user, _created = User.objects.get_or_create(email="admin2@city-a.example")
    Membership.objects.get_or_create(
        user=user, organisation=city.city, defaults={"role": Role.ADMIN}
    )
    return user


def test_an_administrator_who_answered_and_submitted_cannot_validate(city_a, cycle):
    admin = city_a.users["admin"]
    answer(cycle, admin)
    services.submit(cycle, admin)

    error = refused(cycle, admin)

    assert "(submission, answers)" in error.message and "validate it" in error.message
    assert validate(cycle, city_a.users["reviewer"]).validations == 1


def test_a_reviewer_who_submitted_cannot_validate(city_a, cycle):
    editor = city_a.users["editor"]
    services.add_assignment(
        cycle, city_a.users["admin"], area="", pillar="tools", department=None, user=editor
    )
    answer(cycle, editor, "inc-t-1")
    services.submit(cycle, city_a.users["reviewer"])

    assert "submission" in refused(cycle, city_a.users["reviewer"]).message
    validate(cycle, city_a.users["admin"])  # answered nothing, submitted nothing


def test_answering_alone_is_a_part_even_when_someone_else_submits(city_a, cycle):
    admin, reviewer = city_a.users["admin"], city_a.users["reviewer"]
    answer(cycle, admin)
    answer(cycle, admin)  # the same answer again changes nothing and adds no part
    services.submit(cycle, reviewer)

    assert selectors.contributors_of(cycle).kinds_of(admin) == {"answered"}
    refused(cycle, admin)
    validate(cycle, second_admin(city_a))


def test_resolving_disagreements_does_not_stop_the_reviewer_from_validating(city_a, cycle):
    admin, reviewer = city_a.users["admin"], city_a.users["reviewer"]
    answer(cycle, admin)
    services.submit(cycle, admin)
    services.resolve(cycle, reviewer, "inc-f-1", "2", "Checked the council decision.")

    assert reviewer not in selectors.contributors_of(cycle)
    validate(cycle, reviewer)


def test_roles_without_review_cannot_validate_on_the_page(city_a, cycle):
    answer(cycle, city_a.users["admin"])
    services.submit(cycle, city_a.users["admin"])
    url = reverse("assessment:transition", kwargs={"org": "city-a", "year": cycle.year})
    for role in ("editor", "viewer"):
        response = city_a.client_for(role).post(url, {"action": "validate"})
        assert response.status_code == 403
    assert AssessmentCycle.objects.get(pk=cycle.pk).status == CycleStatus.SUBMITTED


def test_answers_kept_through_a_reopening_stay_their_authors(city_a, cycle):
    """A validation closes a version; the answers carried into the next keep their authors."""
    admin, reviewer, admin2 = city_a.users["admin"], city_a.users["reviewer"], second_admin(city_a)
    answer(cycle, admin)
    services.submit(cycle, admin)
    validate(cycle, reviewer)
    services.reopen(AssessmentCycle.objects.get(pk=cycle.pk), admin2, "A department was missing")
    reopened = AssessmentCycle.objects.get(pk=cycle.pk)
    assert selectors.duty_version(reopened) == 2
    services.submit(reopened, reviewer)

    assert selectors.contributors_of(reopened).kinds_of(admin) == {"answered"}
    refused(cycle, admin)
    refused(cycle, reviewer)  # validated version 1, submitted version 2
    assert validate(cycle, admin2).validations == 2


def test_a_cycle_sent_back_before_validation_keeps_its_contributors(city_a, cycle):
    admin, reviewer = city_a.users["admin"], city_a.users["reviewer"]
    answer(cycle, admin)
    services.submit(cycle, reviewer)
    services.reopen(AssessmentCycle.objects.get(pk=cycle.pk), admin, "One more department")
    services.submit(AssessmentCycle.objects.get(pk=cycle.pk), admin)

    refused(cycle, reviewer)
    refused(cycle, admin)
    validate(cycle, second_admin(city_a))


def test_the_cycle_page_says_why_instead_of_offering_validation(city_a, cycle):
    admin = city_a.users["admin"]
    answer(cycle, admin)
    services.submit(cycle, admin)
    url = reverse("assessment:cycle", kwargs={"org": "city-a", "year": cycle.year})

    own = city_a.client_for("admin").get(url).content.decode()
    other = city_a.client_for("reviewer").get(url).content.decode()

    assert REFUSED in own and 'value="validate"' not in own
    assert REFUSED not in other and 'value="validate"' in other


def test_a_validation_posted_anyway_is_refused_with_the_reason(city_a, cycle):
    admin = city_a.users["admin"]
    answer(cycle, admin)
    services.submit(cycle, admin)
    url = reverse("assessment:transition", kwargs={"org": "city-a", "year": cycle.year})

    page = city_a.client_for("admin").post(url, {"action": "validate"}, follow=True)

    assert REFUSED in page.content.decode()
    assert AssessmentCycle.objects.get(pk=cycle.pk).status == CycleStatus.SUBMITTED


def test_the_status_is_checked_before_the_separation_of_duties(city_a, cycle):
    admin = city_a.users["admin"]
    answer(cycle, admin)
    with pytest.raises(services.CycleClosed):
        services.validate(cycle, admin)


def test_the_migration_counts_validations_and_records_the_round_under_way(city_a, version):
    admin, editor, reviewer = (city_a.users[role] for role in ("admin", "editor", "reviewer"))
    cycle = services.open_cycle(city_a.city, 2025, version, admin)
    with transaction.atomic():  # as before core.duties: answers and events, no parts
        services.add_assignment(cycle, admin, area="", pillar="tools", department=None, user=editor)
        for respondent, question in ((editor, "inc-t-1"), (admin, "inc-f-1")):
            cycle.responses.create(
                question=question,
                value="3",
                respondent=respondent,
                respondent_key=f"user-{respondent.pk}",
            )
        audit.record(actor=editor, organisation=city_a.city, action="answer", obj=cycle)
        audit.record(actor=reviewer, organisation=city_a.city, action="submit", obj=cycle)
        AssessmentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.SUBMITTED)
    old = services.open_cycle(city_a.city, 2024, version, admin)
    audit.record(actor=reviewer, organisation=city_a.city, action="validate", obj=old)
    AssessmentCycle.objects.filter(pk=old.pk).update(status=CycleStatus.VALIDATED)

    migration = import_module("cityrights.assessment.migrations.0004_cycle_validations")
    migration.forwards(django_apps, None)

    assert AssessmentCycle.objects.get(pk=old.pk).validations == 1
    current = AssessmentCycle.objects.get(pk=cycle.pk)
    assert current.validations == 0
    found = selectors.contributors_of(current)
    assert found.kinds_of(editor) == {"answered"} and found.kinds_of(admin) == {"answered"}
    assert found.kinds_of(reviewer) == {"submitted"}
    refused(current, reviewer)
    validate(current, second_admin(city_a))


# --- Any sequence of actions by anyone ----------------------------------------------------------

PEOPLE = ("admin", "admin2", "editor", "reviewer")
# Validation attempts often enough to meet both a contributor and someone else.
WEIGHTED = (
    "answer",
    "answer",
    "clear",
    "submit",
    "submit",
    "resolve",
    "validate",
    "validate",
    "validate",
    "reopen",
)
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(WEIGHTED),
        st.sampled_from(PEOPLE),
    ),
    min_size=6,
    max_size=20,
)
EVERY_TURN = [
    ("answer", "admin"),
    ("submit", "admin"),
    ("validate", "admin"),
    ("resolve", "reviewer"),
    ("validate", "reviewer"),
    ("reopen", "admin2"),
    ("submit", "reviewer"),
    ("validate", "admin"),
    ("validate", "admin2"),
    ("reopen", "admin"),
    ("answer", "editor"),
    ("clear", "admin"),
    ("submit", "admin2"),
    ("reopen", "admin"),
    ("submit", "reviewer"),
    ("validate", "admin"),
    ("validate", "reviewer"),
]


@given(steps=ACTIONS)
@example(steps=EVERY_TURN)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_whoever_validates_never_answered_or_submitted_what_they_validate(city_a, version, steps):
    note(f"steps: {steps}")
    with transaction.atomic():
        _run(city_a, version, steps)
        transaction.set_rollback(True)


def _run(city: Any, version: Any, steps: list[tuple[str, str]]) -> None:
    people = dict(city.users)
    people["admin2"] = second_admin(city)
    cycle = services.open_cycle(city.city, 2030, version, people["admin"])
    services.add_assignment(
        cycle, people["admin"], area="", pillar="tools", department=None, user=people["editor"]
    )
    took_part: set[str] = set()  # the model: who answered or submitted this round
    answers: dict[str, str] = {}  # who holds an answer to which question
    questions = {"admin": "inc-f-1", "admin2": "inc-f-2", "editor": "inc-t-1"}
    for number, (action, name) in enumerate(steps):
        person = people[name]
        current = AssessmentCycle.objects.get(pk=cycle.pk)
        reviews = name != "editor"
        if action in {"answer", "clear"} and current.is_open and name in questions:
            value = "" if action == "clear" else str(1 + number % 5)
            had = name in answers
            answer(current, person, questions[name], value)
            if value:
                answers[name] = value
                took_part.add(name)
            elif had:
                del answers[name]
                took_part.add(name)
        elif action == "submit" and reviews and current.is_open and answers:
            services.submit(current, person)
            took_part.add(name)
        elif action == "resolve" and reviews and current.status != CycleStatus.VALIDATED:
            services.resolve(current, person, "inc-f-1", "2", "Checked.")
        elif action == "validate" and reviews and current.status == CycleStatus.SUBMITTED:
            if name in took_part:
                event("refused")
                refused(current, person)
            else:
                event("validated")
                validate(current, person)
                took_part = set()
        elif action == "reopen" and name in {"admin", "admin2"} and not current.is_open:
            was_validated = current.status == CycleStatus.VALIDATED
            services.reopen(current, person, "Again")
            if was_validated:
                took_part = set(answers)
        contributors = selectors.contributors_of(AssessmentCycle.objects.get(pk=cycle.pk))
        assert {people[who].pk for who in took_part} == set(contributors.ids)
