"""API routes of the impact app, mounted at /api/v1/impact/.

Reads need the ``view`` capability (``read`` scope for a key). A decision is a person's
act under the separation of duties, so it needs a logged-in reviewer who took no part in
the version decided (403 ``separation_of_duties`` otherwise, administrators included);
API keys cannot decide.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from cityrights.core.api_auth import require
from cityrights.core.api_types import IsoDate
from cityrights.core.errors import refusals
from cityrights.core.input import MAX_ID, shown
from cityrights.core.models import Organisation
from cityrights.core.translation import city_languages, translations
from cityrights.core.translation import shown as shown_text

from . import exports, selectors, services
from .models import Band, Decision, ImpactAssessment, PublicSummary, Status

router = Router(tags=["impact"])


class AssessmentOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    decision: str | None
    department: str | None
    project_lead: str
    register_entry: str | None
    highest_risk: str | None
    highest_residual_risk: str | None
    reassessment_due: date | None
    decided_at: datetime | None
    updated_at: datetime
    open_conditions: int = 0


class PublicSummaryOut(Schema):
    assessment: int
    #: The project's name for residents, in the language of ``text`` when written in it.
    title: str
    #: The project's name in every language it is written in.
    titles: dict[str, str]
    decision: str | None
    decided_at: datetime | None
    reassessment_due: date | None
    published_at: datetime | None
    #: The language of ``text``: the one asked for (``?lang=`` or the request's), else the
    #: city's first language when the summary is not written in it.
    language: str
    text: str
    #: The summary in every language it is written in.
    texts: dict[str, str]
    #: The city's languages, its first language first.
    languages: list[str]
    url: str


class ConditionIn(Schema):
    text: str = Field(min_length=1, max_length=10_000)
    owner: str = Field(default="", max_length=200)
    due: IsoDate | None = None


class DecisionIn(Schema):
    decision: str = Field(
        description=gettext_noop("approve, approve_with_conditions, on_hold or reject")
    )
    reasons: str = Field(min_length=1, max_length=10_000)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=20)
    reassessment_due: IsoDate | None = None


class Filters(Schema):
    q: str = Field(default="", max_length=200)
    status: str = Field(default="", max_length=40, json_schema_extra={"enum": ["", *Status.values]})
    decision: str = Field(
        default="", max_length=40, json_schema_extra={"enum": ["", *Decision.values]}
    )
    risk: str = Field(default="", max_length=40, json_schema_extra={"enum": ["", *Band.values]})
    department: str = Field(default="", max_length=60, description=gettext_noop("department slug"))
    right: str = Field(default="", max_length=60)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=MAX_ID)


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise HttpError(404, f"No organisation with the slug '{slug}'.")
    return organisation


def _out(assessment: ImpactAssessment, open_conditions: int | None = None) -> AssessmentOut:
    if open_conditions is None:
        open_conditions = assessment.conditions.filter(closed_at__isnull=True).count()
    return AssessmentOut(
        id=assessment.pk,
        title=assessment.title,
        kind=assessment.kind,
        status=assessment.status,
        decision=assessment.decision or None,
        department=assessment.department.slug if assessment.department else None,
        project_lead=str(assessment.author),
        register_entry=assessment.entry.code if assessment.entry else None,
        highest_risk=assessment.highest_band or None,
        highest_residual_risk=assessment.highest_residual_band or None,
        reassessment_due=assessment.reassessment_due,
        decided_at=assessment.decided_at,
        updated_at=assessment.updated_at,
        open_conditions=open_conditions,
    )


@router.get(
    "/organisations/{slug}/public-summaries",
    response=list[PublicSummaryOut],
    auth=None,
    summary=gettext_noop(
        "The published summaries of the city's impact assessments, in every language"
    ),
    description=gettext_noop(
        "Only summaries a reviewer approved and published; drafts never appear."
    ),
)
def public_summaries(
    request: HttpRequest,
    slug: str,
    lang: str = Query("", pattern="^(|en|fr|nl)$", description=gettext_noop("en, fr or nl")),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_ID),
) -> list[PublicSummaryOut]:
    organisation = Organisation.objects.filter(slug=slug, is_public=True).first()
    if organisation is None:
        raise HttpError(404, f"No public city with the slug '{shown(slug)}'.")
    base = settings.CITYRIGHTS_BASE_URL.rstrip("/")
    found = selectors.public_summaries(organisation)[offset : offset + limit]
    with city_languages(organisation.content_languages):
        return [_public_summary(summary, organisation, lang or None, base) for summary in found]


def _public_summary(
    summary: PublicSummary, organisation: Organisation, lang: str | None, base: str
) -> PublicSummaryOut:
    assessment = summary.assessment
    text = shown_text(summary, "text", lang)
    return PublicSummaryOut(
        assessment=assessment.pk,
        title=summary.shown_title(lang).text,
        titles=translations(summary, "title"),
        decision=assessment.decision or None,
        decided_at=assessment.decided_at,
        reassessment_due=assessment.reassessment_due,
        published_at=summary.published_at,
        language=text.language,
        text=text.text,
        texts=translations(summary, "text"),
        languages=list(organisation.content_languages),
        url=base
        + reverse("impact:public_detail", kwargs={"org": organisation.slug, "pk": assessment.pk}),
    )


def _check_choice(value: str, allowed: list[str], name: str) -> None:
    if value and value not in allowed:
        raise HttpError(422, f"Unknown {name} '{shown(value)}'; use one of {', '.join(allowed)}.")


@router.get(
    "/organisations/{slug}/assessments",
    response=list[AssessmentOut],
    summary=gettext_noop("Search the city's impact assessments"),
)
def assessments(request: HttpRequest, slug: str, filters: Query[Filters]) -> list[AssessmentOut]:
    organisation = _organisation(slug)
    require(request, organisation, "view")
    _check_choice(filters.status, list(Status.values), "status")
    _check_choice(filters.decision, list(Decision.values), "decision")
    _check_choice(filters.risk, list(Band.values), "risk band")
    department = None
    if filters.department:
        department = organisation.departments.filter(slug=filters.department).first()
        if department is None:
            raise HttpError(422, f"No department with the slug '{shown(filters.department)}'.")
    found = selectors.search(
        organisation,
        q=filters.q,
        status=filters.status,
        decision=filters.decision,
        risk=filters.risk,
        department=department,
        right=filters.right,
    ).order_by("-updated_at", "-id")[filters.offset : filters.offset + filters.limit]
    return [_out(a, a.open_conditions) for a in found]  # type: ignore[attr-defined]  # annotated by selectors.search


def _assessment(request: HttpRequest, slug: str, pk: int, capability: str) -> ImpactAssessment:
    organisation = _organisation(slug)
    require(request, organisation, capability)
    return get_object_or_404(selectors.assessments_of(organisation), pk=pk)


@router.get(
    "/organisations/{slug}/assessments/{pk}",
    response=AssessmentOut,
    summary=gettext_noop("One impact assessment"),
)
def assessment(request: HttpRequest, slug: str, pk: int) -> AssessmentOut:
    return _out(_assessment(request, slug, pk, "view"))


@router.get(
    "/organisations/{slug}/assessments/{pk}/export",
    response=dict[str, Any],
    summary=gettext_noop("The complete assessment as JSON"),
)
def export(
    request: HttpRequest,
    slug: str,
    pk: int,
    language: str = Query("en", pattern="^(en|fr|nl)$"),
) -> dict[str, Any]:
    if language not in {"en", "fr", "nl"}:
        raise HttpError(422, "language must be en, fr or nl.")
    return exports.assessment_json(_assessment(request, slug, pk, "view"), language)


@router.post(
    "/organisations/{slug}/assessments/{pk}/decision",
    response=AssessmentOut,
    openapi_extra=refusals(409),
    summary=gettext_noop(
        "Decide on an assessment under review (a reviewer who took no part in it)"
    ),
    description=gettext_noop(
        "Refused with 403 `separation_of_duties` to anyone who created the version, answered "
        "or changed any of it, submitted it or was named its project lead, whatever their "
        "role; with 403 `forbidden` to a role without review and to API keys."
    ),
)
def decide(request: HttpRequest, slug: str, pk: int, payload: DecisionIn) -> AssessmentOut:
    found = _assessment(request, slug, pk, "review")
    who = getattr(request, "auth", None)  # set by require(): a Principal
    if getattr(who, "user", None) is None:
        raise HttpError(403, "A decision must be taken by a person, not with an API key.")
    decided = services.decide(  # a refusal is answered by cityrights.api with its own status
        found,
        who.user,  # type: ignore[union-attr]
        decision=payload.decision,
        reasons=payload.reasons,
        conditions=[c.model_dump() for c in payload.conditions],
        reassessment_due=payload.reassessment_due,
    )
    return _out(selectors.assessments_of(decided.organisation).get(pk=decided.pk))
