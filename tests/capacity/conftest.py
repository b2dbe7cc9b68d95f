"""Helpers for the capacity tests: survey rounds and members, built through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cityrights.capacity import services
from cityrights.capacity.models import SurveyRound
from cityrights.core.models import Department, Membership, Role, User

PASSWORD = "correct-horse-battery"


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
