"""Risk rating and screening: the decision logic of impact assessments.

Both functions here are documented rules applied to data from the versioned templates in
:mod:`cityrights.impact.template_content`, so the rule a reviewer reads in the template is the rule
the software applies:

* :func:`risk_band` looks a (likelihood, severity) pair up in the template's band rule;
  :func:`residual` compares a risk before and after its mitigations.
* :func:`screen` turns the yes/no/unsure answers of the screening questionnaire into a
  decision: is an assessment needed, and of which kind (``dpia``, ``hria`` or ``both``)?

Invalid input (a level of 0 or 5, an unknown question, an answer other than yes, no or
unsure) raises :class:`ValueError` with a message that can be shown to the person who
typed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .template_content import (
    ASSESSMENT_KINDS,
    RISK_LEVELS,
    SCREENING_ANSWERS,
    Band,
    RiskScale,
    ScreeningTemplate,
    load_assessment_template,
    load_screening,
    text,
)

__all__ = [
    "Kind",
    "ResidualRisk",
    "RiskRating",
    "ScreeningDecision",
    "default_scale",
    "highest_band",
    "rate",
    "residual",
    "risk_band",
    "screen",
    "validate_level",
]

Kind = Literal["none", "dpia", "hria", "both"]

_UNSURE_NOTE = {
    "en": "answered 'unsure', so counted as 'yes'",
    "fr": "réponse « incertain », comptée comme « oui »",
}
_UNANSWERED_NOTE = {
    "en": "not answered, so counted as 'unsure'",
    "fr": "sans réponse, comptée comme « incertain »",
}


# --------------------------------------------------------------------------------------
# Risk levels and bands
# --------------------------------------------------------------------------------------


def default_scale() -> RiskScale:
    """The risk scale of the current shipped assessment template."""
    return load_assessment_template().risk_scale


def validate_level(value: Any, dimension: str = "level") -> int:
    """Return ``value`` if it is a whole number from 1 to 4, else raise a clear ValueError.

    Booleans and numeric strings are refused on purpose: a form or API must convert input
    to a number first, so a silent ``True == 1`` can never slip through as "unlikely".
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"{dimension} must be a whole number from 1 to {RISK_LEVELS}, "
            f"got {value!r} ({type(value).__name__})"
        )
    if not 1 <= value <= RISK_LEVELS:
        raise ValueError(f"{dimension} must be from 1 to {RISK_LEVELS}, got {value}")
    return value


def risk_band(likelihood: int, severity: int, scale: RiskScale | None = None) -> Band:
    """The band (low, medium, high, very high) of a risk, per the template's band rule."""
    likelihood = validate_level(likelihood, "likelihood")
    severity = validate_level(severity, "severity")
    return (scale or default_scale()).band(likelihood, severity)


@dataclass(frozen=True)
class RiskRating:
    """A likelihood and severity (1..4 each) with the band they fall in."""

    likelihood: int
    severity: int
    band: Band

    @property
    def needs_measures_before_use(self) -> bool:
        """High and very high risks must be lowered before a system goes live."""
        return self.band.rank >= 3


def rate(likelihood: int, severity: int, scale: RiskScale | None = None) -> RiskRating:
    """Validate the levels and rate the risk."""
    band = risk_band(likelihood, severity, scale)
    return RiskRating(likelihood, severity, band)


@dataclass(frozen=True)
class ResidualRisk:
    """A risk as first assessed and as it remains once its mitigations are in place."""

    initial: RiskRating
    residual: RiskRating

    @property
    def reduced(self) -> bool:
        """True when the mitigations lowered the band (not merely a level within it)."""
        return self.residual.band.rank < self.initial.band.rank

    @property
    def bands_lowered(self) -> int:
        return self.initial.band.rank - self.residual.band.rank


def residual(
    likelihood: int,
    severity: int,
    residual_likelihood: int,
    residual_severity: int,
    scale: RiskScale | None = None,
) -> ResidualRisk:
    """Rate a risk before and after mitigation.

    Mitigations can only keep or lower each level: a measure that makes a risk *more*
    likely or *more* severe is a new risk and must be recorded as one, so a higher residual
    level raises ValueError rather than being accepted silently.
    """
    scale = scale or default_scale()
    before = rate(likelihood, severity, scale)
    after = rate(residual_likelihood, residual_severity, scale)
    if after.likelihood > before.likelihood:
        raise ValueError(
            f"residual likelihood ({after.likelihood}) cannot be higher than the likelihood "
            f"before mitigation ({before.likelihood}); record a new risk instead"
        )
    if after.severity > before.severity:
        raise ValueError(
            f"residual severity ({after.severity}) cannot be higher than the severity "
            f"before mitigation ({before.severity}); record a new risk instead"
        )
    return ResidualRisk(before, after)


def highest_band(ratings: Iterable[RiskRating]) -> Band | None:
    """The worst band among ``ratings`` (``None`` when there are none).

    The staff dashboard flags a published register entry whose assessment's highest
    residual band is high or very high and which has no approved assessment.
    """
    bands = [rating.band for rating in ratings]
    return max(bands, key=lambda band: band.rank) if bands else None


# --------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningDecision:
    """Outcome of a screening, kept with the project as the record of the decision.

    ``reasons`` has one sentence per question that points to an assessment, in template
    order, in the requested language. ``triggered`` lists those question keys and
    ``unanswered`` the questions that had no answer (treated as "unsure").
    """

    needed: bool
    kind: Kind
    reasons: list[str] = field(default_factory=list)
    triggered: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()
    template: str = ""

    @property
    def complete(self) -> bool:
        """True when every question was answered."""
        return not self.unanswered

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for storing the decision next to the answers."""
        return {
            "needed": self.needed,
            "kind": self.kind,
            "reasons": list(self.reasons),
            "triggered": list(self.triggered),
            "unanswered": list(self.unanswered),
            "template": self.template,
        }


def screen(
    answers: Mapping[str, str],
    template: ScreeningTemplate | None = None,
    *,
    language: str = "en",
) -> ScreeningDecision:
    """Decide whether an impact assessment is needed and of which kind.

    The rule (also written out in the template's ``decision_rule``):

    * every question answered ``"yes"`` or ``"unsure"`` adds the kind it points to
      (``dpia``, ``hria`` or both); **"unsure" counts as "yes"**, because when the facts
      are not known it is safer to assess than to skip, and the answer can be corrected
      later;
    * a question without an answer counts as ``"unsure"`` and is listed in
      ``unanswered``, so an incomplete screening can never conclude "not needed" by
      omission;
    * the kind is ``both`` if both kinds were added, otherwise the one added, or ``none``.

    The rule is monotone: changing any answer towards "yes" can only add kinds.
    Unknown question keys and answers other than yes/no/unsure raise ValueError.
    """
    template = template or load_screening()
    known = {question.key for question in template.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValueError(
            f"unknown screening question(s) {', '.join(map(repr, unknown))} for {template.label}"
        )
    kinds: set[str] = set()
    reasons: list[str] = []
    triggered: list[str] = []
    unanswered: list[str] = []
    for question in template.questions:
        answer = _answer(answers, question.key)
        if answer is None:
            unanswered.append(question.key)
            answer = "unsure"
        if answer == "no":
            continue
        kinds |= question.kinds
        triggered.append(question.key)
        reasons.append(_reason(question.reason, question.key in unanswered, answer, language))
    kind = _kind(kinds)
    return ScreeningDecision(
        needed=kind != "none",
        kind=kind,
        reasons=reasons,
        triggered=tuple(triggered),
        unanswered=tuple(unanswered),
        template=template.label,
    )


def _answer(answers: Mapping[str, str], key: str) -> str | None:
    if key not in answers or answers[key] in (None, ""):
        return None
    answer = answers[key]
    if not isinstance(answer, str) or answer not in SCREENING_ANSWERS:
        raise ValueError(
            f"the answer to screening question {key!r} must be one of "
            f"{', '.join(SCREENING_ANSWERS)}; got {answer!r}"
        )
    return answer


def _reason(reason: Mapping[str, str], unanswered: bool, answer: str, language: str) -> str:
    sentence = text(reason, language)
    if unanswered:
        return f"{sentence} ({text(_UNANSWERED_NOTE, language)})"
    if answer == "unsure":
        return f"{sentence} ({text(_UNSURE_NOTE, language)})"
    return sentence


def _kind(kinds: set[str]) -> Kind:
    if kinds >= set(ASSESSMENT_KINDS):
        return "both"
    if "dpia" in kinds:
        return "dpia"
    if "hria" in kinds:
        return "hria"
    return "none"
