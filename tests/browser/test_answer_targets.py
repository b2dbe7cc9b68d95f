"""On the demo's open answering page (next year's cycle, answers in progress) the answer buttons
are 24 x 24 px targets (WCAG 2.2, 2.5.8), the page passes axe, and the sticky Save bar never
hides the element that has the keyboard focus (2.4.11)."""

from __future__ import annotations

import pytest

from cityrights.assessment.models import AssessmentCycle, CycleStatus
from cityrights.core import demo
from cityrights.core.models import User

from .conftest import assert_accessible, login_as

FOCUSED = """() => {
  const el = document.activeElement;
  const bar = document.querySelector('.form-actions').getBoundingClientRect();
  const box = el.getBoundingClientRect();
  const inBar = el.closest('.form-actions') !== null;
  return {tag: el.tagName, bottom: box.bottom, barTop: bar.top, inBar};
}"""


@pytest.fixture
def open_page(page, transactional_db):
    context = demo.load()
    cycle = AssessmentCycle.objects.get(organisation=context.city, status=CycleStatus.OPEN)
    assert cycle.responses.filter(respondent__email="sofia@demo-city.example").exists()
    login_as(page, User.objects.get(email="sofia@demo-city.example"))
    url = f"/manage/demo-city/assessment/{cycle.year}/answer/inclusion/"
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(url)
    return page, url


def test_answer_buttons_are_24_pixels_and_the_page_passes_axe(open_page):
    page, url = open_page
    sizes = page.eval_on_selector_all(
        "input[type=radio]", "els => els.map(e => [e.offsetWidth, e.offsetHeight])"
    )
    assert sizes and min(min(pair) for pair in sizes) >= 24, sizes[:5]
    assert page.locator("input[type=radio]:checked").count() > 0  # answers in progress
    assert_accessible(page, url)


def test_the_save_bar_never_hides_the_focused_answer(open_page):
    page, _url = open_page
    page.locator("input[type=radio]").first.focus()
    hidden = []
    for _step in range(60):
        page.keyboard.press("Tab")
        seen = page.evaluate(FOCUSED)
        if not seen["inBar"] and seen["bottom"] > seen["barTop"] + 1:
            hidden.append(seen)
    assert hidden == []
