"""Reads of the capacity app: rounds and their results, programmes, sessions, records,
certificates, and the yearly figures other apps (the annual report) ask for.

Every function takes the organisation, or an object that belongs to one, so no caller
can forget tenancy. Anonymous figures only leave through ``results`` (suppression).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from cityrights.core.models import Membership, User
from cityrights.core.permissions import can

from . import anonymity, results
from .models import (
    PUBLIC_AUDIENCES,
    Audience,
    EvaluationGiven,
    EvaluationPhase,
    Module,
    Programme,
    ProgrammeAudience,
    ProgrammeStatus,
    Registration,
    RegistrationStatus,
    Session,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
)

if TYPE_CHECKING:
    from cityrights.core.models import Organisation


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
    """What may be shown of a closed round: suppression applied (``results.from_tallies``).

    An open round shows nothing: figures that changed as answers arrived would let
    someone compare two looks and read the answers given in between. The database
    counts (``tallies``); only the counts and the few free texts come to Python.
    """
    if survey_round.closed_at is None:
        return results.RoundResults(respondents=0, city=None)
    survey = survey_round.survey.survey
    others = survey_round.answers.exclude(others={}).values_list("others", flat=True)
    return results.from_tallies(survey, frozen_tallies(survey_round), list(others))


def frozen_tallies(survey_round: SurveyRound) -> dict[Any, results.Tally]:
    """The counts kept when the round closed (counted now for a round closed without)."""
    if survey_round.tallies is None:
        return tallies(survey_round)
    known = set(survey_round.organisation.departments.values_list("pk", flat=True))
    found: dict[Any, results.Tally] = {}
    for key, data in survey_round.tallies.items():
        department = int(key) if key and int(key) in known else None
        tally = results.Tally.from_json(data)
        if department in found:
            found[department].merge(tally)
        else:
            found[department] = tally
    return found


def tallies(survey_round: SurveyRound) -> dict[Any, results.Tally]:
    """The counts of a round per department, read in one pass over its answers.

    The answers are read as plain text with one query (no model instances, no JSON
    field conversion per row, which costs more than the counting) and counted in
    Python; PostgreSQL hands ``jsonb`` over already decoded. Closing a round keeps the
    result (``SurveyRound.tallies``), so pages and exports do not count again.
    """
    survey = survey_round.survey.survey
    found: dict[Any, results.Tally] = {}
    sql = (
        "SELECT department_id, answers FROM "  # noqa: S608 - the model's own table name
        f"{connection.ops.quote_name(SurveyAnswer._meta.db_table)} WHERE round_id = %s"
    )
    loads = json.loads
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey_round.pk])
        for department, answers in cursor.fetchall():
            tally = found.get(department)
            if tally is None:
                tally = found[department] = results.Tally()
            tally.add(survey, loads(answers) if isinstance(answers, str | bytes) else answers)
    return found


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
    return {department.pk: department.name for department in organisation.departments.all()}


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


# --------------------------------------------------------------------------------------
# Programmes, sessions, registrations
# --------------------------------------------------------------------------------------


def programmes_of(organisation: Organisation) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation=organisation).prefetch_related("rules")


def public_programmes(organisation: Organisation) -> QuerySet[Programme]:
    """Programmes for young people or residents that are open or finished."""
    return programmes_of(organisation).filter(
        audience__in=PUBLIC_AUDIENCES,
        status__in=[ProgrammeStatus.PUBLISHED, ProgrammeStatus.CLOSED],
    )


def modules_of(programme: Programme) -> QuerySet[Module]:
    return programme.modules.prefetch_related(
        Prefetch(
            "sessions",
            queryset=Session.objects.select_related("trainer").annotate(
                taken=Count("registrations", filter=Q(registrations__status="registered")),
                waiting=Count("registrations", filter=Q(registrations__status="waiting")),
            ),
        ),
        "materials",
    )


def sessions_of(organisation: Organisation) -> QuerySet[Session]:
    return Session.objects.filter(organisation=organisation).select_related(
        "module__programme", "trainer"
    )


def upcoming_sessions(organisation: Organisation, limit: int = 5) -> list[Session]:
    return list(
        sessions_of(organisation)
        .filter(starts_at__gte=timezone.now())
        .exclude(module__programme__status=ProgrammeStatus.DRAFT)
        .annotate(taken=Count("registrations", filter=Q(registrations__status="registered")))
        .order_by("starts_at")[:limit]
    )


def registrations_of(programme: Programme) -> QuerySet[Registration]:
    return Registration.objects.filter(session__module__programme=programme).exclude(
        status=RegistrationStatus.CANCELLED
    )


def not_eligible(programme: Programme, person: User) -> str:
    """Why ``person`` may not take part in ``programme`` ("" when they may)."""
    if not person.is_authenticated:
        return gettext("Log in to register.")
    staff = Membership.objects.filter(user=person, organisation_id=programme.organisation_id)
    if programme.audience == ProgrammeAudience.STAFF and not staff.exists():
        return gettext("This programme is for the city's staff.")
    return ""


def may_record_attendance(user: User, session: Session) -> bool:
    """Members who edit programmes, and the session's own trainer (if still a member)."""
    if not user.is_authenticated:
        return False
    if can(user, session.organisation, "edit"):
        return True
    return session.trainer_id == user.pk and can(user, session.organisation, "view")


def session_registrations(session: Session) -> QuerySet[Registration]:
    return session.registrations.select_related("person").order_by("queued_at", "id")


def modules_attended(programme: Programme) -> dict[int, set[int]]:
    """``{person id: ids of distinct modules attended}`` for everyone who attended."""
    found: dict[int, set[int]] = {}
    rows = (
        Registration.objects.filter(session__module__programme=programme, attended=True)
        .values_list("person_id", "session__module_id")
        .distinct()
    )
    for person_id, module_id in rows:
        found.setdefault(person_id, set()).add(module_id)
    return found


@dataclass(frozen=True)
class Participant:
    person: Any
    modules: int
    due: str  # the kind of certificate the rules give, or ""


def participants(programme: Programme) -> list[Participant]:
    """Everyone who attended at least one module, with the certificate the rules give."""
    from . import rules as rule_logic

    attended = modules_attended(programme)
    people = {u.pk: u for u in User.objects.filter(pk__in=attended)}
    programme_rules = rule_logic.rules_of(programme)
    found = [
        Participant(people[pk], len(modules), rule_logic.due(programme_rules, len(modules)) or "")
        for pk, modules in attended.items()
    ]
    return sorted(found, key=lambda p: (-p.modules, str(p.person)))


# --------------------------------------------------------------------------------------
# Evaluations
# --------------------------------------------------------------------------------------


def evaluation_phases_open(module: Module, person: User) -> list[str]:
    """The self-ratings ``person`` may give for ``module`` now."""
    if not module.evaluation or not person.is_authenticated:
        return []
    if module.programme.status != ProgrammeStatus.PUBLISHED:
        return []
    registrations = Registration.objects.filter(session__module=module, person=person).exclude(
        status=RegistrationStatus.CANCELLED
    )
    given = set(
        EvaluationGiven.objects.filter(module=module, person=person).values_list("phase", flat=True)
    )
    phases: list[str] = []
    attended = registrations.filter(attended=True).exists()
    if registrations.exists() and not attended and EvaluationPhase.BEFORE not in given:
        phases.append(EvaluationPhase.BEFORE)
    if attended and EvaluationPhase.AFTER not in given:
        phases.append(EvaluationPhase.AFTER)
    return phases


def evaluation_results(programme: Programme) -> list[tuple[Module, results.RatingChange]]:
    """Before/after self-ratings per module, each side suppressed under five ratings.

    Shown only once the programme is finished, for the reason survey results wait for
    the round to close.
    """
    if programme.status != ProgrammeStatus.CLOSED:
        return []
    found = []
    for module in programme.modules.filter(evaluation=True):
        ratings = list(module.ratings.values_list("phase", "rating"))
        before = [r for phase, r in ratings if phase == EvaluationPhase.BEFORE]
        after = [r for phase, r in ratings if phase == EvaluationPhase.AFTER]
        found.append((module, results.rating_change(before, after)))
    return found


# --------------------------------------------------------------------------------------
# A person's learning record
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    registrations: list[Registration]
    certificates: list[Any]
    evaluations: list[tuple[Module, list[str]]]


def learning_record(organisation: Organisation, person: User) -> Record:
    """Sessions, attendance, certificates and open self-ratings of one person in one city."""
    from .models import Certificate

    registrations = list(
        Registration.objects.filter(session__organisation=organisation, person=person)
        .select_related("session__module__programme")
        .order_by("-session__starts_at")
    )
    modules = {r.session.module for r in registrations}
    evaluations = [
        (module, phases)
        for module in sorted(modules, key=lambda m: (m.programme_id, m.position))
        if (phases := evaluation_phases_open(module, person))
    ]
    certificates = list(
        Certificate.objects.filter(organisation=organisation, person=person)
        .select_related("programme")
        .order_by("-issued_at")
    )
    return Record(registrations, certificates, evaluations)


# --------------------------------------------------------------------------------------
# Figures for the dashboard and the annual report (a city and a year)
# --------------------------------------------------------------------------------------


def certificates_by_kind(organisation: Organisation, year: int | None = None) -> dict[str, int]:
    """Valid certificates per kind, issued in ``year`` (all years when None)."""
    from .models import Certificate, CertificateKind

    found = Certificate.objects.filter(organisation=organisation, revoked_at__isnull=True)
    if year is not None:
        found = found.filter(issued_at__year=year)
    counts = dict(found.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in CertificateKind.values}


@dataclass(frozen=True)
class SurveyFigures:
    rounds: int
    asked: int
    answered: int
    top_needs: list[tuple[str, float]]  # (topic key, average need), greatest first

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def survey_figures(organisation: Organisation, year: int) -> SurveyFigures:
    """Rounds closed in ``year``: people asked and answered, and the needs of the latest.

    The needs come from the suppressed city results, so a round with fewer than five
    answers contributes no need.
    """
    closed = list(rounds_of(organisation).filter(closed_at__isnull=False, closes_on__year=year))
    asked = answered = 0
    for survey_round in closed:
        figures = response(survey_round)
        asked += figures.asked
        answered += figures.answered
    needs: list[tuple[str, float]] = []
    if closed:
        latest = max(closed, key=lambda r: (r.closes_on, r.pk))
        found = round_results(latest)
        if found.city is not None:
            for question in found.city.questions:
                if question.kind == "topic-scale" and not question.suppressed:
                    needs = [(t.key, round(t.mean, 2)) for t in question.topics]
    return SurveyFigures(len(closed), asked, answered, needs)


@dataclass(frozen=True)
class TrainingFigures:
    programmes: int
    sessions: int
    participants: int  # distinct people who attended at least one session
    attendances: int  # people present, counted per session
    certificates: dict[str, int]


def training_figures(organisation: Organisation, year: int) -> TrainingFigures:
    """Sessions held in ``year``, who attended them, and certificates issued that year."""
    sessions = Session.objects.filter(organisation=organisation, starts_at__year=year)
    present = Registration.objects.filter(session__in=sessions, attended=True)
    return TrainingFigures(
        programmes=sessions.values("module__programme").distinct().count(),
        sessions=sessions.count(),
        participants=present.values("person").distinct().count(),
        attendances=present.count(),
        certificates=certificates_by_kind(organisation, year),
    )
