"""Screening: the short questionnaire that says whether a project needs a full assessment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from cityrights.core import audit

from .. import content
from ..models import AssessmentKind, Screening, TemplateKind, TemplateVersion
from .refusals import ImpactError
from .template_files import latest_template

if TYPE_CHECKING:
    from cityrights.core.models import Department, Organisation, User


def screen(
    organisation: Organisation,
    actor: User,
    *,
    project: str,
    answers: Mapping[str, Any],
    department: Department | None = None,
    template: TemplateVersion | None = None,
) -> Screening:
    """Record a screening and its outcome; the decision rule lives in ``risk.screen``."""
    template = template or latest_template(TemplateKind.SCREENING)
    try:
        outcome = content.screen(dict(answers), template.template, "en")
    except ValueError as error:
        raise ImpactError(str(error), 422) from error
    with transaction.atomic():
        screening = Screening.objects.create(
            organisation=organisation,
            template=template,
            project=project,
            department=department,
            answers=dict(answers),
            needed=outcome.needed,
            kind=outcome.kind if outcome.needed else AssessmentKind.NONE,
            reasons=list(outcome.reasons),
            screened_by=actor,
        )
        audit.record(
            actor=actor,
            organisation=organisation,
            action="screen",
            obj=screening,
            changes={"needed": screening.needed, "kind": screening.kind},
        )
    return screening
