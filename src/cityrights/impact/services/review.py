"""The review workflow: submitting, reviewing and deciding, and the reassessment date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit, duties

from ..models import Comment, Condition, DecisionRecord, ImpactAssessment, Status
from ..workflow import TransitionRefused, check_decision, check_transition
from .assessments import missing_answers
from .refusals import (
    ImpactError,
    contributors_of,
    duty_version,
    held_capabilities,
    require_capability,
    took_part,
)

if TYPE_CHECKING:
    from cityrights.core.models import User


def transition(
    assessment: ImpactAssessment, actor: User, name: str, *, note: str = ""
) -> ImpactAssessment:
    """Submit, withdraw, take under review, return for changes or reopen an assessment.

    Deciding has its own function (:func:`decide`) because it carries content. Taking
    under review and returning are refused to everyone who took part in the version
    (separation of duties); submitting makes the person a contributor, and reopening
    starts the next version, led by the project lead.
    """
    if name == "decide":
        raise ImpactError(_("Use the decision form to decide."), 422)
    with transaction.atomic():
        locked = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        try:
            target = check_transition(
                name,
                locked.status,
                capabilities=held_capabilities(actor, locked),
                took_part=contributors_of(locked).kinds_of(actor),
            )
        except TransitionRefused as refusal:
            raise ImpactError.from_refusal(refusal) from refusal
        if name == "submit":
            missing = missing_answers(locked)
            if missing:
                raise ImpactError(
                    _("%(n)d required question(s) have no answer yet.") % {"n": len(missing)}, 409
                )
            if not locked.risks.exists():
                raise ImpactError(
                    _("Record at least one risk, even a low one, before submitting."), 409
                )
        if name == "return" and not note.strip():
            raise ImpactError(_("Say what has to change."), 422, "note")
        before = locked.status
        locked.status = target
        update = ["status", "updated_at"]
        if name == "submit":
            locked.submitted_at = timezone.now()
            update.append("submitted_at")
        if name == "start_review":
            locked.reviewer = actor
            update.append("reviewer")
        if name in {"return", "withdraw"}:
            locked.reviewer = None
            update.append("reviewer")
        if name == "reopen":
            locked.decision = ""
            locked.decided_by = None
            locked.decided_at = None
            locked.reviewer = None
            update += ["decision", "decided_by", "decided_at", "reviewer"]
        locked.save(update_fields=update)
        if name == "submit":
            took_part(locked, actor, duties.Kind.SUBMITTED)
        if name == "reopen":  # the reassessment is a new version: who reopened and who leads it
            version = duty_version(locked)
            took_part(locked, actor, duties.Kind.CREATED, version=version)
            took_part(locked, locked.author, duties.Kind.LED, version=version)
        if note.strip():
            Comment.objects.create(assessment=locked, section="", author=actor, body=note.strip())
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action=name,
            obj=locked,
            changes={"status": {"from": before, "to": target.value}},
        )
    return locked


def decide(
    assessment: ImpactAssessment,
    actor: User,
    *,
    decision: str,
    reasons: str,
    conditions: Iterable[Mapping[str, Any]] = (),
    reassessment_due: date | None = None,
) -> ImpactAssessment:
    """Take the decision on an assessment under review; never by anyone who took part in
    the version decided, an administrator included (separation of duties)."""
    new_conditions = [dict(c) for c in conditions if str(c.get("text", "")).strip()]
    with transaction.atomic():
        locked = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        try:
            check_transition(
                "decide",
                locked.status,
                capabilities=held_capabilities(actor, locked),
                took_part=contributors_of(locked).kinds_of(actor),
            )
            open_conditions = locked.conditions.filter(closed_at__isnull=True).count()
            value = check_decision(decision, reasons, open_conditions + len(new_conditions))
        except TransitionRefused as refusal:
            raise ImpactError.from_refusal(refusal, refusal.field) from refusal
        if reassessment_due is not None and reassessment_due <= timezone.localdate():
            raise ImpactError(
                _("The reassessment date must lie in the future."), 422, "reassessment_due"
            )
        now = timezone.now()
        locked.status = Status.DECIDED
        locked.decision = value.value
        locked.decision_reasons = reasons.strip()
        locked.decided_by = actor
        locked.decided_at = now
        if reassessment_due is not None:
            locked.reassessment_due = reassessment_due
        locked.save()
        for item in new_conditions:
            Condition.objects.create(
                assessment=locked,
                text=str(item["text"]).strip(),
                owner=str(item.get("owner") or "").strip(),
                due=item.get("due"),
                created_by=actor,
            )
        DecisionRecord.objects.create(
            assessment=locked,
            decision=value.value,
            reasons=locked.decision_reasons,
            decided_by=actor,
            decided_at=now,
            reassessment_due=locked.reassessment_due,
        )
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="decide",
            obj=locked,
            changes={
                "decision": value.value,
                "conditions": len(new_conditions),
                "reassessment_due": locked.reassessment_due,
            },
        )
    return locked


def set_reassessment(assessment: ImpactAssessment, actor: User, due: date | None) -> None:
    require_capability(actor, assessment, "review")
    if due is not None and due <= timezone.localdate():
        raise ImpactError(
            _("The reassessment date must lie in the future."), 422, "reassessment_due"
        )
    with transaction.atomic():
        before = assessment.reassessment_due
        assessment.reassessment_due = due
        assessment.save(update_fields=["reassessment_due", "updated_at"])
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=assessment,
            changes={"reassessment_due": {"from": before, "to": due}},
        )
