"""Adapter between the Django layer and the pure template modules (``template_content``, ``risk``).

Why: views, forms, services and exports ask a few questions about a template (its
sections for a kind of assessment, its rights, its requirements, the band of a rating).
Asking them here keeps the rest of the app independent of how the pure modules name
things, and gives one place for the small translations between the two (e.g. screening
answer labels, which the template does not carry).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import risk, template_content
from .template_content import (
    AssessmentTemplate,
    ProcurementChecklist,
    Question,
    Requirement,
    Right,
    ScreeningTemplate,
    Section,
    Template,
    TemplateError,
)

__all__ = [
    "SCREENING_CHOICES",
    "TemplateError",
    "assessment_from_data",
    "band",
    "checklist_from_data",
    "display_answer",
    "find_section",
    "likelihood_labels",
    "load_file",
    "requirements_of",
    "rights_of",
    "screen",
    "screening_from_data",
    "screening_questions",
    "sections_for",
    "severity_labels",
    "shipped_files",
    "text",
]

SCREENING_CHOICES = [("yes", _("Yes")), ("unsure", _("Unsure")), ("no", _("No"))]
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


def text(value: Any, language: str = "en") -> str:
    """A template text in ``language`` (falling back to English), or a plain string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return template_content.text(value, language)
    return str(value)


# --------------------------------------------------------------------------------------
# Files and snapshots
# --------------------------------------------------------------------------------------


def shipped_files() -> list[Path]:
    """The template files that ship with cityrights, in a stable order."""
    return sorted(template_content.TEMPLATES_DIR.glob("*.v*.yaml"))


def load_file(path: Path) -> tuple[Template, dict[str, Any]]:
    """Validate a file; return its template object and the JSON data to snapshot."""
    data = template_content.load_template_data(path)
    return template_content.template_from_data(data, source=str(path)), data


def _typed(data: Any, expected: type[Any]) -> Any:
    template = template_content.template_from_data(data, source="snapshot")
    if not isinstance(template, expected):
        raise TemplateError("snapshot", [])
    return template


def screening_from_data(data: Any) -> ScreeningTemplate:
    return _typed(data, ScreeningTemplate)


def assessment_from_data(data: Any) -> AssessmentTemplate:
    return _typed(data, AssessmentTemplate)


def checklist_from_data(data: Any) -> ProcurementChecklist:
    return _typed(data, ProcurementChecklist)


# --------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningItem:
    """A screening question with the answers a person can give."""

    key: str
    text: Any
    help: Any
    choices: Sequence[tuple[str, Any]]


def screening_questions(template: ScreeningTemplate) -> list[ScreeningItem]:
    return [ScreeningItem(q.key, q.text, q.help, SCREENING_CHOICES) for q in template.questions]


def intro_of(template: Any) -> Any:
    return getattr(template, "intro", None)


def screen(
    answers: Mapping[str, str], template: ScreeningTemplate, language: str = "en"
) -> risk.ScreeningDecision:
    return risk.screen(answers, template, language=language)


# --------------------------------------------------------------------------------------
# Assessment template
# --------------------------------------------------------------------------------------


def sections_for(template: AssessmentTemplate, kind: str) -> tuple[Section, ...]:
    return template.sections_for(kind)


def find_section(template: AssessmentTemplate, key: str) -> Section | None:
    try:
        return template.section(key)
    except KeyError:
        return None


def rights_of(template: AssessmentTemplate) -> tuple[Right, ...]:
    return template.rights


def band(template: AssessmentTemplate, likelihood: int, severity: int) -> str:
    """The band key (low, medium, high, very-high) under the template's own rule."""
    return risk.risk_band(likelihood, severity, template.risk_scale).key


def likelihood_labels(template: AssessmentTemplate, language: str) -> list[str]:
    return [text(level.name, language) for level in template.risk_scale.likelihood]


def severity_labels(template: AssessmentTemplate, language: str) -> list[str]:
    return [text(level.name, language) for level in template.risk_scale.severity]


def question_choices(question: Question, language: str) -> list[tuple[str, str]]:
    """``(value, label)`` pairs of a choice or yes-no question; empty for free text."""
    if question.type == "yes-no":
        return [(value, str(label)) for value, label in YES_NO_CHOICES]
    return [(option.key, text(option.label, language)) for option in question.options]


def clean_answer(question: Question, value: Any) -> str | list[str]:
    """Normalise one answer and refuse values the question does not offer (ValueError)."""
    if question.type == "text":
        return str(value or "").strip()
    allowed = {key for key, _label in question_choices(question, "en")}
    if question.type == "choice" and question.multiple:
        values = [value] if isinstance(value, str) else list(value or [])
        values = [str(v) for v in values if str(v)]
        wrong = sorted(set(values) - allowed)
        if wrong:
            raise ValueError(", ".join(wrong))
        return [key for key, _label in question_choices(question, "en") if key in values]
    value = str(value or "").strip()
    if value and value not in allowed:
        raise ValueError(value)
    return value


def display_answer(question: Question, value: Any, language: str) -> str:
    """An answer as a reader sees it: option labels instead of keys."""
    if value in (None, "", []):
        return ""
    if question.type == "text":
        return str(value)
    labels = dict(question_choices(question, language))
    if isinstance(value, list):
        return ", ".join(str(labels.get(v) or v) for v in value)
    return labels.get(str(value), str(value))


# --------------------------------------------------------------------------------------
# Procurement checklist
# --------------------------------------------------------------------------------------


def requirements_of(checklist: ProcurementChecklist) -> tuple[Requirement, ...]:
    return checklist.requirements
