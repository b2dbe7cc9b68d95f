"""Scoring: properties that must hold for any answers, and worked examples."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityrights.assessment.framework import Condition, Framework, load_framework_file
from cityrights.assessment.scoring import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Answer,
    AnswerValue,
    AssessmentResult,
    QuestionSpec,
    ScoringError,
    ScoringModel,
    benchmark,
    compare,
    rank_gaps,
    score,
)

SHIPPED = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "cityrights"
    / "assessment"
    / "frameworks"
    / "guide-2022.v1.yaml"
)
FRAMEWORK: Framework = load_framework_file(SHIPPED)
REAL = ScoringModel.from_framework(FRAMEWORK)

# A small grid with weights and follow-ups (q3, q4 follow q1; q7 follows q6).
SMALL = ScoringModel(
    questions=(
        QuestionSpec("q1", "a", "x"),
        QuestionSpec("q2", "a", "x", weight=2),
        QuestionSpec("q3", "a", "x", show_if=Condition("q1", 3)),
        QuestionSpec("q4", "a", "x", weight=0.5, show_if=Condition("q1", 4)),
        QuestionSpec("q5", "a", "y"),
        QuestionSpec("q6", "b", "x", weight=1.5),
        QuestionSpec("q7", "b", "x", show_if=Condition("q6", 2)),
        QuestionSpec("q8", "b", "y"),
        QuestionSpec("q9", "a", "y", weight=3),
    ),
    areas=("a", "b"),
    pillars=("x", "y"),
)

VALUES: st.SearchStrategy[AnswerValue] = st.one_of(
    st.integers(1, 5), st.sampled_from([DONT_KNOW, NOT_APPLICABLE])
)
RESPONDENTS = ["ana", "ben", "chloé", "dev", "eli"]


def answers_for(model: ScoringModel, max_size: int = 40) -> st.SearchStrategy[list[Answer]]:
    keys = [spec.key for spec in model.questions]
    pairs = st.tuples(st.sampled_from(RESPONDENTS), st.sampled_from(keys))
    return st.dictionaries(pairs, VALUES, max_size=max_size).map(
        lambda found: [Answer(r, q, v) for (r, q), v in found.items()]
    )


def resolutions_for(model: ScoringModel) -> st.SearchStrategy[dict[str, Any]]:
    keys = [spec.key for spec in model.questions]
    return st.dictionaries(st.sampled_from(keys), VALUES, max_size=3)


def all_scores(result: AssessmentResult) -> dict[tuple[str, ...], float | None]:
    """Every score of a result, keyed by scope."""
    scores: dict[tuple[str, ...], float | None] = {("overall",): result.score}
    scores.update({("question", key): q.score for key, q in result.questions.items()})
    scores.update({("cell", *key): c.score for key, c in result.cells.items()})
    scores.update({("area", key): a.score for key, a in result.areas.items()})
    scores.update({("pillar", key): p.score for key, p in result.pillars.items()})
    return scores


def aggregate_scores(result: AssessmentResult) -> dict[tuple[str, ...], float | None]:
    return {key: value for key, value in all_scores(result).items() if key[0] != "question"}


def assert_not_lower(
    before: dict[tuple[str, ...], float | None], after: dict[tuple[str, ...], float | None]
) -> None:
    for key, old in before.items():
        new = after[key]
        if key[0] != "question":
            assert (old is None) == (new is None), key
        if old is not None and new is not None:
            assert new >= old - 1e-9, (key, old, new)


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

# Derandomized: the same examples on every run (stable CI), no example database on disk.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(
    model=st.sampled_from([SMALL, REAL]),
    data=st.data(),
)
def test_raising_any_answer_never_lowers_any_score(model: ScoringModel, data: Any) -> None:
    answers = data.draw(answers_for(model, max_size=60))
    resolved = data.draw(resolutions_for(model))
    numeric = [i for i, a in enumerate(answers) if isinstance(a.value, int) and a.value < 5]
    if not numeric:
        return
    index = data.draw(st.sampled_from(numeric))
    old = answers[index]
    raised = list(answers)
    raised[index] = Answer(old.respondent, old.question, data.draw(st.integers(old.value + 1, 5)))
    assert_not_lower(
        all_scores(score(model, answers, resolved)), all_scores(score(model, raised, resolved))
    )


@PROPERTY
@given(
    low=st.integers(1, 4),
    data=st.data(),
    others=st.fixed_dictionaries(
        {key: st.one_of(st.integers(1, 5), st.none(), VALUES) for key in ("q2", "q3", "q4")}
    ),
)
def test_raising_a_parent_that_reveals_follow_ups_never_lowers_any_score(
    low: int, data: Any, others: dict[str, Any]
) -> None:
    """The case a plain mean of visible questions gets wrong: q1 up reveals a low q3."""
    high = data.draw(st.integers(low + 1, 5))
    answers = [Answer("ana", key, value) for key, value in others.items() if value is not None]
    assert_not_lower(
        all_scores(score(SMALL, [Answer("ana", "q1", low), *answers])),
        all_scores(score(SMALL, [Answer("ana", "q1", high), *answers])),
    )


@PROPERTY
@given(model=st.sampled_from([SMALL, REAL]), data=st.data())
def test_raising_a_resolution_never_lowers_any_score(model: ScoringModel, data: Any) -> None:
    answers = data.draw(answers_for(model, max_size=60))
    key = data.draw(st.sampled_from([spec.key for spec in model.questions]))
    low = data.draw(st.integers(1, 4))
    high = data.draw(st.integers(low + 1, 5))
    assert_not_lower(
        all_scores(score(model, answers, {key: low})),
        all_scores(score(model, answers, {key: high})),
    )


@PROPERTY
@given(model=st.sampled_from([SMALL, REAL]), data=st.data())
def test_scores_stay_within_bounds_and_match_their_level(model: ScoringModel, data: Any) -> None:
    result = score(model, data.draw(answers_for(model, 80)), data.draw(resolutions_for(model)))
    for value in all_scores(result).values():
        assert value is None or 0.0 <= value <= 100.0
    for cell in result.cells.values():
        if cell.score is None:
            assert cell.level is None
        else:
            assert cell.level is not None and 1 <= cell.level <= 5
            assert abs(cell.score - (cell.level - 1) * 25) <= 12.5
        assert cell.coverage.visible == (
            cell.coverage.answered
            + cell.coverage.dont_know
            + cell.coverage.not_applicable
            + cell.coverage.unanswered
        )


@PROPERTY
@given(model=st.sampled_from([SMALL, REAL]), data=st.data())
def test_respondent_order_does_not_matter(model: ScoringModel, data: Any) -> None:
    answers = data.draw(answers_for(model, 60))
    resolved = data.draw(resolutions_for(model))
    shuffled = data.draw(st.permutations(answers))
    renamed_to = data.draw(st.permutations(RESPONDENTS))
    renaming = dict(zip(RESPONDENTS, renamed_to, strict=True))
    renamed = [Answer(renaming[a.respondent], a.question, a.value) for a in shuffled]
    expected = score(model, answers, resolved)
    assert score(model, shuffled, resolved) == expected
    assert score(model, renamed, resolved) == expected


@PROPERTY
@given(
    model=st.sampled_from([SMALL, REAL]),
    data=st.data(),
    kind=st.sampled_from([DONT_KNOW, NOT_APPLICABLE]),
)
def test_dont_know_and_not_applicable_never_lower_a_score(
    model: ScoringModel, data: Any, kind: str
) -> None:
    key = data.draw(st.sampled_from([spec.key for spec in model.questions]))
    others = [a for a in data.draw(answers_for(model, 60)) if a.question != key]
    unanswered = score(model, others)
    marked = score(model, [*others, Answer("extra", key, kind)])  # type: ignore[arg-type]
    assert aggregate_scores(marked) == aggregate_scores(unanswered)
    question = marked.questions[key]
    if question.visible:
        assert question.status == kind
        field = "dont_know" if kind == DONT_KNOW else "not_applicable"
        assert getattr(marked.coverage, field) == getattr(unanswered.coverage, field) + 1
        assert marked.coverage.unanswered == unanswered.coverage.unanswered - 1
        assert marked.coverage.visible == unanswered.coverage.visible
    else:
        assert marked.coverage == unanswered.coverage
    # alongside numeric answers, extra don't-know / N/A answers change no score either
    numbered = [*others, Answer("ana", key, 3)]
    with_extra = [*numbered, Answer("extra", key, kind)]  # type: ignore[arg-type]
    assert all_scores(score(model, with_extra)) == all_scores(score(model, numbered))


@PROPERTY
@given(data=st.data(), parent_level=st.integers(1, 2))
def test_a_hidden_question_never_counts(data: Any, parent_level: int) -> None:
    # q3 is shown only when q1 >= 3 and q4 only when q1 >= 4: with q1 at 1..2 both are hidden
    base = [a for a in data.draw(answers_for(SMALL, 40)) if a.question not in ("q3", "q4")]
    follow_up_answers = data.draw(
        st.lists(
            st.tuples(st.sampled_from(RESPONDENTS), st.sampled_from(["q3", "q4"]), VALUES),
            unique_by=lambda item: (item[0], item[1]),
        )
    )
    extra = [Answer(r, q, v) for r, q, v in follow_up_answers]
    resolved = {"q1": parent_level}
    without = score(SMALL, base, resolved)
    with_hidden = score(SMALL, [*base, *extra], resolved)
    assert aggregate_scores(with_hidden) == aggregate_scores(without)
    assert with_hidden.coverage == without.coverage
    assert with_hidden.cells[("a", "x")].coverage == without.cells[("a", "x")].coverage
    assert with_hidden.questions["q3"].status == "hidden"
    assert with_hidden.questions["q3"].score is None


# --------------------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------------------


def test_consolidation_uses_the_lower_median() -> None:
    answers = [Answer(r, "q1", v) for r, v in zip("abcd", [5, 1, 4, 2], strict=True)]
    result = score(SMALL, answers)
    q1 = result.questions["q1"]
    assert (q1.value, q1.score, q1.values, q1.spread) == (2, 25.0, (1, 2, 4, 5), 4)
    odd = score(SMALL, [Answer(r, "q1", v) for r, v in zip("abc", [2, 5, 4], strict=True)])
    assert odd.questions["q1"].value == 4


def test_resolution_overrides_the_respondents() -> None:
    answers = [Answer("a", "q1", 1), Answer("b", "q1", 5)]
    resolved = score(SMALL, answers, {"q1": 4}).questions["q1"]
    assert (resolved.value, resolved.score, resolved.resolved) == (4, 75.0, True)
    assert resolved.values == (1, 5)  # the spread stays visible to the officer
    unknown = score(SMALL, answers, {"q1": DONT_KNOW}).questions["q1"]
    assert (unknown.status, unknown.score) == ("dont_know", None)


def test_cell_score_is_the_weighted_mean_of_answered_questions() -> None:
    result = score(SMALL, [Answer("a", "q5", 3), Answer("a", "q9", 5)])
    cell = result.cells[("a", "y")]
    # q5 = 50 (weight 1), q9 = 100 (weight 3)
    assert cell.score == pytest.approx((50 + 3 * 100) / 4)
    assert cell.level == 5  # 87.5 is the lower edge of the top band
    assert (cell.coverage.visible, cell.coverage.answered, cell.coverage.unanswered) == (2, 2, 0)
    only_one = score(
        SMALL, [Answer("a", "q9", 2), Answer("b", "q9", 4), Answer("c", "q5", DONT_KNOW)]
    )
    assert only_one.cells[("a", "y")].score == 25.0  # lower median of 2 and 4; q5 unscored
    assert only_one.cells[("a", "y")].coverage.ratio == 0.5


def test_hidden_follow_ups_leave_their_weight_to_the_parent() -> None:
    result = score(SMALL, [Answer("a", "q1", 3), Answer("a", "q2", 5)])
    cell = result.cells[("a", "x")]
    # q1's group weighs 1 + 1 (q3) + 0.5 (q4) = 2.5. q3 is visible but unanswered and q4 is
    # hidden (q1 < 4): both slots hold q1's score (50). q2 = 100 with weight 2.
    assert cell.score == pytest.approx((2.5 * 50 + 2 * 100) / 4.5)
    assert (cell.coverage.visible, cell.coverage.answered, cell.coverage.unanswered) == (3, 2, 1)
    assert result.questions["q4"].status == "hidden"


def test_follow_ups_share_their_parent_weight() -> None:
    # q1 = 4 reveals q3 (>= 3) and q4 (>= 4). q3 answered 1 is floored at level 2 (25);
    # q4 unanswered keeps q1's score in its slot.
    result = score(SMALL, [Answer("a", "q1", 4), Answer("a", "q3", 1)])
    group = (1 * 75 + 1 * 25 + 0.5 * 75) / 2.5
    assert result.cells[("a", "x")].score == pytest.approx(group)
    assert result.questions["q3"].score == 0.0  # the question itself shows its own level


def test_empty_scopes_have_no_score_not_zero() -> None:
    result = score(SMALL, [])
    assert result.score is None and result.level is None
    assert all(cell.score is None for cell in result.cells.values())
    assert result.coverage.visible == 6  # q3, q4 and q7 are hidden while parents are unanswered
    only_unknown = score(SMALL, [Answer("a", "q5", DONT_KNOW), Answer("b", "q5", NOT_APPLICABLE)])
    cell = only_unknown.cells[("a", "y")]
    assert cell.score is None
    assert (cell.coverage.dont_know, cell.coverage.not_applicable, cell.coverage.ratio) == (1, 0, 0)


def test_area_pillar_and_overall_are_unweighted_means_of_cells() -> None:
    answers = [Answer("a", "q1", 5), Answer("a", "q5", 1), Answer("a", "q8", 3)]
    result = score(SMALL, answers)
    assert result.cells[("a", "x")].score == 100.0
    assert result.cells[("a", "y")].score == 0.0
    assert result.areas["a"].score == 50.0
    assert result.areas["b"].score == 50.0  # only (b, y) has data
    assert result.pillars["x"].score == 100.0
    assert result.pillars["y"].score == 25.0
    assert result.score == pytest.approx(50.0)
    assert result.level == 3
    assert result.areas["b"].coverage.visible == 2
    assert result.areas["a"].coverage.visible == 6  # q1 = 5 reveals q3 and q4


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([Answer("a", "nope", 3)], "unknown question 'nope'"),
        ([Answer("a", "q1", 6)], "outside the scale"),
        ([Answer("a", "q1", 0)], "outside the scale"),
        ([Answer("a", "q1", True)], "is not a level"),
        ([Answer("a", "q1", "maybe")], "is not a level"),  # type: ignore[arg-type]
        ([Answer("a", "q1", 2), Answer("a", "q1", 3)], "answered 'q1' twice"),
    ],
)
def test_bad_answers_are_refused(answers: list[Answer], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score(SMALL, answers)


def test_bad_resolution_is_refused() -> None:
    with pytest.raises(ScoringError, match="unknown question"):
        score(SMALL, [], {"zz": 3})
    with pytest.raises(ScoringError, match="outside the scale"):
        score(SMALL, [], {"q1": 9})


def test_model_rejects_conditions_across_cells() -> None:
    with pytest.raises(ValueError, match="same cell"):
        ScoringModel(
            questions=(
                QuestionSpec("p", "a", "x"),
                QuestionSpec("f", "a", "y", show_if=Condition("p", 2)),
            ),
            areas=("a",),
            pillars=("x", "y"),
        )


def test_real_framework_full_assessment() -> None:
    answers = [
        Answer(f"r{n}", spec.key, 1 + (n + index) % 5)
        for n in range(20)
        for index, spec in enumerate(REAL.questions)
    ]
    result = score(FRAMEWORK, answers)
    assert result.framework_id == "guide-2022" and result.framework_version == 1
    assert len(result.cells) == 18
    assert all(cell.score is not None for cell in result.cells.values())
    assert result.coverage.ratio == 1.0
    assert result.coverage.visible == len(FRAMEWORK.questions)  # every follow-up revealed


# --------------------------------------------------------------------------------------
# Comparison, gaps, benchmark
# --------------------------------------------------------------------------------------


def test_compare_gives_per_cell_deltas() -> None:
    last_year = score(SMALL, [Answer("a", "q1", 2), Answer("a", "q8", 3)])
    this_year = score(SMALL, [Answer("a", "q1", 3), Answer("a", "q8", 2), Answer("a", "q5", 4)])
    comparison = compare(last_year, this_year)
    assert comparison.cells[("a", "x")].delta == pytest.approx(25.0)
    assert comparison.cells[("b", "y")].delta == pytest.approx(-25.0)
    assert comparison.cells[("a", "y")].delta is None  # no data last year
    assert comparison.cells[("a", "y")].current == 75.0
    assert comparison.cells[("a", "x")].level_delta == 1
    assert comparison.overall.previous == last_year.score
    assert comparison.same_framework


def test_rank_gaps_orders_by_distance_and_returns_current_level_recommendations() -> None:
    levels = {"inclusion": 1, "autonomy": 2, "transparency": 4, "participation": 5}
    answers = [
        Answer("officer", question.key, levels[question.area])
        for question in FRAMEWORK.questions
        if question.area in levels
    ]
    result = score(FRAMEWORK, answers)
    gaps = rank_gaps(result, FRAMEWORK)
    assert [gap.area for gap in gaps[:3]] == ["inclusion"] * 3
    assert {(gap.area, gap.level) for gap in gaps} == {
        ("inclusion", 1),
        ("autonomy", 2),
        ("transparency", 4),
    }
    assert all(gap.gap > 0 for gap in gaps)
    assert [gap.gap for gap in gaps] == sorted((gap.gap for gap in gaps), reverse=True)
    for gap in gaps:
        assert gap.recommendations
        assert all(rec.level == gap.level for rec in gap.recommendations)
        assert all(rec.cell == (gap.area, gap.pillar) for rec in gap.recommendations)
    # a target at the current level removes the gap
    targets = {("autonomy", pillar.key): 2 for pillar in FRAMEWORK.pillars}
    assert "autonomy" not in {gap.area for gap in rank_gaps(result, FRAMEWORK, targets)}


def test_benchmark_needs_five_cities() -> None:
    cell = ("inclusion", "tools")
    four = {f"city{n}": {cell: 25.0 * n} for n in range(4)}
    assert benchmark(four)[cell].median is None
    assert benchmark(four)[cell].cities == 4
    five: dict[str, dict[tuple[str, str], float | None]] = {
        f"city{n}": {cell: 25.0 * n} for n in range(5)
    }
    five["no-data"] = {cell: None}
    stat = benchmark(five)[cell]
    assert (stat.cities, stat.q1, stat.median, stat.q3) == (5, 25.0, 50.0, 75.0)
    assert benchmark(four, min_cities=4)[cell].median == pytest.approx(37.5)
    with pytest.raises(ValueError):
        benchmark({"x": {cell: 101.0}})
    with pytest.raises(ValueError):
        benchmark({"x": {cell: math.nan}})


def test_benchmark_accepts_scores_from_results() -> None:
    results = {
        f"city{n}": score(SMALL, [Answer("a", "q1", 1 + n % 5)]).cell_scores() for n in range(6)
    }
    stats = benchmark(results)
    assert set(stats) == {("a", "x")}
    assert stats[("a", "x")].cities == 6
