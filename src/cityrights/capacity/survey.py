"""Staff needs survey content: schema, loader, validator and answer checks.

A survey (for example ``staff-needs`` version 1) is *data*: a YAML file that lists the
need scale, the seven training topics and the questions with their options, every text in
every language the file names (at least English, French and Dutch). This module turns
such a file into immutable objects and refuses a broken file with a message that names
the file, the key path and the line (:class:`SurveyError`, from ``core.datafiles``).

Validation happens in two passes, like the assessment framework's:

1. a JSON Schema (:data:`SCHEMA`) checks the shape;
2. semantic checks verify what a schema cannot: unique keys, a complete translation of
   every text, exclusive options only in multiple-choice questions, one need scale that
   counts 1, 2, 3 … and topic areas among the Guide's six thematic areas.

A round stores the validated data it was answered with (``SurveyVersion.data``), so a
later version never changes how an old round reads. :func:`clean_answers` is the one
place that decides whether a set of answers fits a survey; the answer form and the
services both rely on it.

Pure Python (no Django), so the loader command, tests and offline tools share it.
"""

from __future__ import annotations

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
    read_yaml,
    schema_problems,
    snapshot_hash,
    stringify_keys,
    text,
)

__all__ = [
    "AREAS",
    "REQUIRED_LANGUAGES",
    "SCHEMA",
    "SURVEYS_DIR",
    "AnswerError",
    "Option",
    "Question",
    "ScalePoint",
    "Survey",
    "SurveyError",
    "Topic",
    "clean_answers",
    "load_survey_file",
    "shipped_files",
    "survey_from_data",
    "text",
]

SURVEYS_DIR = Path(__file__).resolve().parent / "surveys"
"""Where the shipped survey files live (``<id>.v<version>.yaml``)."""

REQUIRED_LANGUAGES = ("en", "fr", "nl")
"""Every text of a survey exists in each language the interface offers."""

AREAS = ("inclusion", "autonomy", "transparency", "participation", "privacy", "public_goods")
"""The six thematic areas of the Digital Rights Governance Guide (the register's keys)."""

MAX_OTHER_CHARS = 1000
"""Longest free text kept for an ``other`` box: enough for a thought, not for a report."""

QuestionKind = Literal["single", "multiple", "topic-scale"]


# --------------------------------------------------------------------------------------
# Objects (frozen: a loaded survey version never changes)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalePoint:
    """One point of the need scale (1 = not necessary)."""

    value: int
    key: str
    label: Text


@dataclass(frozen=True)
class Topic:
    """A training topic: rated in the survey, taught by modules."""

    key: str
    name: Text
    description: Text
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    key: str
    label: Text
    exclusive: bool = False


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    text: Text
    required: bool
    options: tuple[Option, ...] = ()
    help: Text | None = None
    other: Text | None = None

    def option(self, key: str) -> Option:
        return find(self.options, key, "option")


@dataclass(frozen=True)
class Survey:
    """A loaded, validated survey version. Immutable and hashable."""

    id: str
    version: int
    title: Text
    description: Text
    languages: tuple[str, ...]
    scale: tuple[ScalePoint, ...]
    topics: tuple[Topic, ...]
    questions: tuple[Question, ...]
    content_hash: str
    snapshot_hash: str = field(default="", compare=False)
    source: str = field(default="", compare=False)
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"

    @cached_property
    def _questions(self) -> dict[str, Question]:
        return {question.key: question for question in self.questions}

    @cached_property
    def kinds(self) -> tuple[tuple[str, str], ...]:
        """``(key, kind)`` of every question, for counting answers fast."""
        return tuple((question.key, question.kind) for question in self.questions)

    def question(self, key: str) -> Question:
        try:
            return self._questions[key]
        except KeyError:
            raise KeyError(f"unknown question {key!r}") from None

    def topic(self, key: str) -> Topic:
        return find(self.topics, key, "topic")

    @property
    def max_scale(self) -> int:
        return len(self.scale)


# --------------------------------------------------------------------------------------
# Errors and schema
# --------------------------------------------------------------------------------------


class SurveyError(DataFileError):
    """A survey file is broken. ``str(error)`` names the file, key path and line."""

    noun = "survey"


_KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}
_LANGUAGE = {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"}
_TEXT = {
    "type": "object",
    "required": ["en"],
    "propertyNames": _LANGUAGE,
    "additionalProperties": {"type": "string", "minLength": 1},
}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:cityrights:capacity-survey:1",
    "title": "cityrights staff needs survey",
    **_object(
        ["id", "version", "languages", "title", "description", "scale", "topics", "questions"],
        {
            "id": _KEY,
            "version": {"type": "integer", "minimum": 1},
            "languages": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _LANGUAGE},
            "title": _TEXT,
            "description": _TEXT,
            "scale": {
                "type": "array",
                "minItems": 2,
                "maxItems": 10,
                "items": _object(
                    ["value", "key", "label"],
                    {"value": {"type": "integer", "minimum": 1}, "key": _KEY, "label": _TEXT},
                ),
            },
            "topics": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    ["key", "name", "description"],
                    {
                        "key": _KEY,
                        "name": _TEXT,
                        "description": _TEXT,
                        "areas": {"type": "array", "uniqueItems": True, "items": {"enum": AREAS}},
                    },
                ),
            },
            "questions": {
                "type": "array",
                "minItems": 1,
                "items": _object(
                    ["key", "kind", "text", "required"],
                    {
                        "key": _KEY,
                        "kind": {"enum": ["single", "multiple", "topic-scale"]},
                        "text": _TEXT,
                        "help": _TEXT,
                        "required": {"type": "boolean"},
                        "other": _TEXT,
                        "options": {
                            "type": "array",
                            "items": _object(
                                ["key", "label"],
                                {"key": _KEY, "label": _TEXT, "exclusive": {"type": "boolean"}},
                            ),
                        },
                    },
                ),
            },
        },
    ),
}

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


# --------------------------------------------------------------------------------------
# Semantic checks
# --------------------------------------------------------------------------------------


def _texts(value: Any, path: list[str | int]) -> list[tuple[list[str | int], Mapping[str, str]]]:
    """Every translatable text in ``value`` with its key path (a text is a language map)."""
    found: list[tuple[list[str | int], Mapping[str, str]]] = []
    if isinstance(value, Mapping):
        if "en" in value and all(isinstance(item, str) for item in value.values()):
            return [(path, value)]
        for key, item in value.items():
            found += _texts(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _texts(item, [*path, index])
    return found


def _duplicates(items: Sequence[Mapping[str, Any]], path: str, key: str = "key") -> list[Problem]:
    seen: set[Any] = set()
    problems = []
    for index, item in enumerate(items):
        value = item.get(key)
        if value in seen:
            problems.append(Problem(f"{path}[{index}].{key}", f"duplicated {key} {value!r}"))
        seen.add(value)
    return problems


def _semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    languages = list(data["languages"])
    missing = [code for code in REQUIRED_LANGUAGES if code not in languages]
    if missing:
        problems.append(
            Problem("languages", f"must include {', '.join(REQUIRED_LANGUAGES)}; missing {missing}")
        )
    for path, value in _texts({k: v for k, v in data.items() if k != "languages"}, []):
        absent = [code for code in languages if not str(value.get(code, "")).strip()]
        if absent:
            problems.append(Problem(format_path(path), f"no text in {', '.join(absent)}"))
        extra = sorted(set(value) - set(languages))
        if extra:
            problems.append(
                Problem(format_path(path), f"language(s) {', '.join(extra)} not in `languages`")
            )
    scale = data["scale"]
    values = [point["value"] for point in scale]
    if values != list(range(1, len(scale) + 1)):
        problems.append(Problem("scale", f"values must count 1, 2, 3 …; found {values}"))
    problems += _duplicates(scale, "scale")
    problems += _duplicates(data["topics"], "topics")
    problems += _duplicates(data["questions"], "questions")
    for index, question in enumerate(data["questions"]):
        where = f"questions[{index}]"
        options = question.get("options", [])
        kind = question["kind"]
        if kind == "topic-scale":
            if options:
                problems.append(Problem(f"{where}.options", "a topic-scale question rates topics"))
            if "other" in question:
                problems.append(Problem(f"{where}.other", "a topic-scale question has no text box"))
            continue
        if len(options) < 2:
            problems.append(Problem(f"{where}.options", "a choice needs at least two options"))
        problems += _duplicates(options, f"{where}.options")
        for number, option in enumerate(options):
            if option.get("exclusive") and kind != "multiple":
                problems.append(
                    Problem(
                        f"{where}.options[{number}].exclusive",
                        "only an option of a multiple-choice question can be exclusive",
                    )
                )
    return problems


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------


def _build(data: Mapping[str, Any], source: str) -> Survey:
    def opt(value: Any) -> Text | None:
        return Text(value) if value is not None else None

    return Survey(
        id=data["id"],
        version=data["version"],
        title=Text(data["title"]),
        description=Text(data["description"]),
        languages=tuple(data["languages"]),
        scale=tuple(
            ScalePoint(value=p["value"], key=p["key"], label=Text(p["label"]))
            for p in data["scale"]
        ),
        topics=tuple(
            Topic(
                key=t["key"],
                name=Text(t["name"]),
                description=Text(t["description"]),
                areas=tuple(t.get("areas", ())),
            )
            for t in data["topics"]
        ),
        questions=tuple(
            Question(
                key=q["key"],
                kind=q["kind"],
                text=Text(q["text"]),
                required=q["required"],
                options=tuple(
                    Option(o["key"], Text(o["label"]), o.get("exclusive", False))
                    for o in q.get("options", ())
                ),
                help=opt(q.get("help")),
                other=opt(q.get("other")),
            )
            for q in data["questions"]
        ),
        # What the version means: structure and English. The list of languages grows
        # with the translations, which may be completed under the same version.
        content_hash=content_hash(data, ignore=("languages",)),
        snapshot_hash=snapshot_hash(data),
        source=source,
        data=data,
    )


def survey_from_data(data: Any, *, source: str = "<data>", content: str | None = None) -> Survey:
    """Validate parsed data (a file's or a stored snapshot's) and build the survey.

    ``content`` is the original text, used only to find line numbers for messages.
    """
    if not isinstance(data, Mapping):
        raise SurveyError(source, [Problem("", "the file must contain a mapping", 1)])
    plain = stringify_keys(data)
    problems = locate_lines(content, schema_problems(_VALIDATOR, plain))
    if not problems:
        problems = locate_lines(content, _semantic_problems(plain))
    if problems:
        raise SurveyError(source, problems)
    return _build(plain, source)


def load_survey_file(path: str | Path) -> Survey:
    """Read and validate a survey file; its validated plain data is ``survey.data``."""
    source = str(path)
    try:
        content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SurveyError(source, [Problem("", f"cannot read file: {error}")]) from error
    return survey_from_data(read_yaml(source, content, SurveyError), source=source, content=content)


def shipped_files() -> list[Path]:
    """The survey files that ship with cityrights, in a stable order."""
    return sorted(SURVEYS_DIR.glob("*.v*.yaml"))


# --------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------


class AnswerError(ValueError):
    """Answers that do not fit the survey; ``problems`` maps a question key to a reason."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{key}: {why}" for key, why in self.problems.items()))


def clean_answers(
    survey: Survey, answers: Mapping[str, Any], others: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check raw answers against ``survey``; return ``(answers, others)`` as stored.

    ``answers`` maps a question key to an option key (single), a list of option keys
    (multiple) or ``{topic key: scale value}`` (topic-scale). ``others`` maps a question
    key to its free text. Unknown keys, missing required answers, combined exclusive
    options and over-long texts raise :class:`AnswerError` naming every problem.
    Unanswered optional questions are left out; lists are sorted, so the stored form
    says nothing about the order in which someone ticked boxes.
    """
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    texts: dict[str, str] = {}
    others = others or {}
    known = {question.key for question in survey.questions}
    for key in sorted(set(answers) - known):
        problems[key] = "not a question of this survey"
    for key in sorted(set(others) - known):
        problems[key] = "not a question of this survey"
    for question in survey.questions:
        value = answers.get(question.key)
        problem, stored = _clean_one(survey, question, value)
        if problem:
            problems[question.key] = problem
        elif stored is not None:
            clean[question.key] = stored
        other = (others.get(question.key) or "").strip()
        if other:
            if question.other is None:
                problems[question.key] = "this question has no free-text box"
            elif len(other) > MAX_OTHER_CHARS:
                problems[question.key] = f"the text is longer than {MAX_OTHER_CHARS} characters"
            else:
                texts[question.key] = other
    if problems:
        raise AnswerError(problems)
    return clean, texts


def _clean_one(survey: Survey, question: Question, value: Any) -> tuple[str, Any]:
    empty = value in (None, "", [], {})
    if empty:
        return ("an answer is required" if question.required else "", None)
    if question.kind == "single":
        if not isinstance(value, str) or value not in {o.key for o in question.options}:
            return (f"{value!r} is not an option", None)
        return ("", value)
    if question.kind == "multiple":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return ("expected a list of options", None)
        keys = {o.key for o in question.options}
        unknown = sorted(set(value) - keys)
        if unknown:
            return (f"{', '.join(unknown)} is not an option", None)
        chosen = sorted(set(value))
        exclusive = [o.key for o in question.options if o.exclusive and o.key in chosen]
        if exclusive and len(chosen) > 1:
            return (f"{exclusive[0]!r} cannot be combined with other options", None)
        return ("", chosen)
    # topic-scale: every topic rated on the scale (partial ratings only when optional)
    if not isinstance(value, Mapping):
        return ("expected a rating for each topic", None)
    topics = [topic.key for topic in survey.topics]
    unknown = sorted(set(value) - set(topics))
    if unknown:
        return (f"{', '.join(unknown)} is not a topic", None)
    ratings: dict[str, int] = {}
    for key in topics:
        rating = value.get(key)
        if rating in (None, ""):
            if question.required:
                return (f"rate the topic {key!r}", None)
            continue
        try:
            number = int(rating)
        except (TypeError, ValueError):
            return (f"{rating!r} is not a point of the scale", None)
        if not 1 <= number <= survey.max_scale or str(number) != str(rating).strip():
            return (f"{rating!r} is not a point of the scale", None)
        ratings[key] = number
    return ("", dict(sorted(ratings.items())) or None)
