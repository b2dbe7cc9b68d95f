"""Every assessment page passes axe's WCAG 2.x A/AA rules; a respondent answers in the browser."""

from __future__ import annotations

import pytest

from cityrights.assessment.models import AssessmentCycle, RoadmapAction
from cityrights.core import demo
from cityrights.core.models import User

from .conftest import assert_accessible, login_as

STAFF_PAGES = [
    "/manage/demo-city/assessment/",
    "/manage/demo-city/assessment/{year}/",
    "/manage/demo-city/assessment/{year}/assignments/",
    "/manage/demo-city/assessment/{year}/answer/transparency/",
    "/manage/demo-city/assessment/{year}/review/",
    "/manage/demo-city/assessment/{year}/review/?show=disagreements",
    "/manage/demo-city/assessment/{year}/review/inc-f-1/",
    "/manage/demo-city/assessment/{year}/results/",
    "/manage/demo-city/assessment/import/",
    "/manage/demo-city/assessment/coalition/",
    "/manage/demo-city/assessment/roadmap/",
    "/manage/demo-city/assessment/roadmap/new/",
    "/manage/demo-city/assessment/roadmap/new/?cycle={year}&recommendation={recommendation}",
    "/manage/demo-city/assessment/roadmap/{action}/",
    "/manage/demo-city/",
]

PUBLIC_PAGES = [
    "/cities/demo-city/",
    "/cities/demo-city/assessment/",
    "/cities/demo-city/assessment/{previous}/",
    "/cities/demo-city/assessment/scale/",
]


@pytest.fixture
def demo_city(transactional_db):
    context = demo.load()
    cycle = AssessmentCycle.objects.filter(organisation=context.city).order_by("-year").first()
    action = RoadmapAction.objects.filter(organisation=context.city, recommendation__gt="").first()
    return {
        "context": context,
        "year": cycle.year,
        "previous": cycle.year - 1,
        "action": action.pk,
        "recommendation": action.recommendation,
    }


def _format(path: str, demo_city) -> str:
    return path.format(**{k: v for k, v in demo_city.items() if k != "context"})


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_are_accessible(page, demo_city, path):
    login_as(page, User.objects.get(email="admin@demo-city.example"))
    assert_accessible(page, _format(path, demo_city))


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_accessible(page, demo_city, path):
    assert_accessible(page, _format(path, demo_city))


def test_coalition_members_page_is_accessible(page, demo_city):
    login_as(page, User.objects.get(email="secretariat@coalition.example"))
    assert_accessible(page, "/manage/cities-coalition-demo/assessment/coalition/")


def test_a_respondent_answers_in_an_open_cycle(page, demo_city):
    """Reopen this year's cycle, then answer with the keyboard-free form and see errors."""
    from cityrights.assessment import services

    context = demo_city["context"]
    cycle = AssessmentCycle.objects.get(organisation=context.city, year=demo_city["year"])
    services.reopen(cycle, context.users["admin"], "Browser test")
    login_as(page, User.objects.get(email="sofia@demo-city.example"))
    url = f"/manage/demo-city/assessment/{cycle.year}/answer/inclusion/"
    page.goto(url)
    page.locator("#id_inc-f-1-value_0").check()  # "No answer yet"
    page.locator("#id_inc-f-1-comment").fill("A comment without a level")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.locator(".errorlist").first.is_visible()
    page.locator("#id_inc-f-1-value_4").check()
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Your answers were saved." in page.content()
    assert_accessible(page, url)


def test_validation_error_page_is_accessible(page, demo_city):
    login_as(page, User.objects.get(email="admin@demo-city.example"))
    page.goto("/manage/demo-city/assessment/roadmap/new/")
    page.get_by_role("button", name="Add to the roadmap").click()
    assert page.locator(".errorlist").first.is_visible()
    from axe_playwright_python.sync_playwright import Axe

    from .conftest import AXE_TAGS

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()
