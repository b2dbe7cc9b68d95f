"""Every capacity page passes axe's WCAG 2.x A/AA rules, and the survey can be answered
in a browser without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cityrights.capacity.models import (
    Certificate,
    Programme,
    Registration,
    Session,
    SurveyParticipation,
    SurveyRound,
)
from cityrights.core import demo
from cityrights.core.models import User

from .conftest import assert_accessible, login_as

ORG = "/manage/demo-city/capacity/"


@pytest.fixture
def demo_city(transactional_db):
    return demo.load()


def _round(title: str) -> SurveyRound:
    return SurveyRound.objects.get(organisation__slug="demo-city", title_en__startswith=title)


def _programme(title: str) -> Programme:
    return Programme.objects.get(organisation__slug="demo-city", title_en__startswith=title)


def staff_pages() -> list[str]:
    closed = _round("Staff needs survey, second round")
    open_round = _round("Quick check")
    staff = _programme("Digital rights in the city")
    residents = _programme("Privacy and the public good")
    module = residents.modules.get()
    session = module.sessions.order_by("starts_at").first()
    certificate = Certificate.objects.filter(programme=staff).first()
    revoked = Certificate.objects.filter(programme=staff, revoked_at__isnull=False).first()
    return [
        ORG + "programmes/",
        ORG + "programmes/new/",
        ORG + f"programmes/{staff.pk}/",
        ORG + f"programmes/{residents.pk}/",
        ORG + f"programmes/{residents.pk}/edit/",
        ORG + f"programmes/{residents.pk}/rules/",
        ORG + f"programmes/{residents.pk}/attendance/",
        ORG + f"programmes/{residents.pk}/modules/new/",
        ORG + f"programmes/{residents.pk}/modules/{module.pk}/",
        ORG + f"programmes/{residents.pk}/modules/{module.pk}/sessions/new/",
        ORG + f"programmes/{residents.pk}/modules/{module.pk}/sessions/{session.pk}/",
        ORG + f"sessions/{session.pk}/",
        ORG + f"sessions/{session.pk}/attendance/",
        ORG + f"certificates/{certificate.pk}/",
        ORG + f"certificates/{revoked.pk}/",
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


def public_pages() -> list[str]:
    youth = _programme("Your data, your city")
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
    revoked = Certificate.objects.filter(revoked_at__isnull=False).first()
    return [
        "/cities/demo-city/capacity/",
        f"/cities/demo-city/capacity/programmes/{youth.pk}/",
        "/v/",
        f"/v/{certificate.code}",
        f"/v/{revoked.code}",
        "/v/NOSUCHCODE",
    ]


def test_public_pages_are_accessible(page, demo_city):
    for path in public_pages():
        assert_accessible(page, path)


def test_the_residents_pages_are_accessible(page, demo_city):
    resident = User.objects.get(email="resident@demo-city.example")
    login_as(page, resident)
    residents = _programme("Privacy and the public good")
    for path in [
        "/cities/demo-city/capacity/my-record/",
        f"/cities/demo-city/capacity/programmes/{residents.pk}/",
    ]:
        assert_accessible(page, path)
    holder = Certificate.objects.filter(revoked_at__isnull=True).first().person
    login_as(page, holder)
    module = _programme("Your data, your city").modules.get()
    session = module.sessions.first()
    Registration.objects.create(session=session, person=holder, status="registered")
    assert_accessible(page, "/cities/demo-city/capacity/my-record/")
    assert_accessible(page, f"/cities/demo-city/capacity/modules/{module.pk}/self-rating/before/")


def test_a_trainer_ticks_attendance_on_a_phone_without_javascript(browser, live_server, demo_city):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    trainer = User.objects.get(email="editor@demo-city.example")
    login_as(page, trainer)
    session = (
        Session.objects.filter(
            module__programme__title_en__startswith="Privacy and the public", trainer=trainer
        )
        .order_by("starts_at")
        .first()
    )
    page.goto(f"{ORG}sessions/{session.pk}/attendance/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = page.locator("ul.checklist input[type=checkbox]")
    assert boxes.count() == 4  # three registered, one waiting
    height = page.locator("ul.checklist label").first.bounding_box()["height"]
    assert height >= 44  # a comfortable tap target
    boxes.nth(0).check()
    boxes.nth(3).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 2 present, 2 absent.")).to_be_visible()
    present = Registration.objects.filter(session=session, attended=True).count()
    assert present == 2
    context.close()


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
    expect(page.get_by_role("heading", name="Merci d'avoir répondu")).to_be_visible()
    assert SurveyParticipation.objects.filter(round=survey_round, person=viewer).exists()
    context.close()


def _topic(survey_round: SurveyRound, index: int) -> str:
    return survey_round.survey.survey.topics[index].key
