"""The public summary: written by the project, approved by a reviewer, published.

Whoever wrote or changed the summary of a decision, and whoever took part in the version
decided, may not approve it (separation of duties); the person who decided may.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit, duties

from ..models import ImpactAssessment, PublicSummary
from .refusals import (
    ImpactError,
    decision_version,
    held_capabilities,
    require_capability,
    require_independent,
    summary_contributors,
    took_part,
)

if TYPE_CHECKING:
    from cityrights.core.models import User


def save_summary(assessment: ImpactAssessment, actor: User, text: str) -> PublicSummary:
    """Write or change the summary; a change withdraws approval and publication."""
    held = held_capabilities(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow this change."), 403)
    if not text.strip():
        raise ImpactError(_("Write the summary."), 422, "text")
    with transaction.atomic():
        summary = PublicSummary.objects.filter(assessment=assessment).first()
        changed = summary is None or summary.text != text.strip()
        if summary is None:
            summary = PublicSummary(assessment=assessment)
        was_public = summary.is_public
        summary.text = text.strip()
        summary.written_by = actor
        if changed:
            summary.approved_at = None
            summary.approved_by = None
            summary.published = False
            summary.published_at = None
        summary.save()
        if changed:
            took_part(
                assessment,
                actor,
                duties.Kind.EDITED,
                obj=summary,
                version=decision_version(assessment),
            )
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=summary,
            changes={"text_changed": changed, "withdrawn_from_public": was_public and changed},
        )
    return summary


def approve_summary(summary: PublicSummary, actor: User, *, publish: bool) -> PublicSummary:
    """A reviewer who took no part approves the summary and, if asked, publishes it."""
    assessment = summary.assessment
    require_capability(actor, assessment, "review")
    if not assessment.is_decided:
        raise ImpactError(_("A summary can be approved once the assessment is decided."), 409)
    require_independent(actor, summary_contributors(assessment), _("approve the summary"))
    with transaction.atomic():
        now = timezone.now()
        summary.approved_by = actor
        summary.approved_at = summary.approved_at or now
        summary.published = publish
        summary.published_at = now if publish else None
        summary.save()
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="publish" if publish else "approve",
            obj=summary,
            changes={"published": publish},
        )
    return summary


def unpublish_summary(summary: PublicSummary, actor: User) -> PublicSummary:
    require_capability(actor, summary.assessment, "review")
    with transaction.atomic():
        summary.published = False
        summary.published_at = None
        summary.save(update_fields=["published", "published_at", "updated_at"])
        audit.record(
            actor=actor,
            organisation=summary.assessment.organisation,
            action="unpublish",
            obj=summary,
            changes={"published": False},
        )
    return summary
