"""The questionnaire page: read-only once a cycle is closed, errors listed with links to
their fields, and every valid answer saved even when another one has an error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityrights.assessment import services

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"org": "city-a", **kwargs})


def test_closed_questionnaire_is_read_only(city_a, cycle):
    services.save_answers(cycle, city_a.users["admin"], [services.AnswerInput("inc-f-1", "3")])
    services.submit(cycle, city_a.users["admin"])
    html = city_a.client_for("admin").get(url("answer", year=2025, area="inclusion")).content
    text = html.decode()
    assert 'name="inc-f-1-value" value="3"' in text
    assert "disabled" in text
    assert "The answers can be read but no longer changed." in text


def test_questionnaire_errors_are_listed_with_links_to_their_fields(city_a, cycle):
    response = city_a.client_for("admin").post(
        url("answer", year=2025, area="inclusion"),
        {"inc-f-1-value": "3", "inc-f-1-evidence_link": "not a link", "inc-f-2-value": "4"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_inc-f-1-evidence_link">Link to evidence</a>: Enter a valid URL.' in html
    assert 'id="id_inc-f-1-evidence_link_errors"' in html  # the error beside its field too
    assert "inc-f-2-" not in html.split('class="errorsummary"')[1].split("</div>")[0]
    # The valid answer was saved; the one in error was not.
    assert list(cycle.responses.values_list("question", "value")) == [("inc-f-2", "4")]


def test_one_comment_without_a_level_does_not_block_the_other_answers(city_a, cycle):
    admin = city_a.users["admin"]
    services.save_answers(cycle, admin, [services.AnswerInput("inc-f-3", "2")])
    response = city_a.client_for("admin").post(
        url("answer", year=2025, area="inclusion"),
        {
            "inc-f-1-comment": "We are not sure yet",
            "inc-f-2-value": "4",
            "inc-f-2-comment": "Adopted in 2024",
            "inc-f-3-value": "",  # clears the earlier answer
            "inc-f-4-value": "dont_know",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('class="errorsummary"')[1].split("</div>")[0]
    assert "3 answers were saved." in summary
    assert "This answer was not saved: please correct it" in summary
    assert '<a href="#id_inc-f-1-value_0">Your answer</a>: Choose a level' in summary
    assert 'id="id_inc-f-1-value_errors"' in html
    # What was typed for the answer in error is still there, and nothing of it was stored.
    assert "We are not sure yet</textarea>" in html
    stored = dict(cycle.responses.values_list("question", "value"))
    assert stored == {"inc-f-2": "4", "inc-f-4": "dont_know"}
    assert cycle.responses.get(question="inc-f-2").comment == "Adopted in 2024"
    assert "You have answered 2 of the" in html


def test_a_page_with_errors_only_says_so_and_saves_nothing(city_a, cycle):
    response = city_a.client_for("admin").post(
        url("answer", year=2025, area="inclusion"),
        {"inc-f-1-comment": "No level", "inc-f-2-evidence_text": "No level either"},
    )
    html = response.content.decode()
    assert "answers were saved" not in html
    assert "These 2 answers were not saved: please correct them" in html
    assert not cycle.responses.exists()


def test_a_page_without_errors_is_saved_and_redirected(city_a, cycle):
    response = city_a.client_for("admin").post(
        url("answer", year=2025, area="inclusion"), {"inc-f-1-value": "3"}
    )
    assert response.status_code == 302
    assert cycle.responses.get().value == "3"
