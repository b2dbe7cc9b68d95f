"""What every impact step checks before it writes, and the error it refuses with.

``ImpactError`` is the impact app's ``ServiceError``; the helpers check the person's
capability on the assessment's city, that the assessment is still a draft, and who took
part in the version being decided (separation of duties, :mod:`cityrights.core.duties`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from cityrights.core import duties
from cityrights.core.errors import ServiceError
from cityrights.core.permissions import capabilities

from ..models import DecisionRecord, ImpactAssessment, PublicSummary, Status
from ..workflow import TransitionRefused

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db import models

    from cityrights.core.models import User


STATUS_FOR_CODE = {"unknown": 422, "forbidden": 403, "conflict": 409}


class ImpactError(ServiceError):
    """A refused change to an impact assessment (see :mod:`cityrights.core.errors`)."""

    @classmethod
    def from_refusal(cls, refusal: TransitionRefused, field: str | None = None) -> ImpactError:
        if refusal.code == duties.CODE:
            return cls(refusal.message, 403, field, code=duties.CODE)
        return cls(refusal.message, STATUS_FOR_CODE.get(refusal.code, 409), field)


def held_capabilities(actor: User, assessment: ImpactAssessment) -> frozenset[str]:
    return capabilities(actor, assessment.organisation)


def require_capability(actor: User, assessment: ImpactAssessment, capability: str) -> None:
    if capability not in held_capabilities(actor, assessment):
        raise ImpactError(_("Your role does not allow this change."), 403)


def require_draft(assessment: ImpactAssessment) -> None:
    if assessment.status != Status.DRAFT:
        raise ImpactError(
            _(
                "Only a draft can be changed; this assessment is %(status)s. "
                "Ask the reviewer to return it, or reopen it for a reassessment."
            )
            % {"status": assessment.get_status_display().lower()},
            409,
        )


# --- Separation of duties -------------------------------------------------------------------
#
# A version of an assessment runs from its creation, or from the previous decision, to the
# next decision: returning it for changes and changing it again stay in the same version.


def duty_version(assessment: ImpactAssessment) -> int:
    """The version a change goes into now: decisions taken so far + 1."""
    return DecisionRecord.objects.filter(assessment_id=assessment.pk).count() + 1


def decision_version(assessment: ImpactAssessment) -> int:
    """The version the pending decision, or the latest one taken, is about.

    While the assessment is not decided, the version under way; once decided, the version
    that decision closed (a change made afterwards goes into the next one, the reassessment).
    The public summary and conditions set after the decision belong to the decided version.
    """
    version = duty_version(assessment)
    return version - 1 if assessment.status == Status.DECIDED else version


def took_part(
    assessment: ImpactAssessment,
    actor: User | AnonymousUser | None,
    kind: str,
    *,
    obj: models.Model | None = None,
    version: int | None = None,
) -> None:
    """Record ``actor``'s part in the assessment's version under way (or in ``obj``'s)."""
    duties.record(
        organisation=assessment.organisation,
        obj=obj if obj is not None else assessment,
        version=version if version is not None else duty_version(assessment),
        actor=actor,
        kind=kind,
    )


def contributors_of(assessment: ImpactAssessment) -> duties.Contributors:
    """Everyone who took part in the version being decided (or decided last).

    Recorded by the services, never read from the "project lead" field: who created it,
    answered or changed any section, detail, risk or mitigation, submitted it, or was named
    its project lead, at any moment of the version (returned and changed again included).
    """
    return duties.contributors(obj=assessment, version=decision_version(assessment))


def summary_contributors(assessment: ImpactAssessment) -> duties.Contributors:
    """Who may not approve the public summary: the contributors to the decided version and
    everyone who wrote or changed the summary of that decision."""
    found = contributors_of(assessment)
    summary = PublicSummary.objects.filter(assessment_id=assessment.pk).first()
    if summary is not None:
        found |= duties.contributors(obj=summary, version=decision_version(assessment))
        # The text may come from before the last reopening: whoever last wrote it stays out.
        found |= duties.Contributors.of([(summary.written_by_id, duties.Kind.EDITED)])
    return found


def require_independent(actor: User, found: duties.Contributors, decision: str) -> None:
    """Refuse (403 ``separation_of_duties``) anyone in ``found``, whatever their role."""
    duties.require_independent(
        decider=actor, contributors=found, decision=decision, refuse_with=ImpactError
    )
