"""Attendance from a spreadsheet (CSV): parsed whole, every problem located, nothing partial.

A trainer who kept a paper list, or an online meeting tool's export, gives a CSV with a
header row and the columns ``email`` and ``present`` (and ``session``, the session's
number, when one file covers several sessions). The parser reads every row and either
returns all of them or raises :class:`ImportProblems` listing each row, column and
problem; the caller then writes all rows in one transaction or none.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first person
row 2. ``present`` is read in the three languages of the interface (yes/oui/ja, no/non/
nee, and 1/0, x, present/absent); an empty cell is a problem, not an absence, because a
forgotten tick must not silently cost someone a certificate.

Pure Python: no database, so every rule is tested without one. The problems are written in
the active language (the officer's page, or the API request's ``Accept-Language``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5_000
COLUMNS = ("session", "email", "present")

YES = frozenset({"yes", "y", "true", "1", "x", "present", "oui", "o", "ja", "j", "aanwezig"})
NO = frozenset({"no", "n", "false", "0", "absent", "non", "nee", "afwezig"})


@dataclass(frozen=True)
class Problem:
    row: int  # 1 is the header
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)d, column %(column)s: %(problem)s") % {
                "row": self.row,
                "column": self.column,
                "problem": self.message,
            }
        return _("row %(row)d: %(problem)s") % {"row": self.row, "problem": self.message}


class ImportProblems(ValueError):
    """The file cannot be imported; ``problems`` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:10])
        more = len(self.problems) - 10
        rest = _("; … and %(count)d more") % {"count": more} if more > 0 else ""
        super().__init__(shown + rest)


@dataclass(frozen=True)
class Row:
    row: int
    session: int | None  # None: the session the file was given for
    email: str
    present: bool


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        message = _("the file is larger than %(size)d KB") % {"size": MAX_BYTES // 1024}
        raise ImportProblems([Problem(0, "", message)])
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblems([Problem(0, "", _("the file is not text (save it as CSV, UTF-8)"))])


def parse(data: bytes, *, session_required: bool) -> list[Row]:
    """Every row of an attendance CSV, or :class:`ImportProblems` naming each problem.

    With ``session_required`` (one file for a whole programme) the ``session`` column
    must be there and filled in; otherwise it may be absent and every row is for the
    session the file is imported into.
    """
    text = _decode(data)
    sample = text[:2048]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportProblems([Problem(1, "", _("the file is empty"))]) from None
    except csv.Error as error:
        message = _("not a readable CSV file: %(error)s") % {"error": error}
        raise ImportProblems([Problem(1, "", message)]) from error
    names = [name.strip().lower() for name in header]
    problems: list[Problem] = []
    for column in ("email", "present", *(("session",) if session_required else ())):
        if column not in names:
            problems.append(Problem(1, column, _("this column is missing")))
    unknown = [n for n in names if n and n not in COLUMNS]
    for name in unknown:
        problems.append(
            Problem(
                1,
                name,
                _("unknown column; the columns are %(columns)s") % {"columns": ", ".join(COLUMNS)},
            )
        )
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    for name in duplicated:
        problems.append(Problem(1, name, _("this column appears twice")))
    if problems:
        raise ImportProblems(problems)
    index = {name: position for position, name in enumerate(names)}
    rows: list[Row] = []
    seen: dict[tuple[int | None, str], int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(
                    Problem(number, "", _("more than %(limit)d rows") % {"limit": MAX_ROWS})
                )
                break
            row = _row(number, cells, index, problems)
            if row is None:
                continue
            key = (row.session, row.email)
            if key in seen:
                problems.append(
                    Problem(
                        number,
                        "email",
                        _("%(email)s is already on row %(row)d")
                        % {"email": row.email, "row": seen[key]},
                    )
                )
                continue
            seen[key] = number
            rows.append(row)
    except csv.Error as error:
        message = _("not a readable CSV line: %(error)s") % {"error": error}
        problems.append(Problem(reader.line_num, "", message))
    if problems:
        raise ImportProblems(problems)
    if not rows:
        raise ImportProblems([Problem(2, "", _("the file has a header but no people"))])
    return rows


def _cell(cells: Sequence[str], index: dict[str, int], name: str) -> str:
    position = index.get(name)
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


def _row(
    number: int, cells: Sequence[str], index: dict[str, int], problems: list[Problem]
) -> Row | None:
    before = len(problems)
    email = _cell(cells, index, "email").lower()
    if not email:
        problems.append(Problem(number, "email", _("empty")))
    elif "@" not in email or " " in email or len(email) > 254:
        problems.append(
            Problem(number, "email", _("“%(value)s” is not an e-mail address") % {"value": email})
        )
    present_text = _cell(cells, index, "present").lower()
    present = present_text in YES
    if not present_text:
        problems.append(Problem(number, "present", _("empty: write yes or no")))
    elif present_text not in YES | NO:
        problems.append(
            Problem(number, "present", _("“%(value)s”: write yes or no") % {"value": present_text})
        )
    session: int | None = None
    if "session" in index:
        session_text = _cell(cells, index, "session").lstrip("#")
        if not session_text:
            problems.append(Problem(number, "session", _("empty: write the session’s number")))
        elif not session_text.isdigit():
            problems.append(
                Problem(
                    number, "session", _("“%(value)s” is not a number") % {"value": session_text}
                )
            )
        else:
            session = int(session_text)
    if len(problems) > before:
        return None
    return Row(number, session, email, present)
