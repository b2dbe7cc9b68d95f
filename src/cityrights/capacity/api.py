"""API routes of the capacity app, mounted at /api/v1/capacity/.

* Certificate checks are public (``auth=None``): a code's status, and a whole
  credential's verification, with the same answers as the ``/v/`` pages.
* Public programmes (for young people and residents) are public too.
* Staff routes need the ``view`` capability (``read`` scope for a key): programmes,
  sessions and their attendance, survey rounds and their results (aggregates with every
  group under five suppressed, exactly as on the pages), and the figures of a year.
* Importing attendance needs ``edit`` (``write`` scope), or being the trainer of every
  session the file names; it is all or nothing, and a refused file answers 422 with
  every problem as ``{row, column, message}``.

City texts come as ``{language: text}`` maps, as in the other apps' APIs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from cityrights.core.api_auth import principal, require
from cityrights.core.api_types import IsoDate
from cityrights.core.models import Organisation
from cityrights.core.permissions import membership_for
from cityrights.core.translation import translations

from . import certificates, credentials, figures, selectors, services
from .models import Certificate, Programme, Session, SurveyRound

router = Router(tags=["capacity"])

Texts = dict[str, str]


class RuleOut(Schema):
    kind: str
    min_modules: int
    max_modules: int | None


class SessionOut(Schema):
    id: int
    module: int
    starts_at: datetime
    ends_at: datetime
    format: str
    place: Texts
    link: str
    language: str
    trainer: str | None
    places: int
    registered: int
    waiting: int


class ModuleOut(Schema):
    id: int
    position: int
    title: Texts
    description: Texts
    learning_goals: Texts
    topics: list[str]
    areas: list[str]
    sessions: list[SessionOut]


class ProgrammeSummaryOut(Schema):
    id: int
    title: Texts
    audience: str
    status: str
    url: str | None


class ProgrammeOut(ProgrammeSummaryOut):
    description: Texts
    certificate_text: Texts
    rules: list[RuleOut]
    modules: list[ModuleOut]
    certificates_issued_since: datetime | None


class AttendanceOut(Schema):
    registration: int
    person: str
    status: str
    attended: bool | None


class ImportIn(Schema):
    csv: str = Field(
        max_length=1024 * 1024, description=gettext_noop("the file's text: header, then rows")
    )
    session: int | None = Field(
        default=None,
        description=gettext_noop(
            "the session the rows are for; without it every row names a session"
        ),
    )


class ImportOut(Schema):
    present: int
    absent: int
    added: int


class CertificateStatusOut(Schema):
    code: str
    status: str
    name: str = Field(
        description=gettext_noop(
            "The name on the certificate; empty once the holder deleted their account "
            "(the certificate still counts and verifies, the city no longer keeps the name)."
        )
    )
    programme: Texts
    kind: str
    issued_on: date
    city: str
    url: str


class VerifyIn(Schema):
    credential: str = Field(max_length=20_000)


class VerifyOut(Schema):
    valid: bool
    reason: str
    code: str | None = None
    status: str | None = None


class RoundOut(Schema):
    id: int
    title: Texts
    survey: str
    opens_on: date
    closes_on: date
    state: str
    asked: int
    answered: int


class FiguresOut(Schema):
    year: int
    survey_rounds: int
    people_asked: int
    people_answered: int
    response_rate: float | None
    top_needs: list[dict[str, Any]]
    programmes: int
    sessions: int
    participants: int
    attendances: int
    certificates: dict[str, int]


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise HttpError(404, f"No organisation with the slug '{slug}'.")
    return organisation


def _base() -> str:
    return settings.CITYRIGHTS_BASE_URL.rstrip("/")


def _session(session: Any) -> SessionOut:
    return SessionOut(
        id=session.pk,
        module=session.module_id,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        format=session.format,
        place=translations(session, "place"),
        link=session.link,
        language=session.language,
        trainer=str(session.trainer) if session.trainer else None,
        places=session.capacity,
        registered=getattr(session, "taken", 0),
        waiting=getattr(session, "waiting", 0),
    )


def _summary(programme: Programme) -> dict[str, Any]:
    public = None
    if programme.is_public:
        public = (
            _base() + f"/cities/{programme.organisation.slug}/capacity/programmes/{programme.pk}/"
        )
    return {
        "id": programme.pk,
        "title": translations(programme, "title"),
        "audience": programme.audience,
        "status": programme.status,
        "url": public,
    }


def _programme(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        **_summary(programme),
        description=translations(programme, "description"),
        certificate_text=translations(programme, "certificate_text"),
        rules=[
            RuleOut(kind=r.kind, min_modules=r.min_modules, max_modules=r.max_modules)
            for r in programme.rules.all()
        ],
        modules=[
            ModuleOut(
                id=m.pk,
                position=m.position,
                title=translations(m, "title"),
                description=translations(m, "description"),
                learning_goals=translations(m, "learning_goals"),
                topics=m.topics,
                areas=m.areas,
                sessions=[_session(s) for s in m.sessions.all()],
            )
            for m in selectors.modules_of(programme)
        ],
        certificates_issued_since=programme.issuing_started_at,
    )


# --------------------------------------------------------------------------------------
# Public
# --------------------------------------------------------------------------------------


@router.get(
    "/certificates/{code}",
    response=CertificateStatusOut,
    auth=None,
    summary=gettext_noop(
        "Check a certificate by its code (name, programme, kind, date, status only)"
    ),
)
def certificate_status(request: HttpRequest, code: str) -> CertificateStatusOut:
    found = (
        Certificate.objects.select_related("programme", "organisation")
        .filter(code=certificates.normalise_code(code))
        .first()
    )
    if found is None:
        raise HttpError(404, "No certificate has this code: it is not valid.")
    return CertificateStatusOut(
        code=found.code,
        status="valid" if found.is_valid else "revoked",
        name=found.recipient_name,
        programme=translations(found.programme, "title"),
        kind=found.kind,
        issued_on=found.issued_at.date(),
        city=found.organisation.name,
        url=_base() + found.get_verification_url(),
    )


@router.post(
    "/credentials/verify",
    response=VerifyOut,
    auth=None,
    summary=gettext_noop("Verify an Open Badges credential (signature, claims, revocation)"),
)
def verify_credential(request: HttpRequest, payload: VerifyIn) -> VerifyOut:
    result = credentials.verify(payload.credential)
    certificate = result.certificate
    return VerifyOut(
        valid=result.valid,
        reason=result.reason,
        code=certificate.code if certificate else None,
        status=None if certificate is None else ("valid" if certificate.is_valid else "revoked"),
    )


@router.get(
    "/organisations/{slug}/public-programmes",
    response=list[ProgrammeOut],
    auth=None,
    summary=gettext_noop("Programmes for young people and residents, with modules and sessions"),
)
def public_programmes(request: HttpRequest, slug: str) -> list[ProgrammeOut]:
    organisation = _organisation(slug)
    if not organisation.is_public and membership_for(request.user, organisation) is None:
        raise HttpError(404, f"No public city with the slug '{slug}'.")
    return [_programme(p) for p in selectors.public_programmes(organisation)]


# --------------------------------------------------------------------------------------
# Staff (view)
# --------------------------------------------------------------------------------------


@router.get(
    "/organisations/{slug}/programmes",
    response=list[ProgrammeSummaryOut],
    summary=gettext_noop("Every programme of the city"),
)
def programmes(request: HttpRequest, slug: str) -> list[ProgrammeSummaryOut]:
    organisation = _organisation(slug)
    require(request, organisation, "view")
    return [ProgrammeSummaryOut(**_summary(p)) for p in selectors.programmes_of(organisation)]


@router.get(
    "/organisations/{slug}/programmes/{pk}",
    response=ProgrammeOut,
    summary=gettext_noop("One programme with its rules, modules and sessions"),
)
def programme(request: HttpRequest, slug: str, pk: int) -> ProgrammeOut:
    organisation = _organisation(slug)
    require(request, organisation, "view")
    return _programme(get_object_or_404(selectors.programmes_of(organisation), pk=pk))


@router.get(
    "/organisations/{slug}/sessions",
    response=list[SessionOut],
    summary=gettext_noop("Sessions of the city, by start (optionally from and to a day)"),
)
def sessions(
    request: HttpRequest, slug: str, start: IsoDate | None = None, end: IsoDate | None = None
) -> list[SessionOut]:
    organisation = _organisation(slug)
    require(request, organisation, "view")
    found = selectors.sessions_of(organisation)
    if start is not None:
        found = found.filter(starts_at__date__gte=start)
    if end is not None:
        found = found.filter(starts_at__date__lte=end)
    found = found.annotate(
        taken=Count("registrations", filter=Q(registrations__status="registered")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
    ).order_by("starts_at")[:500]
    return [_session(s) for s in found]


@router.get(
    "/organisations/{slug}/sessions/{pk}/attendance",
    response=list[AttendanceOut],
    summary=gettext_noop("Who registered for a session and who attended"),
)
def attendance(request: HttpRequest, slug: str, pk: int) -> list[AttendanceOut]:
    organisation = _organisation(slug)
    session = get_object_or_404(selectors.sessions_of(organisation), pk=pk)
    who = principal(request)
    if who.user is None or not selectors.may_record_attendance(who.user, session):
        require(request, organisation, "view")
    return [
        AttendanceOut(registration=r.pk, person=str(r.person), status=r.status, attended=r.attended)
        for r in selectors.session_registrations(session)
    ]


@router.post(
    "/organisations/{slug}/programmes/{pk}/attendance",
    response=ImportOut,
    summary=gettext_noop("Import attendance from CSV text, all rows or none"),
)
def import_attendance(request: HttpRequest, slug: str, pk: int, payload: ImportIn) -> ImportOut:
    organisation = _organisation(slug)
    found = get_object_or_404(selectors.programmes_of(organisation), pk=pk)
    who = principal(request)
    session: Session | None = None
    if payload.session is not None:
        session = get_object_or_404(
            Session.objects.filter(module__programme=found), pk=payload.session
        )
    trainer = (
        who.user is not None
        and session is not None
        and selectors.may_record_attendance(who.user, session)
    )
    if not trainer:
        require(request, organisation, "edit")
    try:
        counts = services.import_attendance(
            programme=found,
            actor=who.user,
            data=payload.csv.encode("utf-8"),
            session=session,
            by_key=who.key is not None,
        )
    except services.AttendanceImportError as error:
        raise HttpError(
            422,
            "The file was not imported: "
            + "; ".join(str(problem) for problem in error.problems[:20]),
        ) from error
    return ImportOut(**counts)


@router.get(
    "/organisations/{slug}/survey-rounds",
    response=list[RoundOut],
    summary=gettext_noop("Survey rounds and how many answered (never what one person answered)"),
)
def survey_rounds(request: HttpRequest, slug: str) -> list[RoundOut]:
    organisation = _organisation(slug)
    require(request, organisation, "view")
    found = []
    for survey_round in selectors.rounds_of(organisation):
        figures_ = selectors.response(survey_round)
        found.append(
            RoundOut(
                id=survey_round.pk,
                title=translations(survey_round, "title"),
                survey=str(survey_round.survey),
                opens_on=survey_round.opens_on,
                closes_on=survey_round.closes_on,
                state=survey_round.state(),
                asked=figures_.asked,
                answered=figures_.answered,
            )
        )
    return found


@router.get(
    "/organisations/{slug}/survey-rounds/{pk}/results",
    response=dict[str, Any],
    summary=gettext_noop("A closed round's aggregates, every group under five people suppressed"),
)
def survey_results(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    organisation = _organisation(slug)
    require(request, organisation, "view")
    survey_round: SurveyRound = services.ensure_finalised(
        get_object_or_404(selectors.rounds_of(organisation), pk=pk)
    )
    found = selectors.round_results(survey_round)
    return figures.export_data(
        survey_round,
        found,
        selectors.response(survey_round),
        selectors.department_names(organisation),
        selectors.departments_not_shown(survey_round, found),
    )


@router.get(
    "/organisations/{slug}/figures",
    response=FiguresOut,
    summary=gettext_noop(
        "The year's figures: survey response and needs, sessions, participants, certificates"
    ),
)
def year_figures(request: HttpRequest, slug: str, year: int) -> FiguresOut:
    organisation = _organisation(slug)
    require(request, organisation, "view")
    if not 2000 <= year <= 2100:
        raise HttpError(422, "year must be between 2000 and 2100.")
    survey = selectors.survey_figures(organisation, year)
    training = selectors.training_figures(organisation, year)
    return FiguresOut(
        year=year,
        survey_rounds=survey.rounds,
        people_asked=survey.asked,
        people_answered=survey.answered,
        response_rate=None if survey.response_rate is None else round(survey.response_rate, 4),
        top_needs=[{"topic": key, "average": mean} for key, mean in survey.top_needs],
        programmes=training.programmes,
        sessions=training.sessions,
        participants=training.participants,
        attendances=training.attendances,
        certificates=training.certificates,
    )
