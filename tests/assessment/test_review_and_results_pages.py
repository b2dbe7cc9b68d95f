"""The review and results pages: question texts, plurals, strengths apart from gaps, and a
warning when questions are unanswered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityrights.assessment import selectors, services
from cityrights.assessment.results import build_results

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"org": "city-a", **kwargs})


def test_review_list_shows_the_question_text(city_a, cycle):
    html = city_a.client_for("reviewer").get(url("review", year=2025)).content.decode()
    question = cycle.framework.framework.question("inc-f-1")
    assert f'<span class="review__question">{question.text.get_text("en")}' in html.replace(
        "&#x27;", "'"
    )


def test_spread_sentence_uses_the_right_plural(city_a, cycle, second_editor):
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="inclusion",
        pillar="",
        department=None,
        user=second_editor,
    )
    services.save_answers(cycle, city_a.users["admin"], [services.AnswerInput("inc-f-1", "2")])
    services.save_answers(cycle, second_editor, [services.AnswerInput("inc-f-1", "3")])
    html = city_a.client_for("reviewer").get(url("review_question", year=2025, question="inc-f-1"))
    text = html.content.decode()
    assert "1 level apart" in text and "level(s)" not in text


def test_a_cell_is_never_both_a_strength_and_a_gap(city_a, cycle):
    services.save_answers(
        cycle,
        city_a.users["admin"],
        [
            services.AnswerInput(key, value)
            for key, value in [("inc-f-1", "4"), ("inc-s-1", "3"), ("inc-t-1", "2")]
        ],
    )
    framework = cycle.framework.framework
    view = build_results(framework, selectors.result_of(cycle), "en", with_charts=False)
    strengths = {c.key for c in view.strengths}
    assert strengths
    assert not strengths & {c.key for c in view.gaps}


def test_results_warn_when_questions_are_unanswered(city_a, cycle):
    services.save_answers(cycle, city_a.users["admin"], [services.AnswerInput("inc-f-1", "4")])
    html = city_a.client_for("viewer").get(url("results", year=2025)).content.decode()
    assert "questions are unanswered" in html
