"""The survey's anonymity, held to its design (docs/capacity.md, "Anonymity").

Who answered (participations) and what was answered (answers) share no field, no id
order, no timestamp and no order of storage; answering leaves no audit event, log line
or e-mail; departments under five answers lose their name when the round closes.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from django.core import mail
from django.db import connection, models

from cityrights.capacity import anonymity, services
from cityrights.capacity.models import (
    PooledAnswer,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
)
from cityrights.core.models import AuditEvent, Department

from .conftest import add_staff, full_answers, open_round

ANONYMOUS = (SurveyAnswer, SurveyParticipation, PooledAnswer)


@pytest.mark.parametrize("model", ANONYMOUS, ids=lambda m: m.__name__)
def test_no_time_is_stored_with_answers_or_participations(model):
    timed = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField | models.DateTimeField | models.TimeField)
    ]
    assert timed == []


@pytest.mark.parametrize("model", ANONYMOUS, ids=lambda m: m.__name__)
def test_primary_keys_are_random_uuids_with_no_order(model):
    assert isinstance(model._meta.pk, models.UUIDField)


def test_answers_hold_no_person_and_participations_hold_no_answer():
    answer_fields = {f.name: f for f in SurveyAnswer._meta.get_fields() if f.concrete}
    participation_fields = {f.name: f for f in SurveyParticipation._meta.get_fields() if f.concrete}
    assert set(answer_fields) == {"id", "round", "department", "answers", "others"}
    assert set(participation_fields) == {"id", "round", "person"}
    # The only column both have is the round, which every answer of the round shares.
    assert set(answer_fields) & set(participation_fields) == {"id", "round"}
    for field in answer_fields.values():
        assert field.related_model not in {SurveyParticipation, models.Model}
        assert getattr(field.related_model, "_meta", None) is None or (
            field.related_model._meta.label != "core.User"
        )
    assert all(f.related_model is not SurveyAnswer for f in participation_fields.values())


@pytest.mark.django_db
def test_no_index_on_answers_orders_them_by_anything_but_round_and_department():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, SurveyAnswer._meta.db_table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}
    assert indexed <= {("id",), ("round_id",), ("department_id",)}


def _physical_order(model: type[models.Model]) -> list:
    """The rows of a table in the order the database stores them (what a dump writes)."""
    table = model._meta.db_table
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY {position}")  # noqa: S608 - table name from the model
        return [uuid.UUID(str(row[0])) for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_answers_are_stored_in_shuffled_batches_of_five(city_a):
    staff = add_staff(city_a.city, city_a.department, 20)
    survey_round = open_round(city_a)
    survey = survey_round.survey.survey
    for number, person in enumerate(staff):
        services.answer_round(
            survey_round=survey_round,
            person=person,
            answers=full_answers(survey),
            others={"concerns": f"marker-{number:02d}"},
        )
        stored = SurveyAnswer.objects.filter(round=survey_round).count()
        assert stored == 5 * ((number + 1) // 5), "answers reach the table only in fives"
    assert PooledAnswer.objects.count() == 0
    by_id = {a.pk: a.others["concerns"] for a in SurveyAnswer.objects.all()}
    markers = [int(by_id[pk].split("-")[1]) for pk in _physical_order(SurveyAnswer)]
    # Each stored answer is somewhere in the batch of five it was given in ...
    for position, marker in enumerate(markers):
        assert position // 5 == marker // 5
    # ... and not in the order given (four shuffles of five all in order: 1 in 2e8).
    assert markers != sorted(markers)
    # Primary keys carry no order either.
    by_pk = [int(by_id[pk].split("-")[1]) for pk in sorted(by_id)]
    assert by_pk != sorted(by_pk)


@pytest.mark.django_db
def test_answering_leaves_no_audit_event_no_log_line_and_no_mail(city_a, caplog):
    staff = add_staff(city_a.city, city_a.department, 5)
    survey_round = open_round(city_a)
    events = AuditEvent.objects.count()
    mail.outbox.clear()
    with caplog.at_level(logging.DEBUG):
        for person in staff:
            services.answer_round(
                survey_round=survey_round,
                person=person,
                answers=full_answers(survey_round.survey.survey),
            )
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []
    emails = {person.email for person in staff}
    assert not any(email in record.getMessage() for record in caplog.records for email in emails)


@pytest.mark.django_db
def test_closing_writes_waiting_answers_and_drops_departments_under_five(city_a):
    small = Department.objects.create(organisation=city_a.city, slug="culture", name_en="Culture")
    large = add_staff(city_a.city, city_a.department, 6)
    few = add_staff(city_a.city, small, 3)
    survey_round = open_round(city_a)
    for person in [*large, *few]:
        services.answer_round(
            survey_round=survey_round,
            person=person,
            answers=full_answers(survey_round.survey.survey),
        )
    assert anonymity.waiting(anonymity.survey_pool(survey_round.pk)) == 4
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    assert anonymity.waiting(anonymity.survey_pool(survey_round.pk)) == 0
    departments = list(SurveyAnswer.objects.values_list("department_id", flat=True))
    assert len(departments) == 9
    assert departments.count(city_a.department.pk) == 6
    assert departments.count(None) == 3  # the three from Culture: no group that small is kept
    survey_round.refresh_from_db()
    assert survey_round.audience_size == 9 + 4  # the fixture's four members are asked too


@pytest.mark.django_db
def test_a_person_who_untick_their_department_is_counted_without_it(city_a):
    staff = add_staff(city_a.city, city_a.department, 5)
    survey_round = open_round(city_a)
    for person in staff:
        services.answer_round(
            survey_round=survey_round,
            person=person,
            answers=full_answers(survey_round.survey.survey),
            share_department=False,
        )
    assert set(SurveyAnswer.objects.values_list("department_id", flat=True)) == {None}


@pytest.mark.django_db
def test_answering_twice_a_closed_round_or_a_round_that_does_not_ask_you_is_refused(city_a, city_b):
    survey_round = open_round(city_a)
    person = city_a.users["viewer"]
    answers = full_answers(survey_round.survey.survey)
    services.answer_round(survey_round=survey_round, person=person, answers=answers)
    with pytest.raises(services.CapacityError, match="already answered") as twice:
        services.answer_round(survey_round=survey_round, person=person, answers=answers)
    assert twice.value.status == 409
    with pytest.raises(services.CapacityError, match="does not ask you") as stranger:
        services.answer_round(
            survey_round=survey_round, person=city_b.users["viewer"], answers=answers
        )
    assert stranger.value.status == 403
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    with pytest.raises(services.CapacityError, match="not open") as closed:
        services.answer_round(
            survey_round=SurveyRound.objects.get(pk=survey_round.pk),
            person=city_a.users["editor"],
            answers=answers,
        )
    assert closed.value.status == 409
    assert SurveyParticipation.objects.count() == 1


@pytest.mark.django_db
def test_a_round_for_chosen_departments_asks_only_their_members(city_a):
    other = Department.objects.create(organisation=city_a.city, slug="social", name_en="Social")
    outsider = add_staff(city_a.city, other, 1)[0]
    survey_round = open_round(city_a, audience="departments", departments=[city_a.department])
    answers = full_answers(survey_round.survey.survey)
    with pytest.raises(services.CapacityError, match="does not ask you"):
        services.answer_round(survey_round=survey_round, person=outsider, answers=answers)
    services.answer_round(survey_round=survey_round, person=city_a.users["viewer"], answers=answers)
