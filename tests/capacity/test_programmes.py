"""Programmes: registration with a waiting list and e-mails, eligibility, self-ratings
(anonymous, shown from five), learning record, planning from the survey."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cityrights.capacity import services
from cityrights.capacity.models import (
    EvaluationGiven,
    EvaluationRating,
    Programme,
    Registration,
    SurveyRound,
)
from cityrights.core.models import AuditEvent

from .conftest import add_staff, attend, full_answers, new_programme, open_round

pytestmark = pytest.mark.django_db


def test_a_new_programme_has_the_tirana_rules(city_a):
    programme = services.create_programme(
        organisation=city_a.city, actor=city_a.users["editor"], title={"en": "Basics"}
    )
    rules = {r.kind: (r.min_modules, r.max_modules) for r in programme.rules.all()}
    assert rules == {"completion": (3, None), "attendance": (2, 2)}
    assert AuditEvent.objects.filter(action="create", object_id=str(programme.pk)).exists()


def test_a_full_session_puts_people_on_the_waiting_list_and_promotes_them(
    city_a, django_capture_on_commit_callbacks
):
    programme = new_programme(city_a, modules=1, capacity=2)
    session = programme.modules.get().sessions.get()
    people = add_staff(city_a.city, city_a.department, 4)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [services.register(session=session, person=p, actor=p).status for p in people]
    assert statuses == ["registered", "registered", "waiting", "waiting"]
    subjects = [m.subject for m in mail.outbox]
    assert subjects[0].startswith("You are registered") and subjects[2].startswith("On the waiting")
    first = Registration.objects.get(session=session, person=people[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=first, actor=people[0])
    promoted = Registration.objects.get(session=session, person=people[2])
    assert promoted.status == "registered"
    assert [m.to for m in mail.outbox] == [[people[2].email]]
    assert "A place freed up" in mail.outbox[0].subject
    assert Registration.objects.get(person=people[3]).status == "waiting"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_session(
            module=session.module,
            actor=city_a.users["admin"],
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            session_format=session.format,
            capacity=3,
            language="en",
            link=session.link,
            session=session,
        )
    assert Registration.objects.get(person=people[3]).status == "registered"


def test_registering_twice_to_a_staff_programme_as_resident_or_after_start_is_refused(
    city_a, resident
):
    programme = new_programme(city_a, modules=1)
    session = programme.modules.get().sessions.get()
    person = city_a.users["viewer"]
    services.register(session=session, person=person, actor=person)
    with pytest.raises(services.CapacityError, match="registered already"):
        services.register(session=session, person=person, actor=person)
    with pytest.raises(services.CapacityError, match="for the city's staff") as caught:
        services.register(session=session, person=resident, actor=resident)
    assert caught.value.status == 403
    session.starts_at = timezone.now() - timedelta(hours=1)
    session.save()
    with pytest.raises(services.CapacityError, match="started already"):
        services.register(
            session=session, person=city_a.users["editor"], actor=city_a.users["editor"]
        )


def test_residents_register_to_public_modules_through_the_page(city_a, resident):
    programme = new_programme(city_a, modules=1, audience="residents")
    session = programme.modules.get().sessions.get()
    from django.test import Client

    client = Client()
    page = client.get(f"/cities/{city_a.city.slug}/capacity/programmes/{programme.pk}/")
    assert page.status_code == 200 and "log in" in page.content.decode()
    anonymous = client.post(f"/cities/{city_a.city.slug}/capacity/sessions/{session.pk}/register/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(resident)
    response = client.post(
        f"/cities/{city_a.city.slug}/capacity/sessions/{session.pk}/register/", follow=True
    )
    assert "You are registered" in response.content.decode()
    record = client.get(f"/cities/{city_a.city.slug}/capacity/my-record/")
    assert "Module 1" in record.content.decode()


def test_a_staff_programme_is_not_shown_to_residents(city_a, resident):
    from django.test import Client

    programme = new_programme(city_a, modules=1)
    client = Client()
    client.force_login(resident)
    url = f"/cities/{city_a.city.slug}/capacity/programmes/{programme.pk}/"
    assert client.get(url).status_code == 404
    assert city_a.client_for("viewer").get(url).status_code == 200


def test_self_ratings_are_anonymous_and_shown_from_five_after_the_programme(city_a):
    programme = new_programme(city_a, modules=1)
    module = programme.modules.get()
    people = add_staff(city_a.city, city_a.department, 6)
    session = module.sessions.get()
    for person in people:
        services.register(session=session, person=person, actor=person)
    for rating, person in zip([1, 2, 2, 1, 2, 3], people, strict=True):
        services.give_evaluation(module=module, person=person, phase="before", rating=rating)
    with pytest.raises(services.CapacityError, match="not open to you"):
        services.give_evaluation(module=module, person=people[0], phase="before", rating=5)
    with pytest.raises(services.CapacityError, match="not open to you") as early:
        services.give_evaluation(module=module, person=people[0], phase="after", rating=5)
    assert early.value.status == 403
    attend(programme, people[0], 1, city_a.users["admin"])
    services.record_attendance(
        session=session,
        actor=city_a.users["admin"],
        present=[r.pk for r in session.registrations.all()],
    )
    for person in people[:5]:
        services.give_evaluation(module=module, person=person, phase="after", rating=4)
    assert EvaluationGiven.objects.filter(phase="after").count() == 5
    assert {f.name for f in EvaluationRating._meta.concrete_fields} == {
        "id",
        "module",
        "phase",
        "rating",
    }
    services.close_programme(programme=programme, actor=city_a.users["admin"])
    found = programme.modules.get().ratings.count()
    assert found == 11
    from cityrights.capacity import selectors

    ((_module, change),) = selectors.evaluation_results(Programme.objects.get(pk=programme.pk))
    assert change.before == 6 and change.after == 5
    assert change.before_mean == pytest.approx(11 / 6)
    assert change.after_mean == 4.0 and change.signed_change == f"{4 - 11 / 6:+.2f}"


def test_planning_from_a_round_prefills_modules_with_the_top_needs(city_a):
    survey_round = open_round(city_a)
    survey = survey_round.survey.survey
    for person in add_staff(city_a.city, city_a.department, 5):
        answers = full_answers(survey, need=2)
        answers["training-need"]["bias"] = 4
        answers["training-need"]["inclusion"] = 3
        services.answer_round(survey_round=survey_round, person=person, answers=answers)
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    client = city_a.client_for("editor")
    response = client.post(f"/manage/{city_a.city.slug}/capacity/surveys/{survey_round.pk}/plan/")
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert programme.planned_from == SurveyRound.objects.get()
    modules = list(programme.modules.order_by("position"))
    assert modules[0].title_fr.startswith("Introduction")
    assert modules[1].topics == ["bias"] and modules[1].title_nl == "Vooroordelen en discriminatie"
    assert modules[2].topics == ["inclusion"] and modules[1].areas == ["inclusion"]
    assert programme.status == "draft"


def test_materials_are_uploaded_by_editors_and_downloaded_by_who_may_see_the_programme(
    city_a, resident, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from cityrights.capacity.models import Material

    settings.MEDIA_ROOT = tmp_path
    staff_programme = new_programme(city_a, modules=1)
    module = staff_programme.modules.get()
    base = (
        f"/manage/{city_a.city.slug}/capacity/programmes/{staff_programme.pk}/modules/{module.pk}/"
    )
    editor = city_a.client_for("editor")
    refused = editor.post(
        base + "materials/",
        {"title_en": "Slides", "file": SimpleUploadedFile("x.html", b"<script>", "text/html")},
    )
    assert refused.status_code == 422 and not Material.objects.exists()
    both = editor.post(
        base + "materials/",
        {
            "title_en": "Slides",
            "url": "https://example.org/slides",
            "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert both.status_code == 422
    added = editor.post(
        base + "materials/",
        {
            "title_en": "Slides",
            "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert added.status_code == 302
    material = Material.objects.get()
    url = material.get_absolute_url()
    download = city_a.client_for("viewer").get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    outsider = Client()
    outsider.force_login(resident)
    assert outsider.get(url).status_code == 404  # a staff programme's file
    assert city_a.client_for("viewer").post(base + "materials/", {}).status_code == 403
