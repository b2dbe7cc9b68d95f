"""Suppression under five, written once in ``results`` and held by properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityrights.capacity import results
from cityrights.capacity import survey as content

SURVEY = content.load_survey_file(content.shipped_files()[0])

group_counts = st.dictionaries(
    st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
    st.integers(min_value=1, max_value=40),
    max_size=12,
)


@settings(deadline=None)
@given(group_counts)
def test_every_shown_department_and_the_hidden_rest_hold_at_least_five_people(counts):
    shown = results.disclosed_groups(counts)
    total = sum(counts.values())
    if total < results.MIN_GROUP:
        assert shown == set()
        return
    assert None not in shown
    assert all(counts[key] >= results.MIN_GROUP for key in shown)
    hidden = total - sum(counts[key] for key in shown)
    assert hidden == 0 or hidden >= results.MIN_GROUP


@settings(deadline=None)
@given(group_counts)
def test_suppression_hides_no_more_than_needed(counts):
    """Every department of five or more is shown unless the rest would be a small group."""
    shown = results.disclosed_groups(counts)
    eligible = {k for k, n in counts.items() if k is not None and n >= results.MIN_GROUP}
    small_rest = sum(n for k, n in counts.items() if k not in eligible)
    if sum(counts.values()) >= results.MIN_GROUP and (
        small_rest == 0 or small_rest >= results.MIN_GROUP
    ):
        assert shown == eligible


def _answers(rng: random.Random, knowledge: str | None = None) -> dict:
    return {
        "knowledge": knowledge or rng.choice(["none", "basic", "general", "good"]),
        "digital-projects": rng.choice(["regularly", "sometimes", "never"]),
        "prior-training": ["none"],
        "training-need": {t.key: rng.randint(1, 4) for t in SURVEY.topics},
        "formats": sorted(rng.sample(["in-person", "video", "virtual", "text"], 2)),
    }


@settings(deadline=None)
@given(st.lists(st.sampled_from([None, 1, 2, 3]), max_size=40), st.randoms())
def test_aggregates_never_show_a_group_or_question_of_fewer_than_five(departments, rng):
    rows = [(d, _answers(rng)) for d in departments]
    found = results.aggregate(SURVEY, rows, rng=rng)
    if len(rows) < results.MIN_GROUP:
        assert found.city is None and found.departments == {}
        return
    groups = [found.city, *found.departments.values()]
    for group in groups:
        assert group.respondents >= results.MIN_GROUP
        for question in group.questions:
            assert question.suppressed == (question.answered < results.MIN_GROUP)
            for topic in question.topics:
                assert topic.answered >= results.MIN_GROUP


def test_topics_are_ranked_by_need_and_counts_add_up():
    rows = []
    for number in range(10):
        answers = _answers(random.Random(number))
        answers["training-need"] = {t.key: 2 for t in SURVEY.topics}
        answers["training-need"]["privacy-security"] = 4
        answers["training-need"]["data-control"] = 4 if number < 5 else 3
        answers["training-need"]["participation"] = 1
        rows.append((1, answers))
    found = results.aggregate(SURVEY, rows)
    need = found.city.question("training-need")
    keys = [t.key for t in need.topics]
    assert keys[:2] == ["privacy-security", "data-control"]
    assert keys[-1] == "participation"
    assert need.topics[1].mean == 3.5
    assert need.topics[0].counts == (0, 0, 0, 10)
    knowledge = found.city.question("knowledge")
    assert sum(o.count for o in knowledge.options) == 10


def test_free_texts_come_shuffled_and_only_with_the_city():
    rows = [(1, _answers(random.Random(n))) for n in range(6)]
    others = [{"concerns": f"text {n}"} for n in range(6)]
    found = results.aggregate(SURVEY, rows, others, rng=random.Random(3))
    assert sorted(found.others["concerns"]) == [f"text {n}" for n in range(6)]
    assert list(found.others["concerns"]) != [f"text {n}" for n in range(6)]
    few = results.aggregate(SURVEY, rows[:4], others[:4])
    assert few.others == {}


def test_rating_change_needs_five_on_each_side():
    assert results.rating_change([1, 2, 2, 3, 2], [3, 4, 4, 4, 5]).change == 2.0 - 0.0 + 0.0
    thin = results.rating_change([1, 2, 2, 3], [3, 4, 4, 4, 5])
    assert thin.before_mean is None and thin.change is None


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from([None, 0, 1, 2]), min_size=0, max_size=30), st.randoms())
def test_the_database_counts_exactly_what_python_counts(city_a, departments, rng):
    """The SQL tallies (SQLite or PostgreSQL JSON functions) equal a plain Python count."""
    from cityrights.capacity import selectors
    from cityrights.capacity.models import SurveyAnswer, SurveyRound
    from cityrights.core.models import Department

    from .conftest import open_round

    survey_round = open_round(city_a)
    homes = [
        Department.objects.get_or_create(
            organisation=city_a.city, slug=f"dep{n}", defaults={"name_en": f"Dep {n}"}
        )[0]
        for n in range(3)
    ]
    rows = []
    for choice in departments:
        answers = _answers(rng)
        if rng.random() < 0.3:
            answers["concerns"] = sorted(rng.sample(["cybercrime", "children", "data-use"], 2))
        if rng.random() < 0.2:
            del answers["training-need"]["bias"]
        rows.append((None if choice is None else homes[choice].pk, answers))
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(round=survey_round, department_id=d, answers=a) for d, a in rows
    )
    SurveyRound.objects.filter(pk=survey_round.pk).update(closed_at="2026-01-01T00:00Z")
    closed = SurveyRound.objects.get(pk=survey_round.pk)
    expected = results.aggregate(SURVEY, rows, minimum=1)
    counted = results.from_tallies(SURVEY, selectors.tallies(closed), minimum=1)
    assert counted.respondents == expected.respondents == len(rows)
    assert counted.city == expected.city
    assert counted.departments == expected.departments
