"""The review workflow of an impact assessment as plain data and pure functions.

An assessment moves ``draft → submitted → under_review → decided``. A reviewer may send
it back to ``draft`` (changes needed) from ``submitted`` or ``under_review``; the project
lead may withdraw a submitted assessment; a decided assessment can be reopened as a new
draft for its reassessment. Everything else is refused.

The *four-eyes rule* is applied here too: whoever took part in the version being decided
(``took_part``: how they did, as recorded through :mod:`cityrights.core.duties`) may not
take it under review, return it or decide it, whatever their role. Views, the API and
services all ask these functions, so the rule has one implementation and one set of tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityrights.core.duties import CODE as SEPARATION_OF_DUTIES
from cityrights.core.duties import refusal_message

if TYPE_CHECKING:
    from django.utils.functional import Promise

__all__ = [
    "CONDITIONS_REQUIRED",
    "TRANSITIONS",
    "Decision",
    "Status",
    "TransitionRefused",
    "check_decision",
    "check_transition",
]


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    DECIDED = "decided"


class Decision(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    ON_HOLD = "on_hold"
    REJECT = "reject"


# Decisions that only make sense with at least one condition to meet.
CONDITIONS_REQUIRED: frozenset[Decision] = frozenset(
    {Decision.APPROVE_WITH_CONDITIONS, Decision.ON_HOLD}
)


@dataclass(frozen=True)
class Transition:
    """One allowed move: its name, where from, where to and the capability it needs."""

    name: str
    source: tuple[Status, ...]
    target: Status
    capability: str
    # What "someone else has to …" when the step is refused to contributors, else "".
    independent: str | Promise = ""


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", (Status.DRAFT,), Status.SUBMITTED, "edit"),
        Transition("withdraw", (Status.SUBMITTED,), Status.DRAFT, "edit"),
        Transition(
            "start_review",
            (Status.SUBMITTED,),
            Status.UNDER_REVIEW,
            "review",
            gettext_lazy("take it under review"),
        ),
        Transition(
            "return",
            (Status.SUBMITTED, Status.UNDER_REVIEW),
            Status.DRAFT,
            "review",
            gettext_lazy("return it for changes"),
        ),
        Transition(
            "decide",
            (Status.UNDER_REVIEW,),
            Status.DECIDED,
            "review",
            gettext_lazy("decide on it"),
        ),
        Transition("reopen", (Status.DECIDED,), Status.DRAFT, "edit"),
    )
}


class TransitionRefused(Exception):
    """A move the workflow does not allow; ``code`` tells the API which 4xx to answer
    (``separation_of_duties`` is a 403 of its own)."""

    def __init__(self, message: str, code: str = "conflict", field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0])


def check_transition(
    name: str,
    status: str,
    *,
    capabilities: frozenset[str] | set[str],
    took_part: frozenset[str] | set[str] = frozenset(),
) -> Status:
    """Return the target status of transition ``name`` or raise :class:`TransitionRefused`.

    ``took_part`` is how the person took part in the version under way (kinds of
    :data:`cityrights.core.duties.Kind`; empty when they did not). ``code`` is
    ``"unknown"`` (422), ``"forbidden"`` (403), ``"separation_of_duties"`` (403) or
    ``"conflict"`` (409), so an API can answer precisely and a page can show the message.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused(
            _("There is no step called '%(name)s'.") % {"name": name}, "unknown"
        )
    if transition.capability not in capabilities:
        raise TransitionRefused(
            _("Your role does not allow the step '%(name)s'.") % {"name": name},
            "forbidden",
        )
    try:
        current = Status(status)
    except ValueError as error:
        raise TransitionRefused(
            _("Unknown status '%(status)s'.") % {"status": status}, "conflict"
        ) from error
    if current not in transition.source:
        allowed = ", ".join(s.value for s in transition.source)
        raise TransitionRefused(
            _("The step '%(name)s' is possible only from the status %(allowed)s, not from %(now)s.")
            % {"name": name, "allowed": allowed, "now": current.value},
            "conflict",
        )
    if transition.independent and took_part:
        raise TransitionRefused(
            refusal_message(took_part, transition.independent), SEPARATION_OF_DUTIES
        )
    return transition.target


def check_decision(decision: str, reasons: str, conditions: int) -> Decision:
    """Validate a decision's content: a known value, reasons, and conditions where needed."""
    try:
        value = Decision(decision)
    except ValueError as error:
        choices = ", ".join(d.value for d in Decision)
        raise TransitionRefused(
            _("'%(decision)s' is not a decision; choose one of %(choices)s.")
            % {"decision": decision, "choices": choices},
            "unknown",
            "decision",
        ) from error
    if not reasons.strip():
        raise TransitionRefused(_("Give the reasons for the decision."), "unknown", "reasons")
    if value in CONDITIONS_REQUIRED and conditions < 1:
        raise TransitionRefused(
            _("This decision needs at least one condition that must be met."),
            "unknown",
            "conditions",
        )
    return value
