"""Helpers for the capacity tests: survey rounds and members, built through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from cityrights.capacity import certificates, services
from cityrights.capacity.models import Programme, Registration, Session, SurveyRound
from cityrights.core.models import Department, Membership, Role, User

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; a page asked for in Dutch leaves Dutch active."""
    with translation.override("en"):
        yield


def full_answers(survey: Any, knowledge: str = "basic", need: int = 3) -> dict[str, Any]:
    """A complete, valid set of answers to ``survey``."""
    answers: dict[str, Any] = {}
    for question in survey.questions:
        if question.kind == "topic-scale":
            answers[question.key] = {topic.key: need for topic in survey.topics}
        elif question.kind == "single":
            keys = [o.key for o in question.options]
            answers[question.key] = knowledge if knowledge in keys else keys[0]
        else:
            answers[question.key] = [question.options[0].key]
    return answers


def add_staff(city: Any, department: Department, count: int, prefix: str = "staff") -> list[User]:
    """``count`` viewers of ``city`` in ``department`` (answering needs only membership)."""
    people = []
    for number in range(count):
        user = User.objects.create_user(
            f"{prefix}{number}.{department.slug}@{city.slug}.example", PASSWORD
        )
        Membership.objects.create(
            user=user, organisation=city, role=Role.VIEWER, department=department
        )
        people.append(user)
    return people


def open_round(city_fixture: Any, **kwargs: Any) -> SurveyRound:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "organisation": city_fixture.city,
        "actor": city_fixture.users["admin"],
        "title": {"en": "Spring round", "fr": "Vague de printemps", "nl": "Voorjaarsronde"},
        "opens_on": today,
        "closes_on": today + timedelta(days=14),
    }
    values.update(kwargs)
    return services.open_round(**values)


@pytest.fixture
def survey_round(city_a: Any) -> SurveyRound:
    return open_round(city_a)


def new_programme(
    city_fixture: Any, *, modules: int = 4, audience: str = "staff", capacity: int = 30
) -> Programme:
    """A published programme with ``modules`` modules, one session each (tomorrow)."""
    admin = city_fixture.users["admin"]
    programme = services.create_programme(
        organisation=city_fixture.city,
        actor=admin,
        title={"en": "Digital rights for staff", "fr": "Droits numériques pour le personnel"},
        certificate_text={"en": "Knows how the city protects rights in its digital work."},
        audience=audience,
    )
    start = timezone.now() + timedelta(days=1)
    for number in range(modules):
        module = services.save_module(
            programme=programme,
            actor=admin,
            texts={"title": {"en": f"Module {number + 1}"}},
            topics=["privacy-security"],
            areas=["privacy"],
        )
        services.save_session(
            module=module,
            actor=admin,
            starts_at=start + timedelta(days=number),
            ends_at=start + timedelta(days=number, hours=2),
            session_format="online",
            capacity=capacity,
            language="en",
            link="https://meet.example.org/rights",
        )
    services.publish_programme(programme=programme, actor=admin)
    return Programme.objects.get(pk=programme.pk)


def attend(programme: Programme, person: User, modules: int, actor: User) -> None:
    """Register ``person`` to the first ``modules`` sessions and mark them present."""
    for session in Session.objects.filter(module__programme=programme).order_by("starts_at")[
        :modules
    ]:
        registration = Registration.objects.filter(session=session, person=person).first()
        if registration is None:
            registration = services.register(session=session, person=person, actor=person)
        present = [
            r.pk for r in session.registrations.filter(attended=True) if r.person_id != person.pk
        ]
        services.record_attendance(
            session=session, actor=actor, present=[*present, registration.pk]
        )


def issued_programme(city_fixture: Any, people: int = 3) -> tuple[Programme, list[User]]:
    """A programme whose certificates are issued: person i attended 3, 2, 1 … modules."""
    programme = new_programme(city_fixture)
    staff = add_staff(city_fixture.city, city_fixture.department, people, prefix="learner")
    for index, person in enumerate(staff):
        person.name = f"Learner {index}"
        person.save(update_fields=["name"])
        attend(programme, person, max(3 - index, 1), city_fixture.users["admin"])
    certificates.start_issuing(programme=programme, actor=city_fixture.users["reviewer"])
    return programme, staff
