"""What every impact step checks before it writes, and the error it refuses with.

``ImpactError`` is the impact app's ``ServiceError``; the helpers check the person's
capability on the assessment's city, that the assessment is still a draft, and who wrote it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from cityrights.core.errors import ServiceError
from cityrights.core.permissions import capabilities

from ..models import ImpactAssessment, Status
from ..workflow import TransitionRefused

if TYPE_CHECKING:
    from cityrights.core.models import User


STATUS_FOR_CODE = {"unknown": 422, "forbidden": 403, "conflict": 409}


class ImpactError(ServiceError):
    """A refused change to an impact assessment (see :mod:`cityrights.core.errors`)."""

    @classmethod
    def from_refusal(cls, refusal: TransitionRefused, field: str | None = None) -> ImpactError:
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


def is_author(actor: User, assessment: ImpactAssessment) -> bool:
    return actor.pk == assessment.author_id
