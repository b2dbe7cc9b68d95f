"""Impact assessment template data: loader, validator and immutable domain objects.

Three kinds of versioned YAML files live in ``templates_data/`` (``<id>.v<version>.yaml``):

* ``screening``   -- the short yes/no/unsure questionnaire that decides whether a full
  assessment is needed and of which kind (see :func:`cityrights.impact.risk.screen`);
* ``assessment``  -- the combined human rights and data protection assessment: sections of
  questions, the rights analysed, and the risk scale with its band rule;
* ``procurement`` -- the checklist of human rights requirements for tenders.

Like the self-assessment framework, they are *data*: reviewed by people who do not read
Python, versioned so that an assessment always keeps the template it was filled in with,
and validated in two passes so that a broken file is refused with a message naming the
file, the key path and the line:

1. a JSON Schema per kind checks the shape;
2. semantic checks verify what a schema cannot: unique keys, references to known rights,
   choice questions with options, French titles, risk levels numbered 1..4, and a band
   rule that covers every (likelihood, severity) pair and never goes down when either
   grows.

This module is pure Python (no Django) so commands, tests and offline tools can use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import jsonschema

from cityrights.core.datafiles import (
    DataFileError,
    Problem,
    Text,
    content_hash,
    find,
    locate_lines,
    optional_text,
    read_yaml,
    schema_problems,
    stringify_keys,
    text,
)

__all__ = [
    "ANSWER_TYPES",
    "ASSESSMENT_KINDS",
    "SCREENING_ANSWERS",
    "TEMPLATES_DIR",
    "AssessmentTemplate",
    "Band",
    "Option",
    "ProcurementChecklist",
    "Question",
    "Requirement",
    "Right",
    "RiskLevel",
    "RiskScale",
    "ScreeningQuestion",
    "ScreeningTemplate",
    "Section",
    "TemplateError",
    "TemplateProblem",
    "Text",
    "load_assessment_template",
    "load_procurement_checklist",
    "load_screening",
    "load_template_data",
    "load_template_file",
    "shipped_path",
    "template_from_data",
    "text",
]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_data"
"""Where the shipped template files live (``<id>.v<version>.yaml``)."""

SCREENING_ANSWERS = ("yes", "no", "unsure")
ASSESSMENT_KINDS = ("dpia", "hria")
"""The two kinds of assessment; a screening may point to either or to both."""
ANSWER_TYPES = ("text", "choice", "yes-no")
TITLE_LANGUAGES = ("en", "fr")
"""Languages every title must have (English is required for every text)."""
RISK_LEVELS = 4
BAND_KEYS = ("low", "medium", "high", "very-high")

Trigger = Literal["dpia", "hria", "both"]
AnswerType = Literal["text", "choice", "yes-no"]

# --------------------------------------------------------------------------------------
# Domain objects (frozen: a loaded template version never changes)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningQuestion:
    """One screening question and the assessment it points to when not answered "no"."""

    key: str
    text: Text
    help: Text | None
    triggers: Trigger
    reason: Text

    @property
    def kinds(self) -> frozenset[str]:
        """``{"dpia"}``, ``{"hria"}`` or both: what a "yes" adds to the decision."""
        return (
            frozenset(ASSESSMENT_KINDS) if self.triggers == "both" else frozenset({self.triggers})
        )


@dataclass(frozen=True)
class ScreeningTemplate:
    kind: ClassVar[str] = "screening"

    id: str
    version: int
    title: Text
    intro: Text
    decision_rule: Text
    questions: tuple[ScreeningQuestion, ...]
    source: str = ""
    content_hash: str = ""

    @property
    def label(self) -> str:
        return f"{self.id}.v{self.version}"

    def question(self, key: str) -> ScreeningQuestion:
        return find(self.questions, key, "screening question")


@dataclass(frozen=True)
class Option:
    key: str
    label: Text


@dataclass(frozen=True)
class Question:
    """A question of the full assessment; ``options`` is empty unless ``type`` is choice."""

    key: str
    text: Text
    help: Text | None
    type: AnswerType
    options: tuple[Option, ...] = ()
    multiple: bool = False
    required: bool = True

    def option(self, key: str) -> Option:
        return find(self.options, key, f"option of question {self.key!r}")


@dataclass(frozen=True)
class Right:
    key: str
    title: Text
    description: Text


@dataclass(frozen=True)
class Section:
    """An ordered group of questions; ``right`` is set for the analysis of one right."""

    key: str
    title: Text
    intro: Text | None
    applies_to: tuple[str, ...]
    questions: tuple[Question, ...]
    right: str | None = None


@dataclass(frozen=True)
class RiskLevel:
    """One step (1..4) of the likelihood or the severity scale."""

    level: int
    key: str
    name: Text
    description: Text


@dataclass(frozen=True)
class Band:
    """Risk band; ``rank`` 1 (low) .. 4 (very high) orders bands for comparisons."""

    key: str
    rank: int
    name: Text
    description: Text


@dataclass(frozen=True)
class RiskScale:
    """Likelihood and severity scales and the band of every (likelihood, severity) pair."""

    likelihood: tuple[RiskLevel, ...]
    severity: tuple[RiskLevel, ...]
    bands: tuple[Band, ...]
    rule: tuple[tuple[str, ...], ...]
    """``rule[severity - 1][likelihood - 1]`` is a band key."""

    def band(self, likelihood: int, severity: int) -> Band:
        """The band for valid levels (use :func:`cityrights.impact.risk.risk_band` for input)."""
        return self.band_by_key(self.rule[severity - 1][likelihood - 1])

    def band_by_key(self, key: str) -> Band:
        return find(self.bands, key, "risk band")


@dataclass(frozen=True)
class AssessmentTemplate:
    kind: ClassVar[str] = "assessment"

    id: str
    version: int
    title: Text
    intro: Text
    rights: tuple[Right, ...]
    sections: tuple[Section, ...]
    risk_scale: RiskScale
    source: str = ""
    content_hash: str = ""

    @property
    def label(self) -> str:
        return f"{self.id}.v{self.version}"

    def right(self, key: str) -> Right:
        return find(self.rights, key, "right")

    def section(self, key: str) -> Section:
        return find(self.sections, key, "section")

    def question(self, key: str) -> Question:
        for section in self.sections:
            for question in section.questions:
                if question.key == key:
                    return question
        raise KeyError(f"unknown question {key!r} in {self.label}")

    def sections_for(self, kind: str) -> tuple[Section, ...]:
        """Sections needed for a screening outcome: ``dpia``, ``hria`` or ``both``."""
        if kind not in (*ASSESSMENT_KINDS, "both"):
            raise ValueError(f"unknown assessment kind {kind!r}; expected dpia, hria or both")
        kinds = set(ASSESSMENT_KINDS) if kind == "both" else {kind}
        return tuple(s for s in self.sections if kinds & set(s.applies_to))


@dataclass(frozen=True)
class Requirement:
    key: str
    title: Text
    requirement: Text
    why: Text
    contract_wording: Text
    optional: bool = False
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProcurementChecklist:
    kind: ClassVar[str] = "procurement"

    id: str
    version: int
    title: Text
    intro: Text
    requirements: tuple[Requirement, ...]
    mechanism: int | None = None
    source: str = ""
    content_hash: str = ""

    @property
    def label(self) -> str:
        return f"{self.id}.v{self.version}"

    def requirement(self, key: str) -> Requirement:
        return find(self.requirements, key, "requirement")


Template = ScreeningTemplate | AssessmentTemplate | ProcurementChecklist


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


TemplateProblem = Problem
"""One thing wrong with a template file (the shared :class:`Problem`)."""


class TemplateError(DataFileError):
    """A template file is broken. ``str(error)`` names the file, key path and line."""

    noun = "impact template"


# --------------------------------------------------------------------------------------
# JSON Schemas (one per kind; also usable by editors)
# --------------------------------------------------------------------------------------

_KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}
_TEXT = {
    "type": "object",
    "required": ["en"],
    "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
    "additionalProperties": {"type": "string", "minLength": 1},
}
_HEADER = {
    "kind": {"enum": ["screening", "assessment", "procurement"]},
    "id": _KEY,
    "version": {"type": "integer", "minimum": 1},
    "title": _TEXT,
    "intro": _TEXT,
}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


def _list_of(item: dict[str, Any], min_items: int = 1, max_items: int | None = None) -> Any:
    schema: dict[str, Any] = {"type": "array", "items": item, "minItems": min_items}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


SCREENING_SCHEMA: dict[str, Any] = _object(
    ["kind", "id", "version", "title", "intro", "decision_rule", "questions"],
    {
        **_HEADER,
        "decision_rule": _TEXT,
        "questions": _list_of(
            _object(
                ["key", "text", "triggers", "reason"],
                {
                    "key": _KEY,
                    "text": _TEXT,
                    "help": _TEXT,
                    "triggers": {"enum": ["dpia", "hria", "both"]},
                    "reason": _TEXT,
                },
            ),
            min_items=1,
        ),
    },
)

_OPTION = _object(["key", "label"], {"key": _KEY, "label": _TEXT})
_QUESTION = _object(
    ["key", "type", "text"],
    {
        "key": _KEY,
        "type": {"enum": list(ANSWER_TYPES)},
        "text": _TEXT,
        "help": _TEXT,
        "options": _list_of(_OPTION, min_items=2),
        "multiple": {"type": "boolean"},
        "required": {"type": "boolean"},
    },
)
_LEVEL = _object(
    ["level", "key", "name", "description"],
    {"level": {"type": "integer"}, "key": _KEY, "name": _TEXT, "description": _TEXT},
)
ASSESSMENT_SCHEMA: dict[str, Any] = _object(
    ["kind", "id", "version", "title", "intro", "rights", "sections", "risk_scale"],
    {
        **_HEADER,
        "rights": _list_of(
            _object(
                ["key", "title", "description"],
                {"key": _KEY, "title": _TEXT, "description": _TEXT},
            )
        ),
        "sections": _list_of(
            _object(
                ["key", "title", "applies_to", "questions"],
                {
                    "key": _KEY,
                    "title": _TEXT,
                    "intro": _TEXT,
                    "right": _KEY,
                    "applies_to": {
                        "type": "array",
                        "items": {"enum": list(ASSESSMENT_KINDS)},
                        "minItems": 1,
                        "uniqueItems": True,
                    },
                    "questions": _list_of(_QUESTION),
                },
            )
        ),
        "risk_scale": _object(
            ["likelihood", "severity", "bands", "band_rule"],
            {
                "likelihood": _list_of(_LEVEL, RISK_LEVELS, RISK_LEVELS),
                "severity": _list_of(_LEVEL, RISK_LEVELS, RISK_LEVELS),
                "bands": _list_of(
                    _object(
                        ["key", "name", "description"],
                        {"key": {"enum": list(BAND_KEYS)}, "name": _TEXT, "description": _TEXT},
                    ),
                    len(BAND_KEYS),
                    len(BAND_KEYS),
                ),
                "band_rule": _list_of(
                    _object(
                        ["severity", "bands"],
                        {
                            "severity": {"type": "integer"},
                            "bands": _list_of(_KEY, RISK_LEVELS, RISK_LEVELS),
                        },
                    ),
                    RISK_LEVELS,
                    RISK_LEVELS,
                ),
            },
        ),
    },
)

PROCUREMENT_SCHEMA: dict[str, Any] = _object(
    ["kind", "id", "version", "title", "intro", "requirements"],
    {
        **_HEADER,
        "mechanism": {"type": "integer", "minimum": 1},
        "requirements": _list_of(
            _object(
                ["key", "title", "requirement", "why", "contract_wording"],
                {
                    "key": _KEY,
                    "title": _TEXT,
                    "requirement": _TEXT,
                    "why": _TEXT,
                    "contract_wording": _TEXT,
                    "optional": {"type": "boolean"},
                    "references": {"type": "array", "items": {"type": "string", "minLength": 1}},
                },
            )
        ),
    },
)

SCHEMAS: dict[str, dict[str, Any]] = {
    "screening": SCREENING_SCHEMA,
    "assessment": ASSESSMENT_SCHEMA,
    "procurement": PROCUREMENT_SCHEMA,
}
_VALIDATORS = {kind: jsonschema.Draft202012Validator(schema) for kind, schema in SCHEMAS.items()}

# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def shipped_path(template_id: str, version: int = 1) -> Path:
    """Path of a shipped template file, e.g. ``shipped_path("screening", 1)``."""
    return TEMPLATES_DIR / f"{template_id}.v{version}.yaml"


def load_template_file(path: str | Path) -> Template:
    """Read, validate and build the template in ``path`` (YAML or JSON).

    Raises :class:`TemplateError` naming the file, key path and line of every problem.
    """
    source = str(path)
    try:
        content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(source, [TemplateProblem("", f"cannot read file: {error}")]) from error
    data = read_yaml(source, content, TemplateError)
    return template_from_data(data, source=source, content=content)


def load_template_data(path: str | Path) -> dict[str, Any]:
    """Read and validate ``path`` and return its plain, JSON-ready data.

    Store this snapshot with each template version in the database; rebuild the objects
    later with :func:`template_from_data`, so an assessment keeps the exact template it was
    filled in with even after the file changes.
    """
    source = str(path)
    try:
        content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(source, [TemplateProblem("", f"cannot read file: {error}")]) from error
    data = read_yaml(source, content, TemplateError)
    template_from_data(data, source=source, content=content)
    return stringify_keys(data)


def template_from_data(
    data: Any, *, source: str = "<data>", content: str | None = None
) -> Template:
    """Validate already-parsed data (e.g. a JSON snapshot kept with an assessment).

    ``content`` is the original text, used only to find line numbers for messages.
    """
    if not isinstance(data, Mapping):
        raise TemplateError(source, [TemplateProblem("", "the file must contain a mapping", 1)])
    plain = stringify_keys(data)
    kind = plain.get("kind")
    if kind not in SCHEMAS:
        message = f"'kind' must be one of {sorted(SCHEMAS)}, got {kind!r}"
        raise TemplateError(source, locate_lines(content, [TemplateProblem("kind", message)]))
    problems = schema_problems(_VALIDATORS[kind], plain)
    if not problems:
        problems = _SEMANTIC_CHECKS[kind](plain)
    if problems:
        raise TemplateError(source, locate_lines(content, problems))
    return _BUILDERS[kind](plain, source)


@lru_cache(maxsize=8)
def load_screening(version: int = 1) -> ScreeningTemplate:
    """The shipped screening questionnaire (cached: template versions never change)."""
    return _load_shipped("screening", version, ScreeningTemplate)


@lru_cache(maxsize=8)
def load_assessment_template(version: int = 1) -> AssessmentTemplate:
    """The shipped combined human rights and data protection assessment template."""
    return _load_shipped("hria-dpia", version, AssessmentTemplate)


@lru_cache(maxsize=8)
def load_procurement_checklist(version: int = 1) -> ProcurementChecklist:
    """The shipped procurement checklist."""
    return _load_shipped("procurement", version, ProcurementChecklist)


def _load_shipped(template_id: str, version: int, expected: type[Any]) -> Any:
    path = shipped_path(template_id, version)
    template = load_template_file(path)
    if not isinstance(template, expected):
        problem = TemplateProblem("kind", f"expected a {expected.__name__} file")
        raise TemplateError(str(path), locate_lines(path.read_text("utf-8"), [problem]))
    return template


# --------------------------------------------------------------------------------------
# Semantic checks
# --------------------------------------------------------------------------------------


def _duplicates(items: Sequence[Mapping[str, Any]], prefix: str) -> list[TemplateProblem]:
    seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        key = item["key"]
        if key in seen:
            problems.append(
                TemplateProblem(
                    f"{prefix}[{index}].key", f"duplicate key {key!r} (also {prefix}[{seen[key]}])"
                )
            )
        else:
            seen[key] = index
    return problems


def _title_problems(items: Sequence[Mapping[str, Any]], prefix: str) -> list[TemplateProblem]:
    problems = []
    for index, item in enumerate(items):
        missing = [lang for lang in TITLE_LANGUAGES if lang not in item["title"]]
        if missing:
            problems.append(
                TemplateProblem(
                    f"{prefix}[{index}].title", f"title needs a translation in {', '.join(missing)}"
                )
            )
    return problems


def _header_problems(data: Mapping[str, Any]) -> list[TemplateProblem]:
    missing = [lang for lang in TITLE_LANGUAGES if lang not in data["title"]]
    if missing:
        return [TemplateProblem("title", f"title needs a translation in {', '.join(missing)}")]
    return []


def _screening_problems(data: Mapping[str, Any]) -> list[TemplateProblem]:
    return _header_problems(data) + _duplicates(data["questions"], "questions")


def _procurement_problems(data: Mapping[str, Any]) -> list[TemplateProblem]:
    requirements = data["requirements"]
    return (
        _header_problems(data)
        + _duplicates(requirements, "requirements")
        + _title_problems(requirements, "requirements")
    )


def _assessment_problems(data: Mapping[str, Any]) -> list[TemplateProblem]:
    rights, sections = data["rights"], data["sections"]
    problems = _header_problems(data)
    problems += _duplicates(rights, "rights") + _title_problems(rights, "rights")
    problems += _duplicates(sections, "sections") + _title_problems(sections, "sections")
    problems += _section_problems(sections, {r["key"] for r in rights})
    problems += _risk_scale_problems(data["risk_scale"])
    return problems


def _section_problems(
    sections: Sequence[Mapping[str, Any]], right_keys: set[str]
) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    question_at: dict[str, str] = {}
    analysed: set[str] = set()
    for s_index, section in enumerate(sections):
        where = f"sections[{s_index}]"
        right = section.get("right")
        if right is not None and right not in right_keys:
            problems.append(TemplateProblem(f"{where}.right", f"unknown right {right!r}"))
        elif right is not None:
            analysed.add(right)
        for q_index, question in enumerate(section["questions"]):
            q_where = f"{where}.questions[{q_index}]"
            key = question["key"]
            if key in question_at:
                message = f"duplicate question key {key!r} (also {question_at[key]})"
                problems.append(TemplateProblem(f"{q_where}.key", message))
            question_at.setdefault(key, q_where)
            problems += _question_problems(question, q_where)
    for missing in sorted(right_keys - analysed):
        problems.append(TemplateProblem("rights", f"right {missing!r} has no analysis section"))
    return problems


def _question_problems(question: Mapping[str, Any], where: str) -> list[TemplateProblem]:
    options = question.get("options")
    if question["type"] == "choice":
        if not options:
            return [TemplateProblem(f"{where}.options", "a choice question needs options")]
        return _duplicates(options, f"{where}.options")
    problems = []
    if options is not None:
        message = f"only choice questions have options (this one is {question['type']!r})"
        problems.append(TemplateProblem(f"{where}.options", message))
    if question.get("multiple"):
        problems.append(TemplateProblem(f"{where}.multiple", "only choice questions allow many"))
    return problems


def _risk_scale_problems(scale: Mapping[str, Any]) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    expected = list(range(1, RISK_LEVELS + 1))
    for dimension in ("likelihood", "severity"):
        levels = [item["level"] for item in scale[dimension]]
        if levels != expected:
            message = f"levels must be numbered {expected} in order, got {levels}"
            problems.append(TemplateProblem(f"risk_scale.{dimension}", message))
        problems += _duplicates(scale[dimension], f"risk_scale.{dimension}")
    band_keys = [band["key"] for band in scale["bands"]]
    if band_keys != list(BAND_KEYS):
        message = f"bands must be listed from lowest to highest as {list(BAND_KEYS)}"
        problems.append(TemplateProblem("risk_scale.bands", message))
    problems += _band_rule_problems(scale["band_rule"])
    return problems


def _band_rule_problems(rule: Sequence[Mapping[str, Any]]) -> list[TemplateProblem]:
    """Every severity once, only known bands, and never a lower band for a higher level."""
    problems: list[TemplateProblem] = []
    rows: dict[int, list[str]] = {}
    for index, row in enumerate(rule):
        severity, where = row["severity"], f"risk_scale.band_rule[{index}]"
        if not 1 <= severity <= RISK_LEVELS:
            problems.append(TemplateProblem(f"{where}.severity", f"no severity level {severity}"))
        elif severity in rows:
            problems.append(TemplateProblem(f"{where}.severity", f"severity {severity} twice"))
        unknown = [band for band in row["bands"] if band not in BAND_KEYS]
        if unknown:
            problems.append(TemplateProblem(f"{where}.bands", f"unknown band(s) {unknown}"))
            continue
        rows[severity] = row["bands"]
        ranks = [BAND_KEYS.index(band) for band in row["bands"]]
        if ranks != sorted(ranks):
            message = "a higher likelihood must never give a lower band"
            problems.append(TemplateProblem(f"{where}.bands", message))
    if problems:
        return problems
    for severity in range(1, RISK_LEVELS):
        for likelihood in range(RISK_LEVELS):
            lower = BAND_KEYS.index(rows[severity][likelihood])
            higher = BAND_KEYS.index(rows[severity + 1][likelihood])
            if higher < lower:
                message = (
                    f"severity {severity + 1} gives a lower band than severity {severity} "
                    f"at likelihood {likelihood + 1}"
                )
                problems.append(TemplateProblem("risk_scale.band_rule", message))
    return problems


_SEMANTIC_CHECKS = {
    "screening": _screening_problems,
    "assessment": _assessment_problems,
    "procurement": _procurement_problems,
}

# --------------------------------------------------------------------------------------
# Building the frozen objects (data already validated)
# --------------------------------------------------------------------------------------


def _build_screening(data: Mapping[str, Any], source: str) -> ScreeningTemplate:
    questions = tuple(
        ScreeningQuestion(
            key=q["key"],
            text=Text(q["text"]),
            help=optional_text(q.get("help")),
            triggers=q["triggers"],
            reason=Text(q["reason"]),
        )
        for q in data["questions"]
    )
    return ScreeningTemplate(
        id=data["id"],
        version=data["version"],
        title=Text(data["title"]),
        intro=Text(data["intro"]),
        decision_rule=Text(data["decision_rule"]),
        questions=questions,
        source=source,
        content_hash=content_hash(data),
    )


def _build_question(q: Mapping[str, Any]) -> Question:
    return Question(
        key=q["key"],
        text=Text(q["text"]),
        help=optional_text(q.get("help")),
        type=q["type"],
        options=tuple(Option(o["key"], Text(o["label"])) for o in q.get("options", ())),
        multiple=bool(q.get("multiple", False)),
        required=bool(q.get("required", True)),
    )


def _build_levels(items: Sequence[Mapping[str, Any]]) -> tuple[RiskLevel, ...]:
    return tuple(
        RiskLevel(i["level"], i["key"], Text(i["name"]), Text(i["description"])) for i in items
    )


def _build_assessment(data: Mapping[str, Any], source: str) -> AssessmentTemplate:
    scale = data["risk_scale"]
    rows = {row["severity"]: tuple(row["bands"]) for row in scale["band_rule"]}
    risk_scale = RiskScale(
        likelihood=_build_levels(scale["likelihood"]),
        severity=_build_levels(scale["severity"]),
        bands=tuple(
            Band(b["key"], rank, Text(b["name"]), Text(b["description"]))
            for rank, b in enumerate(scale["bands"], start=1)
        ),
        rule=tuple(rows[severity] for severity in range(1, RISK_LEVELS + 1)),
    )
    return AssessmentTemplate(
        id=data["id"],
        version=data["version"],
        title=Text(data["title"]),
        intro=Text(data["intro"]),
        rights=tuple(
            Right(r["key"], Text(r["title"]), Text(r["description"])) for r in data["rights"]
        ),
        sections=tuple(
            Section(
                key=s["key"],
                title=Text(s["title"]),
                intro=optional_text(s.get("intro")),
                applies_to=tuple(s["applies_to"]),
                questions=tuple(_build_question(q) for q in s["questions"]),
                right=s.get("right"),
            )
            for s in data["sections"]
        ),
        risk_scale=risk_scale,
        source=source,
        content_hash=content_hash(data),
    )


def _build_procurement(data: Mapping[str, Any], source: str) -> ProcurementChecklist:
    return ProcurementChecklist(
        id=data["id"],
        version=data["version"],
        title=Text(data["title"]),
        intro=Text(data["intro"]),
        mechanism=data.get("mechanism"),
        requirements=tuple(
            Requirement(
                key=r["key"],
                title=Text(r["title"]),
                requirement=Text(r["requirement"]),
                why=Text(r["why"]),
                contract_wording=Text(r["contract_wording"]),
                optional=bool(r.get("optional", False)),
                references=tuple(r.get("references", ())),
            )
            for r in data["requirements"]
        ),
        source=source,
        content_hash=content_hash(data),
    )


_BUILDERS: dict[str, Any] = {
    "screening": _build_screening,
    "assessment": _build_assessment,
    "procurement": _build_procurement,
}
