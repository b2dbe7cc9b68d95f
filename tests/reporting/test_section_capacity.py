"""Staff capacity in the report: survey response and needs, training, certificates."""

from __future__ import annotations

from django.utils import timezone

from cityrights.capacity import services
from cityrights.capacity.models import Certificate, Registration, Session
from cityrights.capacity.report import capacity_section
from cityrights.core.models import Membership

from .conftest import figures


def _answers(survey, need_of: dict[str, int]) -> dict:
    from tests.capacity.conftest import full_answers

    answers = full_answers(survey)
    for question in survey.questions:
        if question.kind == "topic-scale":
            answers[question.key] = dict(need_of)
    return answers


def test_capacity_figures_match_the_rounds_sessions_and_certificates(city_a):
    from tests.capacity.conftest import add_staff, issued_programme, open_round

    year = timezone.localdate().year
    staff = add_staff(city_a.city, city_a.department, 7)
    today = timezone.localdate()
    survey_round = open_round(city_a, opens_on=today, closes_on=today)
    survey = survey_round.survey.survey
    topics = [topic.key for topic in survey.topics]
    need_of = {key: 1 + index % 4 for index, key in enumerate(topics)}
    for person in staff[:6]:
        services.answer_round(
            survey_round=survey_round, person=person, answers=_answers(survey, need_of)
        )
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    asked = Membership.objects.filter(organisation=city_a.city).count()  # everyone, at closing
    issued_programme(city_a, people=3)

    section = capacity_section(city_a.city, year)
    found = figures(section)

    assert found["survey-rounds"] == 1
    assert found["response-rate"] == round(100 * 6 / asked, 1)
    greatest = max(need_of.values())
    assert found["greatest-need"] == greatest
    needs = {t.key: t for t in section.tables}["needs"].rows
    assert [mean for _name, mean in needs] == sorted(need_of.values(), reverse=True)

    sessions = [s for s in Session.objects.all() if timezone.localtime(s.starts_at).year == year]
    present = [r for r in Registration.objects.filter(attended=True) if r.session in sessions]
    assert found["sessions"] == len(sessions) == 4
    assert found["participants"] == len({r.person_id for r in present}) == 3
    assert found["attendances"] == len(present) == 3 + 2 + 1
    certificates = [
        c
        for c in Certificate.objects.all()
        if c.revoked_at is None and timezone.localtime(c.issued_at).year == year
    ]
    assert found["certificates"] == len(certificates) > 0
    by_kind = dict({t.key: t for t in section.tables}["certificates"].rows)
    assert sum(by_kind.values()) == len(certificates)


def test_a_year_without_surveys_or_training_says_so(city_a):
    section = capacity_section(city_a.city, timezone.localdate().year - 3)
    assert section.holds_nothing
