"""Helpers for the impact tests: assessments in every state, built through the services."""

from __future__ import annotations

from typing import Any

import pytest

from cityrights.impact import content, services
from cityrights.impact.models import ImpactAssessment
from cityrights.register.models import Entry


def sample_answer(question: Any) -> Any:
    if question.type == "text":
        return f"Our answer to {question.key}."
    if question.type == "yes-no":
        return "no"
    if question.multiple:
        return [question.options[0].key]
    return question.options[0].key


def fill_all(assessment: ImpactAssessment, actor: Any) -> None:
    template = assessment.template.template
    for section in content.sections_for(template, assessment.kind):
        answers = {q.key: sample_answer(q) for q in section.questions}
        services.save_section(assessment, actor, section.key, answers)


def new_assessment(
    city: Any,
    *,
    author: str = "editor",
    title: str = "Parking sensors",
    kind: str = "both",
    entry: Entry | None = None,
) -> ImpactAssessment:
    return services.create_assessment(
        city.city,
        city.users[author],
        title=title,
        kind=kind,
        department=city.department,
        entry=entry,
    )


def advance(
    city: Any,
    assessment: ImpactAssessment,
    to: str,
    *,
    author: str = "editor",
    reviewer: str = "reviewer",
    decision: str = "approve",
    likelihood: int = 2,
    severity: int = 2,
) -> ImpactAssessment:
    """Bring an assessment to ``to`` (submitted, under_review or decided) the normal way."""
    fill_all(assessment, city.users[author])
    services.add_risk(
        assessment,
        city.users[author],
        {
            "right": "privacy",
            "description": "Number plates are kept too long.",
            "likelihood": likelihood,
            "severity": severity,
        },
    )
    assessment = services.transition(assessment, city.users[author], "submit")
    if to == "submitted":
        return assessment
    assessment = services.transition(assessment, city.users[reviewer], "start_review")
    if to == "under_review":
        return assessment
    conditions = []
    if decision in {"approve_with_conditions", "on_hold"}:
        conditions = [{"text": "Delete plates after 24 hours.", "owner": "Mobility", "due": None}]
    return services.decide(
        assessment,
        city.users[reviewer],
        decision=decision,
        reasons="Weighed the risks.",
        conditions=conditions,
    )


def make_entry(
    city: Any, name: str = "Parking sensors", risk: str = "high", state: str = "published"
) -> Entry:
    from django.utils import timezone

    return Entry.objects.create(
        organisation=city.city,
        kind="sensor",
        name_en=name,
        summary_en="Sensors count free parking places.",
        department=city.department,
        risk_level=risk,
        state=state,
        published_at=timezone.now() if state == "published" else None,
        version=1 if state == "published" else 0,
    )


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages are asserted in English; another test may have left a language active."""
    from django.utils import translation

    with translation.override("en"):
        yield
