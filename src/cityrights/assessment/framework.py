"""Self-assessment framework content: schema, loader and validator.

A framework (for example ``guide-2022`` version 1) is *data*: a YAML file that lists the
maturity scale, the six thematic areas, the three pillars, the Guide's mechanisms, the
practices, the questions with a descriptor for every level, and the recommendations with
their KPIs. This module turns such a file into immutable Python objects and refuses a
broken file with a message that names the file, the key path and the line, so that the
people who write the content can fix it without reading Python.

Validation happens in two passes:

1. a JSON Schema (:data:`SCHEMA`, also usable by editors) checks the shape of the data;
2. semantic checks verify what a schema cannot: unique keys, references between
   questions, areas, pillars, mechanisms and practices, one descriptor per level,
   recommendations for every cell and level, conditions that point to an earlier question
   of the same cell, and score bands that cover 0..100 without gaps.

The module is pure Python (no Django) so it can be used by the ``load-framework`` command,
by tests and by offline tooling alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import jsonschema

from cityrights.core.datafiles import (
    DataFileError,
    Problem,
    Text,
    content_hash,
    find,
    format_path,
    locate_lines,
    optional_text,
    read_yaml,
    snapshot_hash,
    stringify_keys,
    text,
)

__all__ = [
    "FRAMEWORKS_DIR",
    "SCHEMA",
    "Area",
    "Band",
    "Condition",
    "Framework",
    "FrameworkError",
    "Kpi",
    "Level",
    "Mechanism",
    "Pillar",
    "Practice",
    "Problem",
    "Question",
    "Recommendation",
    "Scale",
    "Text",
    "framework_from_data",
    "load_framework_file",
    "text",
]

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
"""Where the shipped framework files live (``<id>.v<version>.yaml``)."""

TRANSLATION_KEYS = ("languages",)
"""Top-level keys about translations, left out of the content hash with the translations."""

# --------------------------------------------------------------------------------------
# Translatable text
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# Domain objects (frozen: a loaded framework version never changes)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One step of the maturity scale (1 = lowest)."""

    number: int
    key: str
    name: Text
    description: Text


@dataclass(frozen=True)
class Band:
    """Score band: ``min`` is inclusive, ``max`` exclusive except for the top band."""

    level: int
    min: float
    max: float
    description: Text | None = None


@dataclass(frozen=True)
class Scale:
    """The maturity scale and the bands that map a 0..100 score back to a level."""

    levels: tuple[Level, ...]
    bands: tuple[Band, ...]
    description: Text | None = None

    @property
    def max_level(self) -> int:
        return len(self.levels)

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    def score_for_level(self, level: int) -> float:
        """Score of a single answer: level 1 is 0, the top level is 100, evenly spaced."""
        return level_score(level, self.max_level)

    def level_for_score(self, score: float | None) -> int | None:
        """The level whose band holds ``score``; ``None`` stays ``None`` (no data)."""
        return band_level(self.bands, score)


def level_score(level: int, max_level: int) -> float:
    """``(level - 1) / (max_level - 1) * 100``: the score of one answer at ``level``."""
    return (level - 1) * 100.0 / (max_level - 1)


def band_level(bands: Sequence[Band], score: float | None) -> int | None:
    """Map a 0..100 score to a level using validated, gap-free ``bands``.

    The score is rounded to 9 decimals first so that a mean such as 87.49999999999 (float
    noise) lands in the band a person computing by hand would expect.
    """
    if score is None:
        return None
    value = round(score, 9)
    for index, band in enumerate(bands):
        top = index == len(bands) - 1
        if band.min <= value < band.max or (top and value == band.max):
            return band.level
    raise ValueError(f"score {score!r} is outside 0..100")


@dataclass(frozen=True)
class Area:
    """A thematic area of the Guide (a row of the area x pillar grid)."""

    key: str
    code: str
    name: Text
    description: Text


@dataclass(frozen=True)
class Pillar:
    """Foundations, Structures or Tools (a column of the grid)."""

    key: str
    code: str
    name: Text
    description: Text


@dataclass(frozen=True)
class Mechanism:
    """A numbered mechanism of the Guide; numbers are the Guide's own and may have gaps."""

    number: int
    title: Text
    description: Text


@dataclass(frozen=True)
class Practice:
    """A concrete practice a city can put in place, linked to the mechanisms it serves."""

    key: str
    name: Text
    description: Text
    mechanisms: tuple[int, ...] = ()


@dataclass(frozen=True)
class Condition:
    """Show a question only when ``question`` is answered at ``min_level`` or higher."""

    question: str
    min_level: int


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire with a descriptor for every level."""

    key: str
    area: str
    pillar: str
    text: Text
    levels: tuple[Text, ...]
    mechanisms: tuple[int, ...] = ()
    practices: tuple[str, ...] = ()
    guidance: Text | None = None
    evidence: tuple[Text, ...] = ()
    weight: float = 1.0
    show_if: Condition | None = None

    @property
    def cell(self) -> tuple[str, str]:
        return (self.area, self.pillar)

    def descriptor(self, level: int) -> Text:
        """What ``level`` looks like for this question."""
        return self.levels[level - 1]


@dataclass(frozen=True)
class Kpi:
    """How progress on a recommendation is measured."""

    key: str
    name: Text
    unit: str
    measurement: Text
    direction: Literal["up", "down"]
    target: float | None = None


@dataclass(frozen=True)
class Recommendation:
    """What a city at ``level`` in a cell should do to reach the next level."""

    key: str
    area: str
    pillar: str
    level: int
    title: Text
    text: Text
    kpis: tuple[Kpi, ...]
    mechanisms: tuple[int, ...] = ()
    practices: tuple[str, ...] = ()
    horizon: Literal["short", "medium", "long"] | None = None

    @property
    def cell(self) -> tuple[str, str]:
        return (self.area, self.pillar)


@dataclass(frozen=True)
class Framework:
    """A loaded, validated framework version. Immutable and hashable.

    ``data`` keeps the validated plain data so a caller can store an exact snapshot next
    to an assessment: a later framework version then never changes how an older
    assessment reads or scores. ``content_hash`` covers the structure and the English
    text (what the version means); ``snapshot_hash`` covers the translations too (see
    :mod:`cityrights.core.datafiles`).
    """

    id: str
    version: int
    title: Text
    description: Text | None
    languages: tuple[str, ...]
    scale: Scale
    areas: tuple[Area, ...]
    pillars: tuple[Pillar, ...]
    mechanisms: tuple[Mechanism, ...]
    practices: tuple[Practice, ...]
    questions: tuple[Question, ...]
    recommendations: tuple[Recommendation, ...]
    content_hash: str
    snapshot_hash: str = field(default="", compare=False)
    source: str = field(default="", compare=False)
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"

    @cached_property
    def _questions_by_key(self) -> dict[str, Question]:
        return {question.key: question for question in self.questions}

    @cached_property
    def _recommendations_by_cell_level(
        self,
    ) -> dict[tuple[str, str, int], tuple[Recommendation, ...]]:
        grouped: dict[tuple[str, str, int], list[Recommendation]] = {}
        for rec in self.recommendations:
            grouped.setdefault((rec.area, rec.pillar, rec.level), []).append(rec)
        return {key: tuple(value) for key, value in grouped.items()}

    def area(self, key: str) -> Area:
        return find(self.areas, key, "area")

    def pillar(self, key: str) -> Pillar:
        return find(self.pillars, key, "pillar")

    def practice(self, key: str) -> Practice:
        return find(self.practices, key, "practice")

    def mechanism(self, number: int) -> Mechanism:
        for mechanism in self.mechanisms:
            if mechanism.number == number:
                return mechanism
        raise KeyError(f"unknown mechanism {number}")

    def question(self, key: str) -> Question:
        try:
            return self._questions_by_key[key]
        except KeyError:
            raise KeyError(f"unknown question {key!r}") from None

    def cells(self) -> tuple[tuple[str, str], ...]:
        """Every (area, pillar) pair, areas first, in file order."""
        return tuple((area.key, pillar.key) for area in self.areas for pillar in self.pillars)

    def questions_in(self, area: str, pillar: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.area == area and q.pillar == pillar)

    def recommendations_for(self, area: str, pillar: str, level: int) -> tuple[Recommendation, ...]:
        """Recommendations for a cell whose current level is ``level``."""
        return self._recommendations_by_cell_level.get((area, pillar, level), ())


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


class FrameworkError(DataFileError):
    """A framework file is broken. ``str(error)`` names the file, key path and line."""

    noun = "framework"


# --------------------------------------------------------------------------------------
# JSON Schema
# --------------------------------------------------------------------------------------

_KEY_PATTERN = "^[a-z0-9][a-z0-9-]*$"

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:cityrights:assessment-framework:1",
    "title": "cityrights self-assessment framework",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "version",
        "title",
        "languages",
        "scale",
        "areas",
        "pillars",
        "mechanisms",
        "practices",
        "questions",
        "recommendations",
    ],
    "properties": {
        "id": {"$ref": "#/$defs/key"},
        "version": {"type": "integer", "minimum": 1},
        "title": {"$ref": "#/$defs/text"},
        "description": {"$ref": "#/$defs/text"},
        "languages": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"$ref": "#/$defs/language"},
        },
        "scale": {
            "type": "object",
            "additionalProperties": False,
            "required": ["levels", "bands"],
            "properties": {
                "description": {"$ref": "#/$defs/text"},
                "levels": {
                    "type": "array",
                    "minItems": 2,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["level", "key", "name", "description"],
                        "properties": {
                            "level": {"type": "integer", "minimum": 1},
                            "key": {"$ref": "#/$defs/key"},
                            "name": {"$ref": "#/$defs/text"},
                            "description": {"$ref": "#/$defs/text"},
                        },
                    },
                },
                "bands": {
                    "type": "array",
                    "minItems": 2,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["level", "min", "max"],
                        "properties": {
                            "level": {"type": "integer", "minimum": 1},
                            "min": {"type": "number", "minimum": 0, "maximum": 100},
                            "max": {"type": "number", "minimum": 0, "maximum": 100},
                            "description": {"$ref": "#/$defs/text"},
                        },
                    },
                },
            },
        },
        "areas": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/dimension"}},
        "pillars": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/dimension"}},
        "mechanisms": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["number", "title", "description"],
                "properties": {
                    "number": {"type": "integer", "minimum": 1},
                    "title": {"$ref": "#/$defs/text"},
                    "description": {"$ref": "#/$defs/text"},
                },
            },
        },
        "practices": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name", "description"],
                "properties": {
                    "key": {"$ref": "#/$defs/key"},
                    "name": {"$ref": "#/$defs/text"},
                    "description": {"$ref": "#/$defs/text"},
                    "mechanisms": {"$ref": "#/$defs/mechanismRefs"},
                },
            },
        },
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "area", "pillar", "text", "levels"],
                "anyOf": [{"required": ["mechanisms"]}, {"required": ["practices"]}],
                "properties": {
                    "key": {"$ref": "#/$defs/key"},
                    "area": {"$ref": "#/$defs/key"},
                    "pillar": {"$ref": "#/$defs/key"},
                    "mechanisms": {"$ref": "#/$defs/mechanismRefs"},
                    "practices": {"$ref": "#/$defs/practiceRefs"},
                    "text": {"$ref": "#/$defs/text"},
                    "levels": {
                        "type": "object",
                        "minProperties": 2,
                        "propertyNames": {"pattern": "^[1-9][0-9]*$"},
                        "additionalProperties": {"$ref": "#/$defs/text"},
                    },
                    "guidance": {"$ref": "#/$defs/text"},
                    "evidence": {"type": "array", "items": {"$ref": "#/$defs/text"}},
                    "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 10},
                    "show_if": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["question", "min_level"],
                        "properties": {
                            "question": {"$ref": "#/$defs/key"},
                            "min_level": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
        "recommendations": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "area", "pillar", "level", "title", "text", "kpis"],
                "properties": {
                    "key": {"$ref": "#/$defs/key"},
                    "area": {"$ref": "#/$defs/key"},
                    "pillar": {"$ref": "#/$defs/key"},
                    "level": {"type": "integer", "minimum": 1},
                    "title": {"$ref": "#/$defs/text"},
                    "text": {"$ref": "#/$defs/text"},
                    "horizon": {"enum": ["short", "medium", "long"]},
                    "mechanisms": {"$ref": "#/$defs/mechanismRefs"},
                    "practices": {"$ref": "#/$defs/practiceRefs"},
                    "kpis": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/kpi"}},
                },
            },
        },
    },
    "$defs": {
        "key": {"type": "string", "pattern": _KEY_PATTERN, "maxLength": 64},
        "language": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
        "text": {
            "type": "object",
            "required": ["en"],
            "propertyNames": {"$ref": "#/$defs/language"},
            "additionalProperties": {"type": "string", "minLength": 1},
        },
        "dimension": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key", "code", "name", "description"],
            "properties": {
                "key": {"$ref": "#/$defs/key"},
                "code": {"type": "string", "pattern": "^[a-z]{1,5}$"},
                "name": {"$ref": "#/$defs/text"},
                "description": {"$ref": "#/$defs/text"},
            },
        },
        "mechanismRefs": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "integer", "minimum": 1},
        },
        "practiceRefs": {"type": "array", "uniqueItems": True, "items": {"$ref": "#/$defs/key"}},
        "kpi": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key", "name", "unit", "measurement", "direction"],
            "properties": {
                "key": {"$ref": "#/$defs/key"},
                "name": {"$ref": "#/$defs/text"},
                "unit": {"type": "string", "minLength": 1, "maxLength": 32},
                "measurement": {"$ref": "#/$defs/text"},
                "direction": {"enum": ["up", "down"]},
                "target": {"type": "number"},
            },
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


# --------------------------------------------------------------------------------------
# YAML reading with duplicate-key detection and line lookup
# --------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def load_framework_file(path: str | Path) -> Framework:
    """Read, validate and build the framework in ``path`` (YAML or JSON).

    Raises :class:`FrameworkError` naming the file, the key path and the line of every
    problem found (up to :data:`MAX_REPORTED_PROBLEMS` are listed).
    """
    source = str(path)
    try:
        content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FrameworkError(source, [Problem("", f"cannot read file: {error}")]) from error
    data = read_yaml(source, content, FrameworkError)
    return framework_from_data(data, source=source, content=content)


def framework_from_data(
    data: Any, *, source: str = "<data>", content: str | None = None
) -> Framework:
    """Validate already-parsed data (e.g. a JSON snapshot kept in the database).

    ``content`` is the original text, used only to find line numbers for messages.
    """
    if not isinstance(data, Mapping):
        raise FrameworkError(source, [Problem("", "the file must contain a mapping", 1)])
    plain = stringify_keys(data)
    problems = _schema_problems(plain)
    if not problems:
        problems = _semantic_problems(plain)
    if problems:
        raise FrameworkError(source, locate_lines(content, problems))
    return _build(plain, source)


def _schema_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for error in _VALIDATOR.iter_errors(data):
        parts = list(error.absolute_path)
        message = error.message
        if error.validator == "required" and isinstance(error.instance, Mapping):
            missing = [k for k in error.validator_value if k not in error.instance]
            if len(missing) == 1:
                parts.append(missing[0])
                message = "required key is missing"
        elif error.validator == "anyOf" and parts and parts[0] == "questions":
            message = "a question needs at least one of 'mechanisms' or 'practices'"
        problems.append(Problem(format_path(parts), message))
    problems.sort(key=lambda problem: problem.path)
    return problems


# --------------------------------------------------------------------------------------
# Semantic checks
# --------------------------------------------------------------------------------------


def _duplicates(items: Sequence[Mapping[str, Any]], field_name: str, prefix: str) -> list[Problem]:
    seen: dict[Any, int] = {}
    problems = []
    for index, item in enumerate(items):
        value = item[field_name]
        if value in seen:
            problems.append(
                Problem(
                    f"{prefix}[{index}].{field_name}",
                    f"duplicated {field_name} {value!r} (already used by {prefix}[{seen[value]}])",
                )
            )
        else:
            seen[value] = index
    return problems


def _semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    problems += _scale_problems(data["scale"])
    for section, key_field in (
        ("areas", "key"),
        ("areas", "code"),
        ("pillars", "key"),
        ("pillars", "code"),
        ("mechanisms", "number"),
        ("practices", "key"),
        ("questions", "key"),
        ("recommendations", "key"),
    ):
        problems += _duplicates(data[section], key_field, section)
    mechanisms = {item["number"] for item in data["mechanisms"]}
    practices = {item["key"] for item in data["practices"]}
    for index, practice in enumerate(data["practices"]):
        problems += _reference_problems(practice, f"practices[{index}]", mechanisms, set())
    problems += _question_problems(data, mechanisms, practices)
    problems += _recommendation_problems(data, mechanisms, practices)
    return problems


def _scale_problems(scale: Mapping[str, Any]) -> list[Problem]:
    problems = []
    levels = [item["level"] for item in scale["levels"]]
    if levels != list(range(1, len(levels) + 1)):
        problems.append(Problem("scale.levels", f"levels must be 1..{len(levels)} in order"))
    problems += _duplicates(scale["levels"], "key", "scale.levels")
    bands = scale["bands"]
    band_levels = [band["level"] for band in bands]
    if band_levels != list(range(1, len(levels) + 1)):
        problems.append(
            Problem("scale.bands", f"bands must list levels 1..{len(levels)} in order, one each")
        )
    expected_min = 0.0
    for index, band in enumerate(bands):
        if band["min"] >= band["max"]:
            problems.append(Problem(f"scale.bands[{index}]", "min must be lower than max"))
        if not math.isclose(band["min"], expected_min):
            problems.append(
                Problem(
                    f"scale.bands[{index}].min",
                    f"bands must cover 0..100 without gaps or overlaps: expected min "
                    f"{expected_min:g}, found {band['min']:g}",
                )
            )
        expected_min = band["max"]
    if bands and not math.isclose(bands[-1]["max"], 100.0):
        problems.append(
            Problem(f"scale.bands[{len(bands) - 1}].max", "the last band must end at 100")
        )
    return problems


def _reference_problems(
    item: Mapping[str, Any], prefix: str, mechanisms: set[int], practices: set[str]
) -> list[Problem]:
    problems = []
    for index, number in enumerate(item.get("mechanisms", [])):
        if number not in mechanisms:
            problems.append(Problem(f"{prefix}.mechanisms[{index}]", f"unknown mechanism {number}"))
    for index, key in enumerate(item.get("practices", [])):
        if key not in practices:
            problems.append(Problem(f"{prefix}.practices[{index}]", f"unknown practice {key!r}"))
    return problems


def _cell_problems(
    item: Mapping[str, Any], prefix: str, areas: set[str], pillars: set[str]
) -> list[Problem]:
    problems = []
    if item["area"] not in areas:
        problems.append(Problem(f"{prefix}.area", f"unknown area {item['area']!r}"))
    if item["pillar"] not in pillars:
        problems.append(Problem(f"{prefix}.pillar", f"unknown pillar {item['pillar']!r}"))
    return problems


def _question_problems(
    data: Mapping[str, Any], mechanisms: set[int], practices: set[str]
) -> list[Problem]:
    areas = {item["key"] for item in data["areas"]}
    pillars = {item["key"] for item in data["pillars"]}
    max_level = len(data["scale"]["levels"])
    wanted = {str(level) for level in range(1, max_level + 1)}
    earlier: dict[str, Mapping[str, Any]] = {}
    problems: list[Problem] = []
    for index, question in enumerate(data["questions"]):
        prefix = f"questions[{index}]"
        problems += _cell_problems(question, prefix, areas, pillars)
        problems += _reference_problems(question, prefix, mechanisms, practices)
        levels = set(question["levels"])
        for missing in sorted(wanted - levels, key=int):
            problems.append(Problem(f"{prefix}.levels.{missing}", "descriptor missing"))
        for extra in sorted(levels - wanted, key=int):
            problems.append(
                Problem(f"{prefix}.levels.{extra}", f"the scale only has levels 1..{max_level}")
            )
        if "show_if" in question:
            problems += _condition_problems(question, prefix, earlier, max_level)
        earlier.setdefault(question["key"], question)
    counts: dict[tuple[str, str], int] = {}
    for question in data["questions"]:
        counts[(question["area"], question["pillar"])] = (
            counts.get((question["area"], question["pillar"]), 0) + 1
        )
    for area in data["areas"]:
        for pillar in data["pillars"]:
            if not counts.get((area["key"], pillar["key"])):
                problems.append(
                    Problem("questions", f"no question for cell {area['key']} x {pillar['key']}")
                )
    return problems


def _condition_problems(
    question: Mapping[str, Any],
    prefix: str,
    earlier: Mapping[str, Mapping[str, Any]],
    max_level: int,
) -> list[Problem]:
    """A condition must point to an earlier, unconditional question of the same cell.

    Same cell and one level deep keep scoring monotone (see ``scoring``): a follow-up
    shares its parent's weight, which only works when both live in the same cell.
    """
    condition = question["show_if"]
    target = earlier.get(condition["question"])
    path = f"{prefix}.show_if.question"
    if target is None:
        return [Problem(path, f"must name an earlier question, not {condition['question']!r}")]
    problems = []
    if (target["area"], target["pillar"]) != (question["area"], question["pillar"]):
        problems.append(Problem(path, "must name a question of the same area and pillar"))
    if "show_if" in target:
        problems.append(Problem(path, "must name a question that has no condition itself"))
    if condition["min_level"] > max_level:
        problems.append(
            Problem(f"{prefix}.show_if.min_level", f"the scale only has levels 1..{max_level}")
        )
    return problems


def _recommendation_problems(
    data: Mapping[str, Any], mechanisms: set[int], practices: set[str]
) -> list[Problem]:
    areas = {item["key"] for item in data["areas"]}
    pillars = {item["key"] for item in data["pillars"]}
    max_level = len(data["scale"]["levels"])
    problems: list[Problem] = []
    kpi_shapes: dict[str, tuple[str, str, str]] = {}
    covered: set[tuple[str, str, int]] = set()
    for index, rec in enumerate(data["recommendations"]):
        prefix = f"recommendations[{index}]"
        problems += _cell_problems(rec, prefix, areas, pillars)
        problems += _reference_problems(rec, prefix, mechanisms, practices)
        if rec["level"] >= max_level:
            problems.append(
                Problem(f"{prefix}.level", f"must be 1..{max_level - 1} (the level a city is at)")
            )
        covered.add((rec["area"], rec["pillar"], rec["level"]))
        if not rec["kpis"]:
            problems.append(Problem(f"{prefix}.kpis", "at least one KPI is required"))
        problems += _duplicates(rec["kpis"], "key", f"{prefix}.kpis")
        for kpi_index, kpi in enumerate(rec["kpis"]):
            shape = (kpi["unit"], kpi["direction"], prefix)
            first = kpi_shapes.setdefault(kpi["key"], shape)
            if first[:2] != shape[:2]:
                problems.append(
                    Problem(
                        f"{prefix}.kpis[{kpi_index}]",
                        f"KPI {kpi['key']!r} is also defined in {first[2]} with unit "
                        f"{first[0]!r} and direction {first[1]!r}; a KPI key must keep both",
                    )
                )
    for area in data["areas"]:
        for pillar in data["pillars"]:
            for level in range(1, max_level):
                if (area["key"], pillar["key"], level) not in covered:
                    problems.append(
                        Problem(
                            "recommendations",
                            f"no recommendation for {area['key']} x {pillar['key']} at level "
                            f"{level}",
                        )
                    )
    return problems


# --------------------------------------------------------------------------------------
# Building the objects
# --------------------------------------------------------------------------------------


def _build(data: Mapping[str, Any], source: str) -> Framework:
    scale = data["scale"]
    levels = tuple(
        Level(item["level"], item["key"], Text(item["name"]), Text(item["description"]))
        for item in scale["levels"]
    )
    bands = tuple(
        Band(
            item["level"],
            float(item["min"]),
            float(item["max"]),
            optional_text(item.get("description")),
        )
        for item in scale["bands"]
    )
    return Framework(
        id=data["id"],
        version=data["version"],
        title=Text(data["title"]),
        description=optional_text(data.get("description")),
        languages=tuple(data["languages"]),
        scale=Scale(levels, bands, optional_text(scale.get("description"))),
        areas=tuple(_dimension(Area, item) for item in data["areas"]),
        pillars=tuple(_dimension(Pillar, item) for item in data["pillars"]),
        mechanisms=tuple(
            Mechanism(item["number"], Text(item["title"]), Text(item["description"]))
            for item in data["mechanisms"]
        ),
        practices=tuple(
            Practice(
                item["key"],
                Text(item["name"]),
                Text(item["description"]),
                tuple(item.get("mechanisms", ())),
            )
            for item in data["practices"]
        ),
        questions=tuple(_question(item, len(levels)) for item in data["questions"]),
        recommendations=tuple(_recommendation(item) for item in data["recommendations"]),
        content_hash=content_hash(data, ignore=TRANSLATION_KEYS),
        snapshot_hash=snapshot_hash(data),
        source=source,
        data=data,
    )


def _dimension(kind: type[Any], item: Mapping[str, Any]) -> Any:
    return kind(item["key"], item["code"], Text(item["name"]), Text(item["description"]))


def _question(item: Mapping[str, Any], max_level: int) -> Question:
    condition = item.get("show_if")
    return Question(
        key=item["key"],
        area=item["area"],
        pillar=item["pillar"],
        text=Text(item["text"]),
        levels=tuple(Text(item["levels"][str(level)]) for level in range(1, max_level + 1)),
        mechanisms=tuple(item.get("mechanisms", ())),
        practices=tuple(item.get("practices", ())),
        guidance=optional_text(item.get("guidance")),
        evidence=tuple(Text(entry) for entry in item.get("evidence", ())),
        weight=float(item.get("weight", 1)),
        show_if=Condition(condition["question"], condition["min_level"]) if condition else None,
    )


def _recommendation(item: Mapping[str, Any]) -> Recommendation:
    return Recommendation(
        key=item["key"],
        area=item["area"],
        pillar=item["pillar"],
        level=item["level"],
        title=Text(item["title"]),
        text=Text(item["text"]),
        kpis=tuple(
            Kpi(
                key=kpi["key"],
                name=Text(kpi["name"]),
                unit=kpi["unit"],
                measurement=Text(kpi["measurement"]),
                direction=kpi["direction"],
                target=float(kpi["target"]) if "target" in kpi else None,
            )
            for kpi in item["kpis"]
        ),
        mechanisms=tuple(item.get("mechanisms", ())),
        practices=tuple(item.get("practices", ())),
        horizon=item.get("horizon"),
    )
