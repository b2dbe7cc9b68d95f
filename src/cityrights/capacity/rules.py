"""Which certificate a participant is due, and what to change to get there.

The rule, written once: a kind of certificate is due when the number of *distinct*
modules of the programme a person attended lies between the rule's bounds; when two
kinds' rules hold, completion outranks attendance (the programme's rules are checked
not to overlap, so with valid rules at most one holds). The Tirana pilot's rules are the
default: completion for three modules or more, attendance for exactly two.

:func:`plan` compares what a person holds with what is due and returns the changes:
nothing when they agree (so recomputing is idempotent), otherwise revoke what is held
(with the reason) and issue what is due. Pure functions, property-tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

COMPLETION = "completion"
ATTENDANCE = "attendance"
KIND_ORDER = (COMPLETION, ATTENDANCE)  # completion outranks attendance

Reason = Literal["superseded", "downgraded", "not_due"]


@dataclass(frozen=True)
class Rule:
    kind: str
    min_modules: int
    max_modules: int | None = None  # None: no upper bound

    def holds(self, modules: int) -> bool:
        return modules >= self.min_modules and (
            self.max_modules is None or modules <= self.max_modules
        )


DEFAULT_RULES = (Rule(COMPLETION, 3), Rule(ATTENDANCE, 2, 2))


def rules_of(programme: Any) -> tuple[Rule, ...]:
    """The rules of a programme (a model instance with ``rules``) as plain values."""
    return tuple(Rule(r.kind, r.min_modules, r.max_modules) for r in programme.rules.all())


def due(rules: Iterable[Rule], modules: int) -> str | None:
    """The kind of certificate ``modules`` distinct modules earn, or None."""
    by_kind = {rule.kind: rule for rule in rules}
    for kind in KIND_ORDER:
        rule = by_kind.get(kind)
        if rule is not None and rule.holds(modules):
            return kind
    return None


@dataclass(frozen=True)
class Change:
    action: Literal["issue", "revoke"]
    kind: str
    reason: Reason | None = None


def plan(held: str | None, rules: Sequence[Rule], modules: int) -> list[Change]:
    """What to do so that a person holding ``held`` (a kind or None) holds what is due.

    Revocation comes first, with the reason: ``superseded`` when a higher kind is now
    due, ``downgraded`` when a lower one is, ``not_due`` when none is.
    """
    wanted = due(rules, modules)
    if wanted == held:
        return []
    changes: list[Change] = []
    if held is not None:
        if wanted is None:
            reason: Reason = "not_due"
        elif KIND_ORDER.index(wanted) < KIND_ORDER.index(held):
            reason = "superseded"
        else:
            reason = "downgraded"
        changes.append(Change("revoke", held, reason))
    if wanted is not None:
        changes.append(Change("issue", wanted))
    return changes
