"""Every participation page passes axe's WCAG 2.x A/AA rules and fits a 390 px phone;
a resident comments on a selected passage with script, and on a section without it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from cityrights.core import demo
from cityrights.core.models import User
from cityrights.participation.models import (
    Comment,
    CommentStatus,
    Consultation,
    DataInitiative,
    PrinciplesVersion,
)

from .conftest import assert_accessible, login_as

PUBLIC = "/cities/demo-city/participation/"
STAFF = "/manage/demo-city/participation/"
CLOSED = PUBLIC + "consultations/digital-rights-declaration/"
OPEN = PUBLIC + "consultations/sensors-in-public-space/"


@pytest.fixture
def demo_city(transactional_db):
    cache.clear()  # rate counters of an earlier test's demo residents
    return demo.load()


def public_pages() -> list[str]:
    closed = Consultation.objects.get(slug="digital-rights-declaration")
    comment = closed.comments.filter(status=CommentStatus.VISIBLE, parent__isnull=True).first()
    hidden = closed.comments.filter(status=CommentStatus.HIDDEN).first()
    initiative = DataInitiative.objects.first()
    return [
        "/cities/demo-city/",
        PUBLIC + "consultations/",
        CLOSED,
        CLOSED + "sections/access-for-all/",
        CLOSED + f"sections/{hidden.section.key}/?v={hidden.section.version.number}",
        CLOSED + f"comments/{comment.pk}/",
        CLOSED + f"comments/{comment.pk}/report/",
        CLOSED + "versions/1/",
        CLOSED + "changes/",
        CLOSED + "changes/?from=1&to=3&language=nl",
        CLOSED + "changes/?from=x",
        CLOSED + "questions/",
        CLOSED + "results/",
        CLOSED + "who-took-part/",
        CLOSED + "about-you/",
        CLOSED + "response/",
        CLOSED + "confirm/not-a-token/",
        OPEN,
        OPEN + "sections/signs/",
        PUBLIC + "principles/",
        PUBLIC + "principles/1/",
        PUBLIC + "initiatives/",
        PUBLIC + "initiatives/?role=data-collector",
        PUBLIC + "initiatives/?role=nonsense",
        PUBLIC + "initiatives/roles/",
        PUBLIC + f"initiatives/{initiative.slug}/",
    ]


def staff_pages() -> list[str]:
    closed = Consultation.objects.get(slug="digital-rights-declaration")
    open_ = Consultation.objects.get(slug="sensors-in-public-space")
    section = open_.versions.get(number=1).sections.first()
    question = closed.questions.first()
    comment = closed.comments.filter(status=CommentStatus.VISIBLE, parent__isnull=True).first()
    hidden = closed.comments.filter(status=CommentStatus.HIDDEN).first()
    version = PrinciplesVersion.objects.get(organisation__slug="demo-city", number=2)
    principle_section = version.sections.first()
    principle = principle_section.principles.first()
    initiative = DataInitiative.objects.first()
    c, o = f"{STAFF}consultations/{closed.pk}/", f"{STAFF}consultations/{open_.pk}/"
    return [
        "/manage/demo-city/",
        STAFF + "consultations/",
        STAFF + "consultations/new/",
        c,
        o,
        o + "edit/",
        c + "versions/3/",
        o + "versions/1/",
        o + "questions/",
        c + "questions/",
        c + f"questions/{question.pk}/",
        c + "response/",
        c + f"response/comments/{comment.pk}/",
        STAFF + "moderation/",
        STAFF + f"moderation/{hidden.pk}/",
        STAFF + f"moderation/{comment.pk}/",
        STAFF + "population/",
        STAFF + "principles/",
        STAFF + "principles/review/",
        STAFF + f"principles/{version.pk}/",
        STAFF + f"principles/{version.pk}/sections/{principle_section.pk}/",
        STAFF
        + f"principles/{version.pk}/sections/{principle_section.pk}/principles/{principle.pk}/",
        STAFF + f"principles/actions/{principle.key}/",
        STAFF + "initiatives/",
        STAFF + "initiatives/new/",
        STAFF + f"initiatives/{initiative.pk}/",
        o + f"versions/1/sections/{section.pk}/",
    ]


def _too_wide(page, paths) -> list[str]:
    """The pages wider than a 390 px phone (tables scroll inside their own box)."""
    page.set_viewport_size({"width": 390, "height": 844})
    wide = []
    for path in paths:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 392:
            wide.append(f"{path}: {width}px")
    return wide


def test_public_pages_are_accessible_and_fit_a_phone(page, demo_city):
    for path in public_pages():
        assert_accessible(page, path)
    assert _too_wide(page, public_pages()) == []


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_staff_pages_are_accessible(page, demo_city, role):
    login_as(page, User.objects.get(email=f"{role}@demo-city.example"))
    for path in staff_pages():
        assert_accessible(page, path)


def test_staff_pages_fit_a_phone(page, demo_city):
    login_as(page, User.objects.get(email="admin@demo-city.example"))
    # The dashboard is left out: its width depends on every app's panel, not on this app.
    assert _too_wide(page, staff_pages()[1:]) == []


def test_a_resident_comments_on_a_selected_passage(page, demo_city):
    login_as(page, User.objects.get(email="resident@demo-city.example"))
    page.goto(OPEN + "sections/faces/")
    page.evaluate(
        """() => {
          const column = document.querySelector(
            '[data-passage-source] .language-column p:not(.language-name)');
          const range = document.createRange();
          range.setStart(column.firstChild, 0);
          range.setEnd(column.firstChild, 10);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }"""
    )
    button = page.get_by_role("button", name="Comment on the selected passage")
    button.wait_for()
    button.click()
    expect(page.locator("textarea[name=quote]")).to_have_value("Cameras in")
    page.wait_for_timeout(3100)  # the spam guard wants a few seconds of reading
    page.get_by_label("Your comment").fill("Also no recognition by the way people walk.")
    page.get_by_role("button", name="Send the comment").click()
    expect(page.get_by_text("Thank you, your comment is published.")).to_be_visible()
    comment = Comment.objects.get(body="Also no recognition by the way people walk.")
    assert comment.quote == "Cameras in"
    assert_accessible(page, page.url.split("#")[0])


def test_forms_work_without_javascript_and_show_errors_accessibly(browser, live_server, demo_city):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, bypass_csp=True, locale="en-GB"
    )
    page = context.new_page()
    login_as(page, User.objects.get(email="resident@demo-city.example"))
    page.goto(OPEN + "sections/purpose/")
    assert page.get_by_role("button", name="Comment on the selected passage").count() == 0
    page.get_by_label("Passage you comment on (optional)").fill("words that are not there")
    page.wait_for_timeout(3100)
    page.get_by_label("Your comment").fill("A comment.")
    page.get_by_role("button", name="Send the comment").click()
    # Once in the summary at the top (linked to the field), once beside the field itself.
    beside = "The passage is not in this section's text; copy it exactly or leave it empty."
    expect(page.get_by_text(beside, exact=True)).to_be_visible()
    summary = page.get_by_role("link", name="Passage you comment on")
    assert summary.count() >= 1
    context.close()
