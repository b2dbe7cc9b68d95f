"""Demo content of the capacity app: staff, two closed survey rounds and an open one.

The synthetic staff have no password (they exist to be counted and to answer); the
answers follow plausible tendencies (privacy and data control needed most, as in the
Tirana survey) drawn from a fixed seed, so every demo city looks the same. One
department has only three respondents, to show suppression. Everything is idempotent:
a second run finds the rounds by title and adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cityrights.core.demo import DemoContext
from cityrights.core.models import Membership, Role, User

from . import services
from .models import SurveyRound

# Synthetic staff per department (slug of core.demo.DEPARTMENTS): culture stays under five.
STAFF = {"mobility": 26, "social": 24, "environment": 18, "digital": 20, "culture": 3, "safety": 17}

# How strongly each topic is needed, on top of a base of 2 (1..4 after noise).
NEED = {
    "privacy-security": 1.5,
    "data-control": 1.3,
    "ethics": 0.8,
    "human-rights": 0.7,
    "bias": 0.6,
    "inclusion": 0.5,
    "participation": 0.2,
}

ROUNDS = [
    # (title, days before today it opened, days before today it closed, answers, need shift)
    (
        {
            "en": "Staff needs survey, first round",
            "fr": "Enquête sur les besoins du personnel, première vague",
            "nl": "Bevraging naar de noden van het personeel, eerste ronde",
        },
        420,
        390,
        62,
        0.3,
    ),
    (
        {
            "en": "Staff needs survey, second round",
            "fr": "Enquête sur les besoins du personnel, deuxième vague",
            "nl": "Bevraging naar de noden van het personeel, tweede ronde",
        },
        60,
        30,
        100,
        0.0,
    ),
]

OPEN_ROUND = {
    "en": "Quick check after the training year",
    "fr": "Point rapide après l'année de formation",
    "nl": "Korte peiling na het opleidingsjaar",
}


def _staff(context: DemoContext) -> dict[str, list[User]]:
    """The synthetic staff members by department, created once with unusable passwords."""
    people: dict[str, list[User]] = {}
    number = 0
    for slug, count in STAFF.items():
        department = context.departments[slug]
        for _index in range(count):
            number += 1
            email = f"staff-{number:03d}@demo-city.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(email=email, name=f"Staff member {number:03d}")
                user.set_unusable_password()
                user.save()
            Membership.objects.get_or_create(
                user=user,
                organisation=context.city,
                defaults={"role": Role.VIEWER, "department": department},
            )
            people.setdefault(slug, []).append(user)
    return people


def _answers(survey: Any, rng: random.Random, shift: float) -> tuple[dict, dict]:
    def pick(keys: list[str], weights: list[float]) -> str:
        return rng.choices(keys, weights=weights)[0]

    need = {
        topic.key: max(1, min(4, round(2 + NEED.get(topic.key, 0.5) - shift + rng.gauss(0, 0.7))))
        for topic in survey.topics
    }
    trained = [k for k in ("data-protection", "human-rights") if rng.random() < 0.2]
    concerns = [
        key
        for key, chance in (
            ("cybercrime", 0.7),
            ("data-use", 0.55),
            ("surveillance", 0.45),
            ("children", 0.4),
            ("access", 0.35),
            ("automated-decisions", 0.3),
        )
        if rng.random() < chance
    ]
    formats = [
        key
        for key, chance in (("in-person", 0.75), ("video", 0.5), ("virtual", 0.4), ("text", 0.3))
        if rng.random() < chance
    ] or ["in-person"]
    answers = {
        "knowledge": pick(["none", "basic", "general", "good"], [3, 5, 3, 1]),
        "digital-projects": pick(["regularly", "sometimes", "never"], [4, 4, 2]),
        "prior-training": trained or ["none"],
        "concerns": concerns,
        "training-need": need,
        "formats": formats,
    }
    others = {}
    if rng.random() < 0.08:
        others["concerns"] = rng.choice(
            [
                "Cameras in parks without clear signs.",
                "Nobody tells us which data the new apps keep.",
                "Older residents cannot book appointments online.",
                "Suppliers decide too much about our data.",
            ]
        )
    return {k: v for k, v in answers.items() if v}, others


def _survey(context: DemoContext, staff: dict[str, list[User]]) -> None:
    admin = context.users["admin"]
    today = timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    for title, opened, closed, count, shift in ROUNDS:
        if SurveyRound.objects.filter(organisation=context.city, title_en=title["en"]).exists():
            continue
        survey_round = services.open_round(
            organisation=context.city,
            actor=admin,
            title=title,
            opens_on=today - timedelta(days=opened),
            closes_on=today + timedelta(days=1),
        )
        survey = survey_round.survey.survey
        # Everyone in Culture answers (three: under five), the rest are drawn from the others.
        respondents = list(staff["culture"])
        others = [p for slug, people in staff.items() if slug != "culture" for p in people]
        respondents += rng.sample(others, count - len(respondents))
        for person in respondents:
            answers, texts = _answers(survey, rng, shift)
            services.answer_round(
                survey_round=survey_round,
                person=person,
                answers=answers,
                others=texts,
                share_department=rng.random() > 0.03,
            )
        services.close_round(survey_round=survey_round, actor=admin)
        # The demo's rounds really ran in the past: move their last day there.
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            closes_on=today - timedelta(days=closed)
        )
    if not SurveyRound.objects.filter(
        organisation=context.city, title_en=OPEN_ROUND["en"]
    ).exists():
        services.open_round(
            organisation=context.city,
            actor=admin,
            title=OPEN_ROUND,
            opens_on=today,
            closes_on=today + timedelta(days=21),
        )


def load(context: DemoContext) -> None:
    staff = _staff(context)
    _survey(context, staff)
