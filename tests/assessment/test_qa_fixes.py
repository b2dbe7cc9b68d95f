"""Regressions found while running a whole cycle in the browser (QA walk-through)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cityrights.assessment import selectors, services
from cityrights.assessment.forms import OpenCycleForm, next_free_year
from cityrights.assessment.models import AssessmentCycle, RoadmapAction, SectionAssignment
from cityrights.assessment.results import build_results
from cityrights.core.models import Organisation

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"org": "city-a", **kwargs})


def test_open_cycle_form_offers_a_year_without_a_cycle(city_a, version):
    this_year = datetime.date.today().year
    assert next_free_year(city_a.city) == this_year
    services.open_cycle(city_a.city, this_year, version, city_a.users["admin"])
    assert next_free_year(city_a.city) == this_year + 1
    assert OpenCycleForm(organisation=city_a.city).fields["year"].initial == this_year + 1


def test_the_same_assignment_twice_is_refused(city_a, cycle):
    client = city_a.client_for("admin")
    data = {"area": "inclusion", "pillar": "", "user": city_a.users["editor"].pk}
    assert client.post(url("assignments", year=2025), data).status_code == 302
    again = client.post(url("assignments", year=2025), data)
    assert again.status_code == 200
    assert "already assigned" in again.content.decode()
    assert SectionAssignment.objects.filter(cycle=cycle).count() == 1


def test_remove_button_names_the_section_in_words(city_a, cycle):
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="",
        pillar="tools",
        department=None,
        user=city_a.users["editor"],
    )
    html = city_a.client_for("admin").get(url("assignments", year=2025)).content.decode()
    assert "* / tools" not in html
    assert "Every area, Tools," in html


def test_closed_questionnaire_is_read_only(city_a, cycle):
    services.save_answers(cycle, city_a.users["admin"], [services.AnswerInput("inc-f-1", "3")])
    services.submit(cycle, city_a.users["admin"])
    html = city_a.client_for("admin").get(url("answer", year=2025, area="inclusion")).content
    text = html.decode()
    assert 'name="inc-f-1-value" value="3"' in text
    assert "disabled" in text
    assert "The answers can be read but no longer changed." in text


def test_questionnaire_errors_are_listed_with_links_to_the_questions(city_a, cycle):
    response = city_a.client_for("admin").post(
        url("answer", year=2025, area="inclusion"),
        {"inc-f-1-value": "3", "inc-f-1-evidence_link": "not a link", "inc-f-2-value": "4"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#q-inc-f-1"' in html
    assert "Link to evidence: Enter a valid URL." in html
    assert 'href="#q-inc-f-2"' not in html
    assert not cycle.responses.exists()


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


def test_measurement_error_keeps_the_chart(city_a, cycle):
    action = RoadmapAction.objects.create(
        organisation=city_a.city,
        title="Publish the register",
        horizon="short",
        status="planned",
        baseline=0,
        target=10,
    )
    services.add_measurement(action, city_a.users["admin"], datetime.date(2024, 1, 1), 3)
    future = datetime.date.today() + datetime.timedelta(days=30)
    response = city_a.client_for("editor").post(
        url("action_measure", pk=action.pk), {"date": future.isoformat(), "value": 5}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<svg" in html
    assert action.measurements.count() == 1


def test_sharing_form_offers_only_coalitions_not_yet_chosen(city_a, cycle):
    coalition = Organisation.objects.create(slug="coal", name="Coalition", kind="coalition")
    client = city_a.client_for("admin")
    before = client.get(url("coalition")).content.decode()
    assert "Share validated scores" in before
    services.share_with(city_a.city, coalition, city_a.users["admin"])
    after = client.get(url("coalition")).content.decode()
    assert "Share validated scores" not in after
    assert AssessmentCycle.objects.filter(pk=cycle.pk).exists()
