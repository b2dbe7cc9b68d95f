"""Reads of the assessment app: scoring a cycle, who may answer what, progress, benchmarks.

Everything that needs the database but changes nothing lives here, so views, the API,
exports and the PDF report compute results the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cityrights.core import duties
from cityrights.core.models import Organisation, OrganisationKind
from cityrights.core.permissions import can, membership_for
from cityrights.core.prepared import PreparedQuery
from cityrights.core.translation import alphabetical

from .framework import Framework
from .models import (
    AssessmentCycle,
    CoalitionSharing,
    CycleStatus,
    FrameworkVersion,
    Resolution,
    Response,
    SectionAssignment,
)
from .scoring import Answer, AssessmentResult, BenchmarkStat, ScoringModel, benchmark, score

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cityrights.core.models import User

CellKey = tuple[str, str]
MIN_BENCHMARK_CITIES = 5

_MODEL_CACHE: dict[str, ScoringModel] = {}


def latest_framework_version(key: str | None = None) -> FrameworkVersion | None:
    versions = FrameworkVersion.objects.all()
    if key:
        versions = versions.filter(key=key)
    return versions.order_by("-loaded_at", "-version").first()


def framework_of(cycle: AssessmentCycle) -> Framework:
    return cycle.framework.framework


def scoring_model(version: FrameworkVersion) -> ScoringModel:
    model = _MODEL_CACHE.get(version.content_hash)
    if model is None:
        model = ScoringModel.from_framework(version.framework)
        _MODEL_CACHE[version.content_hash] = model
    return model


def answers_of(cycle: AssessmentCycle) -> list[Answer]:
    rows = Response.objects.filter(cycle=cycle).values_list("respondent_key", "question", "value")
    return [
        Answer(respondent, question, int(value) if value.isdigit() else value)  # type: ignore[arg-type]
        for respondent, question, value in rows
    ]


def resolutions_of(cycle: AssessmentCycle) -> dict[str, Any]:
    rows = Resolution.objects.filter(cycle=cycle).values_list("question", "value")
    return {question: int(value) if value.isdigit() else value for question, value in rows}


def result_of(cycle: AssessmentCycle) -> AssessmentResult:
    """Score ``cycle`` with the framework version it was answered with (memoised per object)."""
    cached = getattr(cycle, "_result_cache", None)
    if cached is None:
        cached = score(scoring_model(cycle.framework), answers_of(cycle), resolutions_of(cycle))
        cycle._result_cache = cached  # type: ignore[attr-defined]
    return cached


def snapshot_scores(result: AssessmentResult) -> dict[str, Any]:
    """The compact, JSON-ready scores frozen on a validated cycle (used by benchmarks)."""

    def entry(item: Any) -> dict[str, Any]:
        return {"score": item.score, "level": item.level}

    return {
        "overall": {"score": result.score, "level": result.level},
        "cells": {f"{a}/{p}": entry(cell) for (a, p), cell in result.cells.items()},
        "areas": {key: entry(item) for key, item in result.areas.items()},
        "pillars": {key: entry(item) for key, item in result.pillars.items()},
    }


def snapshot_cell_scores(scores: dict[str, Any]) -> dict[CellKey, float | None]:
    out: dict[CellKey, float | None] = {}
    for key, item in (scores.get("cells") or {}).items():
        area, _sep, pillar = key.partition("/")
        out[(area, pillar)] = item.get("score")
    return out


# --------------------------------------------------------------------------------------
# Who may answer what
# --------------------------------------------------------------------------------------


def duty_version(cycle: AssessmentCycle) -> int:
    """The version a validation decides on (``core.duties``): validations so far + 1.

    It runs from the opening of the cycle, or from its last validation, to the next
    validation, through reopening a submitted cycle and answering again.
    """
    return cycle.validations + 1


def contributors_of(cycle: AssessmentCycle) -> duties.Contributors:
    """Who answered or submitted the answers the next validation decides on."""
    return duties.contributors(obj=cycle, version=duty_version(cycle))


def validation_refusal(cycle: AssessmentCycle, user: User | AnonymousUser) -> str:
    """Why ``user`` may not validate the submitted ``cycle`` ("" when nothing stands in the way
    under the separation of duties), for the page to say instead of offering the button."""
    if cycle.status != CycleStatus.SUBMITTED:
        return ""
    kinds = contributors_of(cycle).kinds_of(user)
    return duties.refusal_message(kinds, _("validate it")) if kinds else ""


def assignments_for(cycle: AssessmentCycle, user: User | AnonymousUser) -> list[SectionAssignment]:
    """The assignments of ``cycle`` that name ``user`` or their department."""
    membership = membership_for(user, cycle.organisation)
    if membership is None:
        return []
    department_id = membership.department_id
    return [
        assignment
        for assignment in cycle.assignments.all()
        if assignment.user_id == user.pk
        or (department_id is not None and assignment.department_id == department_id)
    ]


class Answerable:
    """Which cells a person may answer in a cycle (admins: all; editors: their assignments)."""

    def __init__(self, cycle: AssessmentCycle, user: User | AnonymousUser) -> None:
        organisation = cycle.organisation
        self.everything = can(user, organisation, "manage")
        self.may_edit = self.everything or can(user, organisation, "edit")
        self.assignments = assignments_for(cycle, user) if self.may_edit else []

    def cell(self, area: str, pillar: str) -> bool:
        if self.everything:
            return True
        return any(assignment.covers(area, pillar) for assignment in self.assignments)

    def any_in_area(self, framework: Framework, area: str) -> bool:
        return any(self.cell(area, pillar.key) for pillar in framework.pillars)

    @property
    def anything(self) -> bool:
        return self.everything or bool(self.assignments)


# --------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionProgress:
    """Progress of one questionnaire section (an area) for the whole city and for a person.

    The city's counts are those of the scores (:func:`result_of`), so the section rows add
    up to the cycle's coverage: ``counted`` leaves out the follow-up questions that do not
    count (their parent question is below the level they need), and ``answered`` is the
    questions that count with a level, "don't know" or "not applicable". The person's
    counts are the questions of their answering pages, follow-ups included.
    """

    area: str
    title: str
    questions: int
    counted: int
    answered: int
    mine: int
    answerable: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.counted) if self.counted else 0


def progress(
    cycle: AssessmentCycle, user: User | AnonymousUser, language: str
) -> list[SectionProgress]:
    """Per area: the questions that count and how many of them are answered, and the
    person's own answers to the questions they may answer."""
    framework = framework_of(cycle)
    result = result_of(cycle)
    answerable = Answerable(cycle, user)
    key = f"user-{user.pk}" if user.is_authenticated else ""
    mine = set(
        Response.objects.filter(cycle=cycle, respondent_key=key).values_list("question", flat=True)
    )
    sections = []
    for area in framework.areas:
        items = [result.questions[q.key] for q in framework.questions if q.area == area.key]
        mine_possible = [
            q.key
            for q in framework.questions
            if q.area == area.key and answerable.cell(q.area, q.pillar)
        ]
        sections.append(
            SectionProgress(
                area=area.key,
                title=area.name.get_text(language),
                questions=len(items),
                counted=sum(1 for item in items if item.visible),
                answered=sum(1 for item in items if item.visible and item.status != "unanswered"),
                mine=sum(1 for k in mine_possible if k in mine),
                answerable=len(mine_possible),
            )
        )
    return sections


# --------------------------------------------------------------------------------------
# Cycles
# --------------------------------------------------------------------------------------


def cycles_of(organisation: Organisation) -> QuerySet[AssessmentCycle]:
    return AssessmentCycle.objects.filter(organisation=organisation).select_related("framework")


def previous_cycle(
    cycle: AssessmentCycle, *, published_only: bool = False
) -> AssessmentCycle | None:
    """The latest validated cycle before ``cycle`` (only published ones for public pages)."""
    earlier = cycles_of(cycle.organisation).filter(
        year__lt=cycle.year, status=CycleStatus.VALIDATED
    )
    if published_only:
        earlier = earlier.filter(published_at__isnull=False)
    return earlier.order_by("-year").first()


def open_cycle(organisation: Organisation) -> AssessmentCycle | None:
    return cycles_of(organisation).exclude(status=CycleStatus.VALIDATED).order_by("-year").first()


# The city home asks for it on every visit: its SQL is written once (core.prepared).
_LATEST_PUBLISHED = PreparedQuery(
    lambda organisation_id: (
        cycles_of(Organisation(pk=organisation_id))
        .filter(status=CycleStatus.VALIDATED, published_at__isnull=False)
        .order_by("-year")[:1]
    ),
    organisation_id=int,
)


def latest_published(organisation: Organisation) -> AssessmentCycle | None:
    found = _LATEST_PUBLISHED(organisation_id=organisation.pk)
    return found[0] if found else None


# --------------------------------------------------------------------------------------
# Coalition benchmark
# --------------------------------------------------------------------------------------


def coalitions_of(city: Organisation) -> list[Organisation]:
    return [
        sharing.coalition
        for sharing in CoalitionSharing.objects.filter(city=city).select_related("coalition")
    ]


def coalition_options() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COALITION)


def latest_validated_scores(city_ids: Iterable[int]) -> dict[int, AssessmentCycle]:
    """The latest validated cycle of each city, with its frozen scores (one query)."""
    latest: dict[int, AssessmentCycle] = {}
    rows = (
        AssessmentCycle.objects.filter(
            organisation_id__in=list(city_ids), status=CycleStatus.VALIDATED
        )
        .only("id", "organisation_id", "year", "scores")
        .order_by("organisation_id", "-year")
    )
    for cycle in rows.iterator(chunk_size=2000):
        latest.setdefault(cycle.organisation_id, cycle)
    return latest


def sharing_city_ids(coalition: Organisation) -> list[int]:
    return list(
        CoalitionSharing.objects.filter(coalition=coalition, city__kind=OrganisationKind.CITY)
        .values_list("city_id", flat=True)
        .order_by("city_id")
    )


@dataclass(frozen=True)
class CoalitionBenchmark:
    coalition: Organisation
    cities: int
    stats: dict[CellKey, BenchmarkStat]
    areas: dict[str, BenchmarkStat]
    overall: BenchmarkStat

    @property
    def shown(self) -> bool:
        return self.cities >= MIN_BENCHMARK_CITIES


def coalition_benchmark(coalition: Organisation) -> CoalitionBenchmark:
    """Median and quartiles of the sharing cities' latest validated scores.

    Figures are withheld below :data:`MIN_BENCHMARK_CITIES` contributing cities (the
    :func:`scoring.benchmark` rule), so no single city can be singled out.
    """
    latest = latest_validated_scores(sharing_city_ids(coalition))
    cells: dict[int, dict[CellKey, float | None]] = {}
    areas: dict[int, dict[str, float | None]] = {}
    overall: dict[int, dict[str, float | None]] = {}
    for city_id, cycle in latest.items():
        scores = cycle.scores or {}
        cells[city_id] = snapshot_cell_scores(scores)
        areas[city_id] = {k: v.get("score") for k, v in (scores.get("areas") or {}).items()}
        overall[city_id] = {"overall": (scores.get("overall") or {}).get("score")}
    overall_stats = benchmark(overall, MIN_BENCHMARK_CITIES).get(
        "overall", BenchmarkStat(0, None, None, None)
    )
    return CoalitionBenchmark(
        coalition=coalition,
        cities=len(latest),
        stats=benchmark(cells, MIN_BENCHMARK_CITIES),
        areas=benchmark(areas, MIN_BENCHMARK_CITIES),
        overall=overall_stats,
    )


def coalition_members_view(coalition: Organisation) -> list[tuple[Organisation, AssessmentCycle]]:
    """For the coalition's own members: each sharing city with its latest validated cycle."""
    ids = sharing_city_ids(coalition)
    latest = latest_validated_scores(ids)
    cities = {city.pk: city for city in Organisation.objects.filter(pk__in=ids)}
    rows = [(cities[city_id], cycle) for city_id, cycle in latest.items() if city_id in cities]
    # In the reader's alphabet: by the names they read ("Elsene" for a Dutch reader of
    # Ixelles), accents aside ("Écaussinnes" among the E).
    rows.sort(key=lambda row: (alphabetical(row[0].shown_name), row[0].pk))
    return rows
