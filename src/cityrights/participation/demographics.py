"""Who took part, in aggregate only: counts per group with small groups suppressed.

A group of fewer than five people is not shown, so nobody can be picked out of a
consultation's figures. Hiding one small group is not enough when the total is shown (the
total minus the others gives it back), so when exactly one group is suppressed the next
smallest is suppressed with it (complementary suppression). A total under five hides
everything. Property tests in ``tests/participation`` hold these rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Suppressed:
    """Counts per group (``None`` = suppressed) and the total (``None`` when under five)."""

    counts: dict[str, int | None]
    total: int | None

    def share(self, group: str) -> float | None:
        """The group's share of the total in per cent, when both are shown."""
        count = self.counts.get(group)
        if count is None or not self.total:
            return None
        return 100.0 * count / self.total


def suppress(
    counts: Mapping[str, int], total: int | None = None, *, threshold: int = THRESHOLD
) -> Suppressed:
    """Suppress the groups of ``counts`` that could single someone out.

    ``total`` defaults to the sum of the counts (pass it for questions with several
    answers per person, where the counts add up to more than the people).
    """
    if any(value < 0 for value in counts.values()):
        raise ValueError("Counts cannot be negative.")
    people = sum(counts.values()) if total is None else total
    if people < threshold:
        return Suppressed(dict.fromkeys(counts), None)
    shown: dict[str, int | None] = {
        group: (None if 0 < value < threshold else value) for group, value in counts.items()
    }
    hidden = [group for group, value in shown.items() if value is None]
    if len(hidden) == 1:
        candidates = sorted(
            (value, group) for group, value in counts.items() if shown[group] is not None and value
        )
        if candidates:
            shown[candidates[0][1]] = None
        else:
            return Suppressed(dict.fromkeys(counts), None)
    return Suppressed(shown, people)
