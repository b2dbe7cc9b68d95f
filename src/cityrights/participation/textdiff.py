"""What changed between two versions of a draft, word by word and section by section.

Readers compare versions in the browser without any script: each changed section shows
its text once, with added words in ``<ins>`` and removed ones in ``<del>`` (marked in words
for screen readers as well as by underline and strike-through, never by colour alone).
Sections are matched by their ``key``, which stays the same in every version.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Op = Literal["same", "added", "removed"]
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def word_diff(old: str, new: str) -> list[Piece]:
    """Pieces whose ``same`` + ``removed`` give ``old`` and ``same`` + ``added`` give ``new``."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    pieces: list[Piece] = []

    def put(op: Op, words: Sequence[str]) -> None:
        text = "".join(words)
        if not text:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        else:
            pieces.append(Piece(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            put("same", a[i1:i2])
        else:
            put("removed", a[i1:i2])
            put("added", b[j1:j2])
    return pieces


SectionChange = Literal["added", "removed", "changed", "same"]


@dataclass(frozen=True)
class SectionDiff:
    key: str
    change: SectionChange
    heading: list[Piece]
    body: list[Piece]


def section_diff(
    old: Mapping[str, tuple[str, str]], new: Mapping[str, tuple[str, str]], order: Sequence[str]
) -> list[SectionDiff]:
    """Per section key (in ``order``): ``(heading, body)`` before and after, compared."""
    result = []
    for key in order:
        before, after = old.get(key), new.get(key)
        if before is None and after is None:
            continue
        if before is None:
            assert after is not None
            change: SectionChange = "added"
        elif after is None:
            change = "removed"
        else:
            change = "same" if before == after else "changed"
        b_heading, b_body = before or ("", "")
        a_heading, a_body = after or ("", "")
        result.append(
            SectionDiff(key, change, word_diff(b_heading, a_heading), word_diff(b_body, a_body))
        )
    return result
