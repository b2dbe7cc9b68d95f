"""Writes of the capacity app: survey rounds and answers, programmes, registration,
attendance, evaluations and certificates.

Every function takes keyword-only arguments, checks the rule it enforces, writes in one
transaction and appends an audit event in that transaction, except where a write must
leave no trace: answering the survey and giving an evaluation are anonymous and are
never audited, logged or mailed (``anonymity.py``). Refusals are :class:`CapacityError`
(a :class:`~cityrights.core.errors.ServiceError`), which the API answers as JSON and
views put next to the form field concerned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.datafiles import read_yaml, snapshot_change, snapshot_hash, stringify_keys
from cityrights.core.errors import ServiceError
from cityrights.core.models import Membership, User
from cityrights.core.translation import (
    field_names,
    interface_languages,
    set_translations,
    translations,
)

from . import anonymity, importing, mail, rules, selectors
from . import survey as survey_content
from .models import (
    Area,
    Audience,
    CertificateKind,
    CertificateRule,
    EvaluationGiven,
    EvaluationPhase,
    EvaluationRating,
    Material,
    Module,
    PooledAnswer,
    Programme,
    ProgrammeAudience,
    ProgrammeStatus,
    Registration,
    RegistrationStatus,
    RoundState,
    Session,
    SessionFormat,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
    SurveyVersion,
)
from .results import MIN_GROUP

if TYPE_CHECKING:
    from cityrights.core.models import Department, Organisation


class CapacityError(ServiceError):
    """A refused change in the capacity app (status 409 unless the raise says otherwise)."""

    status = 409


# --------------------------------------------------------------------------------------
# Survey content
# --------------------------------------------------------------------------------------


def load_survey(path: str | Path) -> tuple[SurveyVersion, str]:
    """Validate a survey file and store it; ``(version, "loaded"|"unchanged"|"translations")``.

    A published version keeps its meaning: the same identifier and version with other
    structure or English is refused (give the changed file a new version number), while
    other translations update the stored copy in place, since answers refer to keys only.
    """
    loaded = survey_content.load_survey_file(path)
    existing = SurveyVersion.objects.filter(key=loaded.id, version=loaded.version).first()
    stored = (existing.content_hash, existing.snapshot_hash) if existing is not None else None
    change = snapshot_change(stored, loaded.content_hash, loaded.snapshot_hash)
    if change == "conflict":
        raise CapacityError(
            _(
                "%(key)s version %(version)s is already loaded with different content; "
                "give the changed file a new version number."
            )
            % {"key": loaded.id, "version": loaded.version}
        )
    if existing is not None and change == "unchanged":
        return existing, "unchanged"
    with transaction.atomic():
        if existing is not None:
            previous = existing.snapshot_hash
            existing.data = dict(loaded.data)
            existing.snapshot_hash = loaded.snapshot_hash
            existing.save(update_fields=["data", "snapshot_hash"])
            audit.record(
                actor=None,
                organisation=None,
                action="update",
                obj=existing,
                changes={"snapshot_hash": [previous, loaded.snapshot_hash]},
            )
            return existing, "translations"
        version = SurveyVersion.objects.create(
            key=loaded.id,
            version=loaded.version,
            title=str(loaded.title)[:300],
            content_hash=loaded.content_hash,
            snapshot_hash=loaded.snapshot_hash,
            data=dict(loaded.data),
        )
        audit.record(
            actor=None,
            organisation=None,
            action="load",
            obj=version,
            changes={"content_hash": loaded.content_hash},
        )
    return version, "loaded"


def refresh_shipped_translations() -> list[SurveyVersion]:
    """Give stored shipped survey versions their files' translations (after ``migrate``)."""
    updated = []
    for path in survey_content.shipped_files():
        key, _dot, number = path.name.removesuffix(".yaml").rpartition(".v")
        stored = SurveyVersion.objects.filter(key=key, version=int(number)).first()
        if stored is None:
            continue
        raw = read_yaml(str(path), path.read_text(encoding="utf-8"), survey_content.SurveyError)
        if snapshot_hash(stringify_keys(raw)) == stored.snapshot_hash:
            continue
        version, change = load_survey(path)
        if change == "translations":
            updated.append(version)
    return updated


def latest_survey() -> SurveyVersion:
    """The newest loaded survey version; the shipped files are loaded when none is."""
    version = SurveyVersion.objects.order_by("-version", "-loaded_at").first()
    if version is None:
        for path in survey_content.shipped_files():
            load_survey(path)
        version = SurveyVersion.objects.order_by("-version", "-loaded_at").first()
    if version is None:
        raise CapacityError(_("No survey is loaded."))
    return version


# --------------------------------------------------------------------------------------
# Survey rounds
# --------------------------------------------------------------------------------------


def _check_round_dates(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise CapacityError(_("The round cannot close before it opens."), 422, "closes_on")


def _check_audience(
    organisation: Organisation, audience: str, departments: Iterable[Department]
) -> list[Department]:
    chosen = list(departments)
    if audience not in Audience.values:
        raise CapacityError(_("Choose who is asked."), 422, "audience")
    if audience == Audience.DEPARTMENTS and not chosen:
        raise CapacityError(_("Choose at least one department."), 422, "departments")
    if any(department.organisation_id != organisation.pk for department in chosen):
        raise CapacityError(_("A department belongs to another organisation."), 422, "departments")
    return chosen if audience == Audience.DEPARTMENTS else []


def open_round(
    *,
    organisation: Organisation,
    actor: User,
    title: Mapping[str, str],
    opens_on: date,
    closes_on: date,
    audience: str = Audience.ALL,
    departments: Iterable[Department] = (),
    survey: SurveyVersion | None = None,
    invite: bool = False,
) -> SurveyRound:
    """Open a survey round; with ``invite``, e-mail the answer link to everyone asked."""
    _check_round_dates(opens_on, closes_on)
    chosen = _check_audience(organisation, audience, departments)
    survey = survey or latest_survey()
    with transaction.atomic():
        round_ = SurveyRound(
            organisation=organisation,
            survey=survey,
            opens_on=opens_on,
            closes_on=closes_on,
            audience=audience,
            created_by=actor,
        )
        set_translations(round_, "title", title)
        round_.save()
        round_.departments.set(chosen)
        audit.record(
            actor=actor,
            organisation=organisation,
            action="open",
            obj=round_,
            changes={
                "survey": str(survey),
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "audience": audience,
                "departments": [str(d) for d in chosen],
                "title": translations(round_, "title"),
            },
        )
    if invite:
        people = list(selectors.round_audience(round_))
        transaction.on_commit(lambda: mail.survey_invitation(round_, people))
    return round_


def update_round(
    *,
    survey_round: SurveyRound,
    actor: User,
    title: Mapping[str, str],
    opens_on: date,
    closes_on: date,
) -> SurveyRound:
    """Change the title or dates of a round that has not closed; who is asked stays."""
    if survey_round.state() == RoundState.CLOSED:
        raise CapacityError(_("A closed round cannot be changed."))
    if opens_on != survey_round.opens_on and survey_round.state() == RoundState.OPEN:
        raise CapacityError(_("The round is open: its first day cannot change."), 409, "opens_on")
    _check_round_dates(opens_on, closes_on)
    if closes_on < timezone.localdate():
        raise CapacityError(
            _("To end the round now, close it instead of moving its last day into the past."),
            422,
            "closes_on",
        )
    fields = ["opens_on", "closes_on", "title_en", "title_fr", "title_nl"]
    with transaction.atomic():
        before = audit.snapshot(survey_round, fields)
        survey_round.opens_on, survey_round.closes_on = opens_on, closes_on
        set_translations(survey_round, "title", title)
        survey_round.save()
        audit.record(
            actor=actor,
            organisation=survey_round.organisation,
            action="update",
            obj=survey_round,
            changes=audit.diff(before, audit.snapshot(survey_round, fields)),
        )
    return survey_round


def close_round(*, survey_round: SurveyRound, actor: User) -> SurveyRound:
    """Stop answers now, write the answers still waiting, and freeze the figures."""
    with transaction.atomic():
        locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        if locked.closed_at is not None:
            raise CapacityError(_("This round is already closed."))
        _finalise(locked, actor=actor)
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="close",
            obj=locked,
            changes={
                "answers": locked.answers.count(),
                "people_asked": locked.audience_size,
            },
        )
    return locked


def finalise_due_rounds(today: date | None = None) -> int:
    """Finalise every round whose last day has passed (the command for cron calls it)."""
    today = today or timezone.localdate()
    count = 0
    for round_id in SurveyRound.objects.filter(
        closed_at__isnull=True, closes_on__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            locked = SurveyRound.objects.select_for_update().get(pk=round_id)
            if locked.closed_at is None:
                _finalise(locked, actor=None)
                count += 1
    return count


def ensure_finalised(survey_round: SurveyRound) -> SurveyRound:
    """A round past its last day is finalised the first time anyone looks at it."""
    if survey_round.closed_at is None and survey_round.state() == RoundState.CLOSED:
        with transaction.atomic():
            locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
            if locked.closed_at is None:
                _finalise(locked, actor=None)
            survey_round.closed_at = locked.closed_at
            survey_round.audience_size = locked.audience_size
    return survey_round


def _finalise(survey_round: SurveyRound, *, actor: User | None) -> None:
    """Drain the pool, drop departments under five, count the audience, mark closed.

    Dropping the department of answers from a department with fewer than five answers
    means that not even the database keeps a group small enough to point to someone;
    those answers still count in the city's figures.
    """
    anonymity.drain(anonymity.survey_pool(survey_round.pk), _answer_writer(survey_round))
    named = survey_round.answers.exclude(department__isnull=True)
    counts = Counter(named.values_list("department_id", flat=True))
    small = [department for department, n in counts.items() if n < MIN_GROUP]
    if small:
        survey_round.answers.filter(department_id__in=small).update(department=None)
    survey_round.audience_size = selectors.round_audience(survey_round).count()
    survey_round.closed_at = timezone.now()
    survey_round.closed_by = actor
    # The figures never change once closed: count them once, here.
    survey_round.tallies = {
        "" if department is None else str(department): tally.as_json()
        for department, tally in selectors.tallies(survey_round).items()
    }
    survey_round.save(update_fields=["audience_size", "closed_at", "closed_by", "tallies"])


def _answer_writer(survey_round: SurveyRound) -> anonymity.Writer:
    def write(payloads: list[dict[str, Any]]) -> None:
        SurveyAnswer.objects.bulk_create(
            [
                SurveyAnswer(
                    round=survey_round,
                    department_id=payload.get("department"),
                    answers=payload["answers"],
                    others=payload.get("others", {}),
                )
                for payload in payloads
            ]
        )

    return write


def answer_round(
    *,
    survey_round: SurveyRound,
    person: User,
    answers: Mapping[str, Any],
    others: Mapping[str, str] | None = None,
    share_department: bool = True,
) -> None:
    """Record that ``person`` answered and, separately, what they answered.

    Refused when the round is not open, when the person is not asked, or when they
    already answered. Nothing returned or recorded links the answer to the person.
    """
    survey = survey_round.survey.survey
    try:
        clean, texts = survey_content.clean_answers(survey, answers, others)
    except survey_content.AnswerError as error:
        key, reason = next(iter(error.problems.items()))
        raise CapacityError(
            _("The answers do not fit the survey (%(key)s: %(reason)s).")
            % {"key": key, "reason": reason},
            422,
            key,
        ) from error
    membership = selectors.eligible_membership(survey_round, person)
    if membership is None:
        raise CapacityError(_("This survey round does not ask you."), 403)
    with transaction.atomic():
        locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        if not locked.is_open:
            raise CapacityError(_("This survey round is not open for answers."))
        try:
            with transaction.atomic():
                SurveyParticipation.objects.create(round=locked, person=person)
        except IntegrityError as error:
            raise CapacityError(_("You have already answered this round.")) from error
        department = membership.department_id if share_department else None
        anonymity.deposit(
            anonymity.survey_pool(locked.pk),
            {"department": department, "answers": clean, "others": texts},
            _answer_writer(locked),
        )


def delete_round(*, survey_round: SurveyRound, actor: User) -> None:
    """Delete a round that has not opened yet (nobody can have answered it)."""
    if survey_round.state() != RoundState.SCHEDULED:
        raise CapacityError(_("Only a round that has not opened yet can be deleted."))
    with transaction.atomic():
        PooledAnswer.objects.filter(pool=anonymity.survey_pool(survey_round.pk)).delete()
        audit.delete(survey_round, actor=actor, organisation=survey_round.organisation)


# --------------------------------------------------------------------------------------
# Programmes, rules and modules
# --------------------------------------------------------------------------------------


def _texts_audit(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: translations(obj, name) for name in names}


def create_programme(
    *,
    organisation: Organisation,
    actor: User,
    title: Mapping[str, str],
    description: Mapping[str, str] | None = None,
    certificate_text: Mapping[str, str] | None = None,
    audience: str = ProgrammeAudience.STAFF,
    planned_from: SurveyRound | None = None,
) -> Programme:
    """A draft programme with the default certificate rules (Tirana's)."""
    if audience not in ProgrammeAudience.values:
        raise CapacityError(_("Choose the audience of the programme."), 422, "audience")
    if not any((value or "").strip() for value in title.values()):
        raise CapacityError(_("Give the programme a title."), 422, "title")
    with transaction.atomic():
        programme = Programme(
            organisation=organisation,
            audience=audience,
            created_by=actor,
            planned_from=planned_from,
        )
        set_translations(programme, "title", title)
        set_translations(programme, "description", description or {})
        set_translations(programme, "certificate_text", certificate_text or {})
        programme.save()
        CertificateRule.objects.bulk_create(
            CertificateRule(
                programme=programme,
                kind=rule.kind,
                min_modules=rule.min_modules,
                max_modules=rule.max_modules,
            )
            for rule in rules.DEFAULT_RULES
        )
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=programme,
            changes={
                "audience": audience,
                **_texts_audit(programme, ["title"]),
                "planned_from": planned_from,
                "rules": [str(rule) for rule in programme.rules.all()],
            },
        )
    return programme


PROGRAMME_FIELDS = [
    "audience",
    *field_names("title"),
    *field_names("description"),
    *field_names("certificate_text"),
]


def update_programme(
    *,
    programme: Programme,
    actor: User,
    title: Mapping[str, str],
    description: Mapping[str, str],
    certificate_text: Mapping[str, str],
    audience: str,
) -> Programme:
    """Change the texts or the audience; the audience is fixed once someone registered."""
    if audience not in ProgrammeAudience.values:
        raise CapacityError(_("Choose the audience of the programme."), 422, "audience")
    if audience != programme.audience and selectors.registrations_of(programme).exists():
        raise CapacityError(
            _("People have registered already: the audience can no longer change."),
            409,
            "audience",
        )
    with transaction.atomic():
        before = audit.snapshot(programme, PROGRAMME_FIELDS)
        programme.audience = audience
        set_translations(programme, "title", title)
        set_translations(programme, "description", description)
        set_translations(programme, "certificate_text", certificate_text)
        programme.save()
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="update",
            obj=programme,
            changes=audit.diff(before, audit.snapshot(programme, PROGRAMME_FIELDS)),
        )
    return programme


def publish_programme(*, programme: Programme, actor: User) -> Programme:
    """Open a draft for registration; it needs at least one module with a session."""
    if programme.status != ProgrammeStatus.DRAFT:
        raise CapacityError(_("Only a draft can be published."))
    if not Session.objects.filter(module__programme=programme).exists():
        raise CapacityError(_("Add at least one module with a session before publishing."))
    return _set_status(programme, actor, ProgrammeStatus.PUBLISHED)


def close_programme(*, programme: Programme, actor: User) -> Programme:
    """Finish a programme: no more registrations or self-ratings; ratings are written."""
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise CapacityError(_("Only a published programme can be finished."))
    with transaction.atomic():
        for module in programme.modules.select_for_update():
            for phase in EvaluationPhase.values:
                anonymity.drain(
                    anonymity.evaluation_pool(module.pk, phase), _rating_writer(module, phase)
                )
        programme.closed_at = timezone.now()
        return _set_status(programme, actor, ProgrammeStatus.CLOSED)


def _set_status(programme: Programme, actor: User, status: str) -> Programme:
    with transaction.atomic():
        previous = programme.status
        programme.status = status
        programme.save(update_fields=["status", "closed_at", "updated_at"])
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="publish" if status == ProgrammeStatus.PUBLISHED else "close",
            obj=programme,
            changes={"status": {"from": previous, "to": status}},
        )
    return programme


def check_rules(rules: Iterable[tuple[str, int, int | None]]) -> list[tuple[str, int, int | None]]:
    """Rules as stored, or a refusal when a kind repeats, bounds are reversed or ranges
    overlap (each number of modules must lead to at most one kind of certificate)."""
    checked = []
    for kind, low, high in rules:
        if kind not in CertificateKind.values:
            raise CapacityError(_("Unknown kind of certificate."), 422, "kind")
        if low < 1:
            raise CapacityError(_("A rule needs at least one module."), 422, f"{kind}_min")
        if high is not None and high < low:
            raise CapacityError(_("The upper limit is below the lower one."), 422, f"{kind}_max")
        checked.append((kind, low, high))
    kinds = [kind for kind, _low, _high in checked]
    if len(set(kinds)) != len(kinds):
        raise CapacityError(_("Each kind of certificate has one rule."), 422)
    for index, (kind, low, high) in enumerate(checked):
        for _other, other_low, other_high in checked[index + 1 :]:
            top = high if high is not None else 10**6
            other_top = other_high if other_high is not None else 10**6
            if low <= other_top and other_low <= top:
                raise CapacityError(
                    _("The rules overlap: a number of modules would lead to two certificates."),
                    422,
                    f"{kind}_min",
                )
    completion = next((r for r in checked if r[0] == CertificateKind.COMPLETION), None)
    attendance = next((r for r in checked if r[0] == CertificateKind.ATTENDANCE), None)
    if completion and attendance and completion[1] < attendance[1]:
        raise CapacityError(
            _("Completion must ask for more modules than attendance."), 422, "completion_min"
        )
    return checked


def set_rules(
    *, programme: Programme, actor: User, rules: Iterable[tuple[str, int, int | None]]
) -> Programme:
    """Replace the certificate rules of a programme (an empty list: no certificates)."""
    checked = check_rules(rules)
    with transaction.atomic():
        before = [str(rule) for rule in programme.rules.all()]
        programme.rules.all().delete()
        CertificateRule.objects.bulk_create(
            CertificateRule(programme=programme, kind=kind, min_modules=low, max_modules=high)
            for kind, low, high in checked
        )
        after = [str(rule) for rule in programme.rules.all()]
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="update",
            obj=programme,
            changes={"rules": {"from": before, "to": after}},
        )
        _after_rules_change(programme, actor)
    return programme


MODULE_TEXTS = ("title", "description", "learning_goals")


def _check_keys(topics: Iterable[str], areas: Iterable[str]) -> tuple[list[str], list[str]]:
    known_topics = {topic.key for topic in latest_survey().survey.topics}
    topics, areas = sorted(set(topics)), sorted(set(areas))
    if set(topics) - known_topics:
        raise CapacityError(_("Unknown topic."), 422, "topics")
    if set(areas) - set(Area.values):
        raise CapacityError(_("Unknown thematic area."), 422, "areas")
    return topics, areas


def save_module(
    *,
    programme: Programme,
    actor: User,
    texts: Mapping[str, Mapping[str, str]],
    topics: Iterable[str] = (),
    areas: Iterable[str] = (),
    evaluation: bool = True,
    position: int | None = None,
    module: Module | None = None,
) -> Module:
    """Create a module at the end of the programme, or change ``module``."""
    if programme.status == ProgrammeStatus.CLOSED:
        raise CapacityError(_("A finished programme cannot change."))
    topic_keys, area_keys = _check_keys(topics, areas)
    fields = [*(n for name in MODULE_TEXTS for n in field_names(name)), "topics", "areas"]
    fields += ["evaluation", "position"]
    with transaction.atomic():
        creating = module is None
        if module is None:
            last = programme.modules.order_by("-position").first()
            module = Module(programme=programme, position=(last.position + 1) if last else 1)
        before = {} if creating else audit.snapshot(module, fields)
        for name in MODULE_TEXTS:
            set_translations(module, name, texts.get(name, {}))
        if not any(translations(module, "title").values()):
            raise CapacityError(_("Give the module a title."), 422, "title")
        module.topics, module.areas, module.evaluation = topic_keys, area_keys, evaluation
        if position is not None:
            module.position = position
        module.save()
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="create" if creating else "update",
            obj=module,
            changes=audit.diff(before, audit.snapshot(module, fields)),
        )
    return module


def delete_module(*, module: Module, actor: User) -> None:
    if Registration.objects.filter(session__module=module).exists():
        raise CapacityError(_("People registered for this module: it cannot be deleted."))
    audit.delete(module, actor=actor, organisation=module.programme.organisation)


def add_material(
    *, module: Module, actor: User, title: Mapping[str, str], file: Any = None, url: str = ""
) -> Material:
    if bool(file) == bool(url):
        raise CapacityError(_("Give either a file or a link."), 422, "url")
    with transaction.atomic():
        material = Material(module=module, url=url)
        set_translations(material, "title", title)
        if file:
            material.file = file
        material.save()
        audit.record(
            actor=actor,
            organisation=module.programme.organisation,
            action="create",
            obj=material,
            changes={"module": module, "file": material.file.name, "url": url},
        )
    return material


def delete_material(*, material: Material, actor: User) -> None:
    organisation = material.module.programme.organisation
    with transaction.atomic():
        stored = material.file
        audit.delete(material, actor=actor, organisation=organisation)
        if stored:
            transaction.on_commit(lambda: stored.delete(save=False))


def plan_from_round(*, survey_round: SurveyRound, actor: User, count: int = 3) -> Programme:
    """A draft staff programme: an introduction and one module per topic most needed.

    Titles and descriptions come from the survey's topics in every language it has, so
    the officer only adjusts them.
    """
    topics = selectors.top_topics(survey_round, count)
    if not topics:
        raise CapacityError(_("This round has no results to plan from yet."))
    languages = interface_languages()
    with transaction.atomic():
        title = {}
        for code in languages:
            with translation.override(code):
                title[code] = _("Digital rights training %(year)s") % {
                    "year": survey_round.closes_on.year
                }
        programme = create_programme(
            organisation=survey_round.organisation,
            actor=actor,
            title=title,
            planned_from=survey_round,
        )
        intro: dict[str, dict[str, str]] = {"title": {}, "description": {}}
        for code in languages:
            with translation.override(code):
                intro["title"][code] = _("Introduction to digital human rights")
                intro["description"][code] = _(
                    "What digital human rights are, and what the city can do to protect "
                    "and promote them in its own work."
                )
        save_module(programme=programme, actor=actor, texts=intro)
        for topic in topics:
            save_module(
                programme=programme,
                actor=actor,
                texts={
                    "title": {code: topic.name.get_text(code) for code in languages},
                    "description": {code: topic.description.get_text(code) for code in languages},
                },
                topics=[topic.key],
                areas=topic.areas,
            )
    return programme


# --------------------------------------------------------------------------------------
# Sessions and registration
# --------------------------------------------------------------------------------------


def save_session(
    *,
    module: Module,
    actor: User,
    starts_at: datetime,
    ends_at: datetime,
    session_format: str,
    capacity: int,
    language: str,
    place: Mapping[str, str] | None = None,
    link: str = "",
    trainer: User | None = None,
    session: Session | None = None,
) -> Session:
    """Create or change a session; more places promote people from the waiting list."""
    organisation = module.programme.organisation
    if module.programme.status == ProgrammeStatus.CLOSED:
        raise CapacityError(_("A finished programme cannot change."))
    if ends_at <= starts_at:
        raise CapacityError(_("The session must end after it starts."), 422, "ends_at")
    if capacity < 1:
        raise CapacityError(_("A session needs at least one place."), 422, "capacity")
    if session_format not in SessionFormat.values:
        raise CapacityError(_("Choose the format."), 422, "format")
    if session_format in (SessionFormat.ONLINE, SessionFormat.HYBRID) and not link:
        raise CapacityError(_("An online or hybrid session needs a link."), 422, "link")
    if session_format in (SessionFormat.IN_PERSON, SessionFormat.HYBRID) and not any(
        (v or "").strip() for v in (place or {}).values()
    ):
        raise CapacityError(_("A session in person needs a place."), 422, "place")
    if (
        trainer is not None
        and not Membership.objects.filter(user=trainer, organisation=organisation).exists()
    ):
        raise CapacityError(_("The trainer must be a member of the city."), 422, "trainer")
    fields = ["starts_at", "ends_at", "format", "capacity", "language", "link", "trainer"]
    fields += field_names("place")
    with transaction.atomic():
        creating = session is None
        if session is None:
            session = Session(organisation=organisation, module=module)
        else:
            session = Session.objects.select_for_update().get(pk=session.pk)
        before = {} if creating else audit.snapshot(session, fields)
        session.starts_at, session.ends_at = starts_at, ends_at
        session.format = session_format
        session.capacity, session.language, session.link = capacity, language, link
        session.trainer = trainer
        set_translations(session, "place", place or {})
        session.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create" if creating else "update",
            obj=session,
            changes=audit.diff(before, audit.snapshot(session, fields)),
        )
        promoted = promote_waiting(session)
    for registration in promoted:
        transaction.on_commit(partial(mail.promoted, registration))
    return session


def delete_session(*, session: Session, actor: User) -> None:
    if session.registrations.exclude(status=RegistrationStatus.CANCELLED).exists():
        raise CapacityError(_("People registered for this session: it cannot be deleted."))
    audit.delete(session, actor=actor, organisation=session.organisation)


def promote_waiting(session: Session) -> list[Registration]:
    """Move people from the waiting list into free places, first come first served."""
    taken = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = session.capacity - taken
    if free <= 0:
        return []
    waiting = list(
        session.registrations.filter(status=RegistrationStatus.WAITING).order_by("queued_at", "id")[
            :free
        ]
    )
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
    return waiting


def register(*, session: Session, person: User, actor: User) -> Registration:
    """A place in ``session`` for ``person``, or a place on its waiting list when full.

    ``actor`` is the person themselves, or a staff member with ``edit`` registering them
    (that is audited). Refused when the programme is not open, the session has started,
    the person is not in the programme's audience, or is registered already.
    """
    programme = session.module.programme
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise CapacityError(_("This programme is not open for registration."))
    if session.is_past:
        raise CapacityError(_("This session has started already."))
    reason = selectors.not_eligible(programme, person)
    if reason:
        raise CapacityError(reason, 403)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        existing = locked.registrations.filter(person=person).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            raise CapacityError(
                _("%(person)s is registered already.") % {"person": person}
                if actor != person
                else _("You are registered already.")
            )
        taken = locked.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        status = (
            RegistrationStatus.REGISTERED if taken < locked.capacity else RegistrationStatus.WAITING
        )
        registration = existing or Registration(session=locked, person=person)
        registration.status = status
        registration.queued_at = timezone.now()
        registration.registered_by = actor
        registration.attended = None
        registration.save()
        if actor != person:
            audit.record(
                actor=actor,
                organisation=locked.organisation,
                action="register",
                obj=locked,
                changes={"registration": registration.pk, "status": status},
            )
    transaction.on_commit(lambda: mail.registration(registration))
    return registration


def cancel_registration(*, registration: Registration, actor: User) -> Registration:
    """Give a place up; the first person waiting takes it and is told by e-mail."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise CapacityError(_("This registration is cancelled already."))
    if registration.attended:
        raise CapacityError(_("Attendance was recorded: the registration stays."))
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=registration.session_id)
        registration.refresh_from_db()
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        if actor != registration.person:
            audit.record(
                actor=actor,
                organisation=session.organisation,
                action="cancel",
                obj=session,
                changes={"registration": registration.pk},
            )
        promoted = promote_waiting(session)
    for promoted_registration in promoted:
        transaction.on_commit(partial(mail.promoted, promoted_registration))
    return registration


# --------------------------------------------------------------------------------------
# Attendance
# --------------------------------------------------------------------------------------


def _require_recorder(session: Session, actor: User) -> None:
    if not selectors.may_record_attendance(actor, session):
        raise CapacityError(
            _("Only the session's trainer or a member who edits programmes records attendance."),
            403,
        )


def record_attendance(*, session: Session, actor: User, present: Iterable[int]) -> dict[str, int]:
    """The checklist: every registration of the session, present or absent.

    ``present`` holds registration ids. Someone present from the waiting list gets their
    place. Returns how many were marked present and absent.
    """
    _require_recorder(session, actor)
    present_ids = set(present)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        registrations = list(
            locked.registrations.exclude(status=RegistrationStatus.CANCELLED).select_for_update()
        )
        unknown = present_ids - {r.pk for r in registrations}
        if unknown:
            raise CapacityError(_("Someone on the list is not registered for this session."), 422)
        changed = _mark(registrations, {r.pk: r.pk in present_ids for r in registrations}, actor)
        counts = {
            "present": sum(1 for r in registrations if r.attended),
            "absent": sum(1 for r in registrations if r.attended is False),
        }
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="attendance",
            obj=locked,
            changes={**counts, "changed": sorted(r.pk for r in changed)},
        )
        _attendance_changed(locked.module.programme, {r.person_id for r in changed}, actor)
    return counts


def _mark(
    registrations: Iterable[Registration], present: Mapping[int, bool], actor: User | None
) -> list[Registration]:
    now = timezone.now()
    changed = []
    for registration in registrations:
        value = present.get(registration.pk)
        if value is None or registration.attended is value:
            continue
        registration.attended = value
        registration.attendance_recorded_at, registration.attendance_recorded_by = now, actor
        if value and registration.status == RegistrationStatus.WAITING:
            registration.status = RegistrationStatus.REGISTERED
        registration.save(
            update_fields=[
                "attended",
                "status",
                "attendance_recorded_at",
                "attendance_recorded_by",
            ]
        )
        changed.append(registration)
    return changed


def add_walk_in(*, session: Session, actor: User, email: str) -> Registration:
    """Someone came without registering: find their account and mark them present."""
    _require_recorder(session, actor)
    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise CapacityError(
            _("No account uses this e-mail address; the person can create one first."),
            422,
            "email",
        )
    programme = session.module.programme
    reason = selectors.not_eligible(programme, person)
    if reason:
        raise CapacityError(reason, 403, "email")
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        registration, _created = Registration.objects.get_or_create(
            session=locked,
            person=person,
            defaults={"status": RegistrationStatus.REGISTERED, "registered_by": actor},
        )
        if registration.status == RegistrationStatus.CANCELLED:
            registration.status = RegistrationStatus.REGISTERED
            registration.save(update_fields=["status"])
        changed = _mark([registration], {registration.pk: True}, actor)
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="attendance",
            obj=locked,
            changes={"walk_in": registration.pk},
        )
        _attendance_changed(programme, {r.person_id for r in changed}, actor)
    return registration


class AttendanceImportError(CapacityError):
    """A file that cannot be imported; ``problems`` lists each row, column and problem."""

    status = 422

    def __init__(self, problems: Sequence[importing.Problem]) -> None:
        super().__init__(
            _("The file was not imported: %(n)d problem(s).") % {"n": len(problems)}, 422, "file"
        )
        self.problems = tuple(problems)


def import_attendance(
    *,
    programme: Programme,
    actor: User | None,
    data: bytes,
    session: Session | None = None,
    by_key: bool = False,
) -> dict[str, int]:
    """Attendance from a CSV file, all rows or none (see ``importing``).

    With ``session``, rows without a session column are for that session; without it,
    every row names a session of ``programme``. People must have an account and be in
    the programme's audience; someone not registered is added as present or absent.
    ``by_key`` says that the API checked an API key's ``write`` scope for the city
    (there is then no person whose right to record each session could be checked).
    """
    try:
        rows = importing.parse(data, session_required=session is None)
    except importing.ImportProblems as error:
        raise AttendanceImportError(error.problems) from error
    sessions = {s.pk: s for s in Session.objects.filter(module__programme=programme)}
    people = {
        u.email.lower(): u for u in User.objects.filter(email__in={row.email for row in rows})
    }
    problems: list[importing.Problem] = []
    resolved: list[tuple[Session, User, bool]] = []
    for row in rows:
        target = session if row.session is None else sessions.get(row.session)
        if target is None or (session is not None and target.pk != session.pk):
            problems.append(
                importing.Problem(row.row, "session", f"no session {row.session} in this programme")
            )
            continue
        if not by_key and (actor is None or not selectors.may_record_attendance(actor, target)):
            problems.append(
                importing.Problem(row.row, "session", f"you may not record session {target.pk}")
            )
            continue
        person = people.get(row.email)
        if person is None:
            problems.append(importing.Problem(row.row, "email", f"no account uses {row.email}"))
            continue
        reason = selectors.not_eligible(programme, person)
        if reason:
            problems.append(importing.Problem(row.row, "email", f"{row.email}: {reason}"))
            continue
        resolved.append((target, person, row.present))
    if problems:
        raise AttendanceImportError(problems)
    changed_people: set[int] = set()
    counts = {"present": 0, "absent": 0, "added": 0}
    with transaction.atomic():
        for target_id in sorted({target.pk for target, _p, _v in resolved}):
            Session.objects.select_for_update().get(pk=target_id)
        for target, person, present in resolved:
            registration, created = Registration.objects.get_or_create(
                session=target,
                person=person,
                defaults={"status": RegistrationStatus.REGISTERED, "registered_by": actor},
            )
            if created:
                counts["added"] += 1
            elif registration.status == RegistrationStatus.CANCELLED and present:
                registration.status = RegistrationStatus.REGISTERED
                registration.save(update_fields=["status"])
            changed = _mark([registration], {registration.pk: present}, actor)
            changed_people |= {r.person_id for r in changed}
            counts["present" if present else "absent"] += 1
        audit.record(
            actor=actor,
            organisation=programme.organisation,
            action="import",
            obj=programme,
            changes={**counts, "rows": len(resolved), "session": session, "by_api_key": by_key},
        )
        _attendance_changed(programme, changed_people, actor)
    return counts


def _attendance_changed(programme: Programme, person_ids: set[int], actor: User | None) -> None:
    """Attendance of ``person_ids`` changed: bring their certificates in line."""
    if person_ids and programme.issuing:
        from . import certificates

        certificates.recompute(programme=programme, person_ids=person_ids, actor=actor)


def _after_rules_change(programme: Programme, actor: User) -> None:
    if programme.issuing:
        from . import certificates

        certificates.recompute(programme=programme, person_ids=None, actor=actor)


# --------------------------------------------------------------------------------------
# Module evaluation (anonymous before/after self-ratings)
# --------------------------------------------------------------------------------------


def _rating_writer(module: Module, phase: str) -> anonymity.Writer:
    def write(payloads: list[dict[str, Any]]) -> None:
        EvaluationRating.objects.bulk_create(
            EvaluationRating(module=module, phase=phase, rating=payload["rating"])
            for payload in payloads
        )

    return write


def give_evaluation(*, module: Module, person: User, phase: str, rating: int) -> None:
    """Record a self-rating without a trace back to the person (like a survey answer).

    "Before" is for people registered to a session of the module who have not attended
    one yet; "after" for people who attended. Each person rates each phase once.
    """
    if not module.evaluation:
        raise CapacityError(_("This module does not ask for a self-rating."), 404)
    if phase not in EvaluationPhase.values:
        raise CapacityError(_("Unknown phase."), 422, "phase")
    if not 1 <= rating <= 5:
        raise CapacityError(_("Choose a rating from 1 to 5."), 422, "rating")
    if module.programme.status != ProgrammeStatus.PUBLISHED:
        raise CapacityError(_("This programme does not take self-ratings any more."))
    if phase not in selectors.evaluation_phases_open(module, person):
        raise CapacityError(_("This self-rating is not open to you now."), 403)
    with transaction.atomic():
        locked = Module.objects.select_for_update().get(pk=module.pk)
        try:
            with transaction.atomic():
                EvaluationGiven.objects.create(module=locked, person=person, phase=phase)
        except IntegrityError as error:
            raise CapacityError(_("You have rated yourself for this already.")) from error
        anonymity.deposit(
            anonymity.evaluation_pool(locked.pk, phase),
            {"rating": rating},
            _rating_writer(locked, phase),
        )
