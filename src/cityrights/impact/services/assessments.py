"""Assessments: creating one, its details and the answers of each section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from cityrights.core import audit, duties

from .. import content
from ..models import AssessmentKind, ImpactAssessment, Screening, TemplateKind, TemplateVersion
from .refusals import ImpactError, require_capability, require_draft, took_part
from .template_files import latest_template

if TYPE_CHECKING:
    from cityrights.core.models import Department, Organisation, User


def create_assessment(
    organisation: Organisation,
    actor: User,
    *,
    title: str,
    kind: str,
    department: Department | None = None,
    author: User | None = None,
    screening: Screening | None = None,
    entry: Any = None,
    template: TemplateVersion | None = None,
    language: str = "",
) -> ImpactAssessment:
    if kind not in {AssessmentKind.DPIA, AssessmentKind.HRIA, AssessmentKind.BOTH}:
        raise ImpactError(_("Choose the kind of assessment."), 422, "kind")
    template = template or latest_template(TemplateKind.ASSESSMENT)
    with transaction.atomic():
        assessment = ImpactAssessment(
            organisation=organisation,
            title=title,
            kind=kind,
            department=department,
            author=author or actor,
            screening=screening,
            template=template,
            language=language,
        )
        if entry is not None:
            assessment.entry = entry
        assessment.save()
        took_part(assessment, actor, duties.Kind.CREATED)
        took_part(assessment, assessment.author, duties.Kind.LED)
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=assessment,
            changes={
                "kind": kind,
                "template": str(template),
                "author": str(assessment.author),
                "department": department,
                "entry": entry,
            },
        )
    return assessment


def update_details(
    assessment: ImpactAssessment, actor: User, changes: Mapping[str, Any]
) -> ImpactAssessment:
    """Change title, kind, department, project lead, register entry or working language of
    a draft.

    Whoever changes something takes part in the version; a newly named project lead does
    too, and the one named before stays on the list (naming someone else removes nobody).
    """
    require_capability(actor, assessment, "edit")
    require_draft(assessment)
    fields = [
        name
        for name in ("title", "kind", "department", "author", "entry", "language")
        if name in changes
    ]
    with transaction.atomic():
        before = audit.snapshot(assessment, fields)
        for name in fields:
            setattr(assessment, name, changes[name])
        assessment.save()
        changed = audit.diff(before, audit.snapshot(assessment, fields))
        if changed:
            took_part(assessment, actor, duties.Kind.EDITED)
        if "author" in changed:
            took_part(assessment, assessment.author, duties.Kind.LED)
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=assessment,
            changes=changed,
        )
    return assessment


def save_section(
    assessment: ImpactAssessment, actor: User, section_key: str, answers: Mapping[str, str]
) -> ImpactAssessment:
    """Store the answers of one section of a draft. Unknown questions are refused."""
    require_capability(actor, assessment, "edit")
    require_draft(assessment)
    template = assessment.template.template
    section = content.find_section(template, section_key)
    if section is None:
        raise ImpactError(_("This template has no section '%(key)s'.") % {"key": section_key}, 404)
    questions = {question.key: question for question in section.questions}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ImpactError(
            _("Unknown questions: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}, 422
        )
    cleaned: dict[str, Any] = {}
    for key, value in answers.items():
        try:
            cleaned[key] = content.clean_answer(questions[key], value)
        except ValueError as error:
            raise ImpactError(
                _("'%(value)s' is not one of the answers this question offers.") % {"value": error},
                422,
                key,
            ) from error
    with transaction.atomic():
        locked = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        before = dict(locked.answers.get(section_key, {}))
        merged = {**before, **cleaned}
        merged = {key: value for key, value in merged.items() if value}
        locked.answers = {**locked.answers, section_key: merged}
        locked.save(update_fields=["answers", "updated_at"])
        changed = sorted(k for k in set(before) | set(merged) if before.get(k) != merged.get(k))
        if changed:
            took_part(locked, actor, duties.Kind.ANSWERED)
            audit.record(
                actor=actor,
                organisation=assessment.organisation,
                action="answer",
                obj=locked,
                changes={"section": section_key, "questions": changed},
            )
    assessment.answers = locked.answers
    return assessment


def missing_answers(assessment: ImpactAssessment) -> list[tuple[str, str]]:
    """``(section key, question key)`` of required questions without an answer."""
    template = assessment.template.template
    missing = []
    for section in content.sections_for(template, assessment.kind):
        given = assessment.answers.get(section.key, {})
        for question in section.questions:
            if question.required and given.get(question.key) in (None, "", []):
                missing.append((section.key, question.key))
    return missing
