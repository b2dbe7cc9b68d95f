"""Reads of the capacity app: rounds and their results, programmes, sessions, records,
certificates, and the yearly figures other apps (the annual report) ask for.

Every function takes the organisation, or an object that belongs to one, so no caller
can forget tenancy. Anonymous figures only leave through ``results`` (suppression).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from cityrights.core.models import Membership

from . import anonymity, results
from .models import Audience, SurveyParticipation, SurveyRound

if TYPE_CHECKING:
    from cityrights.core.models import Organisation, User


# --------------------------------------------------------------------------------------
# Survey rounds
# --------------------------------------------------------------------------------------


def rounds_of(organisation: Organisation) -> QuerySet[SurveyRound]:
    return SurveyRound.objects.filter(organisation=organisation).select_related("survey")


def round_audience(survey_round: SurveyRound) -> QuerySet[Membership]:
    """The memberships a round asks: all the city's members, or those of its departments."""
    members = Membership.objects.filter(organisation_id=survey_round.organisation_id)
    if survey_round.audience == Audience.DEPARTMENTS:
        members = members.filter(department__in=survey_round.departments.all())
    return members.select_related("user", "department")


def eligible_membership(survey_round: SurveyRound, user: User) -> Membership | None:
    """The person's membership if the round asks them, else ``None``."""
    if not user.is_authenticated:
        return None
    return round_audience(survey_round).filter(user=user).first()


def has_answered(survey_round: SurveyRound, user: User) -> bool:
    return SurveyParticipation.objects.filter(round=survey_round, person=user).exists()


def open_rounds_for(organisation: Organisation, user: User) -> list[tuple[SurveyRound, bool]]:
    """Open rounds that ask ``user``, each with whether they have answered it."""
    found = []
    for round_ in rounds_of(organisation).filter(closed_at__isnull=True):
        if round_.is_open and eligible_membership(round_, user) is not None:
            found.append((round_, has_answered(round_, user)))
    return found


@dataclass(frozen=True)
class Response:
    """How many people a round asked and how many answered (not what they answered)."""

    asked: int
    answered: int
    waiting: int  # answers given but still waiting for their batch

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def response(survey_round: SurveyRound) -> Response:
    asked = survey_round.audience_size
    if asked is None:
        asked = round_audience(survey_round).count()
    return Response(
        asked=asked,
        answered=survey_round.participations.count(),
        waiting=anonymity.waiting(anonymity.survey_pool(survey_round.pk)),
    )


def round_results(survey_round: SurveyRound) -> results.RoundResults:
    """What may be shown of a closed round: suppression applied (``results.aggregate``).

    An open round shows nothing: figures that changed as answers arrived would let
    someone compare two looks and read the answers given in between.
    """
    if survey_round.closed_at is None:
        return results.RoundResults(respondents=0, city=None)
    rows = survey_round.answers.values_list("department_id", "answers", "others")
    data = list(rows)
    return results.aggregate(
        survey_round.survey.survey,
        ((department, answers) for department, answers, _others in data),
        (others for _department, _answers, others in data if others),
    )


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The latest closed round of the same city and survey before this one."""
    return (
        rounds_of(survey_round.organisation)
        .filter(survey__key=survey_round.survey.key, closed_at__isnull=False)
        .filter(
            Q(opens_on__lt=survey_round.opens_on)
            | Q(opens_on=survey_round.opens_on, pk__lt=survey_round.pk)
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


def department_names(organisation: Organisation) -> dict[int, str]:
    return dict(organisation.departments.values_list("pk", "name"))


def departments_not_shown(survey_round: SurveyRound, found: results.RoundResults) -> list[str]:
    """Names of the departments a round asked whose figures are not shown.

    Departments under five lose their name when a round closes, so this is every asked
    department without figures of its own: too few answers, none, or hidden so that the
    rest cannot be worked out by subtraction. It says nothing about how many answered.
    """
    if survey_round.audience == Audience.DEPARTMENTS:
        asked = survey_round.departments.all()
    else:
        asked = survey_round.organisation.departments.all()
    return sorted(d.name for d in asked if d.pk not in found.departments)


def top_topics(survey_round: SurveyRound, count: int = 3) -> list[Any]:
    """The topics with the greatest need in a closed round's city results (for planning)."""
    found = round_results(survey_round)
    if found.city is None:
        return []
    need = next((q for q in found.city.questions if q.kind == "topic-scale"), None)
    if need is None or need.suppressed:
        return []
    survey = survey_round.survey.survey
    return [survey.topic(item.key) for item in need.topics[:count]]
