"""Fixtures of the assessment tests: the shipped framework loaded, a cycle, a second editor."""

from __future__ import annotations

import pytest

from cityrights.assessment import services
from cityrights.assessment.framework import FRAMEWORKS_DIR
from cityrights.assessment.models import AssessmentCycle, FrameworkVersion
from cityrights.core.models import Department, Membership, Role, User

SHIPPED = FRAMEWORKS_DIR / "guide-2022.v1.yaml"


@pytest.fixture
def version(db) -> FrameworkVersion:
    """guide-2022 v1 (loaded by the data migration; loaded again here if a test removed it)."""
    found = FrameworkVersion.objects.filter(key="guide-2022", version=1).first()
    return found or services.load_framework(SHIPPED)[0]


@pytest.fixture
def cycle(city_a, version) -> AssessmentCycle:
    return services.open_cycle(city_a.city, 2025, version, city_a.users["admin"])


@pytest.fixture
def second_editor(city_a) -> User:
    social = Department.objects.create(organisation=city_a.city, slug="social", name_en="Social")
    user = User.objects.create_user("editor2@city-a.example", "x" * 12, name="Second Editor")
    Membership.objects.create(
        user=user, organisation=city_a.city, role=Role.EDITOR, department=social
    )
    return user


def answer_all(cycle: AssessmentCycle, user: User, value: str | int = 3) -> None:
    """Answer every unconditional question of ``cycle`` as ``user`` (an administrator)."""
    framework = cycle.framework.framework
    services.save_answers(
        cycle,
        user,
        [
            services.AnswerInput(question=q.key, value=str(value))
            for q in framework.questions
            if q.show_if is None
        ],
    )


def reviewer_of(city) -> User:
    """The city's reviewer (one is added if it has none), who may validate what others did."""
    found = Membership.objects.filter(organisation=city, role=Role.REVIEWER).first()
    if found is not None:
        return found.user
    user = User.objects.create_user(f"reviewer@{city.slug}.example", "x" * 12)
    Membership.objects.create(user=user, organisation=city, role=Role.REVIEWER)
    return user


def validated_cycle(city, version, year: int, admin: User, value: int = 3) -> AssessmentCycle:
    """A cycle answered and submitted by ``admin``, validated by the city's reviewer."""
    cycle = services.open_cycle(city, year, version, admin)
    answer_all(cycle, admin, value)
    services.submit(cycle, admin)
    cycle = AssessmentCycle.objects.get(pk=cycle.pk)
    services.validate(cycle, reviewer_of(city))
    return AssessmentCycle.objects.get(pk=cycle.pk)
