"""Survey pages on the server: who may open, answer and read, and suppression in every
view and download."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cityrights.capacity import services
from cityrights.capacity.models import SurveyAnswer, SurveyParticipation, SurveyRound
from cityrights.core.models import AuditEvent, Department

from .conftest import add_staff, full_answers, open_round

pytestmark = pytest.mark.django_db


def _url(city, name: str, pk: int | None = None) -> str:
    base = f"/manage/{city.city.slug}/capacity/surveys/"
    if name == "list":
        return base
    if name == "new":
        return base + "new/"
    suffix = {"detail": "", "answer": "answer/", "close": "close/", "csv": "results.csv"}
    suffix |= {"json": "results.json", "edit": "edit/", "delete": "delete/"}
    return f"{base}{pk}/{suffix[name]}"


def _new_round_data(**extra):
    today = timezone.localdate()
    data = {
        "title_en": "Autumn round",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=10)).isoformat(),
        "audience": "all",
        "invite": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", ["viewer", "editor", "reviewer"])
def test_only_an_administrator_opens_a_round(city_a, role):
    client = city_a.client_for(role)
    assert client.get(_url(city_a, "new")).status_code == 403
    assert client.post(_url(city_a, "new"), _new_round_data()).status_code == 403
    assert SurveyRound.objects.count() == 0


def test_an_administrator_opens_a_round_invites_staff_and_it_is_audited(
    city_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = city_a.client_for("admin").post(_url(city_a, "new"), _new_round_data())
    assert response.status_code == 302
    created = SurveyRound.objects.get()
    assert created.title_en == "Autumn round"
    assert AuditEvent.objects.filter(action="open", object_id=str(created.pk)).exists()
    assert len(mail.outbox) == 4  # one per member of the city
    assert f"/capacity/surveys/{created.pk}/answer/" in mail.outbox[0].body


def test_a_round_that_closes_before_it_opens_is_refused_on_the_form(city_a):
    today = timezone.localdate()
    data = _new_round_data(closes_on=(today - timedelta(days=1)).isoformat())
    response = city_a.client_for("admin").post(_url(city_a, "new"), data)
    assert response.status_code == 422
    assert "cannot close before it opens" in response.content.decode()


def test_chosen_departments_are_required_when_the_audience_is_departments(city_a):
    data = _new_round_data(audience="departments")
    response = city_a.client_for("admin").post(_url(city_a, "new"), data)
    assert response.status_code == 422
    assert "Choose at least one department" in response.content.decode()


def _form_data(survey, **change):
    data = {}
    for question in survey.questions:
        if question.kind == "topic-scale":
            for topic in survey.topics:
                data[f"{question.key}__{topic.key}"] = "3"
        elif question.kind == "single":
            data[question.key] = question.options[0].key
        else:
            data[question.key] = [question.options[0].key]
    data["share_department"] = "on"
    data.update(change)
    return data


def test_a_member_answers_once_through_the_page(city_a):
    survey_round = open_round(city_a)
    survey = survey_round.survey.survey
    client = city_a.client_for("viewer")
    page = client.get(_url(city_a, "answer", survey_round.pk))
    assert page.status_code == 200
    assert "How necessary is training for you" in page.content.decode()
    response = client.post(_url(city_a, "answer", survey_round.pk), _form_data(survey))
    assert response.status_code == 302
    assert SurveyParticipation.objects.filter(person=city_a.users["viewer"]).count() == 1
    thanks = client.get(_url(city_a, "answer", survey_round.pk))
    assert "Thank you for answering" in thanks.content.decode()
    again = client.post(_url(city_a, "answer", survey_round.pk), _form_data(survey))
    assert again.status_code == 200  # the thank-you page again, nothing recorded
    assert SurveyParticipation.objects.count() == 1


def test_an_incomplete_answer_is_refused_next_to_the_question(city_a):
    survey_round = open_round(city_a)
    data = _form_data(survey_round.survey.survey)
    del data["training-need__ethics"]
    data["prior-training"] = ["none", "human-rights"]
    response = city_a.client_for("viewer").post(_url(city_a, "answer", survey_round.pk), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required" in html
    assert "cannot be combined" not in html or "none" in html
    assert SurveyParticipation.objects.count() == 0


def test_a_survey_page_answers_in_the_readers_language(city_a):
    survey_round = open_round(city_a)
    client = city_a.client_for("viewer")
    html = client.get(_url(city_a, "answer", survey_round.pk), HTTP_ACCEPT_LANGUAGE="nl").content
    assert "Hoe nodig is een opleiding voor u" in html.decode()


def test_answering_a_closed_round_or_one_that_does_not_ask_you_says_why(city_a, city_b):
    survey_round = open_round(city_a)
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    response = city_a.client_for("viewer").get(_url(city_a, "answer", survey_round.pk))
    assert response.status_code == 409
    assert "not open for answers" in response.content.decode()
    other = city_b.client_for("viewer").get(_url(city_a, "answer", survey_round.pk))
    assert other.status_code == 403  # no role in City A at all


def test_another_citys_round_is_not_found(city_a, city_b):
    survey_round = open_round(city_b)
    assert (
        city_a.client_for("admin").get(_url(city_a, "detail", survey_round.pk)).status_code == 404
    )


@pytest.fixture
def closed_round(city_a):
    """A closed round: 7 answers from Mobility, 3 from Culture (under five), 1 without."""
    culture = Department.objects.create(organisation=city_a.city, slug="culture", name_en="Culture")
    survey_round = open_round(city_a)
    survey = survey_round.survey.survey
    for index, person in enumerate(add_staff(city_a.city, city_a.department, 7)):
        services.answer_round(
            survey_round=survey_round,
            person=person,
            answers=full_answers(survey, need=4),
            others={"concerns": f"Worry number {index}"},
        )
    for person in add_staff(city_a.city, culture, 3):
        services.answer_round(
            survey_round=survey_round, person=person, answers=full_answers(survey, need=1)
        )
    services.answer_round(
        survey_round=survey_round,
        person=city_a.users["editor"],
        answers=full_answers(survey, need=2),
        share_department=False,
    )
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    return SurveyRound.objects.get(pk=survey_round.pk)


def test_results_are_hidden_while_the_round_is_open(city_a):
    survey_round = open_round(city_a)
    html = city_a.client_for("viewer").get(_url(city_a, "detail", survey_round.pk)).content.decode()
    assert "Results appear when the round has closed" in html
    assert "<svg" not in html


def test_results_show_the_city_and_hide_small_groups_on_the_page(city_a, closed_round):
    response = city_a.client_for("viewer").get(_url(city_a, "detail", closed_round.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The whole city" in html and "<svg" in html and "<table>" in html
    assert "Worry number 3" in html  # free texts, without department
    # Mobility (7) is shown; Culture (3) is not, and the rest (3 + 1 = 4 < 5) would let
    # someone subtract Mobility from the city total, so Mobility is hidden too.
    assert "<summary><strong>Mobility</strong>" not in html
    assert "Not shown, to keep answers anonymous" in html
    assert SurveyAnswer.objects.filter(department__slug="culture").count() == 0


def test_downloads_carry_only_disclosed_groups(city_a, closed_round):
    client = city_a.client_for("viewer")
    data = json.loads(client.get(_url(city_a, "json", closed_round.pk)).content)
    assert data["city"]["respondents"] == 11
    assert data["departments"] == []
    assert data["minimum_group"] == 5
    assert data["response"]["answered"] == 11
    assert "Worry number" not in json.dumps(data)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(_url(city_a, "csv", closed_round.pk)).content.decode())
        )
    )
    assert {row["group"] for row in rows} == {"city", "Culture", "Mobility"}
    assert all(row["suppressed"] == "yes" for row in rows if row["group"] != "city")
    assert data["suppressed_departments"] == ["Culture", "Mobility"]
    need = [row for row in rows if row["question"] == "training-need"]
    assert [row["item"] for row in need][:1] and float(need[0]["mean"]) >= float(need[-1]["mean"])


def test_a_large_enough_department_is_shown_on_its_own(city_a):
    survey_round = open_round(city_a)
    survey = survey_round.survey.survey
    culture = Department.objects.create(organisation=city_a.city, slug="culture", name_en="Culture")
    for person in add_staff(city_a.city, city_a.department, 6) + add_staff(city_a.city, culture, 5):
        services.answer_round(
            survey_round=survey_round, person=person, answers=full_answers(survey)
        )
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    data = json.loads(
        city_a.client_for("viewer").get(_url(city_a, "json", survey_round.pk)).content
    )
    assert sorted(d["department"] for d in data["departments"]) == ["Culture", "Mobility"]
    html = city_a.client_for("viewer").get(_url(city_a, "detail", survey_round.pk)).content.decode()
    assert "<summary><strong>Culture</strong>" in html


def test_closing_needs_the_manage_capability_and_is_audited(city_a):
    survey_round = open_round(city_a)
    assert (
        city_a.client_for("editor").post(_url(city_a, "close", survey_round.pk)).status_code == 403
    )
    response = city_a.client_for("admin").post(_url(city_a, "close", survey_round.pk))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="close", object_id=str(survey_round.pk)).exists()
    again = city_a.client_for("admin").post(_url(city_a, "close", survey_round.pk), follow=True)
    assert "already closed" in again.content.decode()


def test_a_round_past_its_last_day_is_finalised_when_opened(city_a):
    survey_round = open_round(city_a)
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        opens_on=timezone.localdate() - timedelta(days=20),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    Client().logout()
    city_a.client_for("viewer").get(_url(city_a, "detail", survey_round.pk))
    survey_round.refresh_from_db()
    assert survey_round.closed_at is not None and survey_round.audience_size == 4


def test_closing_keeps_the_counts_and_results_read_them(city_a, closed_round):
    from cityrights.capacity import results, selectors

    assert closed_round.tallies is not None
    kept = selectors.round_results(closed_round)
    counted = results.from_tallies(
        closed_round.survey.survey,
        selectors.tallies(closed_round),
        list(closed_round.answers.exclude(others={}).values_list("others", flat=True)),
    )
    assert kept.city == counted.city and kept.respondents == 11
    assert sorted(kept.others["concerns"]) == sorted(counted.others["concerns"])
    # A department deleted later counts with the answers without department.
    city_a.department.delete()
    again = selectors.round_results(SurveyRound.objects.get(pk=closed_round.pk))
    assert again.city == kept.city and again.departments == {}
