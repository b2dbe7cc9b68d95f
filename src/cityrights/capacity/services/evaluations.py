"""Module evaluation: anonymous before/after self-ratings, kept like survey answers."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cityrights.core.models import User

from .. import anonymity, selectors
from ..errors import CapacityError
from ..models import (
    EvaluationGiven,
    EvaluationPhase,
    EvaluationRating,
    Module,
    ProgrammeStatus,
)

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
