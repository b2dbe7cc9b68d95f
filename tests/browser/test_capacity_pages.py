"""Every capacity page passes axe's WCAG 2.x A/AA rules, and the survey can be answered
in a browser without JavaScript."""

from __future__ import annotations

import pytest

from cityrights.capacity.models import SurveyParticipation, SurveyRound
from cityrights.core import demo
from cityrights.core.models import User

from .conftest import assert_accessible, login_as

ORG = "/manage/demo-city/capacity/"


@pytest.fixture
def demo_city(transactional_db):
    return demo.load()


def _round(title: str) -> SurveyRound:
    return SurveyRound.objects.get(organisation__slug="demo-city", title_en__startswith=title)


def staff_pages() -> list[str]:
    closed = _round("Staff needs survey, second round")
    open_round = _round("Quick check")
    return [
        ORG,
        ORG + "surveys/",
        ORG + "surveys/new/",
        ORG + f"surveys/{closed.pk}/",
        ORG + f"surveys/{open_round.pk}/",
        ORG + f"surveys/{open_round.pk}/edit/",
        ORG + f"surveys/{open_round.pk}/answer/",
        ORG + f"surveys/{closed.pk}/answer/",
        "/manage/demo-city/",
    ]


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_staff_pages_are_accessible(page, demo_city, role):
    login_as(page, User.objects.get(email=f"{role}@demo-city.example"))
    for path in staff_pages():
        assert_accessible(page, path)


def test_a_member_answers_the_survey_on_a_phone_without_javascript(browser, live_server, demo_city):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
        locale="fr-BE",
    )
    page = context.new_page()
    viewer = User.objects.get(email="viewer@demo-city.example")
    login_as(page, viewer)
    survey_round = _round("Quick check")
    page.goto(f"{ORG}surveys/{survey_round.pk}/answer/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("J'en sais très peu").check()
    page.get_by_label("Oui, régulièrement").check()
    page.get_by_label("Aucun de ces sujets").check()
    for index in range(7):
        page.locator(f"input[name$='__{_topic(survey_round, index)}'][value='4']").check()
    page.get_by_label("Des vidéos").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.get_by_role("heading", name="Merci d'avoir répondu").is_visible()
    assert SurveyParticipation.objects.filter(round=survey_round, person=viewer).exists()
    context.close()


def _topic(survey_round: SurveyRound, index: int) -> str:
    return survey_round.survey.survey.topics[index].key
