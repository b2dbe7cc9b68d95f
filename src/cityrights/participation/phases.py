"""The one rule of a consultation's life cycle: which phase may follow which.

Phases go forward (preparing → open questions → draft discussion → closed → final text
published) and may skip a phase the city does not hold (a consultation without open
questions goes straight to discussion). The officer may step back one phase to reopen,
except from the published final text, and never back to preparation once someone took part:
that would hide their contributions. The final phase needs a published final text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import PHASE_ORDER, Phase


@dataclass(frozen=True)
class PhaseRefused(Exception):
    message: str

    def __str__(self) -> str:
        return self.message


def check_move(
    current: str, target: str, *, has_final_version: bool, has_contributions: bool
) -> None:
    """Raise :class:`PhaseRefused` unless a consultation in ``current`` may move to ``target``."""
    if target not in PHASE_ORDER:
        raise PhaseRefused(_("There is no such phase."))
    if target == current:
        raise PhaseRefused(_("The consultation is already in this phase."))
    if current == Phase.FINAL:
        raise PhaseRefused(_("The final text is published; the consultation has ended."))
    if target == Phase.FINAL and not has_final_version:
        raise PhaseRefused(_("Publish a final version of the text before this phase."))
    if target == Phase.PREPARING and has_contributions:
        raise PhaseRefused(
            _("People have taken part; the consultation cannot go back into preparation.")
        )
    if PHASE_ORDER.index(target) < PHASE_ORDER.index(current) - 1:
        raise PhaseRefused(_("A consultation can only go back one phase at a time."))


def allowed_moves(current: str, *, has_final_version: bool, has_contributions: bool) -> list[str]:
    moves = []
    for target in PHASE_ORDER:
        try:
            check_move(
                current,
                target,
                has_final_version=has_final_version,
                has_contributions=has_contributions,
            )
        except PhaseRefused:
            continue
        moves.append(target)
    return moves
