"""Survey content (the shipped and loaded survey versions) and survey rounds: opening,
changing, closing and finalising a round, and the anonymous answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.datafiles import StoreOutcome, stale_snapshots, store_version
from cityrights.core.models import User
from cityrights.core.translation import (
    set_translations,
    translations,
)

from .. import anonymity, mail, selectors
from .. import survey as survey_content
from ..errors import CapacityError
from ..models import (
    Audience,
    PooledAnswer,
    RoundState,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
    SurveyVersion,
)
from ..results import MIN_GROUP

if TYPE_CHECKING:
    from cityrights.core.models import Department, Organisation


# --------------------------------------------------------------------------------------
# Survey content
# --------------------------------------------------------------------------------------


def load_survey(path: str | Path) -> tuple[SurveyVersion, StoreOutcome]:
    """Validate a survey file and store it; ``(version, "loaded"|"unchanged"|"translations")``.

    A published version keeps its meaning: the same identifier and version with other
    structure or English is refused (give the changed file a new version number), while
    other translations update the stored copy in place, since answers refer to keys only.
    """
    loaded = survey_content.load_survey_file(path)

    def conflict(_existing: SurveyVersion) -> CapacityError:
        return CapacityError(
            _(
                "%(key)s version %(version)s is already loaded with different content; "
                "give the changed file a new version number."
            )
            % {"key": loaded.id, "version": loaded.version}
        )

    return store_version(SurveyVersion, loaded, refuse=conflict)


def refresh_shipped_translations() -> list[SurveyVersion]:
    """Give stored shipped survey versions their files' translations (after ``migrate``)."""
    updated = []
    shipped = survey_content.shipped_files()
    for path, _stored in stale_snapshots(shipped, _stored_survey, survey_content.SurveyError):
        version, change = load_survey(path)
        if change == "translations":
            updated.append(version)
    return updated


def _stored_survey(key: str, number: int) -> SurveyVersion | None:
    return SurveyVersion.objects.filter(key=key, version=number).first()


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
