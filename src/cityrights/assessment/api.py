"""API routes of the assessment app, mounted at /api/v1/assessment/.

* ``GET  /{org}/cycles``                       cycles of a city (view)
* ``GET  /{org}/cycles/{year}/results``        scores, levels and coverage (view)
* ``PUT  /{org}/cycles/{year}/answers/{key}``  answer one question as the calling person (edit,
  assigned section, open cycle)
* ``GET  /public/{org}/cycles/{year}/results`` the same results of a published cycle, no login
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, StrictInt, StrictStr

from cityrights.core.api_auth import require
from cityrights.core.errors import refusals
from cityrights.core.models import Organisation

from . import selectors, services
from .models import AssessmentCycle, Response
from .scoring import AssessmentResult

router = Router(tags=["assessment"])


class CycleOut(Schema):
    year: int
    status: str
    framework: str
    framework_version: int
    published: bool
    opened_at: datetime
    validated_at: datetime | None = None


class CoverageOut(Schema):
    visible: int
    answered: int
    dont_know: int
    not_applicable: int
    unanswered: int


class ScoreOut(Schema):
    key: str
    score: float | None
    level: int | None
    coverage: CoverageOut


class ResultsOut(Schema):
    year: int
    status: str
    framework: str
    framework_version: int
    overall: ScoreOut
    areas: list[ScoreOut]
    pillars: list[ScoreOut]
    cells: list[ScoreOut]


class AnswerIn(Schema):
    value: StrictInt | Annotated[StrictStr, Field(max_length=20)] = Field(
        description=gettext_noop("1..5, 'dont_know', 'not_applicable' or '' to clear")
    )
    evidence_text: str = Field(default="", max_length=5000)
    evidence_link: str = Field(default="", max_length=500)
    comment: str = Field(default="", max_length=5000)


class AnswerOut(Schema):
    question: str
    value: str | None
    evidence_text: str = ""
    evidence_link: str = ""
    comment: str = ""
    updated_at: datetime | None = None


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise HttpError(404, f"No organisation with the slug '{slug}'.")
    return organisation


def _cycle(organisation: Organisation, year: int) -> AssessmentCycle:
    cycle = (
        AssessmentCycle.objects.select_related("framework", "organisation")
        .filter(organisation=organisation, year=year)
        .first()
    )
    if cycle is None:
        raise HttpError(404, f"{organisation.name} has no assessment for {year}.")
    return cycle


def _coverage(item: Any) -> CoverageOut:
    c = item.coverage
    return CoverageOut(
        visible=c.visible,
        answered=c.answered,
        dont_know=c.dont_know,
        not_applicable=c.not_applicable,
        unanswered=c.unanswered,
    )


def _results(cycle: AssessmentCycle, result: AssessmentResult) -> ResultsOut:
    return ResultsOut(
        year=cycle.year,
        status=cycle.status,
        framework=cycle.framework.key,
        framework_version=cycle.framework.version,
        overall=ScoreOut(
            key="overall", score=result.score, level=result.level, coverage=_coverage(result)
        ),
        areas=[
            ScoreOut(key=k, score=v.score, level=v.level, coverage=_coverage(v))
            for k, v in result.areas.items()
        ],
        pillars=[
            ScoreOut(key=k, score=v.score, level=v.level, coverage=_coverage(v))
            for k, v in result.pillars.items()
        ],
        cells=[
            ScoreOut(key=f"{a}/{p}", score=v.score, level=v.level, coverage=_coverage(v))
            for (a, p), v in result.cells.items()
        ],
    )


@router.get(
    "/{org}/cycles", response=list[CycleOut], summary=gettext_noop("Assessment cycles of a city")
)
def list_cycles(request: HttpRequest, org: str) -> list[CycleOut]:
    organisation = _organisation(org)
    require(request, organisation, "view")
    return [
        CycleOut(
            year=c.year,
            status=c.status,
            framework=c.framework.key,
            framework_version=c.framework.version,
            published=c.is_published,
            opened_at=c.opened_at,
            validated_at=c.validated_at,
        )
        for c in selectors.cycles_of(organisation)
    ]


@router.get(
    "/{org}/cycles/{year}/results", response=ResultsOut, summary=gettext_noop("Scores of a cycle")
)
def cycle_results(request: HttpRequest, org: str, year: int) -> ResultsOut:
    organisation = _organisation(org)
    require(request, organisation, "view")
    cycle = _cycle(organisation, year)
    return _results(cycle, selectors.result_of(cycle))


@router.get(
    "/public/{org}/cycles/{year}/results",
    response=ResultsOut,
    auth=None,
    summary=gettext_noop("Scores of a published cycle (no login)"),
)
def public_results(request: HttpRequest, org: str, year: int) -> ResultsOut:
    organisation = _organisation(org)
    cycle = _cycle(organisation, year)
    if not organisation.is_public or not cycle.is_published:
        raise HttpError(404, f"{organisation.name} has not published an assessment for {year}.")
    return _results(cycle, selectors.result_of(cycle))


@router.put(
    "/{org}/cycles/{year}/answers/{question}",
    response=AnswerOut,
    openapi_extra=refusals(409),
    summary=gettext_noop("Answer one question as the calling person"),
)
def put_answer(
    request: HttpRequest, org: str, year: int, question: str, payload: AnswerIn
) -> AnswerOut:
    organisation = _organisation(org)
    who = require(request, organisation, "edit")
    if who.user is None:
        raise HttpError(
            403, "Answers are given by people: call this route with a logged-in session."
        )
    cycle = _cycle(organisation, year)
    value = payload.value
    if isinstance(value, str) and value.strip().isdigit():
        value = value.strip()
    entry = services.AnswerInput(
        question=question,
        value=str(value) if value != "" else "",
        evidence_text=payload.evidence_text,
        evidence_link=payload.evidence_link,
        comment=payload.comment,
    )
    saved = services.save_answers(cycle, who.user, [entry])  # refusals: cityrights.api
    if not saved:
        return AnswerOut(question=question, value=None)
    response: Response = saved[0]
    return AnswerOut(
        question=question,
        value=response.value,
        evidence_text=response.evidence_text,
        evidence_link=response.evidence_link,
        comment=response.comment,
        updated_at=response.updated_at,
    )
