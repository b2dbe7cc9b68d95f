"""Every impact page passes axe's WCAG 2.x A/AA rules; the review journey works in a browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cityrights.core import demo
from cityrights.core.models import User
from cityrights.impact.models import ImpactAssessment, Procurement, Screening
from cityrights.register.models import Entry

from .conftest import assert_accessible, login_as

ORG = "/manage/demo-city/impact/"


@pytest.fixture
def demo_city(transactional_db):
    return demo.load()


def _assessment(title: str) -> ImpactAssessment:
    return ImpactAssessment.objects.get(organisation__slug="demo-city", title__startswith=title)


def staff_pages() -> list[str]:
    on_hold = _assessment("Benefits-fraud")
    review = _assessment("Chat assistant")
    draft = _assessment("Ranking for social housing")
    risk = on_hold.risks.first()
    condition = on_hold.conditions.first()
    screening = Screening.objects.first()
    procurement = Procurement.objects.first()
    pages = [
        ORG,
        ORG + "?q=model&status=decided&risk=high",
        ORG + "?status=nonsense&risk=zero",
        ORG + "new/",
        ORG + "screening/",
        ORG + "procurement/",
        ORG + "procurement/new/",
        ORG + f"procurement/{procurement.pk}/",
        ORG + f"{on_hold.pk}/",
        ORG + f"{review.pk}/",
        ORG + f"{draft.pk}/",
        ORG + f"{draft.pk}/edit/",
        ORG + f"{draft.pk}/section/context/",
        ORG + f"{draft.pk}/section/data-algorithm/",
        ORG + f"{draft.pk}/section/affected-groups/",
        ORG + f"{on_hold.pk}/section/right-equality/",
        ORG + f"{draft.pk}/risks/",
        ORG + f"{on_hold.pk}/risks/",
        ORG + f"{on_hold.pk}/risks/{risk.pk}/",
        ORG + f"{draft.pk}/risks/{draft.risks.first().pk}/",
        ORG + f"{on_hold.pk}/conditions/",
        ORG + f"{on_hold.pk}/conditions/{condition.pk}/close/",
        ORG + f"{on_hold.pk}/summary/",
        ORG + f"{draft.pk}/summary/",
    ]
    if screening is not None:
        pages.append(ORG + f"screening/{screening.pk}/")
    return pages


def public_pages() -> list[str]:
    approved = _assessment("Parking-bay")
    pages = ["/cities/demo-city/impact/", f"/cities/demo-city/impact/{approved.pk}/"]
    for name in ("Benefits-fraud", "Parking-bay"):
        entry = Entry.objects.primary().filter(name_en__startswith=name).first()
        if entry is not None and entry.is_public:
            pages.append(f"/cities/demo-city/register/{entry.code}/")
    return pages


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_staff_pages_are_accessible(page, demo_city, role):
    login_as(page, User.objects.get(email=f"{role}@demo-city.example"))
    for path in staff_pages():
        assert_accessible(page, path)


def test_reviewer_pages_are_accessible(page, demo_city):
    login_as(page, User.objects.get(email="reviewer@demo-city.example"))
    review = _assessment("Chat assistant")
    on_hold = _assessment("Benefits-fraud")
    for path in [
        ORG + f"{review.pk}/",
        ORG + f"{review.pk}/decide/",
        ORG + f"{on_hold.pk}/",
        ORG + f"{on_hold.pk}/conditions/",
        ORG + f"{on_hold.pk}/summary/",
        "/manage/demo-city/",
    ]:
        assert_accessible(page, path)
    entry = on_hold.entry
    if entry is not None:
        assert_accessible(page, f"/manage/demo-city/register/{entry.pk}/")


def test_viewer_pages_are_accessible(page, demo_city):
    login_as(page, User.objects.get(email="viewer@demo-city.example"))
    procurement = Procurement.objects.first()
    on_hold = _assessment("Benefits-fraud")
    for path in [ORG, ORG + f"{on_hold.pk}/", ORG + f"procurement/{procurement.pk}/"]:
        assert_accessible(page, path)


def test_public_pages_are_accessible(page, demo_city):
    for path in public_pages():
        assert_accessible(page, path)


def test_form_errors_are_accessible(page, demo_city):
    login_as(page, User.objects.get(email="editor@demo-city.example"))
    page.goto(ORG + "screening/")
    page.get_by_role("button", name="See the outcome").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page, page.url)
    draft = _assessment("Ranking for social housing")
    page.goto(ORG + f"{draft.pk}/risks/")
    page.get_by_label("What could go wrong", exact=False).fill("Points favour long-term residents.")
    page.get_by_role("button", name="Add the risk").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page, page.url)


def test_a_reviewer_decides_on_hold_in_the_browser(page, demo_city):
    review = _assessment("Chat assistant")
    login_as(page, User.objects.get(email="reviewer@demo-city.example"))
    page.goto(ORG + f"{review.pk}/decide/")
    page.get_by_label("On hold").check()
    page.get_by_label("Reasons").fill("The answers about deadlines are not tested yet.")
    page.get_by_label("Condition 1", exact=True).fill("Test 200 questions about deadlines.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision was recorded.")).to_be_visible()
    review.refresh_from_db()
    assert review.decision == "on_hold"
    assert review.conditions.count() == 1
