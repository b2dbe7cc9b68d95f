"""The questionnaire page: read-only once a cycle is closed, errors listed with links to
their questions."""

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
