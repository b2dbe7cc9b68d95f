"""Demo content: two validated cycles for Demo City, next year's cycle open with answers in
progress, a roadmap, and a coalition benchmark.

Deterministic (seeded) and idempotent: cycles, cities and actions are looked up by their
natural keys and left alone when they exist. Answers go through the same services as in
the browser, so assignments, validation and audit events are real.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cityrights.core.demo import DEMO_PASSWORD
from cityrights.core.models import Membership, Organisation, OrganisationKind, Role, User

from . import selectors, services
from .framework import FRAMEWORKS_DIR, Framework
from .models import (
    ActionStatus,
    AssessmentCycle,
    CoalitionSharing,
    CycleStatus,
    FrameworkVersion,
    Measurement,
    Response,
    RoadmapAction,
)
from .results import build_results

if TYPE_CHECKING:
    from cityrights.core.demo import DemoContext

COALITION_SLUG = "cities-coalition-demo"
COALITION_NAME = "Cities Coalition (demo)"
OTHER_CITIES = [
    ("northbay", "Northbay", "NL", 0.4),
    ("riverton", "Riverton", "BE", -0.3),
    ("lakeside", "Lakeside", "FR", 0.9),
    ("hillford", "Hillford", "DE", -0.8),
    ("eastmere", "Eastmere", "ES", 0.1),
    ("westbrook", "Westbrook", "PT", 0.6),
]
RESPONDENTS = [
    ("sofia@demo-city.example", "Sofia Martens", "social"),
    ("omar@demo-city.example", "Omar Benali", "environment"),
]
# Level of each area x pillar cell last year; most cells improve by one level this year.
BASE_LEVELS = {
    "inclusion": (3, 2, 3),
    "autonomy": (2, 2, 1),
    "transparency": (3, 3, 2),
    "participation": (2, 2, 2),
    "privacy": (4, 3, 3),
    "commons": (2, 1, 2),
}
STAY_SAME = {("privacy", "foundations"), ("commons", "structures"), ("autonomy", "tools")}


def _framework_version() -> FrameworkVersion:
    version = FrameworkVersion.objects.filter(key="guide-2022", version=1).first()
    if version is None:
        version, _outcome = services.load_framework(FRAMEWORKS_DIR / "guide-2022.v1.yaml")
    return version


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    return user


def _cell_level(framework: Framework, area: str, pillar: str, this_year: bool) -> int:
    index = [p.key for p in framework.pillars].index(pillar)
    level = BASE_LEVELS.get(area, (2, 2, 2))[index]
    if this_year and (area, pillar) not in STAY_SAME:
        level += 1
    return max(1, min(framework.scale.max_level, level))


def _answer_value(rng: random.Random, level: int, max_level: int, optimist: bool) -> str:
    roll = rng.random()
    if roll < 0.06:
        return "dont_know"
    if roll < 0.08:
        return "not_applicable"
    noise = rng.choice([-1, 0, 0, 0, 1]) + (1 if optimist and rng.random() < 0.3 else 0)
    return str(max(1, min(max_level, level + noise)))


def _run_cycle(
    context: DemoContext,
    version: FrameworkVersion,
    year: int,
    this_year: bool,
    respondents: dict[str, User],
) -> AssessmentCycle:
    city = context.city
    admin = context.users["admin"]
    existing = AssessmentCycle.objects.filter(organisation=city, year=year).first()
    if existing is not None:
        return existing
    framework = version.framework
    cycle = services.open_cycle(city, year, version, admin, copy_assignments=False)
    departments = context.departments
    plan = [
        ("inclusion", "", departments["social"], None),
        ("participation", "", departments["social"], None),
        ("commons", "", departments["environment"], None),
        ("privacy", "", departments["environment"], None),
        ("", "tools", None, context.users["editor"]),
        ("transparency", "", departments["digital"], None),
        ("autonomy", "", departments["digital"], None),
    ]
    for area, pillar, department, user in plan:
        services.add_assignment(
            cycle, admin, area=area, pillar=pillar, department=department, user=user
        )
    rng = random.Random(f"demo-{year}")  # noqa: S311 - demo content, not security
    max_level = framework.scale.max_level
    for key, person in respondents.items():
        answerable = selectors.Answerable(cycle, person)
        entries = []
        for question in framework.questions:
            if not answerable.cell(question.area, question.pillar):
                continue
            if key == "admin" and question.area not in {"transparency", "autonomy", "privacy"}:
                continue  # the officer answers her own areas, like the others
            level = _cell_level(framework, question.area, question.pillar, this_year)
            if question.show_if is not None and level < question.show_if.min_level:
                continue
            entries.append(
                services.AnswerInput(
                    question=question.key,
                    value=_answer_value(rng, level, max_level, optimist=key == "editor"),
                    evidence_text="Council decision and yearly report (demo)."
                    if rng.random() < 0.3
                    else "",
                    comment="Discussed with the department head." if rng.random() < 0.1 else "",
                )
            )
        services.save_answers(cycle, person, entries)
    services.submit(cycle, admin)
    result = selectors.result_of(cycle)
    resolved = 0
    for question_key, item in result.questions.items():
        if item.spread is not None and item.spread >= 2 and resolved < 4:
            services.resolve(
                cycle,
                context.users["reviewer"],
                question_key,
                str(item.values[len(item.values) // 2]),
                "Checked the evidence with both departments (demo).",
            )
            resolved += 1
    cycle = AssessmentCycle.objects.get(pk=cycle.pk)
    services.validate(cycle, context.users["reviewer"])
    services.set_published(cycle, admin, True)
    return cycle


# Share of each respondent's assigned questions already answered in the open cycle.
IN_PROGRESS = {"sofia": 0.5, "omar": 0.25, "editor": 0.4}


def _open_cycle(
    context: DemoContext, version: FrameworkVersion, year: int, respondents: dict[str, User]
) -> AssessmentCycle:
    """Next year's cycle, open, with last year's assignments and some answers in progress,
    so the answering pages can be seen (and tested) as people fill them in."""
    existing = AssessmentCycle.objects.filter(organisation=context.city, year=year).first()
    if existing is not None:
        return existing
    cycle = services.open_cycle(context.city, year, version, context.users["admin"])
    framework = version.framework
    rng = random.Random(f"demo-open-{year}")  # noqa: S311 - demo content, not security
    for key, share in IN_PROGRESS.items():
        person = respondents[key]
        answerable = selectors.Answerable(cycle, person)
        mine = [
            q
            for q in framework.questions
            if q.show_if is None and answerable.cell(q.area, q.pillar)
        ]
        entries = [
            services.AnswerInput(
                question=question.key,
                value=_answer_value(
                    rng,
                    _cell_level(framework, question.area, question.pillar, True),
                    framework.scale.max_level,
                    optimist=key == "editor",
                ),
                comment="To check with the team before submitting (demo)."
                if rng.random() < 0.2
                else "",
            )
            for question in mine[: round(len(mine) * share)]
        ]
        services.save_answers(cycle, person, entries)
    return cycle


def _roadmap(context: DemoContext, cycle: AssessmentCycle) -> None:
    city = context.city
    if RoadmapAction.objects.filter(organisation=city).exists():
        return
    view = build_results(
        cycle.framework.framework, selectors.result_of(cycle), "en", with_charts=False
    )
    owners = ["digital", "social", "mobility", "environment", "culture"]
    statuses = [
        ActionStatus.IN_PROGRESS,
        ActionStatus.IN_PROGRESS,
        ActionStatus.PLANNED,
        ActionStatus.DONE,
        ActionStatus.PLANNED,
    ]
    today = timezone.localdate()
    for index, rec in enumerate(view.recommendations[:5]):
        defaults = services.action_defaults(cycle, rec.key)
        defaults.pop("recommendation")
        defaults.pop("start_level")
        target = defaults.pop("target")
        baseline = 0.0 if target is None else round(target * 0.2, 1)
        action = services.create_action(
            city,
            context.users["admin"],
            {
                **defaults,
                "owner": context.departments[owners[index % len(owners)]],
                "due_date": today + timedelta(days=120 * (index + 1)),
                "status": statuses[index],
                "baseline": baseline,
                "target": target,
            },
            cycle=cycle,
            recommendation_key=rec.key,
        )
        if target is None or statuses[index] == ActionStatus.PLANNED:
            continue
        for step in range(1, 4):
            # A done action reached its target; one in progress is three quarters there.
            value = baseline + (target - baseline) * step / (
                3 if statuses[index] == ActionStatus.DONE else 4
            )
            Measurement.objects.create(
                action=action,
                date=today - timedelta(days=90 * (4 - step)),
                value=round(value, 1),
                note="Quarterly measurement (demo)",
                recorded_by=context.users["editor"],
            )


def _other_city(
    slug: str, name: str, country: str, offset: float, version: FrameworkVersion, year: int
) -> Organisation:
    city, _created = Organisation.objects.get_or_create(
        slug=f"demo-{slug}",
        defaults={
            "name": f"{name} (demo)",
            "kind": OrganisationKind.CITY,
            "country": country,
            "is_public": False,
        },
    )
    framework = version.framework
    rng = random.Random(f"city-{slug}")  # noqa: S311 - demo content, not security
    for cycle_year in (year - 1, year):
        if AssessmentCycle.objects.filter(organisation=city, year=cycle_year).exists():
            continue
        cycle = AssessmentCycle.objects.create(
            organisation=city,
            year=cycle_year,
            framework=version,
            status=CycleStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        responses = []
        for question in framework.questions:
            if question.show_if is not None:
                continue
            base = _cell_level(framework, question.area, question.pillar, cycle_year == year)
            level = round(base + offset + rng.uniform(-1.2, 1.2))
            responses.append(
                Response(
                    cycle=cycle,
                    question=question.key,
                    respondent_key="imported-demo-officer",
                    respondent_label="Demo officer",
                    value=str(max(1, min(framework.scale.max_level, level))),
                )
            )
        Response.objects.bulk_create(responses)
        cycle.status = CycleStatus.VALIDATED
        cycle.validated_at = timezone.now()
        cycle.scores = selectors.snapshot_scores(selectors.result_of(cycle))
        cycle.save(update_fields=["status", "validated_at", "scores"])
    return city


@transaction.atomic
def load(context: DemoContext) -> None:
    version = _framework_version()
    departments = context.departments
    respondents: dict[str, User] = {
        "admin": context.users["admin"],
        "editor": context.users["editor"],
    }
    for email, name, department in RESPONDENTS:
        user = _user(email, name)
        Membership.objects.get_or_create(
            user=user,
            organisation=context.city,
            defaults={"role": Role.EDITOR, "department": departments[department]},
        )
        respondents[email.split("@")[0]] = user
        context.logins.append((f"Editor ({department})", email, DEMO_PASSWORD))

    year = timezone.localdate().year
    _run_cycle(context, version, year - 1, False, respondents)
    current = _run_cycle(context, version, year, True, respondents)
    _roadmap(context, current)
    _open_cycle(context, version, year + 1, respondents)

    coalition, _created = Organisation.objects.get_or_create(
        slug=COALITION_SLUG,
        defaults={"name": COALITION_NAME, "kind": OrganisationKind.COALITION, "is_public": True},
    )
    secretariat = _user("secretariat@coalition.example", "Sam Okafor")
    Membership.objects.get_or_create(
        user=secretariat, organisation=coalition, defaults={"role": Role.VIEWER}
    )
    context.logins.append(("Coalition secretariat", secretariat.email, DEMO_PASSWORD))
    for slug, name, country, offset in OTHER_CITIES:
        city = _other_city(slug, name, country, offset, version, year)
        CoalitionSharing.objects.get_or_create(city=city, coalition=coalition)
    if not CoalitionSharing.objects.filter(city=context.city, coalition=coalition).exists():
        services.share_with(context.city, coalition, context.users["admin"])
    context.extra["assessment_year"] = year
