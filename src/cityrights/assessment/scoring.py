"""Scoring of a self-assessment: a documented, pure function of the answers.

Nothing here touches the database: the caller passes the framework (or a light
:class:`ScoringModel`) and the answers, and gets immutable results back. The same inputs
always give the same result, whatever the order of the answers.

The rules
=========

**Answers.** Each respondent answers a question with a level ``1..N`` (N = 5 for
``guide-2022``), ``"dont_know"`` or ``"not_applicable"``. A respondent answers a question
at most once.

**Consolidated value of a question.**

* If the officer recorded a *resolution* for the question, it is the value, whatever the
  respondents said (a resolution may itself be a level, don't-know or not-applicable).
* Otherwise it is the **lower median** of the numeric answers: sort them and take the
  element at index ``(n - 1) // 2``. The lower median is always a level somebody actually
  gave (no half levels), it ignores a single over-optimistic outlier, it never rises
  when an answer is lowered, and it does not depend on the order of respondents.
* With no numeric answer the question is ``dont_know`` if anybody said so, else
  ``not_applicable`` if anybody said so, else ``unanswered``. Don't-know and
  not-applicable answers are counted (coverage) but never scored, so they can never lower
  a score compared with leaving the question unanswered.

**Visibility.** A question with ``show_if = {question: P, min_level: m}`` (a *follow-up*)
is visible only when P is visible and P's consolidated value is a level ``>= m``. Hidden
questions never count: neither in scores nor in coverage.

**Question score.** ``(level - 1) / (N - 1) * 100``, so 1 -> 0 and N -> 100.

**Cell score** (one area x one pillar). A weighted mean over the answered *groups* of the
cell, where a group is an unconditional question together with its follow-ups:

* a question without follow-ups is its own group: its score with its weight. For such
  cells the cell score is exactly the weighted mean of the answered questions;
* a question P with follow-ups F1..Fk forms one group with the fixed weight
  ``w(P) + w(F1) + ... + w(Fk)``, and the group score is the weighted mean of P's score
  and one *slot* per follow-up. A follow-up's slot holds its own score when it is visible
  and answered with a level - but never less than the score of level ``m - 1`` (the level
  just below the one that revealed it) - and otherwise holds P's score.

Why groups: with a plain "mean of the visible questions", raising P could reveal a
follow-up answered low and *lower* the cell, contradicting the rule that raising an
answer never lowers a score. A fixed group weight and the ``m - 1`` floor keep every score
monotone, while a hidden follow-up still has no influence at all (its slot copies P).
Follow-ups must therefore sit in the same cell as P and cannot be nested (checked when
the framework is loaded).

**Area, pillar and overall scores** are the *unweighted* mean of the scores of their
cells that have data: every cell of the grid counts the same, as in the Guide's grid, and
a cell with nothing answered is left out (it is visible in the coverage), never counted
as zero.

**Levels.** Every score is mapped back to a level with the scale's bands. ``None`` means
"no data" and maps to ``None``.

**Coverage** (per cell, area, pillar, overall): counts of visible questions, answered with
a level, don't-know, not-applicable and unanswered; ``ratio = answered / visible``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal, TypeVar

from cityrights.assessment.framework import (
    Band,
    Condition,
    Framework,
    Recommendation,
    band_level,
    level_score,
)

__all__ = [
    "DONT_KNOW",
    "NOT_APPLICABLE",
    "Answer",
    "AnswerValue",
    "AreaResult",
    "AssessmentResult",
    "BenchmarkStat",
    "CellDelta",
    "CellResult",
    "Comparison",
    "Coverage",
    "Gap",
    "PillarResult",
    "QuestionResult",
    "QuestionSpec",
    "ScoringError",
    "ScoringModel",
    "benchmark",
    "compare",
    "rank_gaps",
    "score",
]

DONT_KNOW: Final = "dont_know"
NOT_APPLICABLE: Final = "not_applicable"
NON_NUMERIC = (DONT_KNOW, NOT_APPLICABLE)

AnswerValue = int | Literal["dont_know", "not_applicable"]
Status = Literal["answered", "dont_know", "not_applicable", "unanswered", "hidden"]
CellKey = tuple[str, str]
K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound=Hashable)


class ScoringError(ValueError):
    """Answers that cannot be scored: unknown question, value off the scale, duplicate."""


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One respondent's answer to one question."""

    respondent: str
    question: str
    value: AnswerValue


@dataclass(frozen=True)
class QuestionSpec:
    """What scoring needs to know about a question (no texts)."""

    key: str
    area: str
    pillar: str
    weight: float = 1.0
    show_if: Condition | None = None


def _default_bands() -> tuple[Band, ...]:
    return (
        Band(1, 0.0, 12.5),
        Band(2, 12.5, 37.5),
        Band(3, 37.5, 62.5),
        Band(4, 62.5, 87.5),
        Band(5, 87.5, 100.0),
    )


@dataclass(frozen=True)
class ScoringModel:
    """The light description of a framework that scoring works on.

    Build one with :meth:`from_framework`, or directly (e.g. in tests or from a stored
    snapshot). Conditions must point to an earlier, unconditional question of the same
    cell, as the framework loader enforces.
    """

    questions: tuple[QuestionSpec, ...]
    areas: tuple[str, ...]
    pillars: tuple[str, ...]
    max_level: int = 5
    bands: tuple[Band, ...] = field(default_factory=_default_bands)
    framework_id: str | None = None
    framework_version: int | None = None

    def __post_init__(self) -> None:
        seen: dict[str, QuestionSpec] = {}
        for spec in self.questions:
            if spec.key in seen:
                raise ValueError(f"duplicated question {spec.key!r}")
            if spec.area not in self.areas or spec.pillar not in self.pillars:
                raise ValueError(f"question {spec.key!r} is outside the area x pillar grid")
            if not spec.weight > 0:
                raise ValueError(f"question {spec.key!r} needs a positive weight")
            condition = spec.show_if
            if condition is not None:
                parent = seen.get(condition.question)
                if parent is None or parent.show_if is not None:
                    raise ValueError(
                        f"{spec.key!r}: show_if must name an earlier unconditional question"
                    )
                if (parent.area, parent.pillar) != (spec.area, spec.pillar):
                    raise ValueError(f"{spec.key!r}: show_if must stay within the same cell")
            seen[spec.key] = spec

    @classmethod
    def from_framework(cls, framework: Framework) -> ScoringModel:
        return cls(
            questions=tuple(
                QuestionSpec(q.key, q.area, q.pillar, q.weight, q.show_if)
                for q in framework.questions
            ),
            areas=tuple(area.key for area in framework.areas),
            pillars=tuple(pillar.key for pillar in framework.pillars),
            max_level=framework.scale.max_level,
            bands=framework.scale.bands,
            framework_id=framework.id,
            framework_version=framework.version,
        )

    def cells(self) -> tuple[CellKey, ...]:
        return tuple((area, pillar) for area in self.areas for pillar in self.pillars)


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How much of a scope is answered. Hidden questions are not counted anywhere."""

    visible: int = 0
    answered: int = 0
    dont_know: int = 0
    not_applicable: int = 0
    unanswered: int = 0

    @property
    def ratio(self) -> float | None:
        """answered / visible, ``None`` when nothing is visible."""
        return self.answered / self.visible if self.visible else None

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(
            self.visible + other.visible,
            self.answered + other.answered,
            self.dont_know + other.dont_know,
            self.not_applicable + other.not_applicable,
            self.unanswered + other.unanswered,
        )


@dataclass(frozen=True)
class QuestionResult:
    """The consolidated view of one question, including the respondents' spread."""

    key: str
    area: str
    pillar: str
    status: Status
    value: AnswerValue | None
    score: float | None
    values: tuple[int, ...]
    dont_know: int
    not_applicable: int
    resolved: bool

    @property
    def visible(self) -> bool:
        return self.status != "hidden"

    @property
    def respondents(self) -> int:
        return len(self.values) + self.dont_know + self.not_applicable

    @property
    def spread(self) -> int | None:
        """Highest minus lowest level given; 2 or more usually deserves a resolution."""
        return self.values[-1] - self.values[0] if self.values else None


@dataclass(frozen=True)
class CellResult:
    area: str
    pillar: str
    score: float | None
    level: int | None
    coverage: Coverage

    @property
    def key(self) -> CellKey:
        return (self.area, self.pillar)


@dataclass(frozen=True)
class AreaResult:
    area: str
    score: float | None
    level: int | None
    coverage: Coverage


@dataclass(frozen=True)
class PillarResult:
    pillar: str
    score: float | None
    level: int | None
    coverage: Coverage


@dataclass(frozen=True)
class AssessmentResult:
    """Everything the results page, exports and comparisons need. Read-only mappings."""

    framework_id: str | None
    framework_version: int | None
    max_level: int
    questions: Mapping[str, QuestionResult]
    cells: Mapping[CellKey, CellResult]
    areas: Mapping[str, AreaResult]
    pillars: Mapping[str, PillarResult]
    score: float | None
    level: int | None
    coverage: Coverage

    def cell_scores(self) -> dict[CellKey, float]:
        """Cells with data only: the input shape of :func:`benchmark`."""
        return {key: cell.score for key, cell in self.cells.items() if cell.score is not None}


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


@dataclass
class _Tally:
    numbers: list[int] = field(default_factory=list)
    dont_know: int = 0
    not_applicable: int = 0


def _check_value(value: object, max_level: int, where: str) -> AnswerValue:
    if value == DONT_KNOW:
        return DONT_KNOW
    if value == NOT_APPLICABLE:
        return NOT_APPLICABLE
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScoringError(f"{where}: {value!r} is not a level, 'dont_know' or 'not_applicable'")
    if not 1 <= value <= max_level:
        raise ScoringError(f"{where}: level {value} is outside the scale 1..{max_level}")
    return value


def _tally(
    model: ScoringModel, known: Mapping[str, QuestionSpec], answers: Iterable[Answer]
) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {key: _Tally() for key in known}
    seen: set[tuple[str, str]] = set()
    for answer in answers:
        if answer.question not in known:
            raise ScoringError(f"unknown question {answer.question!r}")
        pair = (answer.respondent, answer.question)
        if pair in seen:
            raise ScoringError(
                f"respondent {answer.respondent!r} answered {answer.question!r} twice"
            )
        seen.add(pair)
        value = _check_value(answer.value, model.max_level, f"answer to {answer.question!r}")
        tally = tallies[answer.question]
        if value == DONT_KNOW:
            tally.dont_know += 1
        elif value == NOT_APPLICABLE:
            tally.not_applicable += 1
        else:
            tally.numbers.append(int(value))
    return tallies


def _consolidate(tally: _Tally, resolution: AnswerValue | None) -> AnswerValue | None:
    """Resolution if any, else the lower median of levels, else don't-know / N/A / None."""
    if resolution is not None:
        return resolution
    if tally.numbers:
        return sorted(tally.numbers)[(len(tally.numbers) - 1) // 2]
    if tally.dont_know:
        return DONT_KNOW
    if tally.not_applicable:
        return NOT_APPLICABLE
    return None


def _status(visible: bool, value: AnswerValue | None) -> Status:
    if not visible:
        return "hidden"
    if value is None:
        return "unanswered"
    if value == DONT_KNOW:
        return "dont_know"
    if value == NOT_APPLICABLE:
        return "not_applicable"
    return "answered"


def _coverage_of(result: QuestionResult) -> Coverage:
    status = result.status
    if status == "hidden":
        return Coverage()
    return Coverage(
        visible=1,
        answered=int(status == "answered"),
        dont_know=int(status == "dont_know"),
        not_applicable=int(status == "not_applicable"),
        unanswered=int(status == "unanswered"),
    )


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def score(
    source: Framework | ScoringModel,
    answers: Iterable[Answer],
    resolved: Mapping[str, AnswerValue] | None = None,
) -> AssessmentResult:
    """Score an assessment. See the module documentation for every rule.

    ``resolved`` maps a question key to the officer's decision, which replaces the
    respondents' answers for that question. Raises :class:`ScoringError` for an unknown
    question, a value off the scale or a respondent answering the same question twice.
    Runs in O(answers + questions x log respondents).
    """
    model = source if isinstance(source, ScoringModel) else ScoringModel.from_framework(source)
    known = {spec.key: spec for spec in model.questions}
    tallies = _tally(model, known, answers)
    resolutions: dict[str, AnswerValue] = {}
    for key, value in (resolved or {}).items():
        if key not in known:
            raise ScoringError(f"resolution for unknown question {key!r}")
        resolutions[key] = _check_value(value, model.max_level, f"resolution of {key!r}")

    questions = _question_results(model, tallies, resolutions)
    cells = _cell_results(model, questions)
    areas = {
        area: _roll_up(model, [cells[(area, pillar)] for pillar in model.pillars])
        for area in model.areas
    }
    pillars = {
        pillar: _roll_up(model, [cells[(area, pillar)] for area in model.areas])
        for pillar in model.pillars
    }
    overall_score, overall_level, overall_coverage = _roll_up(model, list(cells.values()))
    return AssessmentResult(
        framework_id=model.framework_id,
        framework_version=model.framework_version,
        max_level=model.max_level,
        questions=MappingProxyType(questions),
        cells=MappingProxyType(cells),
        areas=MappingProxyType({key: AreaResult(key, *value) for key, value in areas.items()}),
        pillars=MappingProxyType(
            {key: PillarResult(key, *value) for key, value in pillars.items()}
        ),
        score=overall_score,
        level=overall_level,
        coverage=overall_coverage,
    )


def _question_results(
    model: ScoringModel, tallies: Mapping[str, _Tally], resolutions: Mapping[str, AnswerValue]
) -> dict[str, QuestionResult]:
    results: dict[str, QuestionResult] = {}
    for spec in model.questions:  # file order: a condition's target is already known
        tally = tallies[spec.key]
        value = _consolidate(tally, resolutions.get(spec.key))
        visible = True
        if spec.show_if is not None:
            parent = results[spec.show_if.question]
            visible = (
                parent.status == "answered"
                and isinstance(parent.value, int)
                and parent.value >= spec.show_if.min_level
            )
        status = _status(visible, value)
        results[spec.key] = QuestionResult(
            key=spec.key,
            area=spec.area,
            pillar=spec.pillar,
            status=status,
            value=value,
            score=(
                level_score(value, model.max_level)
                if status == "answered" and isinstance(value, int)
                else None
            ),
            values=tuple(sorted(tally.numbers)),
            dont_know=tally.dont_know,
            not_applicable=tally.not_applicable,
            resolved=spec.key in resolutions,
        )
    return results


def _cell_results(
    model: ScoringModel, questions: Mapping[str, QuestionResult]
) -> dict[CellKey, CellResult]:
    followups: dict[str, list[QuestionSpec]] = {}
    for spec in model.questions:
        if spec.show_if is not None:
            followups.setdefault(spec.show_if.question, []).append(spec)
    weighted: dict[CellKey, list[tuple[float, float]]] = {cell: [] for cell in model.cells()}
    coverage: dict[CellKey, Coverage] = {cell: Coverage() for cell in model.cells()}
    for spec in model.questions:
        cell = (spec.area, spec.pillar)
        result = questions[spec.key]
        coverage[cell] = coverage[cell] + _coverage_of(result)
        if spec.show_if is None and result.score is not None:
            group = followups.get(spec.key, [])
            weighted[cell].append(_group(model, spec, result.score, group, questions))
    cells = {}
    for cell in model.cells():
        pairs = weighted[cell]
        total = math.fsum(weight for weight, _ in pairs)
        cell_score = math.fsum(w * s for w, s in pairs) / total if pairs else None
        cell_score = _clamp(cell_score)
        cells[cell] = CellResult(
            cell[0], cell[1], cell_score, band_level(model.bands, cell_score), coverage[cell]
        )
    return cells


def _group(
    model: ScoringModel,
    parent: QuestionSpec,
    parent_score: float,
    followups: Sequence[QuestionSpec],
    questions: Mapping[str, QuestionResult],
) -> tuple[float, float]:
    """(weight, score) of a question together with its follow-ups (see module doc)."""
    weight = parent.weight
    total = parent.weight * parent_score
    for spec in followups:
        result = questions[spec.key]
        slot = parent_score
        if result.score is not None and spec.show_if is not None:
            floor = level_score(max(spec.show_if.min_level - 1, 1), model.max_level)
            slot = max(result.score, floor)
        weight += spec.weight
        total += spec.weight * slot
    return weight, total / weight


def _clamp(value: float | None) -> float | None:
    """Keep float noise (e.g. 100.00000000000001) inside 0..100."""
    return None if value is None else min(100.0, max(0.0, value))


def _roll_up(
    model: ScoringModel, cells: Sequence[CellResult]
) -> tuple[float | None, int | None, Coverage]:
    scores = [cell.score for cell in cells if cell.score is not None]
    value = _clamp(_mean(scores))
    coverage = Coverage()
    for cell in cells:
        coverage = coverage + cell.coverage
    return value, band_level(model.bands, value), coverage


# --------------------------------------------------------------------------------------
# Year-on-year comparison
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellDelta:
    """Change of one score between two assessments. ``delta`` is ``None`` without data."""

    previous: float | None
    current: float | None
    previous_level: int | None
    current_level: int | None

    @property
    def delta(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def level_delta(self) -> int | None:
        if self.previous_level is None or self.current_level is None:
            return None
        return self.current_level - self.previous_level


@dataclass(frozen=True)
class Comparison:
    cells: Mapping[CellKey, CellDelta]
    areas: Mapping[str, CellDelta]
    pillars: Mapping[str, CellDelta]
    overall: CellDelta
    same_framework: bool


def compare(previous: AssessmentResult, current: AssessmentResult) -> Comparison:
    """Per-cell (and area, pillar, overall) change from ``previous`` to ``current``.

    Cells are matched by (area, pillar) key, so two versions of a framework can be
    compared as long as they keep their area and pillar keys; ``same_framework`` tells
    the page whether a note about a changed questionnaire is needed. A cell present in
    only one of the results gets ``None`` on the other side.
    """

    def pair(
        before: Mapping[K, CellResult | AreaResult | PillarResult],
        after: Mapping[K, CellResult | AreaResult | PillarResult],
    ) -> dict[K, CellDelta]:
        keys = list(after) + [key for key in before if key not in after]
        out = {}
        for key in keys:
            old, new = before.get(key), after.get(key)
            out[key] = CellDelta(
                old.score if old else None,
                new.score if new else None,
                old.level if old else None,
                new.level if new else None,
            )
        return out

    return Comparison(
        cells=MappingProxyType(pair(previous.cells, current.cells)),
        areas=MappingProxyType(pair(previous.areas, current.areas)),
        pillars=MappingProxyType(pair(previous.pillars, current.pillars)),
        overall=CellDelta(previous.score, current.score, previous.level, current.level),
        same_framework=(previous.framework_id, previous.framework_version)
        == (current.framework_id, current.framework_version),
    )


# --------------------------------------------------------------------------------------
# Gaps and recommendations
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A cell below its target, with what to do next."""

    area: str
    pillar: str
    score: float
    level: int
    target_level: int
    gap: float
    recommendations: tuple[Recommendation, ...]


def rank_gaps(
    result: AssessmentResult,
    framework: Framework,
    targets: Mapping[CellKey, int] | None = None,
) -> tuple[Gap, ...]:
    """Cells below their target, largest gap first, with the recommendations to apply.

    The gap is the target level's score (default: the top level, i.e. 100) minus the
    cell's score. A cell's recommendations are those written for its *current* level (how
    to reach the next one). Cells without data are not gaps but unknowns: they appear in
    the coverage instead. Ties keep the framework's area and pillar order.
    """
    max_level = framework.scale.max_level
    order = {cell: index for index, cell in enumerate(framework.cells())}
    gaps = []
    for key, cell in result.cells.items():
        if cell.score is None or cell.level is None:
            continue
        target_level = (targets or {}).get(key, max_level)
        target_level = min(max(target_level, 1), max_level)
        distance = framework.scale.score_for_level(target_level) - cell.score
        if distance <= 0 or cell.level >= target_level:
            continue
        gaps.append(
            Gap(
                area=cell.area,
                pillar=cell.pillar,
                score=cell.score,
                level=cell.level,
                target_level=target_level,
                gap=distance,
                recommendations=framework.recommendations_for(cell.area, cell.pillar, cell.level),
            )
        )
    gaps.sort(key=lambda gap: (-gap.gap, order.get((gap.area, gap.pillar), len(order))))
    return tuple(gaps)


# --------------------------------------------------------------------------------------
# Coalition benchmark
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkStat:
    """Distribution of one cell over the sharing cities; figures ``None`` below the minimum."""

    cities: int
    median: float | None
    q1: float | None
    q3: float | None


def benchmark(
    scores_per_city: Mapping[C, Mapping[K, float | None]], min_cities: int = 5
) -> dict[K, BenchmarkStat]:
    """Median and quartiles of every cell over the cities that have a score for it.

    Figures are withheld (``None``) for a cell with fewer than ``min_cities`` scores, so
    that no single city can be singled out. Quartiles use linear interpolation between
    the sorted scores (``statistics.quantiles(method="inclusive")``, the same as
    spreadsheet ``QUARTILE.INC``). Cost: O(total scores x log cities).
    """
    if min_cities < 1:
        raise ValueError("min_cities must be at least 1")
    per_cell: dict[K, list[float]] = {}
    for city, cells in scores_per_city.items():
        for cell, value in cells.items():
            if value is None:
                continue
            if not (isinstance(value, int | float) and 0 <= value <= 100):
                raise ValueError(f"score {value!r} of {city!r} for {cell!r} is not in 0..100")
            per_cell.setdefault(cell, []).append(float(value))
    stats: dict[K, BenchmarkStat] = {}
    for cell, values in per_cell.items():
        if len(values) < min_cities:
            stats[cell] = BenchmarkStat(len(values), None, None, None)
            continue
        values.sort()
        if len(values) == 1:
            stats[cell] = BenchmarkStat(1, values[0], values[0], values[0])
            continue
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        stats[cell] = BenchmarkStat(len(values), median, q1, q3)
    return stats
