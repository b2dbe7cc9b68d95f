"""Writes of the assessment app: load frameworks, run a cycle, resolve, roadmap, sharing.

Each function checks the rule it enforces (cycle status, assignment, scale), writes in one
transaction and appends an audit event in that same transaction. Views and the API call
these functions and only translate :class:`AssessmentError` into a message or a 4xx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit, duties
from cityrights.core.datafiles import StoreOutcome, stale_snapshots, store_version
from cityrights.core.errors import ServiceError
from cityrights.core.models import Department, Organisation, OrganisationKind, User
from cityrights.core.translation import field_names, interface_languages

from . import published
from .framework import FRAMEWORKS_DIR, Framework, FrameworkError, load_framework_file
from .models import (
    AssessmentCycle,
    CoalitionSharing,
    CycleStatus,
    FrameworkVersion,
    Measurement,
    Resolution,
    Response,
    RoadmapAction,
    SectionAssignment,
)
from .scoring import DONT_KNOW, NOT_APPLICABLE
from .selectors import (
    Answerable,
    contributors_of,
    duty_version,
    framework_of,
    result_of,
    snapshot_scores,
)


class AssessmentError(ServiceError):
    """A refused change to an assessment (see :mod:`cityrights.core.errors`)."""


class CycleClosed(AssessmentError):
    status = 409


class NotAssigned(AssessmentError):
    status = 403


class UnknownQuestion(AssessmentError):
    status = 404


class InvalidValue(AssessmentError):
    status = 422


# --------------------------------------------------------------------------------------
# Frameworks
# --------------------------------------------------------------------------------------


class FrameworkConflict(AssessmentError):
    status = 409


def store_framework(framework: Framework) -> tuple[FrameworkVersion, StoreOutcome]:
    """Keep a validated framework as a snapshot; return it and what happened.

    Loading the same content again changes nothing. The same version with other
    translations (same structure and English, hence the same content hash) updates the
    stored translations in place: answers and scores depend on neither. Different content
    under an id and version that already exist is refused: published versions keep their
    meaning, because cycles answered with them must keep reading and scoring the same.
    """

    def conflict(existing: FrameworkVersion) -> FrameworkConflict:
        return FrameworkConflict(
            f"{framework.label} is already loaded with different content "
            f"(hash {existing.content_hash[:12]}…, file {framework.content_hash[:12]}…). "
            "Only translations may change under a published version: give a file whose "
            "English or structure changed a new version number."
        )

    version, outcome = store_version(FrameworkVersion, framework, refuse=conflict)
    if outcome == "translations":
        # Published pages show the framework's texts: store them with the completed ones.
        published.refresh_stale()
    return version, outcome


def load_framework(path: str | Path) -> tuple[FrameworkVersion, StoreOutcome]:
    """Validate the file at ``path`` (raises ``FrameworkError``) and store it."""
    return store_framework(load_framework_file(path))


def refresh_shipped_translations() -> list[FrameworkVersion]:
    """Bring the translations of stored shipped versions up to date with their files.

    Runs after every ``migrate`` (see ``signals.py``), so an installation upgraded to a
    release with better translations shows them in every cycle, old ones included. Only
    versions already stored are touched, and only when their meaning is the same; a
    file whose snapshot is already stored is not even validated.
    """
    updated = []
    shipped = sorted(FRAMEWORKS_DIR.glob("*.v*.yaml"))
    for path, stored in stale_snapshots(shipped, _stored_framework, FrameworkError):
        framework = load_framework_file(path)
        if framework.content_hash == stored.content_hash:
            updated.append(store_framework(framework)[0])
    return updated


def _stored_framework(key: str, number: int) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(key=key, version=number).first()


# --------------------------------------------------------------------------------------
# Cycles
# --------------------------------------------------------------------------------------


def open_cycle(
    organisation: Organisation,
    year: int,
    version: FrameworkVersion,
    actor: User,
    copy_assignments: bool = True,
) -> AssessmentCycle:
    """Open the cycle of ``year``; optionally copy the section assignments of the last one."""
    if AssessmentCycle.objects.filter(organisation=organisation, year=year).exists():
        raise AssessmentError(
            _("There is already an assessment for %(year)s.") % {"year": year}, 409, "year"
        )
    previous = (
        AssessmentCycle.objects.filter(organisation=organisation, year__lt=year)
        .order_by("-year")
        .first()
    )
    try:
        with transaction.atomic():
            cycle = AssessmentCycle.objects.create(
                organisation=organisation, year=year, framework=version, opened_by=actor
            )
            copied = 0
            if copy_assignments and previous is not None:
                framework = version.framework
                areas = {a.key for a in framework.areas}
                pillars = {p.key for p in framework.pillars}
                for old in previous.assignments.all():
                    if (old.area and old.area not in areas) or (
                        old.pillar and old.pillar not in pillars
                    ):
                        continue
                    SectionAssignment.objects.create(
                        cycle=cycle,
                        area=old.area,
                        pillar=old.pillar,
                        department=old.department,
                        user=old.user,
                    )
                    copied += 1
            audit.record(
                actor=actor,
                organisation=organisation,
                action="create",
                obj=cycle,
                changes={"year": year, "framework": str(version), "assignments_copied": copied},
            )
    except IntegrityError as error:  # a colleague opened the same year at the same moment
        raise AssessmentError(
            _("There is already an assessment for %(year)s.") % {"year": year}, 409, "year"
        ) from error
    return cycle


def _require_open(cycle: AssessmentCycle) -> None:
    if not cycle.is_open:
        raise CycleClosed(
            _(
                "The %(year)s assessment is %(status)s: answers can no longer be changed. "
                "An administrator can reopen it."
            )
            % {"year": cycle.year, "status": cycle.get_status_display().lower()}
        )


def add_assignment(
    cycle: AssessmentCycle,
    actor: User,
    *,
    area: str,
    pillar: str,
    department: Department | None,
    user: User | None,
) -> SectionAssignment:
    framework = framework_of(cycle)
    if not area and not pillar:
        raise AssessmentError(_("Choose an area, a pillar, or both."), 422, "area")
    if area and area not in {a.key for a in framework.areas}:
        raise AssessmentError(_("Unknown area."), 422, "area")
    if pillar and pillar not in {p.key for p in framework.pillars}:
        raise AssessmentError(_("Unknown pillar."), 422, "pillar")
    if department is None and user is None:
        raise AssessmentError(_("Choose a department or a person."), 422, "department")
    if cycle.status == CycleStatus.VALIDATED:
        raise CycleClosed(_("A validated assessment cannot be reassigned."))
    if cycle.assignments.filter(
        area=area, pillar=pillar, department=department, user=user
    ).exists():
        raise AssessmentError(_("This section is already assigned to them."), 409)
    with transaction.atomic():
        assignment = SectionAssignment.objects.create(
            cycle=cycle, area=area, pillar=pillar, department=department, user=user
        )
        audit.record(
            actor=actor,
            organisation=cycle.organisation,
            action="assign",
            obj=assignment,
            changes={"area": area, "pillar": pillar, "department": department, "user": user},
        )
    return assignment


def remove_assignment(assignment: SectionAssignment, actor: User) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            organisation=assignment.cycle.organisation,
            action="unassign",
            obj=assignment,
        )
        assignment.delete()


@dataclass
class AnswerInput:
    """One question's fields as a respondent sent them. ``value`` "" clears the answer."""

    question: str
    value: str
    evidence_text: str = ""
    evidence_link: str = ""
    comment: str = ""
    evidence_file: UploadedFile | None = None
    remove_file: bool = False


def check_value(value: Any, max_level: int) -> str:
    """Normalise an answer value to its stored form or raise :class:`InvalidValue`."""
    if value in (DONT_KNOW, NOT_APPLICABLE):
        return str(value)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= max_level:
        raise InvalidValue(
            _(
                "%(value)s is not on the scale: give a level from 1 to %(max)s, "
                "'dont_know' or 'not_applicable'."
            )
            % {"value": repr(value), "max": max_level}
        )
    return str(int(text))


def save_answers(cycle: AssessmentCycle, actor: User, entries: list[AnswerInput]) -> list[Response]:
    """Save one respondent's answers to some questions of ``cycle``, all or nothing.

    Refused when the cycle is not open, a question is unknown or outside the person's
    assigned sections, or a value is off the scale. An entry with an empty value deletes
    the person's answer to that question. One audit event lists what changed.
    """
    _require_open(cycle)
    framework = framework_of(cycle)
    answerable = Answerable(cycle, actor)
    max_level = framework.scale.max_level
    prepared = []
    keys = [entry.question for entry in entries]
    if len(keys) != len(set(keys)):
        raise InvalidValue(_("Each question can be answered only once per save."))
    for entry in entries:
        try:
            question = framework.question(entry.question)
        except KeyError:
            raise UnknownQuestion(
                _("There is no question %(key)s in %(framework)s.")
                % {"key": entry.question, "framework": framework.label}
            ) from None
        if not answerable.cell(question.area, question.pillar):
            raise NotAssigned(
                _(
                    "Question %(key)s belongs to a section that is not assigned to you or "
                    "your department."
                )
                % {"key": entry.question}
            )
        value = "" if entry.value in ("", None) else check_value(entry.value, max_level)
        prepared.append((entry, value))

    key = f"user-{actor.pk}"
    changes: dict[str, Any] = {}
    saved = []
    with transaction.atomic():
        existing = {
            r.question: r
            for r in Response.objects.select_for_update().filter(
                cycle=cycle, respondent_key=key, question__in=[e.question for e, _v in prepared]
            )
        }
        for entry, value in prepared:
            response = existing.get(entry.question)
            if not value:
                if response is not None:
                    changes[entry.question] = {"from": response.value, "to": None}
                    if response.evidence_file:
                        response.evidence_file.delete(save=False)
                    response.delete()
                continue
            before = audit.snapshot(response) if response else {}
            if response is None:
                response = Response(
                    cycle=cycle,
                    question=entry.question,
                    respondent=actor,
                    respondent_key=key,
                    respondent_label=str(actor),
                )
            response.value = value
            response.evidence_text = entry.evidence_text.strip()
            response.evidence_link = entry.evidence_link.strip()
            response.comment = entry.comment.strip()
            if entry.remove_file and response.evidence_file:
                response.evidence_file.delete(save=False)
                response.evidence_file = ""
            if entry.evidence_file is not None:
                response.evidence_file = entry.evidence_file
            fields = ["value", "evidence_text", "evidence_link", "comment", "evidence_file"]
            after_values = {f: getattr(response, f) for f in fields}
            if response.pk is None or any(
                str(before.get(f, "")) != str(after_values[f] or "") for f in fields
            ):
                try:
                    response.full_clean(exclude=["cycle", "respondent"], validate_unique=False)
                except ValidationError as error:
                    raise InvalidValue(f"{entry.question}: {' '.join(error.messages)}") from error
                response.save()
                changes[entry.question] = {"from": before.get("value"), "to": value}
            saved.append(response)
        if changes:
            audit.record(
                actor=actor,
                organisation=cycle.organisation,
                action="answer",
                obj=cycle,
                changes=changes,
            )
            _took_part(cycle, actor, duties.Kind.ANSWERED)
    return saved


def resolve(
    cycle: AssessmentCycle, actor: User, question: str, value: str, note: str = ""
) -> Resolution | None:
    """Record (or with ``value`` "" remove) the officer's resolved answer to a question."""
    if cycle.status == CycleStatus.VALIDATED:
        raise CycleClosed(
            _("The %(year)s assessment is validated; reopen it to change resolutions.")
            % {"year": cycle.year}
        )
    framework = framework_of(cycle)
    try:
        framework.question(question)
    except KeyError:
        raise UnknownQuestion(_("There is no question %(key)s.") % {"key": question}) from None
    stored = check_value(value, framework.scale.max_level) if value else ""
    with transaction.atomic():
        existing = Resolution.objects.filter(cycle=cycle, question=question).first()
        old = existing.value if existing else None
        if not stored:
            if existing is not None:
                existing.delete()
            resolution = None
        else:
            resolution = existing or Resolution(cycle=cycle, question=question)
            resolution.value = stored
            resolution.note = note.strip()
            resolution.resolved_by = actor
            resolution.save()
        audit.record(
            actor=actor,
            organisation=cycle.organisation,
            action="resolve",
            obj=cycle,
            changes={question: {"from": old, "to": stored or None}, "note": note.strip()},
        )
    return resolution


def _transition(cycle: AssessmentCycle, actor: User, action: str, **changes: Any) -> None:
    audit.record(
        actor=actor, organisation=cycle.organisation, action=action, obj=cycle, changes=changes
    )


def _took_part(cycle: AssessmentCycle, actor: User, kind: str) -> None:
    duties.record(
        organisation=cycle.organisation,
        obj=cycle,
        version=duty_version(cycle),
        actor=actor,
        kind=kind,
    )


def submit(cycle: AssessmentCycle, actor: User) -> None:
    """open → submitted: answers freeze; a reviewer resolves, someone else validates."""
    if cycle.status != CycleStatus.OPEN:
        raise CycleClosed(_("Only an open assessment can be submitted."))
    if not cycle.responses.exists():
        raise AssessmentError(_("Nobody has answered yet: there is nothing to submit."), 409)
    with transaction.atomic():
        cycle.status = CycleStatus.SUBMITTED
        cycle.submitted_at = timezone.now()
        cycle.save(update_fields=["status", "submitted_at"])
        _transition(cycle, actor, "submit", status={"from": "open", "to": "submitted"})
        _took_part(cycle, actor, duties.Kind.SUBMITTED)


def validate(cycle: AssessmentCycle, actor: User) -> None:
    """submitted → validated: the scores are frozen for benchmarks and publication.

    Separation of duties: whoever answered or submitted since the last validation may
    not validate, whatever their role (resolving disagreements is the validator's own
    review, not a part). The validation closes that version: what changes after a
    reopening goes into the next one.
    """
    if cycle.status != CycleStatus.SUBMITTED:
        raise CycleClosed(_("Only a submitted assessment can be validated."))
    duties.require_independent(
        decider=actor,
        contributors=contributors_of(cycle),
        decision=_("validate it"),
        refuse_with=AssessmentError,
    )
    with transaction.atomic():
        cycle.status = CycleStatus.VALIDATED
        cycle.validated_at = timezone.now()
        cycle.validated_by = actor
        cycle.validations += 1
        cycle.scores = snapshot_scores(result_of(cycle))
        cycle.save(
            update_fields=["status", "validated_at", "validated_by", "validations", "scores"]
        )
        _transition(
            cycle,
            actor,
            "validate",
            status={"from": "submitted", "to": "validated"},
            overall=cycle.scores["overall"]["score"],
        )


def reopen(cycle: AssessmentCycle, actor: User, reason: str) -> None:
    """submitted/validated → open, by an administrator, with a reason kept in the audit log.

    The answers stay, and so do their authors' parts: after a validation they are
    recorded again for the next version, so nobody validates answers of their own that
    an earlier round already held.
    """
    if cycle.is_open:
        raise AssessmentError(_("The assessment is already open."), 409)
    if not reason.strip():
        raise AssessmentError(_("Say why the assessment is reopened."), 422, "reason")
    with transaction.atomic():
        old = cycle.status
        was_published = cycle.published_at is not None
        cycle.status = CycleStatus.OPEN
        cycle.published_at = None
        cycle.scores = {}
        cycle.save(update_fields=["status", "published_at", "scores"])
        respondents = User.objects.filter(pk__in=cycle.responses.values("respondent"))
        for respondent in respondents:
            _took_part(cycle, respondent, duties.Kind.ANSWERED)
        _transition(
            cycle,
            actor,
            "reopen",
            status={"from": old, "to": "open"},
            reason=reason.strip(),
            unpublished=was_published,
        )
        if was_published:
            published.refresh(cycle.organisation)


def set_published(cycle: AssessmentCycle, actor: User, publish: bool) -> None:
    """Publish or withdraw a validated cycle's results. The public pages of the city's
    published cycles are stored as they are now (``published.refresh``): a page compares
    with the previous published cycle, so one publication can change another's page."""
    if publish and not cycle.is_validated:
        raise CycleClosed(_("Only a validated assessment can be published."))
    with transaction.atomic():
        old = cycle.published_at
        cycle.published_at = timezone.now() if publish else None
        cycle.save(update_fields=["published_at"])
        _transition(
            cycle,
            actor,
            "publish" if publish else "unpublish",
            published_at={"from": old, "to": cycle.published_at},
        )
        published.refresh(cycle.organisation)


# --------------------------------------------------------------------------------------
# Roadmap
# --------------------------------------------------------------------------------------

ACTION_FIELDS = [
    *field_names("title"),
    *field_names("description"),
    "owner",
    "horizon",
    "due_date",
    "status",
    "kpi_key",
    "baseline",
    "target",
    "target_level",
]


def framework_texts(name: str, text: Mapping[str, str], limit: int = 0) -> dict[str, str]:
    """The columns of translated field ``name`` filled from a framework text, in every
    language of the site the framework has (``title_fr``, ``title_nl`` …), cut at ``limit``."""
    return {
        column: text[code][:limit] if limit else text[code]
        for code, column in zip(interface_languages(), field_names(name), strict=True)
        if text.get(code)
    }


def action_defaults(cycle: AssessmentCycle, recommendation_key: str) -> dict:
    """Initial values of an action made from a recommendation: its title and text in every
    language the framework has, KPI, horizon, next level."""
    framework = framework_of(cycle)
    recommendation = next(
        (r for r in framework.recommendations if r.key == recommendation_key), None
    )
    if recommendation is None:
        raise UnknownQuestion(
            _("There is no recommendation %(key)s.") % {"key": recommendation_key}
        )
    cell = result_of(cycle).cells.get(recommendation.cell)
    level = cell.level if cell and cell.level else recommendation.level
    kpi = recommendation.kpis[0]
    return {
        "recommendation": recommendation,
        **framework_texts("title", recommendation.title, 300),
        **framework_texts("description", recommendation.text),
        "horizon": recommendation.horizon or "short",
        "kpi_key": kpi.key,
        "target": kpi.target,
        "start_level": level,
        "target_level": min(level + 1, framework.scale.max_level),
    }


def kpi_snapshot(framework: Framework, kpi_key: str) -> dict[str, str]:
    """What an action keeps of its KPI: the name in every language the framework has (the
    other languages' columns emptied), unit and direction; nothing for an unknown KPI."""
    for recommendation in framework.recommendations:
        for kpi in recommendation.kpis:
            if kpi.key == kpi_key:
                return {
                    **dict.fromkeys(field_names("kpi_name"), ""),
                    **framework_texts("kpi_name", kpi.name, 300),
                    "kpi_unit": kpi.unit[:40],
                    "kpi_direction": kpi.direction,
                }
    return {}


def create_action(
    organisation: Organisation,
    actor: User,
    values: dict[str, Any],
    *,
    cycle: AssessmentCycle | None,
    recommendation_key: str = "",
) -> RoadmapAction:
    action = RoadmapAction(organisation=organisation, cycle=cycle, created_by=actor)
    for field, value in values.items():
        setattr(action, field, value)
    if cycle is not None:
        framework = framework_of(cycle)
        recommendation = next(
            (r for r in framework.recommendations if r.key == recommendation_key), None
        )
        if recommendation is not None:
            action.recommendation = recommendation.key
            action.area, action.pillar = recommendation.area, recommendation.pillar
            cell = result_of(cycle).cells.get(recommendation.cell)
            action.start_level = cell.level if cell else None
        if action.kpi_key:
            for field, value in kpi_snapshot(framework, action.kpi_key).items():
                setattr(action, field, value)
    with transaction.atomic():
        action.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=action,
            changes=audit.snapshot(action, [*ACTION_FIELDS, "recommendation"]),
        )
    return action


def update_action(action: RoadmapAction, actor: User, values: dict[str, Any]) -> RoadmapAction:
    before = audit.snapshot(action, ACTION_FIELDS)
    for field, value in values.items():
        setattr(action, field, value)
    with transaction.atomic():
        action.save()
        audit.record(
            actor=actor,
            organisation=action.organisation,
            action="update",
            obj=action,
            changes=audit.diff(before, audit.snapshot(action, ACTION_FIELDS)),
        )
    return action


def delete_action(action: RoadmapAction, actor: User) -> None:
    audit.delete(
        action, actor=actor, organisation=action.organisation, changes={"title": action.title}
    )


def add_measurement(
    action: RoadmapAction, actor: User, when: date, value: float, note: str = ""
) -> Measurement:
    with transaction.atomic():
        measurement = Measurement.objects.create(
            action=action, date=when, value=value, note=note.strip(), recorded_by=actor
        )
        audit.record(
            actor=actor,
            organisation=action.organisation,
            action="measure",
            obj=action,
            changes={"date": when.isoformat(), "value": value, "note": note.strip()},
        )
    return measurement


# --------------------------------------------------------------------------------------
# Coalition sharing
# --------------------------------------------------------------------------------------


def share_with(city: Organisation, coalition: Organisation, actor: User) -> CoalitionSharing:
    if not city.is_city:
        raise AssessmentError(_("Only a city can share its assessment."), 403)
    if coalition.kind != OrganisationKind.COALITION:
        raise AssessmentError(
            _("Scores can only be shared with a coalition organisation."), 422, "coalition"
        )
    with transaction.atomic():
        sharing, created = CoalitionSharing.objects.get_or_create(
            city=city, coalition=coalition, defaults={"created_by": actor}
        )
        if created:
            audit.record(
                actor=actor,
                organisation=city,
                action="share",
                obj=sharing,
                changes={"coalition": coalition.name},
            )
            # The city's published pages now compare with the coalition.
            published.refresh(city)
    return sharing


def stop_sharing(sharing: CoalitionSharing, actor: User) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            organisation=sharing.city,
            action="unshare",
            obj=sharing,
            changes={"coalition": sharing.coalition.name},
        )
        sharing.delete()
        published.refresh(sharing.city)
