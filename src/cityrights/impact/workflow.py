"""The review workflow of an impact assessment as plain data and pure functions.

An assessment moves ``draft → submitted → under_review → decided``. A reviewer may send
it back to ``draft`` (changes needed) from ``submitted`` or ``under_review``; the project
lead may withdraw a submitted assessment; a decided assessment can be reopened as a new
draft for its reassessment. Everything else is refused.

The *four-eyes rule* lives here too: the person who decides (or takes the assessment
under review) is never its author. Views, the API and services all ask these functions,
so the rule has one implementation and one set of tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

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
    author_may: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", (Status.DRAFT,), Status.SUBMITTED, "edit"),
        Transition("withdraw", (Status.SUBMITTED,), Status.DRAFT, "edit"),
        Transition("start_review", (Status.SUBMITTED,), Status.UNDER_REVIEW, "review", False),
        Transition(
            "return",
            (Status.SUBMITTED, Status.UNDER_REVIEW),
            Status.DRAFT,
            "review",
            False,
        ),
        Transition("decide", (Status.UNDER_REVIEW,), Status.DECIDED, "review", False),
        Transition("reopen", (Status.DECIDED,), Status.DRAFT, "edit"),
    )
}


class TransitionRefused(Exception):
    """A move the workflow does not allow; ``code`` tells the API which 4xx to answer."""

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
    is_author: bool,
) -> Status:
    """Return the target status of transition ``name`` or raise :class:`TransitionRefused`.

    ``code`` is ``"unknown"`` (422), ``"forbidden"`` (403) or ``"conflict"`` (409), so an
    API can answer precisely and a page can show the message as it is.
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
    if not transition.author_may and is_author:
        raise TransitionRefused(
            _(
                "The author of an assessment cannot review or decide on it; "
                "another reviewer has to do this."
            ),
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
