"""The seven citizen roles of the data-initiatives catalogue, read from ``content/roles.yaml``.

The explanations are content, not interface strings: they are longer than a label, written
in the project's own words, and carry all three languages in the file, like the other
content files (``core.datafiles``). The keys must be those of ``models.CitizenRole``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cityrights.core.datafiles import DataFileError, Problem, Text, read_yaml

from .models import CitizenRole

ROLES_FILE = Path(__file__).resolve().parent / "content" / "roles.yaml"


class RolesFileError(DataFileError):
    pass


@dataclass(frozen=True)
class RoleText:
    key: str
    title: Text
    explanation: Text


@cache
def roles() -> tuple[RoleText, ...]:
    """The roles in the typology's order, with their texts in every language."""
    data = read_yaml(str(ROLES_FILE), ROLES_FILE.read_text(encoding="utf-8"), RolesFileError)
    items = tuple(
        RoleText(item["key"], Text(item["title"]), Text(item["explanation"]))
        for item in data["roles"]
    )
    keys = [item.key for item in items]
    if keys != list(CitizenRole.values):
        raise RolesFileError(
            str(ROLES_FILE),
            [Problem("roles", f"the roles must be {list(CitizenRole.values)}, not {keys}")],
        )
    return items
