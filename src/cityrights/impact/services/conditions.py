"""Conditions attached to a decision, and comments on an assessment's sections."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit

from ..models import Comment, Condition, ImpactAssessment, Status
from .refusals import (
    ImpactError,
    contributors_of,
    held_capabilities,
    require_capability,
    require_independent,
)

if TYPE_CHECKING:
    from cityrights.core.models import User


def add_condition(
    assessment: ImpactAssessment,
    actor: User,
    *,
    text: str,
    owner: str = "",
    due: date | None = None,
) -> Condition:
    """A condition is part of the decision: nobody who took part in the version sets one."""
    require_capability(actor, assessment, "review")
    if assessment.status not in {Status.UNDER_REVIEW, Status.DECIDED}:
        raise ImpactError(_("Conditions are set during or after the review."), 409)
    require_independent(actor, contributors_of(assessment), _("set its conditions"))
    if not text.strip():
        raise ImpactError(_("Write the condition."), 422, "text")
    with transaction.atomic():
        condition = Condition.objects.create(
            assessment=assessment,
            text=text.strip(),
            owner=owner.strip(),
            due=due,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="create",
            obj=condition,
            changes={"owner": condition.owner, "due": due},
        )
    return condition


def close_condition(condition: Condition, actor: User, note: str) -> Condition:
    """Record that a condition is met and how; the note is required."""
    assessment = condition.assessment
    held = held_capabilities(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow this change."), 403)
    if not note.strip():
        raise ImpactError(_("Say how the condition was met."), 422, "closing_note")
    with transaction.atomic():
        locked = Condition.objects.select_for_update().get(pk=condition.pk)
        if locked.closed_at is not None:
            raise ImpactError(_("This condition is already closed."), 409)
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.closing_note = note.strip()
        locked.save()
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="close",
            obj=locked,
            changes={"closed_at": locked.closed_at},
        )
    return locked


def add_comment(assessment: ImpactAssessment, actor: User, section: str, body: str) -> Comment:
    held = held_capabilities(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow comments."), 403)
    sections = {s.key for s in assessment.template.template.sections}
    if section and section not in sections:
        raise ImpactError(_("Unknown section."), 422, "section")
    if not body.strip():
        raise ImpactError(_("Write a comment."), 422, "body")
    with transaction.atomic():
        comment = Comment.objects.create(
            assessment=assessment, section=section, author=actor, body=body.strip()
        )
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="comment",
            obj=assessment,
            changes={"section": section or "general"},
        )
    return comment
