"""Bulk import of an inventory spreadsheet (CSV or XLSX) into validated register entries.

Why it collects every problem instead of stopping at the first: a department bootstrapping its
inventory fixes a spreadsheet in one go when the report lists each row, column and problem.
The parser never returns a partial result: if any problem is found, ``rows`` is empty. Saving
everything in one transaction (or nothing) is the caller's job.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first entry row 2.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from cityrights.core import vocab
from cityrights.register.records import (
    ALGORITHM_TEXTS,
    ALGORITHM_TYPES,
    AUTOMATION_LEVELS,
    CONTENT_LANGUAGES,
    DOMAINS,
    ENTRY_KINDS,
    EXPORT_ONLY_HEADERS,
    RISK_LEVELS,
    STATUSES,
    TEMPLATE_HEADERS,
    THEMATIC_AREAS,
    TRANSLATED_COLUMNS,
    USE_TYPES,
    DepartmentData,
    EntryData,
    LocationData,
    check_coordinates,
)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5_000
MAX_CELL_CHARS = 10_000
MAX_NAME_CHARS = 200
MAX_SUMMARY_CHARS = 2_000
#: The longest text about an algorithm (the Dutch Algoritmeregister's limit for such texts).
MAX_ALGORITHM_TEXT_CHARS = 2_500

REQUIRED_HEADERS: tuple[str, ...] = (
    "name",
    "kind",
    "summary",
    "purposes",
    "department",
    "contact",
    "status",
    "risk_level",
)
#: Texts a row may give per language in columns such as ``name_fr`` or ``summary_nl`` (the plain
#: column holds the city's first language). The places' descriptions per language come in
#: ``locations_fr`` and the like, which must list the points of ``locations`` in the same order
#: (as the export writes them): see ``_Row.places``.
TEXT_COLUMNS: tuple[str, ...] = tuple(name for name in TRANSLATED_COLUMNS if name != "locations")
_TEXT_LIMITS = {
    "name": MAX_NAME_CHARS,
    "summary": MAX_SUMMARY_CHARS,
    **dict.fromkeys(ALGORITHM_TEXTS, MAX_ALGORITHM_TEXT_CHARS),
}
_LANGUAGE_COLUMN = re.compile(r"^(?P<text>[a-z_]+?)_(?P<code>[a-z]{2,3})$")

#: The example row's values that are codes, vocabulary terms, dates or addresses: the same in
#: every language (the texts are in :func:`template_example`).
_EXAMPLE_CODES: Mapping[str, str] = {
    "kind": "sensor",
    "purposes": "dpv:CombatClimateChange | dpv:ImprovePublicServices",
    "contact": "environment@example.org",
    "status": "in_use",
    "start_date": "2024-03-01",
    "automation_level": "none",
    "risk_level": "low",
    "dataset_urls": "https://data.example.org/air-quality",
    "thematic_areas": "public_goods | transparency",
}


def template_example(department: str = "") -> dict[str, str]:
    """The template's example row, written as an editor would fill it in, with its texts in
    the active language: the staff page asks in the city's first language, the language of
    the plain columns, and names one of the city's departments, so that the example imports
    as it is."""
    places = (
        ("52.3731,4.8926", _("Dam Square, north side")),
        ("52.3600,4.8852", _("Museum Square")),
    )
    return {
        **_EXAMPLE_CODES,
        "name": _("Air quality sensors in the city centre"),
        "summary": _(
            "Small boxes on lamp posts measure fine dust and nitrogen dioxide every minute. "
            "They do not record people."
        ),
        "department": department or _("Environment"),
        "retention": _("Measurements are kept for 10 years as open data."),
        "impact_assessment_status": _("Not needed: no personal data."),
        "locations": "; ".join(f"{point} ({text})" for point, text in places),
    }


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem: the spreadsheet row (None for the whole file), the column and what is wrong."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("File: %(problem)s") % {"problem": self.message}
        if self.column:
            return _("Row %(row)d, column “%(column)s”: %(problem)s") % {
                "row": self.row,
                "column": self.column,
                "problem": self.message,
            }
        return _("Row %(row)d: %(problem)s") % {"row": self.row, "problem": self.message}


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """A validated entry with the spreadsheet row it came from (for errors found when saving)."""

    row: int
    entry: EntryData


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Either rows (no issues) or issues (and no rows), never both."""

    rows: tuple[ImportedRow, ...] = ()
    issues: tuple[ImportIssue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def entries(self) -> tuple[EntryData, ...]:
        return tuple(imported.entry for imported in self.rows)


class CoordinateError(ValueError):
    """A locations cell that cannot be read; the message says which point and why."""


# --- Locations: "lat,lon (description); lat,lon" ---------------------------------------------

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_POINT = re.compile(
    rf"\s*(?P<lat>{_NUMBER})\s*,\s*(?P<lon>{_NUMBER})\s*(?:\((?P<desc>.*)\))?\s*", re.DOTALL
)


def location_syntax_help() -> str:
    """How to write points, in the active language."""
    return _(
        "Write points as “lat,lon (description)” separated by “;”, for example "
        "“52.3731,4.8926 (Dam Square)”."
    )


def _split_points(text: str) -> list[str]:
    """Split on ';' outside parentheses, so descriptions may contain ';'."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == ";" and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item for item in items if item.strip()]


def parse_point(item: str) -> LocationData:
    """One ``lat,lon (description)`` item; raises ``CoordinateError`` with a readable message."""
    match = _POINT.fullmatch(item)
    if match is None:
        raise CoordinateError(
            _("“%(item)s” is not a point.") % {"item": item.strip()} + " " + location_syntax_help()
        )
    lat, lon = float(match["lat"]), float(match["lon"])
    try:
        check_coordinates(lat, lon)
    except ValueError as error:
        raise CoordinateError(
            _("“%(item)s”: %(problem)s") % {"item": item.strip(), "problem": error}
        ) from None
    description = " ".join((match["desc"] or "").split())
    return LocationData(lat=lat, lon=lon, description=description)


def parse_locations(text: str) -> tuple[LocationData, ...]:
    """All points of a locations cell; every bad point is named in the error message."""
    points: list[LocationData] = []
    problems: list[str] = []
    for index, item in enumerate(_split_points(text or ""), start=1):
        try:
            points.append(parse_point(item))
        except CoordinateError as error:
            problems.append(
                _("point %(number)d: %(problem)s") % {"number": index, "problem": error}
            )
    if problems:
        raise CoordinateError("; ".join(problems))
    return tuple(points)


# --- Template ---------------------------------------------------------------------------------


def template_headers() -> list[str]:
    """The columns an inventory may have, in template order."""
    return list(TEMPLATE_HEADERS)


def template_csv(with_example: bool = True, *, example: Mapping[str, str] | None = None) -> str:
    """A CSV template: the header row and, optionally, one example row (``example``, or
    :func:`template_example`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    if with_example:
        example = example or template_example()
        writer.writerow([example.get(header, "") for header in TEMPLATE_HEADERS])
    return buffer.getvalue()


def template_xlsx(with_example: bool = True, *, example: Mapping[str, str] | None = None) -> bytes:
    """The same template as an Excel workbook."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Register entries")
    sheet.append(list(TEMPLATE_HEADERS))
    if with_example:
        example = example or template_example()
        sheet.append([example.get(header, "") for header in TEMPLATE_HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Cell readers -----------------------------------------------------------------------------

_MULTI_SPLIT = re.compile(r"[|\n]")
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
_GUARDED_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _unguard(value: str) -> str:
    """Undo the export's protection against spreadsheet formulas ('=... becomes =...)."""
    if len(value) > 1 and value[0] == "'" and value[1] in "".join(_GUARDED_PREFIXES):
        return value[1:]
    return value


def _cell_text(value: Any) -> str:
    """Cells from XLSX may be numbers or dates; everything is read as trimmed text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return _unguard(str(value).strip())


def _normalise_choice(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _is_url(value: str) -> bool:
    if any(char.isspace() for char in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "." in parts.netloc


class _Row:
    """Reads one spreadsheet row, recording every problem instead of raising."""

    def __init__(self, number: int, cells: Mapping[str, str]) -> None:
        self.number = number
        self.cells = cells
        self.issues: list[ImportIssue] = []

    def problem(self, column: str, message: str) -> None:
        self.issues.append(ImportIssue(self.number, column, message))

    def text(self, column: str, *, required: bool = False, limit: int = MAX_CELL_CHARS) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.problem(column, _("This field is required."))
        elif len(value) > limit:
            self.problem(
                column,
                _("Too long: %(length)d characters, at most %(limit)d.")
                % {"length": len(value), "limit": limit},
            )
        return value

    def choice(
        self, column: str, allowed: Sequence[str], *, required: bool = True, default: str = ""
    ) -> str:
        raw = self.cells.get(column, "")
        if not raw:
            if required:
                self.problem(
                    column,
                    _("This field is required; use one of: %(allowed)s.")
                    % {"allowed": ", ".join(allowed)},
                )
            return default
        value = _normalise_choice(raw)
        if value in allowed:
            return value
        close = difflib.get_close_matches(value, allowed, n=1)
        self.problem(
            column,
            _("“%(value)s” is not allowed; use one of: %(allowed)s.")
            % {"value": raw, "allowed": ", ".join(allowed)}
            + _did_you_mean(close),
        )
        return default

    def translations(self) -> dict[str, dict[str, str]]:
        """The texts of the per-language columns (``name_fr``), ``{text: {language: text}}``."""
        found: dict[str, dict[str, str]] = {}
        for name in TEXT_COLUMNS:
            limit = _TEXT_LIMITS.get(name, MAX_CELL_CHARS)
            for code in CONTENT_LANGUAGES:
                column = f"{name}_{code}"
                if column in self.cells:
                    found.setdefault(name, {})[code] = self.text(column, limit=limit)
        return found

    def domain(self, column: str) -> str:
        """A domain key (``housing``) or its value in the Eurocities standard."""
        raw = self.cells.get(column, "")
        by_value = {value.casefold(): key for key, value in DOMAINS.items()}
        found = by_value.get(" ".join(raw.split()).casefold())
        return found or self.choice(column, tuple(DOMAINS), required=False)

    def values(self, column: str) -> list[str]:
        raw = self.cells.get(column, "")
        seen: dict[str, None] = {}
        for part in _MULTI_SPLIT.split(raw):
            if part.strip():
                seen.setdefault(part.strip(), None)
        return list(seen)

    def terms(self, column: str, kind: str, *, required: bool = False) -> tuple[str, ...]:
        iris: dict[str, None] = {}
        values = self.values(column)
        if required and not values:
            self.problem(
                column, _("At least one value is required, for example “dpv:ServiceProvision”.")
            )
        for value in values:
            try:
                iris.setdefault(vocab.get_term(value, kind).iri, None)
            except vocab.UnknownTermError as error:
                self.problem(column, str(error))
        return tuple(iris)

    def date(self, column: str) -> date | None:
        raw = self.cells.get(column, "")
        if not raw:
            return None
        try:
            return date.fromisoformat(raw[:10] if "T" in raw or " " in raw else raw)
        except ValueError:
            self.problem(
                column,
                _("“%(value)s” is not a date; write it as YYYY-MM-DD, for example 2024-12-31.")
                % {"value": raw},
            )
            return None

    def url(self, column: str) -> str:
        value = self.cells.get(column, "")
        if value and not _is_url(value):
            self.problem(column, _not_a_web_address(value))
        return value

    def urls(self, column: str) -> tuple[str, ...]:
        urls = self.values(column)
        for value in urls:
            if not _is_url(value):
                self.problem(column, _not_a_web_address(value))
        return tuple(urls)

    def contact(self, column: str) -> str:
        value = self.text(column, required=True, limit=500)
        email = value
        if value.endswith(">") and "<" in value:
            email = value[value.rindex("<") + 1 : -1].strip()
        if value and not (_EMAIL.fullmatch(email) or _is_url(value)):
            self.problem(
                column,
                _(
                    "“%(value)s” is not an email address (“Name <email>” also works) or a web "
                    "address."
                )
                % {"value": value},
            )
        return value

    def areas(self, column: str) -> tuple[str, ...]:
        areas: list[str] = []
        for raw in self.values(column):
            value = _normalise_choice(raw)
            if value in THEMATIC_AREAS:
                areas.append(value)
            else:
                self.problem(
                    column,
                    _("“%(value)s” is not a thematic area; use: %(areas)s.")
                    % {"value": raw, "areas": ", ".join(THEMATIC_AREAS)},
                )
        return tuple(areas)

    def locations(self, column: str) -> tuple[LocationData, ...]:
        try:
            return parse_locations(self.cells.get(column, ""))
        except CoordinateError as error:
            self.problem(column, str(error))
            return ()

    def places(self) -> tuple[LocationData, ...]:
        """The points of ``locations``, each with its descriptions in the languages that have
        a ``locations_fr``-like column (``LocationData.descriptions``; the plain column's
        description is the city's first language, which such a column replaces).

        A point is matched by its position, as the export writes the columns, and its
        coordinates must be the same in both: a point is never given another place's
        description."""
        points = self.locations("locations")
        given: dict[str, tuple[LocationData, ...]] = {}
        for code in CONTENT_LANGUAGES:
            column = f"locations_{code}"
            if column not in self.cells:
                continue
            found = self.locations(column)
            if _has_issue(self, column) or _has_issue(self, "locations"):
                continue
            if len(found) != len(points):
                self.problem(
                    column,
                    _(
                        "This column and “locations” list different numbers of points "
                        "(%(here)d and %(there)d): give the same points in the same order, each "
                        "with its description in this language."
                    )
                    % {"here": len(found), "there": len(points)},
                )
                continue
            moved = next(
                (
                    number
                    for number, (point, base) in enumerate(zip(found, points, strict=True), 1)
                    if (point.lat, point.lon) != (base.lat, base.lon)
                ),
                None,
            )
            if moved is not None:
                self.problem(
                    column,
                    _(
                        "Point %(number)d is not where point %(number)d of “locations” is: "
                        "give the same points in the same order, each with its description in "
                        "this language."
                    )
                    % {"number": moved},
                )
                continue
            given[code] = found
        if not given:
            return points
        return tuple(
            replace(
                point,
                descriptions={code: found[index].description for code, found in given.items()},
            )
            for index, point in enumerate(points)
        )


def _did_you_mean(close: Sequence[str]) -> str:
    """``vocab.did_you_mean`` of the closest match, nothing without one."""
    return vocab.did_you_mean(close[0]) if close else ""


def _not_a_web_address(value: str) -> str:
    return _("“%(value)s” is not a web address starting with https://.") % {"value": value}


def _department(row: _Row, known: Mapping[str, str] | None) -> DepartmentData:
    name = row.text("department", required=True, limit=200)
    if name and known is not None:
        canonical = known.get(name.casefold())
        if canonical is None:
            close = difflib.get_close_matches(name, list(known.values()), n=1)
            row.problem(
                "department",
                _("Unknown department “%(name)s”.") % {"name": name} + _did_you_mean(close),
            )
        else:
            name = canonical
    return DepartmentData(name=name)


def _check_consistency(row: _Row, entry: EntryData) -> None:
    """Rules that involve several columns."""
    if entry.start_date and entry.end_date and entry.end_date < entry.start_date:
        row.problem("end_date", _("The end date is before the start date."))
    if entry.kind == "sensor" and not entry.locations and not _has_issue(row, "locations"):
        row.problem("locations", _("A sensor needs at least one location."))
    if entry.data_categories and not entry.legal_bases and not _has_issue(row, "legal_bases"):
        row.problem("legal_bases", _("Personal data is listed, so a legal basis is required."))


def _has_issue(row: _Row, column: str) -> bool:
    return any(issue.column == column for issue in row.issues)


def validate_row(
    number: int, cells: Mapping[str, str], departments: Mapping[str, str] | None = None
) -> tuple[EntryData | None, list[ImportIssue]]:
    """Turn one row of text cells into an ``EntryData``, or return its problems."""
    row = _Row(number, cells)
    kind = row.choice("kind", ENTRY_KINDS)
    entry = EntryData(
        name=row.text("name", required=True, limit=MAX_NAME_CHARS),
        kind=kind,
        summary=row.text("summary", required=True, limit=MAX_SUMMARY_CHARS),
        purposes=row.terms("purposes", "purpose", required=True),
        department=_department(row, departments),
        contact=row.contact("contact"),
        provider=row.text("provider", limit=300),
        status=row.choice("status", STATUSES),
        start_date=row.date("start_date"),
        end_date=row.date("end_date"),
        legal_bases=row.terms("legal_bases", "legal_basis"),
        data_categories=row.terms("data_categories", "data_category"),
        data_subjects=row.text("data_subjects"),
        retention=row.text("retention"),
        recipients=row.text("recipients"),
        automation_level=row.choice(
            "automation_level", AUTOMATION_LEVELS, required=kind == "algorithm", default="none"
        ),
        human_oversight=row.text("human_oversight"),
        risk_level=row.choice("risk_level", RISK_LEVELS),
        domain=row.domain("domain"),
        algorithm_type=row.choice("algorithm_type", ALGORITHM_TYPES, required=False),
        use_type=row.choice("use_type", USE_TYPES, required=False),
        decision_making_process=row.text("decision_making_process", limit=MAX_ALGORITHM_TEXT_CHARS),
        proportionality=row.text("proportionality", limit=MAX_ALGORITHM_TEXT_CHARS),
        training_data=row.text("training_data", limit=MAX_ALGORITHM_TEXT_CHARS),
        data_connections=row.text("data_connections", limit=MAX_ALGORITHM_TEXT_CHARS),
        monitoring=row.text("monitoring", limit=MAX_ALGORITHM_TEXT_CHARS),
        objection_procedure=row.text("objection_procedure", limit=MAX_ALGORITHM_TEXT_CHARS),
        impact_assessment_status=row.text("impact_assessment_status", limit=1_000),
        impact_assessment_url=row.url("impact_assessment_url"),
        source_code_url=row.url("source_code_url"),
        dataset_urls=row.urls("dataset_urls"),
        thematic_areas=row.areas("thematic_areas"),
        locations=row.places(),
        translations=row.translations(),
    )
    _check_consistency(row, entry)
    return (None, row.issues) if row.issues else (entry, [])


# --- Files ------------------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", _cell_text(value).lower())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _check_headers(raw_headers: Sequence[Any]) -> tuple[list[str], list[ImportIssue]]:
    """Normalise the header row and report missing, unknown and repeated columns."""
    headers = [_normalise_header(value) for value in raw_headers]
    issues: list[ImportIssue] = []
    known = set(TEMPLATE_HEADERS) | set(EXPORT_ONLY_HEADERS)
    seen: set[str] = set()
    for header in headers:
        if not header:
            continue
        if header in seen:
            issues.append(ImportIssue(1, header, _("This column appears twice.")))
        seen.add(header)
        language = _LANGUAGE_COLUMN.match(header)
        if (
            header not in known
            and language
            and language["text"] in TRANSLATED_COLUMNS
            and language["code"] not in CONTENT_LANGUAGES
        ):
            codes = ", ".join(CONTENT_LANGUAGES)
            issues.append(
                ImportIssue(
                    1,
                    header,
                    _(
                        "Unknown language “%(code)s”: a column for a text in another language "
                        "ends with one of %(codes)s, for example “%(text)s_fr”."
                    )
                    % {"code": language["code"], "codes": codes, "text": language["text"]},
                )
            )
        elif header not in known:
            close = difflib.get_close_matches(header, TEMPLATE_HEADERS, n=1)
            issues.append(ImportIssue(1, header, _("Unknown column.") + _did_you_mean(close)))
    for header in REQUIRED_HEADERS:
        if header not in seen:
            issues.append(ImportIssue(1, header, _("This required column is missing.")))
    return headers, issues


def _parse_rows(
    rows: Iterator[tuple[int, Sequence[Any]]],
    *,
    max_rows: int,
    departments: Iterable[str] | None,
    languages: Sequence[str] | None = None,
) -> ImportResult:
    """Shared by CSV and XLSX: header check, per-row validation, file-level rules."""
    first = next(rows, None)
    if first is None:
        return ImportResult(issues=(ImportIssue(None, "", _("The file is empty.")),))
    headers, issues = _check_headers(first[1])
    if issues:
        return ImportResult(issues=tuple(issues))
    known = {name.casefold(): name for name in departments} if departments is not None else None

    imported: list[ImportedRow] = []
    refused: set[str] = set()
    names: dict[str, int] = {}
    count = 0
    for number, values in rows:
        cells: dict[str, str] = {}
        for index, value in enumerate(values):
            text = _cell_text(value)
            if not text:
                continue
            header = headers[index] if index < len(headers) else ""
            if not header:
                column = _column_letter(index)
                issues.append(ImportIssue(number, column, _("This cell has no column header.")))
            elif header in TEMPLATE_HEADERS:
                cells[header] = text
            elif header in _TEXT_LANGUAGE_HEADERS:
                code = header.rsplit("_", 1)[1]
                if languages is None or code in languages:
                    cells[header] = text
                elif header not in refused:
                    refused.add(header)
                    issues.append(_not_a_city_language(header, code, number, languages))
        if not cells:
            continue
        count += 1
        if count > max_rows:
            issues.append(
                ImportIssue(
                    None, "", _("Too many rows: at most %(limit)d entries.") % {"limit": max_rows}
                )
            )
            break
        for header, text in cells.items():
            if len(text) > MAX_CELL_CHARS:
                issues.append(ImportIssue(number, header, _("This cell is too long.")))
        entry, row_issues = validate_row(number, cells, known)
        issues.extend(row_issues)
        name_key = cells.get("name", "").casefold()
        if name_key and name_key in names:
            issues.append(
                ImportIssue(
                    number,
                    "name",
                    _("Same name as row %(row)d; names must differ.") % {"row": names[name_key]},
                )
            )
        names.setdefault(name_key, number)
        if entry is not None:
            imported.append(ImportedRow(number, entry))
    if not issues and not imported:
        issues.append(ImportIssue(None, "", _("The file has a header but no entries.")))
    if issues:
        return ImportResult(issues=tuple(issues))
    return ImportResult(rows=tuple(imported))


_TEXT_LANGUAGE_HEADERS = frozenset(
    f"{name}_{code}" for name in (*TEXT_COLUMNS, "locations") for code in CONTENT_LANGUAGES
)


def _not_a_city_language(header: str, code: str, row: int, languages: Sequence[str]) -> ImportIssue:
    return ImportIssue(
        1,
        header,
        _(
            "Row %(row)d has a text in this column, but the city does not publish in "
            "“%(code)s” (its languages: %(languages)s). Add the language in the city’s "
            "settings, or empty or remove the column."
        )
        % {"row": row, "code": code, "languages": ", ".join(languages)},
    )


def _too_big(size: int, max_bytes: int) -> ImportResult | None:
    if size <= max_bytes:
        return None
    message = _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
        "size": f"{size / 1_048_576:.1f}",
        "limit": f"{max_bytes / 1_048_576:.1f}",
    }
    return ImportResult(issues=(ImportIssue(None, "", message),))


def _sniff_delimiter(text: str) -> str:
    """Excel writes ';' in many European locales; pick the separator used most in the header."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def parse_csv(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    departments: Iterable[str] | None = None,
    languages: Sequence[str] | None = None,
) -> ImportResult:
    """Parse a CSV inventory (UTF-8, with or without BOM; ',' ';' or tab separated)."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    too_big = _too_big(size, max_bytes)
    if too_big:
        return too_big
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”.")
            return ImportResult(issues=(ImportIssue(None, "", message),))
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        return ImportResult(issues=(ImportIssue(None, "", _("The file contains binary data.")),))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        return _parse_rows(
            enumerate(reader, start=1),
            max_rows=max_rows,
            departments=departments,
            languages=languages,
        )
    except csv.Error as error:
        message = _("The CSV file is malformed: %(error)s.") % {"error": error}
        return ImportResult(issues=(ImportIssue(None, "", message),))


def _xlsx_rows(data: bytes, max_rows: int) -> list[tuple[int, Sequence[Any]]]:
    """Read the first sheet's non-empty rows (one more than allowed, so the limit can be seen)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows: list[tuple[int, Sequence[Any]]] = []
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(value is not None and str(value).strip() for value in values):
                rows.append((number, values))
                if len(rows) > max_rows + 1:
                    break
    finally:
        workbook.close()
    return rows


def parse_xlsx(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    departments: Iterable[str] | None = None,
    languages: Sequence[str] | None = None,
) -> ImportResult:
    """Parse the first sheet of an Excel workbook (.xlsx) with the same rules as CSV.

    The header must be in row 1, as in the template.
    """
    too_big = _too_big(len(data), max_bytes)
    if too_big:
        return too_big
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return ImportResult(issues=(ImportIssue(None, "", _("This is not an .xlsx workbook.")),))
    try:
        rows = _xlsx_rows(data, max_rows)
    except Exception as error:  # openpyxl raises many exception types for damaged workbooks
        message = _("The workbook cannot be read (%(error)s).") % {"error": type(error).__name__}
        return ImportResult(issues=(ImportIssue(None, "", message),))
    if rows and rows[0][0] != 1:
        message = _("The first row must hold the column names, as in the template.")
        return ImportResult(issues=(ImportIssue(1, "", message),))
    return _parse_rows(iter(rows), max_rows=max_rows, departments=departments, languages=languages)


_PARSERS: Mapping[str, Callable[..., ImportResult]] = {".csv": parse_csv, ".xlsx": parse_xlsx}


def parse_inventory(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    departments: Iterable[str] | None = None,
    languages: Sequence[str] | None = None,
) -> ImportResult:
    """Pick the parser from the file name (.csv or .xlsx) and parse."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    parser = _PARSERS.get(suffix)
    if parser is None:
        message = _("Upload a .csv or .xlsx file.")
        return ImportResult(issues=(ImportIssue(None, "", message),))
    return parser(
        data, max_bytes=max_bytes, max_rows=max_rows, departments=departments, languages=languages
    )
