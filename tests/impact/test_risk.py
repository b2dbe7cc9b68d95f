"""Risk bands, residual risk and the screening decision rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityrights.impact.risk import (
    ScreeningDecision,
    highest_band,
    rate,
    residual,
    risk_band,
    screen,
    validate_level,
)
from cityrights.impact.template_content import ScreeningTemplate, load_screening, template_from_data

levels = st.integers(1, 4)
SCREENING = load_screening()
KEYS = [q.key for q in SCREENING.questions]
ORDER = {"no": 0, "unsure": 1, "yes": 1}  # "unsure" counts as "yes"
answer_sets = st.fixed_dictionaries({key: st.sampled_from(["yes", "no", "unsure"]) for key in KEYS})


def all_no(**changes: str) -> dict[str, str]:
    answers = dict.fromkeys(KEYS, "no")
    answers.update({key.replace("_", "-"): value for key, value in changes.items()})
    return answers


# --------------------------------------------------------------------------------------
# Bands
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "severity", "band"),
    [(1, 1, "low"), (4, 4, "very-high"), (1, 4, "high"), (4, 1, "medium"), (2, 2, "medium")],
)
def test_known_bands(likelihood: int, severity: int, band: str) -> None:
    assert risk_band(likelihood, severity).key == band


@given(l1=levels, l2=levels, s1=levels, s2=levels)
def test_band_is_monotone_in_likelihood_and_severity(l1: int, l2: int, s1: int, s2: int) -> None:
    low_l, high_l = sorted((l1, l2))
    low_s, high_s = sorted((s1, s2))
    assert risk_band(low_l, low_s).rank <= risk_band(high_l, low_s).rank
    assert risk_band(low_l, low_s).rank <= risk_band(low_l, high_s).rank
    assert risk_band(low_l, low_s).rank <= risk_band(high_l, high_s).rank


@given(value=st.integers().filter(lambda n: not 1 <= n <= 4), other=levels)
def test_levels_outside_one_to_four_are_refused_clearly(value: int, other: int) -> None:
    with pytest.raises(ValueError, match=rf"likelihood must be from 1 to 4, got {value}"):
        risk_band(value, other)
    with pytest.raises(ValueError, match=rf"severity must be from 1 to 4, got {value}"):
        risk_band(other, value)


@pytest.mark.parametrize("value", [True, "2", 2.0, None])
def test_non_integer_levels_are_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="whole number from 1 to 4"):
        validate_level(value, "severity")
    with pytest.raises(ValueError, match="likelihood must be a whole number"):
        rate(value, 2)


def test_rating_says_when_measures_are_needed_before_use() -> None:
    assert not rate(2, 2).needs_measures_before_use
    assert rate(1, 4).needs_measures_before_use
    assert rate(4, 4).band.name["fr"] == "Très élevé"


# --------------------------------------------------------------------------------------
# Residual risk
# --------------------------------------------------------------------------------------


def test_residual_risk_after_mitigation() -> None:
    result = residual(4, 4, 2, 3)
    assert result.initial.band.key == "very-high"
    assert result.residual.band.key == "medium"
    assert result.reduced and result.bands_lowered == 2
    unchanged = residual(1, 1, 1, 1)
    assert not unchanged.reduced and unchanged.bands_lowered == 0


@given(likelihood=levels, severity=levels, data=st.data())
def test_residual_never_exceeds_the_initial_band(likelihood: int, severity: int, data: Any) -> None:
    after_l = data.draw(st.integers(1, likelihood))
    after_s = data.draw(st.integers(1, severity))
    result = residual(likelihood, severity, after_l, after_s)
    assert result.residual.band.rank <= result.initial.band.rank


def test_mitigation_cannot_raise_a_level() -> None:
    with pytest.raises(ValueError, match=r"residual likelihood \(3\) cannot be higher .* \(2\)"):
        residual(2, 2, 3, 1)
    with pytest.raises(ValueError, match=r"residual severity \(4\) cannot be higher"):
        residual(2, 2, 1, 4)
    with pytest.raises(ValueError, match="severity must be from 1 to 4, got 0"):
        residual(2, 2, 1, 0)


def test_highest_band() -> None:
    assert highest_band([]) is None
    worst = highest_band([rate(1, 1), rate(3, 4), rate(2, 2)])
    assert worst is not None and worst.key == "very-high"


# --------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------


def test_all_no_means_no_assessment_but_a_kept_decision() -> None:
    decision = screen(all_no())
    assert decision == ScreeningDecision(
        needed=False, kind="none", reasons=[], template="screening.v1"
    )
    assert decision.complete
    assert json.loads(json.dumps(decision.as_dict()))["kind"] == "none"


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"personal_data": "yes"}, "dpia"),
        ({"data_matching": "yes", "large_scale": "yes"}, "dpia"),
        ({"vulnerable_groups": "yes"}, "hria"),
        ({"personal_data": "yes", "access_to_services": "yes"}, "both"),
        ({"automated_decisions": "yes"}, "both"),
    ],
)
def test_kind_follows_the_triggered_questions(changes: dict[str, str], kind: str) -> None:
    decision = screen(all_no(**changes))
    assert decision.needed and decision.kind == kind
    assert len(decision.reasons) == len(changes)
    assert set(decision.triggered) == {k.replace("_", "-") for k in changes}


def test_unsure_counts_as_yes_and_says_so() -> None:
    yes, unsure = screen(all_no(personal_data="yes")), screen(all_no(personal_data="unsure"))
    assert unsure.kind == yes.kind == "dpia"
    assert "counted as 'yes'" in unsure.reasons[0]
    assert "counted" not in yes.reasons[0]
    assert unsure.reasons[0].startswith(yes.reasons[0])


def test_unanswered_questions_count_as_unsure_and_are_listed() -> None:
    answers = all_no()
    del answers["vulnerable-groups"]
    answers["large-scale"] = ""
    decision = screen(answers)
    assert decision.unanswered == ("vulnerable-groups", "large-scale")
    assert not decision.complete
    assert decision.kind == "both"
    assert all("not answered" in reason for reason in decision.reasons)
    assert screen({}).kind == "both"  # an empty screening never concludes "not needed"


def test_reasons_follow_the_language() -> None:
    decision = screen(all_no(personal_data="unsure"), language="fr")
    assert decision.reasons == [
        "Le projet traite des informations sur des personnes identifiables. "
        "(réponse « incertain », comptée comme « oui »)"
    ]


@pytest.mark.parametrize("bad", ["maybe", "YES", True, 1])
def test_invalid_answers_are_refused_clearly(bad: Any) -> None:
    answers: dict[str, Any] = all_no()
    answers["personal-data"] = bad
    with pytest.raises(ValueError, match="'personal-data' must be one of yes, no, unsure"):
        screen(answers)


def test_unknown_questions_are_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown screening question.*'weather'"):
        screen({**all_no(), "weather": "yes"})


@given(base=answer_sets, data=st.data())
def test_screening_is_monotone(base: dict[str, str], data: Any) -> None:
    """Moving any answers towards "yes" never removes a need or a kind."""
    raised = {
        key: data.draw(
            st.sampled_from([a for a in ("no", "unsure", "yes") if ORDER[a] >= ORDER[v]])
        )
        for key, v in base.items()
    }
    before, after = screen(base), screen(raised)
    kinds = {"none": set(), "dpia": {"dpia"}, "hria": {"hria"}, "both": {"dpia", "hria"}}
    assert kinds[before.kind] <= kinds[after.kind]
    assert after.needed or not before.needed
    assert set(before.triggered) <= set(after.triggered)


@given(answers=answer_sets)
def test_needed_exactly_when_some_answer_is_not_no(answers: dict[str, str]) -> None:
    decision = screen(answers)
    assert decision.needed == any(a != "no" for a in answers.values())
    assert decision.needed == (decision.kind != "none")


def test_screen_accepts_another_template_version() -> None:
    data = {
        "kind": "screening",
        "id": "mini",
        "version": 2,
        "title": {"en": "Mini", "fr": "Mini"},
        "intro": {"en": "Two questions."},
        "decision_rule": {"en": "Any yes needs an assessment."},
        "questions": [
            {"key": "a", "text": {"en": "A?"}, "triggers": "dpia", "reason": {"en": "A."}},
            {"key": "b", "text": {"en": "B?"}, "triggers": "hria", "reason": {"en": "B."}},
        ],
    }
    mini = template_from_data(data)
    assert isinstance(mini, ScreeningTemplate)
    decision = screen({"a": "no", "b": "yes"}, mini)
    assert (decision.kind, decision.reasons, decision.template) == ("hria", ["B."], "mini.v2")
    with pytest.raises(ValueError, match="unknown screening question"):
        screen({"personal-data": "yes"}, mini)
    assert SCREENING.question("personal-data").kinds == frozenset({"dpia"})
